"""The weighted score is sum(score * weight) / sum(weight), shown with one decimal."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.cases.assessment import score_label, weighted_score


def test_weighted_score_examples():
    assert weighted_score([(4, 2), (1, 1)]) == pytest.approx(3.0)
    assert weighted_score([(5, 3), (2, 2), (0, 2)]) == pytest.approx(19 / 7)
    assert weighted_score([(3, 1)]) == 3


def test_nothing_scored_is_none():
    assert weighted_score([]) is None


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 10)), min_size=1, max_size=12))
def test_weighted_score_lies_between_lowest_and_highest(pairs):
    value = weighted_score(pairs)
    assert min(s for s, _ in pairs) - 1e-9 <= value <= max(s for s, _ in pairs) + 1e-9


@given(st.lists(st.tuples(st.integers(0, 5), st.integers(1, 10)), min_size=1, max_size=12), st.integers(2, 5))
def test_scaling_all_weights_changes_nothing(pairs, k):
    assert weighted_score(pairs) == pytest.approx(weighted_score([(s, w * k) for s, w in pairs]))


def test_label_has_one_decimal_in_danish(app):
    with app.test_request_context():
        assert score_label(19 / 7) == "2,7"
        assert score_label(3) == "3,0"
        assert score_label(None) == "–"
