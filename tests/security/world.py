"""The demo municipality plus what the access matrix needs: objects of association A, and a member of B.

A is Boldklubben Nordstjernen (forening@demo.dk is its chair), B the demo's second association.
`build_world()` returns the URL arguments that point at A's objects, by argument name.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app import clock
from app.extensions import db
from app.models import (Association, RegisterChange, Case, Decision, Document, LegalBasis, Membership, Pool,
                        User)

from tests import snapshots

PASSWORD = "demo-adgangskode"
LOGINS = {
    "member_a": "forening@demo.dk",
    "member_b": "formand2@forening.example",
    "caseworker": "sagsbehandler@demo.dk",
    "committee_member": "udvalg@demo.dk",
    "administrator": "admin@demo.dk",
}


def _one(stmt):
    row = db.session.scalar(stmt.limit(1))
    assert row is not None, f"the demo has no {stmt}"
    return row


def _a_case_at_meeting(a: Association, caseworker: User):
    """A's 'Pigefodbold' case, taken to the committee and put on the demo meeting's agenda."""
    from app.models.meeting import AgendaItem, Meeting
    from app.services.cases import assessment as assessment_service
    from app.services.cases import hearing, transitions
    from app.services.committee import meetings
    case = _one(db.select(Case).where(Case.association_id == a.id, Case.title == "Pigefodbold for 10-12-årige"))
    pool = db.session.get(Pool, case.pool_id)
    case.assignee_id = caseworker.id
    pool.delegation_limit = 1_000  # above the delegation: the committee decides
    db.session.commit()  # test set-up, outside any use case
    transitions.perform(case.id, "start_assessment", caseworker)
    scores = {c.id: assessment_service.ScoreInput(3, "") for c in pool.criteria}
    assessment_service.save_assessment(case.id, caseworker, scores, 4_000, "Vi indstiller det ansøgte beløb.")
    hearing.confirm_hearing(case.id, caseworker, "not_needed", "Afgørelsen bygger på foreningens egne oplysninger.")
    transitions.perform(case.id, "recommend", caseworker)
    transitions.perform(case.id, "send_to_committee", caseworker)
    meeting = _one(db.select(Meeting).where(Meeting.committee_id == pool.committee_id, Meeting.status == "planned"))
    meetings.add_to_agenda(meeting.id, [case.id], caseworker)
    item = _one(db.select(AgendaItem).where(AgendaItem.case_id == case.id))
    return meeting.id, item.id


def _a_batch_at_meeting(a: Association, caseworker: User, meeting_id: int) -> tuple[int, int]:
    """A calculated subsidy scheme with A's approved report, its batch on the demo meeting's agenda."""
    from app.models import AnnualReport, AssociationApproval, ReportingCampaign, SubsidyScheme
    from app.models.meeting import Meeting
    from app.services.committee import subsidy_batches
    from app.services.yearly import batches
    from tests.factories import PoolFactory
    meeting = db.session.get(Meeting, meeting_id)
    campaign = ReportingCampaign(year=2090, opens_on=date(2091, 1, 1), deadline=date(2091, 3, 31))
    pool = PoolFactory(committee=meeting.committee, name="Aktivitetstilskud (matrix)", workflow="yearly_subsidy",
                       year=2090, budget=100_000)
    scheme = SubsidyScheme(name="Aktivitetstilskud (matrix)", kind="activity", campaign=campaign, pool=pool,
                           formula={"basis": "per_member", "rate": 100, "bands": ["7_12"]})
    report = AnnualReport(campaign=campaign, association_id=a.id, status="approved", members={"7_12": {"in": 10}},
                          submitted_at=clock.now(), approved_at=clock.now())
    db.session.add_all([campaign, scheme, report, AssociationApproval(association_id=a.id, year=2090)])
    db.session.commit()  # test set-up, outside any use case
    batch = batches.calculate_batch(scheme.id, caseworker)
    subsidy_batches.put_on_agenda(batch.id, meeting_id, caseworker)
    return scheme.id, batch.id


def _closed_meeting(committee_id: int, caseworker: User) -> int:
    """A closed meeting with minutes: the demo's two other committee cases moved onto it and granted."""
    from app.models.meeting import AgendaItem, Meeting
    from app.services.committee import decisions, meetings
    chair = _one(db.select(User).where(User.email == "formand.kfu@demo.dk"))
    demo_meeting = _one(db.select(Meeting).where(Meeting.committee_id == committee_id, Meeting.status == "planned"))
    others = db.session.scalars(db.select(AgendaItem).where(AgendaItem.meeting_id == demo_meeting.id)).all()
    case_ids = [item.case_id for item in others]
    for item in others:
        meetings.remove_from_agenda(demo_meeting.id, item.id, caseworker)
    meeting = meetings.create_meeting(committee_id, clock.today() - timedelta(days=1), "Ekstraordinært møde",
                                      "Rådhuset", caseworker)
    meetings.add_to_agenda(meeting.id, case_ids, caseworker)
    for item in db.session.scalars(db.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)).all():
        meetings.record_proposal(meeting.id, item.id, chair, meetings.ProposalInput("grant"))
    assert decisions.close_meeting(meeting.id, chair)
    return meeting.id


def _a_booking(a: Association, chair: User, caseworker: User):
    """An approved booking by A for the first bookable room, on the first open Wednesday three weeks or more
    from now (the room closes for Christmas; from eight weeks on the seasonal round has the dates)."""
    from app.models.premises import Booking, Space
    from app.services.premises import bookings
    from app.services.cases import transitions
    space = _one(db.select(Space).where(Space.name.like("%Mødelokale%")).order_by(Space.id))
    for weeks in range(3, 8):
        data = bookings.RequestInput(space_id=space.id, association_id=a.id, purpose="Bestyrelsesmøde", participants=8,
                                     age_group="children_youth", first_day=_wednesday(weeks_ahead=weeks),
                                     start_time=time(17, 0), end_time=time(18, 0), take_free=True)
        if not bookings.check_request(space, a, data).problems:
            break
    case = bookings.request_booking(chair, data)
    if case.state == "requested":
        transitions.perform(case.id, "approve", caseworker)
    booking = _one(db.select(Booking).where(Booking.case_id == case.id))
    return space, booking


def _wednesday(weeks_ahead: int) -> date:
    today = clock.today()
    return today + timedelta(days=(2 - today.weekday()) % 7 + 7 * weeks_ahead)


def _a_wish(a: Association, chair: User) -> int:
    """A pending wish of A in the demo's open seasonal round."""
    from app.models.premises import AllocationRound, AllocationWish, Space
    from app.services.premises import allocation
    today = clock.today()
    rnd = _one(db.select(AllocationRound).where(AllocationRound.status == "open", AllocationRound.opens_on <= today,
                                                AllocationRound.closes_on >= today))
    space = _one(db.select(Space).where(Space.name.like("%Mødelokale%")).order_by(Space.id))
    allocation.add_wish(rnd, a, chair, allocation.WishInput(
        space_id=space.id, weekday=4, start_time=time(17, 0), end_time=time(18, 0), participants=8,
        age_group="children_youth", for_disabled=False))
    return _one(db.select(AllocationWish.id).where(AllocationWish.association_id == a.id))


def _a_proposed_correction(case: Case, caseworker: User) -> int:
    """A correction of the decided case's amount waiting for a second caseworker (to-mandsregel)."""
    from app.models import MoneyApproval
    decision_id = _one(db.select(Decision.id).where(Decision.case_id == case.id))
    proposal = MoneyApproval(kind="correction", case_id=case.id, decision_id=decision_id, amount=1_000,
                             note="Beløbet var skrevet forkert.", proposed_by_id=caseworker.id)
    db.session.add(proposal)
    db.session.commit()
    return proposal.id


def _an_annual_report(a: Association, chair: User) -> tuple[int, int]:
    """An open reporting campaign for next year's subsidies, and A's report in it, sent."""
    import io

    from werkzeug.datastructures import FileStorage

    from app.services.yearly import campaigns, reports
    admin = _one(db.select(User).where(User.email == LOGINS["administrator"]))
    today = clock.today()
    campaign = campaigns.open_campaign(admin, campaigns.CampaignInput(today.year + 1, today - timedelta(days=10),
                                                                      today + timedelta(days=30)))
    pdf = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    files = {stem: FileStorage(io.BytesIO(pdf), filename=f"{stem}.pdf") for stem in ("accounts", "auditor")}
    report = reports.save(campaign.id, a, chair, reports.ReportInput(
        members={"7_12": {"in": 10}}, paying_members=10, accounts_income=100, accounts_expenses=60,
        accounts_result=40, accounts_approved_on=today), files, 0, submit=True)
    return campaign.id, report.id


_SAVED: dict[tuple, tuple[snapshots.Snapshot, dict, datetime]] = {}


def shared_world() -> dict:
    """`build_world()`'s world, built by the first test of this process to need it on this day and hour (by the
    app's clock) and put back, as it was, for every later one (tests/snapshots.py): each test still gets a world
    of its own to change."""
    key = (clock.today(), clock.now().hour, db.engine.url.get_backend_name())
    saved = _SAVED.get(key)
    if saved is None:
        world = build_world()
        _SAVED[key] = saved = (snapshots.take(), world, clock.now())
    else:
        snapshots.restore(saved[0])
        if clock.now() < saved[2]:  # the world's links were signed then: a later test must not be before it
            clock.move_to(saved[2])
    return dict(saved[1])


def build_world() -> dict:
    """Seed the demo, add the objects the matrix visits, and return URL arguments for A's objects."""
    from app.demo import seed
    from app.models.association import ApprovalRequest
    from app.models.listing import AssociationListing as Listing
    from app.models.outbox import OutboxMessage
    from app.models.payout import PaymentBatch as PayoutBatch, PaymentBatchLine
    from app.models.premises import AllocationRound, Equipment
    from app.models.form import FormField, FormStep, FormVersion
    from app.models.pool import PoolCriterion
    from app.models.report import RepaymentClaim
    from app.services.associations import board as invitations
    from app.services.premises import catalogue as premises
    from app.services.money import repayment
    from app.services.accounts.accounts import password_fingerprint
    from app.services.accounts.tokens import make_token
    seed()
    a = _one(db.select(Association).order_by(Association.id))
    chair = _one(db.select(User).where(User.email == LOGINS["member_a"]))
    caseworker = _one(db.select(User).where(User.email == LOGINS["caseworker"]))
    treasurer_seat = _one(db.select(Membership).where(Membership.association_id == a.id,
                                                      Membership.user_id != chair.id))
    invitation = invitations.invite(a, chair, "ny.i.bestyrelsen@example.dk")
    decided = _one(db.select(Case).where(Case.association_id == a.id, Case.title == "Fodboldskole i sommerferien"))
    claim = repayment.create_claim(decided.id, caseworker, 1_000, "Aktiviteten blev mindre end planlagt.",
                                   clock.today() + timedelta(days=30))
    minutes_meeting_id = _closed_meeting(pool_committee_of(decided), caseworker)
    meeting_id, item_id = _a_case_at_meeting(a, caseworker)
    scheme_id, subsidy_batch_id = _a_batch_at_meeting(a, caseworker, meeting_id)
    space, booking = _a_booking(a, chair, caseworker)
    approval = db.session.scalar(db.select(ApprovalRequest).order_by(ApprovalRequest.id).limit(1))
    pool = db.session.get(Pool, decided.pool_id)
    version = _one(db.select(FormVersion).where(FormVersion.pool_id == pool.id))
    step = _one(db.select(FormStep).where(FormStep.version_id == version.id))
    campaign_id, report_id = _an_annual_report(a, chair)
    return {
        "campaign_id": campaign_id,
        "report_id": report_id,
        "association_id": a.id,
        "case_id": decided.id,
        "draft_case_id": _draft(a, chair),
        "document_id": _one(db.select(Document.id).where(Document.case_id == decided.id)),
        "decision_id": _one(db.select(Decision.id).where(Decision.case_id == decided.id)),
        "letter_id": _one(db.select(Decision.letter_document_id).where(Decision.case_id == decided.id)),
        "entry_id": _one(db.select(LegalBasis.id).order_by(LegalBasis.id)),
        "approval_id": _a_proposed_correction(decided, caseworker),
        "claim_id": claim.id,
        "membership_id": treasurer_seat.id,
        "invitation_id": invitation.id,
        "token": invitations.invitation_link(invitation).rsplit("/", 1)[1],
        "meeting_id": meeting_id,
        "minutes_meeting_id": minutes_meeting_id,
        "item_id": item_id,
        "scheme_id": scheme_id,
        "subsidy_batch_id": subsidy_batch_id,
        "space_id": space.id,
        "location_id": space.location_id,
        "booking_id": booking.id,
        "equipment_id": _one(db.select(Equipment.id)),
        "closure_id": _closure(space),
        "client_id": (client_id := _an_api_client()),
        **_a_webhook(client_id, decided.id),
        "scheme_id": _a_scheme(pool),
        "round_id": _one(db.select(AllocationRound.id)),
        "wish_id": _a_wish(a, chair),
        "listing_id": _one(db.select(Listing.id).where(Listing.association_id == a.id)),
        "request_id": approval.id if approval else 0,
        "change_id": _a_register_change(a),
        "message_id": _one(db.select(OutboxMessage.id)),
        "batch_id": _one(db.select(PayoutBatch.id)),
        "line_id": _one(db.select(PaymentBatchLine.id)),
        "pool_id": pool.id,
        "criterion_id": _one(db.select(PoolCriterion.id).where(PoolCriterion.pool_id == pool.id)),
        "step_id": step.id,
        "field_id": _one(db.select(FormField.id).where(FormField.step_id == step.id)),
        "committee_id": pool.committee_id,
        "user_id": chair.id,
        "slug": pool.slug,
        "name": "subsidy",
        "confirm_token": make_token("confirm", {"uid": chair.id, "email": chair.email}),
        "reset_token": make_token("reset", {"uid": chair.id, "fp": password_fingerprint(chair)}),
        "enrol_token": _enrol_token(),
        "feed_token": premises.feed_for(association_id=a.id).token,
        "number": 1,
        "filename": "app.js",
    }


def pool_committee_of(case: Case) -> int:
    """The committee of the meeting in the demo (Kultur- og Fritidsudvalget, which has a planned meeting)."""
    from app.models.meeting import Meeting
    return _one(db.select(Meeting.committee_id).order_by(Meeting.id))


def _draft(a: Association, chair: User) -> int:
    from app.services.cases import core as case_service
    pool = _one(db.select(Pool).where(Pool.slug.like("frivillighedspulje-%")))
    case = case_service.create_draft(pool, a, chair, "Kladde til adgangstest", 1_000, {"description": "Kladde"})
    return case.id


def _a_scheme(pool) -> int:
    """A subsidy scheme on a calculated-subsidy pool in the same committee (the editor's routes)."""
    from app.models.yearly import ReportingCampaign, SubsidyScheme
    from tests.factories import PoolFactory
    campaign = ReportingCampaign(year=2019, opens_on=date(2020, 1, 1), deadline=date(2020, 3, 31))
    yearly = PoolFactory(committee=pool.committee, workflow="yearly_subsidy", name="Aktivitetstilskud 2019",
                         year=2019, is_published=False)
    scheme = SubsidyScheme(name="Aktivitetstilskud 2019", kind="activity", campaign=campaign, pool=yearly,
                           formula={"basis": "per_member", "rate": 205})
    db.session.add(scheme)
    db.session.commit()  # test set-up, outside any use case
    return scheme.id


def _an_api_client() -> int:
    """An integration registered by the demo's administrator (the revoke route's object)."""
    from app.models import User
    from app.services.integrations import api_clients
    admin = db.session.scalar(db.select(User).where(User.role == "administrator").order_by(User.id).limit(1))
    return api_clients.register_client(admin, "ESDH", ["cases:read"], 120).client.id


def _a_webhook(client_id: int, case_id: int) -> dict:
    """A subscription of the client and one delivery to it (to a closed port: it stays pending)."""
    from app.models import User, WebhookDelivery
    from app.services.integrations import events, webhooks
    from app.services.unit_of_work import transaction
    admin = db.session.scalar(db.select(User).where(User.role == "administrator").order_by(User.id).limit(1))
    subscription = webhooks.subscribe(admin, client_id, "https://127.0.0.1:9/hooks", ["case.decided"]).subscription
    with transaction():
        event = events.record("case.decided", case_id=case_id, subjects={"case_id": case_id})
    delivery_id = db.session.scalar(db.select(WebhookDelivery.id).where(WebhookDelivery.event_id == event.id))
    return {"subscription_id": subscription.id, "delivery_id": delivery_id}


def _closure(space) -> int:
    from tests.factories import ClosureFactory
    closure = ClosureFactory(space_id=space.id, starts_on=clock.today() + timedelta(days=60),
                             ends_on=clock.today() + timedelta(days=61), reason="Rengøring")
    db.session.commit()  # test set-up, outside any use case
    return closure.id


def _enrol_token() -> str:
    """An enrolment link's token for a new caseworker who has no app yet (each role's round spends it)."""
    from app.services.accounts import accounts, two_factor
    user = accounts.create_staff("ny.medarbejder@kommune.example", "Ny Medarbejder", "caseworker")
    return two_factor.enrolment_token(user)


def _a_register_change(association: Association) -> int:
    """A change the nightly CVR register sync found for A, waiting for a caseworker."""
    change = RegisterChange(association_id=association.id, changes={"name": [association.name, "Nyt navn"]},
                            register={"name": "Nyt navn"})
    db.session.add(change)
    db.session.commit()  # test set-up, outside any use case
    return change.id
