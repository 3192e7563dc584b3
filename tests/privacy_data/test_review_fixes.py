"""Review fixes: what a person's and an association's export leave out, retention and deletion leftovers,
the association look-up's hostile input, and an administrator's export in the person's read log."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (AdminEvent, AgendaItem, Assessment, Association, AssociationListing, CriterionScore,
                        Invitation, Meeting, Membership, OutboxMessage, ReadEvent, RepaymentClaim)
from app.services.delivery import outbox
from app.services.privacy import retention
from app.services.privacy.account_deletion import delete_own_account
from tests.privacy_data.conftest import ATTACHMENT
from tests.privacy_data.test_export_and_deletion import _zip
from tests.privacy_data.test_retention import years_later

PERSONAL = "Ring til Jens på 22334455 eller jens@example.dk, CPR 010190-1234"


def test_own_export_has_no_internal_case_columns(world, client, auth):
    case, _doc = world.case("decide_reject")
    auth.login("formand@example.dk")
    data, _archive = _zip(client.post("/privatliv/eksport"))
    exported = next(c for c in data["cases"] if c["id"] == case.id)
    assert exported["amount_applied"] == 10_000
    assert not {"recommended_amount", "hearing_confirmed", "assignee_id", "version"} & set(exported)


def test_a_former_board_member_gets_only_what_they_contributed(world, client, auth):
    case, doc_id = world.case("decide_reject")
    other_doc = world.factory.document(case=case, filename="Kassererens bilag.pdf", uploaded_by=world.treasurer)
    db.session.execute(sa.delete(Membership).where(Membership.user_id == world.chair.id))
    db.session.commit()
    auth.login("formand@example.dk")
    data, archive = _zip(client.post("/privatliv/eksport"))
    exported = next(c for c in data["cases"] if c["id"] == case.id)
    assert exported["title"] == case.title and exported["number"] == case.number
    assert not {"data", "decisions", "payouts", "state", "amount_applied"} & set(exported)
    assert exported["journal"] and all(e["actor_id"] == world.chair.id for e in exported["journal"])
    files_ = {f["id"]: f for f in data["files"]}
    assert doc_id in files_ and other_doc.id not in files_
    assert archive.read(files_[doc_id]["path"]) == ATTACHMENT
    assert not any(f["kind"] == "letter" for f in data["files"])  # the decision letter is the association's


def test_association_export_has_no_board_phone_numbers(world, client, auth):
    auth.login("formand@example.dk")
    data, _archive = _zip(client.post(f"/privatliv/foreninger/{world.association.id}/eksport"))
    assert data["board"] and all("phone" not in m for m in data["board"])
    assert "22334455" not in str(data["board"])


def test_retention_scrubs_claims_assessments_and_agendas(world):
    case, _doc = world.case("decide_grant")
    world.close_grant(case)
    claim = RepaymentClaim(case_id=case.id, amount=100, reason=PERSONAL, due_on=clock.today(), status="paid")
    assessment = Assessment(case_id=case.id, recommendation=PERSONAL)
    assessment.scores.append(CriterionScore(criterion_name="Børn", weight=1, score=3, comment=PERSONAL))
    meeting = Meeting(committee_id=world.pool.committee_id, meeting_date=clock.today(), title="Møde")
    db.session.add_all([claim, assessment, meeting])
    db.session.flush()
    item = AgendaItem(meeting_id=meeting.id, case_id=case.id, is_open=False, reason=PERSONAL, comment=PERSONAL)
    db.session.add(item)
    db.session.commit()

    retention.anonymise_expired(years_later(7))

    db.session.expire_all()
    texts = [db.session.get(RepaymentClaim, claim.id).reason, db.session.get(Assessment, assessment.id).recommendation,
             db.session.scalar(sa.select(CriterionScore.comment)), db.session.get(AgendaItem, item.id).reason,
             db.session.get(AgendaItem, item.id).comment]
    for text in texts:
        assert "22334455" not in text and "jens@example.dk" not in text and "010190-1234" not in text
        assert text.startswith("Ring til Jens")


def test_an_expired_invitation_forgets_the_e_mail_sent_to_it(world):
    invitation = Invitation(association_id=world.association.id, email="ny@example.dk", role="member",
                            expires_at=clock.now() - timedelta(days=3 * 366))
    db.session.add(invitation)
    message = outbox.enqueue("association_invite", "ny@example.dk", {"name": "Ny Person"})
    message.status = "delivered"
    kept = outbox.enqueue("association_invite", "formand@example.dk", {"name": "Jens"})
    db.session.add(Invitation(association_id=world.association.id, email="formand@example.dk", role="member",
                              expires_at=clock.now() - timedelta(days=3 * 366)))
    db.session.commit()
    retention.anonymise_expired(clock.now())
    db.session.expire_all()
    message = db.session.get(OutboxMessage, message.id)
    assert message.recipient == f"message-{message.id}@slettet.invalid" and message.payload == {}
    # An address that is still someone's account keeps its e-mails (they go with the account).
    assert db.session.get(OutboxMessage, kept.id).recipient == "formand@example.dk"


def test_deleting_an_account_clears_the_association_contact(world):
    world.association.contact_email, world.association.phone = "Kasserer@Example.dk", "22334455"
    world.association.contact_person = "Karen Kasserer"
    informal = Association(name="Strikkeklubben", is_informal=True, contact_person="Karen K",
                           contact_email="kasserer@example.dk")
    other = Association(name="Andet", is_informal=True, contact_person="Nogen", contact_email="nogen@example.dk")
    db.session.add_all([informal, other,
                        AssociationListing(association_id=world.association.id, contact="kasserer@example.dk")])
    db.session.commit()
    delete_own_account(world.treasurer.id, "demo-adgangskode")
    db.session.expire_all()
    association = db.session.get(Association, world.association.id)
    assert (association.contact_email, association.contact_person, association.phone) == (
        f"association-{association.id}@slettet.invalid", None, None)
    informal = db.session.get(Association, informal.id)
    assert informal.contact_email.endswith("@slettet.invalid") and informal.contact_person == "Slettet bruger"
    assert db.session.scalar(sa.select(AssociationListing.contact)) == ""
    assert db.session.get(Association, other.id).contact_email == "nogen@example.dk"


@pytest.mark.parametrize("typed", ["12²", "1" * 20, "١٢"])
def test_association_lookup_refuses_odd_numbers_without_a_500(world, client, auth, typed):
    auth.login("sb@example.dk")
    response = client.post("/privatliv/foreninger/eksport", data={"association": typed})
    assert response.status_code == 400
    assert "CVR-nummer på 8 cifre".encode() in response.data and typed.encode() in response.data


def test_association_lookup_by_number_and_cvr_still_works(world, client, auth):
    auth.login("sb@example.dk")
    for typed in (str(world.association.id), world.association.cvr):
        _zip(client.post("/privatliv/foreninger/eksport", data={"association": typed}))


def test_an_administrators_export_is_in_the_persons_read_log(world, client, auth):
    auth.login("admin@example.dk")
    _zip(client.post("/privatliv/brugere/eksport", data={"email": "formand@example.dk"}))
    db.session.expire_all()
    (read,) = db.session.scalars(sa.select(ReadEvent)).all()
    assert (read.reader_id, read.object_type, read.object_id, read.subject_user_id) == (
        world.admin.id, "user", world.chair.id, world.chair.id)
    assert db.session.scalar(sa.select(AdminEvent).where(AdminEvent.action == "export")) is not None
    auth.logout()
    auth.login("formand@example.dk")
    page = client.get("/konto/mine-laesninger").get_data(as_text=True)
    assert "Ada Admin" in page and "Alle dine oplysninger (dataudtræk)" in page
    _zip(client.post("/privatliv/eksport"))  # the person's own export is no read
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReadEvent)) == 1


def test_the_database_still_refuses_to_change_a_user_read(world, client, auth):
    auth.login("admin@example.dk")
    _zip(client.post("/privatliv/brugere/eksport", data={"email": "formand@example.dk"}))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.text("UPDATE read_events SET object_id = 1"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError):
        db.session.execute(sa.text("DELETE FROM read_events"))
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(sa.text("INSERT INTO read_events (reader_id, reader_role, object_type, object_id, "
                                   "created_at) VALUES (:r, 'administrator', 'nonsense', 1, :t)"),
                           {"r": world.admin.id, "t": clock.now()})
    db.session.rollback()
