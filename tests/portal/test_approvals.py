"""Approval as folkeoplysende forening: request → caseworker approves → the pool's rule is met; børneattest."""
from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import AssociationApproval, AssociationEvent, OutboxMessage
from app.models.association import ApprovalRequest
from app.services.applying.eligibility import eligibility_problems


@pytest.fixture
def strict_pool(world, factory):
    today = clock.today()
    pool = factory.pool(committee=world["pool"].committee, name="Lokaletilskud", year=today.year,
                        opens_on=today - timedelta(days=1), deadline=today + timedelta(days=60),
                        requires_approval=True, requires_child_certificate=True)
    world["a"].works_with_children = True
    db.session.commit()
    return pool


def _request(client, auth, world, message="Vi har 40 betalende medlemmer."):
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/foreninger/{world['a'].id}/godkendelse", data={"message": message})
    auth.logout()
    return resp


def test_request_then_staff_approves_then_eligible(client, auth, world, strict_pool):
    a = world["a"]
    assert len(eligibility_problems(a, strict_pool, clock.today())) == 2
    assert _request(client, auth, world).status_code == 302
    request = db.session.scalar(db.select(ApprovalRequest))
    assert (request.status, request.year, request.requested_by_id) == ("pending", clock.today().year, world["chair"].id)
    assert db.session.scalar(db.select(OutboxMessage.template).where(OutboxMessage.template == "approval_requested"))
    auth.login("mette@kommune.dk")
    page = client.get("/sagsbehandling/godkendelser/").get_data(as_text=True)
    assert "Boldklubben Nordstjernen" in page and "Vi har 40 betalende medlemmer." in page
    resp = client.post(f"/sagsbehandling/godkendelser/{request.id}/godkend", data={"note": ""}, follow_redirects=True)
    assert "er godkendt for" in resp.get_data(as_text=True)
    approval = db.session.scalar(db.select(AssociationApproval))
    assert (approval.association_id, approval.year, approval.approved_by_id) == (a.id, clock.today().year, world["caseworker"].id)
    db.session.refresh(request)
    assert request.status == "approved" and request.decided_by_id == world["caseworker"].id
    notice = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "approval_decided"))
    assert notice.recipient == a.contact_email and notice.payload["approved"] is True
    # Approving again does nothing more.
    client.post(f"/sagsbehandling/godkendelser/{request.id}/godkend", data={})
    assert db.session.scalar(db.select(db.func.count()).select_from(AssociationApproval)) == 1
    db.session.expire_all()
    [left] = eligibility_problems(db.session.get(type(a), a.id), strict_pool, clock.today())
    assert "børneattest" in str(left)
    actions = [e.action for e in db.session.scalars(db.select(AssociationEvent).order_by(AssociationEvent.id))]
    assert actions == ["approval_requested", "approval_granted"]


def test_association_page_shows_readiness_per_open_pool(client, auth, world, strict_pool):
    auth.login("karen@example.dk")
    body = client.get(f"/forening/foreninger/{world['a'].id}").get_data(as_text=True)
    assert "Klar til at søge" in body  # the ordinary pool
    assert "Lokaletilskud" in body and "godkendt som folkeoplysende forening" in body
    assert "Bed om godkendelse for" in body and "Afgiv erklæringen" in body


def test_refusal_needs_a_reason_and_can_be_asked_again(client, auth, world):
    _request(client, auth, world)
    request = db.session.scalar(db.select(ApprovalRequest))
    auth.login("mette@kommune.dk")
    body = client.post(f"/sagsbehandling/godkendelser/{request.id}/afvis", data={"note": "  "}).get_data(as_text=True)
    assert "Skriv begrundelsen" in body and 'id="error-summary"' in body
    client.post(f"/sagsbehandling/godkendelser/{request.id}/afvis", data={"note": "Vedtægterne mangler."})
    db.session.refresh(request)
    assert request.status == "rejected" and request.decision_note == "Vedtægterne mangler."
    notice = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "approval_decided"))
    assert notice.payload["approved"] is False and notice.payload["appeal"]
    auth.logout()
    auth.login("karen@example.dk")
    body = client.get(f"/forening/foreninger/{world['a'].id}").get_data(as_text=True)
    assert "Vedtægterne mangler." in body
    auth.logout()
    _request(client, auth, world, message="Nu med vedtægter.")
    db.session.refresh(request)
    assert request.status == "pending" and request.message == "Nu med vedtægter."


def test_double_request_is_a_message(client, auth, world):
    _request(client, auth, world)
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/foreninger/{world['a'].id}/godkendelse", data={}, follow_redirects=True)
    assert "allerede bedt om godkendelse" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(ApprovalRequest)) == 1


def test_too_long_message_is_not_a_500(client, auth, world):
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/foreninger/{world['a'].id}/godkendelse", data={"message": "x" * 3000},
                       follow_redirects=True)
    assert resp.status_code == 200 and "højst 2000 tegn" in resp.get_data(as_text=True)


@pytest.mark.parametrize("email, status", [("karen@example.dk", 403), ("lise@kommune.dk", 403)])
def test_staff_page_is_for_caseworkers(client, auth, world, email, status):
    auth.login(email)
    assert client.get("/sagsbehandling/godkendelser/").status_code == status
    assert client.post("/sagsbehandling/godkendelser/1/godkend").status_code == status


def test_unknown_request_is_a_message(client, auth, world):
    auth.login("mette@kommune.dk")
    resp = client.post("/sagsbehandling/godkendelser/999/godkend", data={}, follow_redirects=True)
    assert resp.status_code == 200 and "allerede besvaret" in resp.get_data(as_text=True)


def test_declaration_records_when_and_who(client, auth, world):
    auth.login("karen@example.dk")
    url = f"/forening/foreninger/{world['a'].id}/boerneattest"
    body = client.post(url, data={"works_with_children": "yes"}).get_data(as_text=True)
    assert "Sæt kryds for at afgive erklæringen" in body and 'id="error-summary"' in body
    resp = client.post(url, data={"works_with_children": "yes", "declares": "y"})
    assert resp.status_code == 302
    db.session.expire_all()
    a = db.session.get(type(world["a"]), world["a"].id)
    assert a.works_with_children and a.child_certificate_declared_at and a.child_certificate_declared_by_id == world["chair"].id
    body = client.get(f"/forening/foreninger/{a.id}").get_data(as_text=True)
    assert "Erklæring afgivet" in body and "Karen Holm" in body and "skal fornyes senest" in body
    actions = [e.action for e in db.session.scalars(db.select(AssociationEvent).order_by(AssociationEvent.id))]
    assert actions == ["children_changed", "child_certificate_declared"]


def test_association_events_are_append_only(world):
    import sqlalchemy as sa
    db.session.add(AssociationEvent(association_id=world["a"].id, action="registered", data={}))
    db.session.commit()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("UPDATE association_events SET action = 'x'"))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.text("DELETE FROM association_events"))
    db.session.rollback()
