"""The CVR register adapter against the loopback stand-in: parsing, not found, and every way it can fail."""
import pytest

from app.services.integrations import cvr_register as register
from app.services.integrations.cvr_register import BoardMember, RegisterUnavailable
from tests import cvr_standin as standin


def test_active_association_is_read_with_its_board(cvr_register):
    entry = register.lookup(standin.ACTIVE_CVR)
    assert (entry.cvr, entry.name, entry.street, entry.postcode, entry.city) == (
        "25063783", "Skakklubben Springeren", "Torvet 3", "2730", "Herlev")
    assert (entry.company_form, entry.status, entry.ceased) == ("Forening", "Aktiv", False)
    assert entry.board == (BoardMember("Anna Lund", "FORMAND"), BoardMember("Bo Skov", "KASSERER"))


def test_ceased_company_is_marked_ceased(cvr_register):
    entry = register.lookup(standin.CEASED_CVR)
    assert entry.ceased and entry.status == "OPLØSTEFTERFRIVILLIGLIKVIDATION" and entry.board == ()


def test_unknown_cvr_is_none(cvr_register):
    assert register.lookup(standin.UNKNOWN_CVR) is None


def test_changed_board_keeps_only_current_roles(cvr_register):
    cvr_register.changed = True
    entry = register.lookup(standin.CHANGING_CVR)
    assert entry.street == "Idrætsvej 4"
    assert entry.board == (BoardMember("Karen Holm", "BESTYRELSESMEDLEM"), BoardMember("Sofie Dahl", "FORMAND"))


@pytest.mark.parametrize("mode", ["error", "garbage", "slow"])
def test_errors_timeouts_and_garbage_are_unavailable(cvr_register, mode):
    cvr_register.mode, cvr_register.slow_seconds = mode, 1.0
    with pytest.raises(RegisterUnavailable):
        register.lookup(standin.ACTIVE_CVR)


def test_wrong_credentials_are_unavailable(app, cvr_register):
    app.config["CVR_REGISTER_PASSWORD"] = "forkert"
    with pytest.raises(RegisterUnavailable, match="401"):
        register.lookup(standin.ACTIVE_CVR)


def test_nothing_listening_is_unavailable(app, cvr_register):
    app.config["CVR_REGISTER_URL"] = "http://127.0.0.1:9/cvr-permanent/virksomhed/_search"
    with pytest.raises(RegisterUnavailable):
        register.lookup(standin.ACTIVE_CVR)


@pytest.mark.parametrize("document", [
    {}, {"hits": {}}, {"hits": {"hits": [{"_source": {}}]}}, [],
    {"hits": {"hits": [{"_source": {"Vrvirksomhed": {"cvrNummer": 1, "virksomhedMetadata": {"nyesteNavn": None}}}}]}},
])
def test_malformed_answers_are_refused_by_parse(document):
    with pytest.raises(ValueError):
        register.parse(document)


@pytest.mark.parametrize("status, ceased", [
    ("Aktiv", False), ("NORMAL", False), ("Ophørt", True), ("OPLØSTEFTERKONKURS", True), ("TVANGSOPLØST", True),
    ("UNDERKONKURS", False), (None, False)])
def test_ceased_statuses(status, ceased):
    assert register.is_ceased(status) is ceased


def test_unconfigured_register_is_not_configured(app):
    assert not register.is_configured()
