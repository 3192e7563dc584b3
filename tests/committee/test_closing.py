"""Closing a meeting: every decision final in one commit, letters and notices through the outbox, exactly once."""
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import AgendaItem, Case, CaseEvent, Decision, Document, Meeting, OutboxMessage
from app.services.committee import decisions, meetings
from app.services.files import storage as files
from app.services.cases.guard import NotAllowed


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _text(document: Document) -> str:
    import io
    reader = PdfReader(io.BytesIO(files.read_bytes(document.storage_key)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_close_decides_every_case_in_one_step(world):
    grant, partly, reject, later = (world.committee_case(amount=40_000 + n) for n in range(4))
    meeting = world.meeting([grant, partly, reject, later])
    world.decide(meeting, grant, "grant", comment="Flot projekt")
    world.decide(meeting, partly, "partly", amount=30_000, reason="Transport er ikke en del af formålet.")
    world.decide(meeting, reject, "reject", reason="Aktiviteten ligger uden for puljens formål.")
    world.decide(meeting, later, "postpone")
    assert decisions.close_meeting(meeting.id, world.chair) is True
    db.session.expire_all()
    states = {c.id: db.session.get(Case, c.id).state for c in (grant, partly, reject, later)}
    assert states == {grant.id: "granted", partly.id: "partly_granted", reject.id: "rejected", later.id: "committee"}
    made = db.session.scalars(sa.select(Decision).order_by(Decision.id)).all()
    assert [(d.case_id, d.outcome, d.amount, d.delegated, d.meeting_id) for d in made] == [
        (grant.id, "granted", 40_000, False, meeting.id), (partly.id, "partly_granted", 30_000, False, meeting.id),
        (reject.id, "rejected", 0, False, meeting.id)]
    items = {i.case_id: i for i in db.session.scalars(sa.select(AgendaItem))}
    assert not any(i.is_open for i in items.values()) and items[later.id].outcome == "postponed"
    assert items[grant.id].decision_id == made[0].id
    assert db.session.get(Meeting, meeting.id).status == "closed"


def test_letters_and_notices_are_written_and_published(world, app):
    case = world.committee_case(amount=60_000, recommended=45_000)
    meeting = world.meeting([case])
    world.decide(meeting, case, "partly", amount=40_000, reason="Vi har lagt vægt på antallet af børn.")
    before = db.session.scalar(sa.select(sa.func.max(OutboxMessage.id)))
    decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    decision = db.session.scalar(sa.select(Decision))
    assert decision.letter_available_at and decision.letter_document_id
    letter = db.session.get(Document, decision.letter_document_id)
    assert (letter.kind, letter.direction, letter.case_id) == ("letter", "out", case.id)
    assert letter.sha256 == decision.letter_sha256 == files.hashlib.sha256(files.read_bytes(letter.storage_key)).hexdigest()
    text = _text(letter)
    for expected in ("Afgørelse om tilskud", "Kære Boldklubben Nordstjernen", "40.000 kr.", "60.000 kr.",
                     "Vi har lagt vægt på antallet af børn.", "I kan klage til kommunen inden 4 uger.",
                     "folkeoplysningslovens § 25", "Mette Sørensen", "Med venlig hilsen", "Kultur- og Fritidsudvalget"):
        assert expected in text, expected
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id > before).order_by(OutboxMessage.id)).all()
    by_template = {}
    for row in rows:
        by_template.setdefault(row.template, []).append(row)
    assert [r.payload["decision_id"] for r in by_template["decision_letter"]] == [decision.id]
    [notice] = by_template["decision_notice"]
    # The letter's e-mail links to the site the decision was made on, even if a worker writes it later.
    assert notice.payload["link"].startswith(by_template["decision_letter"][0].payload["base_url"] + "/forening/")
    assert notice.recipient == world.association.contact_email and notice.status == "delivered"
    assert "case_update" not in by_template  # the letter's own notice replaces the generic one
    assert {r.status for r in rows} == {"delivered"}
    assert db.session.get(Meeting, meeting.id).minutes_document_id is not None


def test_closing_twice_does_nothing_the_second_time(world):
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    assert decisions.close_meeting(meeting.id, world.chair) is True
    counts = (_count(Decision), _count(OutboxMessage), _count(CaseEvent), _count(Document))
    assert decisions.close_meeting(meeting.id, world.chair) is False
    assert (_count(Decision), _count(OutboxMessage), _count(CaseEvent), _count(Document)) == counts


def test_only_the_chair_closes(world):
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    for someone in (world.member, world.caseworker, world.outsider):
        with pytest.raises(NotAllowed):
            decisions.close_meeting(meeting.id, someone)
    assert db.session.get(Meeting, meeting.id).status == "planned" and _count(Decision) == 0


def test_budget_overrun_is_refused_with_pool_and_amounts(world):
    world.pool.budget = 100_000
    db.session.commit()
    first, second = world.committee_case(amount=60_000), world.committee_case(amount=70_000)
    meeting = world.meeting([first, second])
    world.decide(meeting, first, "grant")
    world.decide(meeting, second, "grant")
    with pytest.raises(decisions.CloseRefused) as refused:
        decisions.close_meeting(meeting.id, world.chair)
    assert "Lokaletilskud 2026" in refused.value.message and "100.000 kr." in refused.value.message \
        and "130.000 kr." in refused.value.message
    db.session.expire_all()
    assert db.session.get(Case, first.id).state == "committee" and _count(Decision) == 0
    assert db.session.get(Meeting, meeting.id).status == "planned"


def test_negative_decision_without_confirmed_hearing_names_the_case(world):
    case = world.committee_case(heard=False)
    meeting = world.meeting([case])
    world.decide(meeting, case, "reject", reason="Uden for formålet.")
    with pytest.raises(decisions.CloseRefused) as refused:
        decisions.close_meeting(meeting.id, world.chair)
    assert case.number in refused.value.message and "Partshøringen" in refused.value.message
    assert _count(Decision) == 0


def test_undecided_case_stops_the_close(world):
    decided, undecided = world.committee_case(), world.committee_case()
    meeting = world.meeting([decided, undecided])
    world.decide(meeting, decided, "grant")
    with pytest.raises(decisions.CloseRefused) as refused:
        decisions.close_meeting(meeting.id, world.chair)
    assert undecided.number in refused.value.message
    assert db.session.get(Case, decided.id).state == "committee"


def test_inhabil_member_cannot_record(world):
    from app.services.cases.assessment import declare_conflict
    case = world.committee_case()
    meeting = world.meeting([case])
    declare_conflict(case.id, world.member, "Min datter er formand for klubben.")
    with pytest.raises(NotAllowed):
        world.decide(meeting, case, "grant", by=world.member)
    world.decide(meeting, case, "grant", by=world.chair)
    assert db.session.scalar(sa.select(AgendaItem.proposal)) == "grant"


def test_inhabil_chair_must_postpone(world):
    from app.services.cases.assessment import declare_conflict
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    declare_conflict(case.id, world.chair, "Bestyrelsesmedlem.")
    with pytest.raises(decisions.CloseRefused):
        decisions.close_meeting(meeting.id, world.chair)


def test_a_chair_inhabil_towards_the_association_must_postpone_and_the_minutes_say_so(world):
    """Declared towards the association as a whole (on its annual report or a batch), not in this case."""
    from app.models import AssociationConflict
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "grant")
    db.session.add(AssociationConflict(association_id=case.association_id, user_id=world.chair.id, reason="Formand."))
    db.session.commit()
    with pytest.raises(decisions.CloseRefused):
        decisions.close_meeting(meeting.id, world.chair)
    world.decide(meeting, case, "postpone")
    decisions.close_meeting(meeting.id, world.chair)
    [item] = decisions.minutes_data(db.session.get(type(meeting), meeting.id), {}).items
    assert world.chair.full_name in item.inhabil


def test_case_is_on_one_open_agenda_only(world):
    case = world.committee_case()
    world.meeting([case])
    other = world.meeting()
    with pytest.raises(NotAllowed):
        meetings.add_to_agenda(other.id, [case.id], world.caseworker)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.add(AgendaItem(meeting_id=other.id, case_id=case.id, position=1))
        db.session.flush()
    db.session.rollback()


def test_postponed_case_can_go_on_the_next_agenda(world):
    case = world.committee_case()
    meeting = world.meeting([case])
    world.decide(meeting, case, "postpone")
    decisions.close_meeting(meeting.id, world.chair)
    later = world.meeting()
    assert meetings.add_to_agenda(later.id, [case.id], world.caseworker) == 1


def test_partial_amount_must_be_below_the_amount_applied(world):
    case = world.committee_case(amount=40_000)
    meeting = world.meeting([case])
    with pytest.raises(NotAllowed):
        world.decide(meeting, case, "partly", amount=40_000, reason="Begrundelse")
    with pytest.raises(NotAllowed):
        world.decide(meeting, case, "reject", reason="  ")
