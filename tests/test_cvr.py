"""CVR numbers: eight digits with a modulus-11 check."""
import pytest

from app.validators import is_valid_cvr, normalise_cvr


@pytest.mark.parametrize("cvr", ["12345674", "29403473", "10103940", "25063783", "30060946"])
def test_valid(cvr):
    assert is_valid_cvr(cvr)


@pytest.mark.parametrize("cvr", ["12345678", "1234567", "123456745", "abcdefgh", "", "02345674", "12345675"])
def test_invalid(cvr):
    assert not is_valid_cvr(cvr)


def test_normalise():
    assert normalise_cvr(" DK 1234 5674 ") == "12345674"
