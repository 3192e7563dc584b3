"""Case pages show the engine's buttons; actions go through the service; diagrams render."""
import pytest

from app.extensions import db
from app.models import Case
from app.services.cases import core as case_service
from app.services.cases import transitions
from workflows import registry


@pytest.fixture
def setup(factory):
    member = factory.user(email="karen@example.dk")
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    pool = factory.pool()
    association = factory.association(members=(member,))
    db.session.commit()
    case = case_service.create_draft(pool, association, member, "Sommerlejr", 10_000)
    return {"member": member, "caseworker": caseworker, "case": case}


def test_applicant_sees_submit_button_from_engine(client, auth, setup):
    auth.login("karen@example.dk")
    body = client.get(f"/forening/sager/{setup['case'].id}").get_data(as_text=True)
    assert 'value="submit"' in body and "Indsend ansøgning" in body
    assert 'value="discard"' in body
    assert 'value="start_screening"' not in body


def test_applicant_submits_through_the_page(client, auth, setup):
    auth.login("karen@example.dk")
    case = setup["case"]
    resp = client.post(f"/forening/sager/{case.id}/handling", data={"action": "submit", "version": case.version},
                       follow_redirects=True)
    assert "Handlingen er udført" in resp.get_data(as_text=True)
    assert db.session.get(Case, case.id).state == "submitted"


def test_stale_form_gets_clear_message(client, auth, setup):
    auth.login("karen@example.dk")
    case = setup["case"]
    old_version = case.version
    transitions.perform(case.id, "submit", setup["member"])
    resp = client.post(f"/forening/sager/{case.id}/handling", data={"action": "withdraw", "version": old_version},
                       follow_redirects=True)
    assert "ændret af en anden" in resp.get_data(as_text=True)
    assert db.session.get(Case, case.id).state == "submitted"


def test_unknown_action_is_a_message_not_a_500(client, auth, setup):
    auth.login("karen@example.dk")
    case = setup["case"]
    resp = client.post(f"/forening/sager/{case.id}/handling", data={"action": "<script>", "version": "x"},
                       follow_redirects=True)
    assert resp.status_code == 200 and "ikke mulig" in resp.get_data(as_text=True)


def test_caseworker_sees_staff_buttons(client, auth, setup):
    transitions.perform(setup["case"].id, "submit", setup["member"])
    auth.login("mette@kommune.dk")
    body = client.get(f"/sagsbehandling/sager/{setup['case'].id}").get_data(as_text=True)
    assert 'value="start_screening"' in body and 'value="submit"' not in body


def test_other_association_gets_404(client, auth, factory, setup):
    factory.user(email="other@example.dk")
    db.session.commit()
    auth.login("other@example.dk")
    assert client.get(f"/forening/sager/{setup['case'].id}").status_code == 404
    assert client.post(f"/forening/sager/{setup['case'].id}/handling", data={"action": "submit"}).status_code == 404


def test_member_cannot_open_staff_case_page(client, auth, setup):
    auth.login("karen@example.dk")
    assert client.get(f"/sagsbehandling/sager/{setup['case'].id}").status_code == 403


def test_drafts_are_not_visible_to_staff(client, auth, setup):
    auth.login("mette@kommune.dk")
    assert client.get(f"/sagsbehandling/sager/{setup['case'].id}").status_code == 404


@pytest.mark.parametrize("name", registry.names())
def test_public_diagram_page(client, name):
    body = client.get(f"/sagsgange/{name}").get_data(as_text=True)
    assert "<svg" in body and 'role="img"' in body
    for state in registry.get(name).states:
        assert state.staff_label.split(" ")[0] in body


def test_unknown_workflow_is_404(client):
    assert client.get("/sagsgange/findes-ikke").status_code == 404


def test_workflow_index_lists_all(client):
    body = client.get("/sagsgange").get_data(as_text=True)
    for name in registry.names():
        assert f"/sagsgange/{name}" in body
