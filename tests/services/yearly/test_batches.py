"""Calculation as a batch: calculate within the free budget, what-if, agenda, and the close that makes it cases."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import (AnnualReport, Case, CaseEvent, ConflictDeclaration, Decision, Document, OutboxMessage, PaymentInstalment,
                        SubsidyBatch)
from app.services.cases.guard import NotAllowed
from app.services.committee import decisions, meetings, subsidy_batches
from app.services.files import storage as files
from app.services.money import payouts
from app.services.yearly import batches
from tests.factories import CommitteeFactory
from workflows import registry

LATE = datetime(2028, 4, 5, 9, 0, tzinfo=timezone.utc)  # 5 days after the deadline: one started month


def _count(model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _approved_batch(yearly):
    yearly.report(under_25=40)
    yearly.report(under_25=20, submitted=LATE)
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "approve")
    return batch, meeting


def test_months_late_counts_started_months_on_the_danish_calendar(yearly):
    # The deadline is 31 March 2028; the report's first submission counts, on the Danish calendar.
    for submitted, months in ((datetime(2028, 3, 31, 21, 59, tzinfo=timezone.utc), 0),  # 23:59 in Denmark
                              (datetime(2028, 3, 31, 22, 0, tzinfo=timezone.utc), 1),  # 1 April in Denmark
                              (datetime(2028, 4, 30, 12, 0, tzinfo=timezone.utc), 1),
                              (datetime(2028, 5, 1, 12, 0, tzinfo=timezone.utc), 2)):
        assert batches.figures_of(yearly.report(submitted=submitted)).months_late == months


def test_only_associations_approved_for_the_year_are_calculated(yearly):
    """A report can be approved while § 4 approval is not given (too few paying members): no subsidy then."""
    counted = yearly.report(under_25=40)
    yearly.report(under_25=30, approved_for_year=False)
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    assert [line.association_id for line in batch.lines] == [counted.association_id]
    assert batch.total == 40 * 205


def test_calculate_stores_a_line_per_approved_report_with_its_steps(yearly):
    on_time = yearly.report(under_25=40, out=5, over_25=3)
    late = yearly.report(under_25=20, submitted=LATE)
    yearly.report(under_25=99, status="submitted")  # not approved: not in the batch
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    db.session.expire_all()
    batch = db.session.get(SubsidyBatch, batch.id)
    lines = {line.association_id: line for line in batch.lines}
    assert set(lines) == {on_time.association_id, late.association_id}
    assert lines[on_time.association_id].amount == 40 * 205  # residents under 25 only
    # 20 × 205 = 4.100, one month late: 11/12 of it is 3.758,33 -> 3.758 kr.
    assert lines[late.association_id].amount == 3_758
    assert [s["code"] for s in lines[late.association_id].steps] == ["per_member", "late", "rounded"]
    assert batch.total == 8_200 + 3_758 and batch.budget == 450_000 and batch.status == "calculated"
    assert lines[late.association_id].report_id == late.id


def test_budget_already_committed_is_taken_off_and_the_batch_cut_pro_rata(yearly):
    yearly.report(under_25=40)
    yearly.report(under_25=20)
    yearly.granted_case(445_000)
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    assert batch.budget == 5_000
    assert batch.total == 5_000 and sum(line.amount for line in batch.lines) == 5_000
    assert all(any(s["code"] == "pro_rata" for s in line.steps) for line in batch.lines)


def test_what_if_compares_without_storing_and_can_be_kept(yearly):
    a = yearly.report(under_25=40)
    yearly.report(under_25=20)
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    other = batches.what_if(batch, 300)
    assert other.total == 60 * 300 and batch.total == 60 * 205
    line_a = next(line for line in batch.lines if line.association_id == a.association_id)
    assert other.difference(line_a) == 40 * (300 - 205)
    assert _count(SubsidyBatch) == 1  # nothing stored
    kept = batches.calculate_batch(yearly.scheme.id, yearly.caseworker, rate=300)
    db.session.expire_all()
    assert kept.total == 18_000 and kept.formula["rate"] == 300
    assert db.session.get(SubsidyBatch, batch.id).status == "discarded"  # one proposal per scheme


def test_calculate_refuses_members_without_reports_and_bad_rates(yearly):
    with pytest.raises(NotAllowed, match="Kun sagsbehandlere"):
        batches.calculate_batch(yearly.scheme.id, yearly.member)
    with pytest.raises(NotAllowed, match="ingen godkendte indberetninger"):
        batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    yearly.report()
    with pytest.raises(NotAllowed, match="hele kroner"):
        batches.calculate_batch(yearly.scheme.id, yearly.caseworker, rate=-5)
    assert _count(SubsidyBatch) == 0


def test_put_on_agenda_and_the_chairs_answer(yearly):
    yearly.report()
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    other_committee = CommitteeFactory(name="Teknik- og Miljøudvalget", chair=yearly.outsider)
    elsewhere = meetings.create_meeting(other_committee.id, date(2028, 6, 1),
                                        "Andet møde", "", yearly.caseworker)
    with pytest.raises(NotAllowed, match="andet udvalg"):
        subsidy_batches.put_on_agenda(batch.id, elsewhere.id, yearly.caseworker)
    meeting = yearly.meeting()
    with pytest.raises(NotAllowed, match="Kun sagsbehandlere"):
        subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.chair)
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    db.session.expire_all()
    assert (db.session.get(SubsidyBatch, batch.id).status, db.session.get(SubsidyBatch, batch.id).meeting_id) == (
        "on_agenda", meeting.id)
    # The second of two caseworkers who both saw it off the agenda gets a sentence, not a 500.
    with pytest.raises(NotAllowed, match="allerede på en dagsorden"):
        subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    with pytest.raises(NotAllowed, match="formand"):
        subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.member, "approve")
    with pytest.raises(NotAllowed, match="beregnet igen|på et mødes dagsorden"):
        batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "approve")
    assert db.session.get(SubsidyBatch, batch.id).proposal == "approve"


def test_close_makes_cases_decisions_letters_and_plans(yearly):
    batch, meeting = _approved_batch(yearly)
    assert decisions.close_meeting(meeting.id, yearly.chair) is True
    db.session.expire_all()
    batch = db.session.get(SubsidyBatch, batch.id)
    assert batch.status == "approved" and batch.approved_at is not None
    cases = db.session.scalars(sa.select(Case).where(Case.workflow == "yearly_subsidy", Case.number.is_not(None))
                               .order_by(Case.id)).all()
    assert [c.granted_amount for c in cases] == [8_200, 3_758]
    assert all(registry.has_tag("yearly_subsidy", c.state, "payable") and c.title == "Aktivitetstilskud 2027"
               for c in cases)
    assert all(c.number.startswith("2028-") for c in cases)
    assert {line.case_id for line in batch.lines} == {c.id for c in cases}
    made = db.session.scalars(sa.select(Decision).where(Decision.case_id.in_([c.id for c in cases]))).all()
    assert [(d.amount, d.delegated, d.meeting_id, d.legal_basis) for d in made] == [
        (8_200, False, meeting.id, "folkeoplysningslovens § 18"), (3_758, False, meeting.id, "folkeoplysningslovens § 18")]
    assert "40 medlemmer" in made[0].reason and "1 påbegyndt måned" in made[1].reason
    assert _count(CaseEvent, CaseEvent.case_id.in_([c.id for c in cases]), CaseEvent.action == "decide_grant") == 2
    letters = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.template == "decision_letter")).all()
    assert sorted(m.payload["decision_id"] for m in letters) == sorted(d.id for d in made)
    notices = _count(OutboxMessage, OutboxMessage.template == "decision_notice")
    assert notices == 2  # written when each letter was published
    late_letter = db.session.get(Document, made[1].letter_document_id)
    text = " ".join(PdfReader(io.BytesIO(files.read_bytes(late_letter.storage_key))).pages[0].extract_text().split())
    assert "Sådan har vi beregnet tilskuddet" in text and "1 påbegyndt måned" in text
    # The new cases are payable: the payout screen's "create plans" plans them from the pool's 4 instalments.
    payouts.create_plans(yearly.caseworker)
    assert _count(PaymentInstalment, PaymentInstalment.case_id.in_([c.id for c in cases])) == 8
    minutes = decisions.minutes_data(db.session.get(type(meeting), meeting.id), {})
    [item] = minutes.items
    assert (item.decision, item.amount_granted, item.association) == ("Godkendt", 11_958, "2 foreninger")
    assert [(p.name, p.granted_now) for p in minutes.pools] == [("Aktivitetstilskud 2027", 11_958)]


def test_an_association_whose_calculation_gives_nothing_gets_a_refusal_with_its_reason(yearly):
    """Forvaltningsloven §§ 22-25: 0 kr. is a decision too, with the calculation as its reason and appeal guidance."""
    nothing = yearly.report(under_25=0, over_25=12)  # only adults: the per-member rule gives 0 kr.
    batch, meeting = _approved_batch(yearly)
    decisions.close_meeting(meeting.id, yearly.chair)
    case = db.session.scalar(sa.select(Case).where(Case.association_id == nothing.association_id,
                                                   Case.workflow == "yearly_subsidy"))
    assert registry.has_tag("yearly_subsidy", case.state, "refused") and case.granted_amount == 0
    decision = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    assert decision.amount == 0 and "0 medlemmer" in decision.reason and decision.appeal_text.strip()
    letter = db.session.get(Document, decision.letter_document_id)
    text = " ".join(PdfReader(io.BytesIO(files.read_bytes(letter.storage_key))).pages[0].extract_text().split())
    assert "ikke får" in text and "Sådan har vi beregnet tilskuddet" in text and "Klagevejledning" in text
    payouts.create_plans(yearly.caseworker)
    assert _count(PaymentInstalment, PaymentInstalment.case_id == case.id) == 0


def test_close_refused_when_the_batch_no_longer_fits_the_budget(yearly):
    batch, meeting = _approved_batch(yearly)
    yearly.granted_case(440_000)  # granted in the pool after the calculation
    with pytest.raises(decisions.CloseRefused, match="Aktivitetstilskud 2027 bevilger 11.958"):
        decisions.close_meeting(meeting.id, yearly.chair)
    db.session.expire_all()
    assert db.session.get(SubsidyBatch, batch.id).status == "on_agenda"
    assert _count(Case, Case.number.is_not(None), Case.workflow == "yearly_subsidy") == 0


def test_a_missing_answer_stops_the_close_and_postpone_takes_it_off(yearly):
    yearly.report()
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    with pytest.raises(decisions.CloseRefused, match="mangler en beslutning"):
        decisions.close_meeting(meeting.id, yearly.chair)
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "postpone")
    decisions.close_meeting(meeting.id, yearly.chair)
    db.session.expire_all()
    batch = db.session.get(SubsidyBatch, batch.id)
    # Off the agenda and calculated; the meeting and the answer stay for the minutes until it goes on another.
    assert (batch.status, batch.meeting_id, batch.proposal) == ("calculated", meeting.id, "postpone")
    assert _count(Case, Case.workflow == "yearly_subsidy") == 0
    minutes = decisions.minutes_data(meeting, {})
    assert [(i.title, i.decision, i.amount_granted) for i in minutes.items] == [
        ("Beregning af aktivitetstilskud 2027", None, None)]
    later = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, later.id, yearly.caseworker)
    assert db.session.get(SubsidyBatch, batch.id).proposal is None


def test_a_scheme_is_approved_once(yearly):
    batch, meeting = _approved_batch(yearly)
    decisions.close_meeting(meeting.id, yearly.chair)
    with pytest.raises(NotAllowed, match="allerede godkendt"):
        batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    # The database refuses a second approved batch of the scheme too (uq_subsidy_batches_approved).
    db.session.add(SubsidyBatch(scheme_id=yearly.scheme.id, status="approved", formula={}, budget=0, total=0))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_member_with_a_conflict_in_an_association_of_the_batch(yearly):
    report = yearly.report()
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    meeting = yearly.meeting()
    subsidy_batches.put_on_agenda(batch.id, meeting.id, yearly.caseworker)
    earlier = Case(pool_id=yearly.pool.id, association_id=report.association_id, workflow="subsidy", state="closed",
                   title="Tidligere sag")
    db.session.add(earlier)
    db.session.flush()
    db.session.add(ConflictDeclaration(case_id=earlier.id, user_id=yearly.chair.id, reason="Formand for klubben"))
    db.session.commit()
    with pytest.raises(NotAllowed, match="inhabil"):
        subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "approve")
    db.session.get(SubsidyBatch, batch.id).proposal = "approve"  # recorded before the conflict was declared
    db.session.commit()
    with pytest.raises(decisions.CloseRefused, match="inhabil i forhold til en forening"):
        decisions.close_meeting(meeting.id, yearly.chair)
    [item] = subsidy_batches.agenda_items(meeting, yearly.member)
    assert item.inhabil_names == ("Lise Dahl",) and not item.viewer_inhabil
    assert (item.associations, item.with_amount) == (1, 1)
    subsidy_batches.record_batch_proposal(meeting.id, batch.id, yearly.chair, "postpone")  # allowed: no decision
    decisions.close_meeting(meeting.id, yearly.chair)
    [entry] = decisions.minutes_data(meeting, {}).items
    assert entry.inhabil == ("Lise Dahl",)


def test_a_premises_scheme_leaves_out_associations_without_premises_costs(yearly):
    """Lokaletilskud is for associations with their own or rented rooms: the others get no line and no refusal."""
    yearly.scheme.formula = {"basis": "cost_share", "cost_percent": 65, "cost_types": ["rent"]}
    db.session.commit()
    renting = yearly.report(under_25=10)  # rent 10.000 kr.
    free_rooms = yearly.report(under_25=30)
    db.session.get(AnnualReport, free_rooms.id).premises_costs = {}
    db.session.commit()
    batch = batches.calculate_batch(yearly.scheme.id, yearly.caseworker)
    assert [(line.association_id, line.amount) for line in batch.lines] == [(renting.association_id, 6_500)]
