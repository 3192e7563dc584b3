"""Settlement of lokaletilskud advances against next year's reports: calculated, decided by the committee, paid."""
from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app import clock
from app.extensions import db
from app.models import (AnnualReport, Case, Decision, Document, OutboxMessage, RepaymentClaim,
                        ReportingCampaign, SubsidyBatch)
from app.services.cases.guard import NotAllowed
from app.services.committee import decisions, letters, subsidy_batches
from app.services.files import storage as files
from app.services.money import payouts
from app.services.yearly import batches, settlement
from tests.services.yearly.conftest import Yearly

# 65 % of the rent (Favrskov's share), 1/12 less per started month late.
PREMISES = {"basis": "cost_share", "cost_percent": 65, "cost_types": ["rent"], "late_twelfths": 1}


class Settling(Yearly):
    """Lokaletilskud 2027 approved as advances for two clubs, and the 2028 campaign with their actual figures."""

    def __init__(self) -> None:
        super().__init__()
        self.scheme.kind, self.scheme.name, self.scheme.formula = "premises", "Lokaletilskud 2027", dict(PREMISES)
        self.yearly_pool.name, self.yearly_pool.instalment_interval = "Lokaletilskud 2027", 3
        self.next = ReportingCampaign(year=2028, opens_on=date(2029, 1, 2), deadline=date(2029, 3, 31))
        db.session.add(self.next)
        db.session.commit()
        self.rich = self.report(under_25=40)  # rent set below
        self.poor = self.report(under_25=20)
        self._rent(self.rich, 20_000)  # advance 13.000 kr.
        self._rent(self.poor, 10_000)  # advance 6.500 kr.
        self.advance_batch = batches.calculate_batch(self.scheme.id, self.caseworker)
        meeting = self.meeting()
        subsidy_batches.put_on_agenda(self.advance_batch.id, meeting.id, self.caseworker)
        subsidy_batches.record_batch_proposal(meeting.id, self.advance_batch.id, self.chair, "approve")
        decisions.close_meeting(meeting.id, self.chair)
        payouts.create_plans(self.caseworker)  # four quarterly instalments each

    @staticmethod
    def _rent(report: AnnualReport, rent: int) -> None:
        db.session.get(AnnualReport, report.id).premises_costs = {"rent": rent}
        db.session.commit()

    def case_of(self, report: AnnualReport) -> Case:
        return db.session.scalar(sa.select(Case).where(Case.association_id == report.association_id,
                                                       Case.workflow == "yearly_subsidy", Case.number.is_not(None)))

    def pay(self, report: AnnualReport, count: int) -> None:
        """The first `count` instalments were paid (all of them: the case moved on to closed, as mark_paid does)."""
        case = self.case_of(report)
        rows = payouts.plan(case.id)
        for row in rows[:count]:
            row.paid_at = clock.now()
        if count >= len(rows):
            case.state = "closed"
        db.session.commit()

    def actual(self, report: AnnualReport, rent: int, submitted: datetime | None = None) -> AnnualReport:
        """The association's approved report in the 2028 campaign: its actual figures for 2027."""
        when = submitted or datetime(2029, 3, 1, 12, 0, tzinfo=timezone.utc)
        row = AnnualReport(campaign_id=self.next.id, association_id=report.association_id, status="approved",
                           members=dict(report.members), paying_members=report.paying_members,
                           fee_income=report.fee_income, activities=list(report.activities),
                           premises_costs={"rent": rent}, submitted_at=when, approved_at=when)
        db.session.add(row)
        db.session.commit()
        return row

    def settle(self) -> tuple[SubsidyBatch, object]:
        """Calculate the settlement and have the chair approve it on a new meeting (the close is the test's)."""
        clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
        batch = settlement.calculate_settlement(self.advance_batch.id, self.next.id, self.caseworker)
        meeting = self.meeting()
        subsidy_batches.put_on_agenda(batch.id, meeting.id, self.caseworker)
        subsidy_batches.record_batch_proposal(meeting.id, batch.id, self.chair, "approve")
        return batch, meeting


@pytest.fixture
def settling(app) -> Settling:
    return Settling()


def _open(case_id: int) -> list[int]:
    return [r.amount for r in payouts.plan(case_id) if r.paid_at is None and r.batch_id is None]


def _letter_text(decision: Decision) -> str:
    return " ".join(b.text for b in letters.compose(letters.letter_data(decision)).body if b.text)


def test_the_settlement_applies_the_approved_formula_to_the_next_campaign(settling):
    settling.actual(settling.rich, 30_000)
    late = settling.actual(settling.poor, 12_000, submitted=datetime(2029, 4, 5, 9, 0, tzinfo=timezone.utc))
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    batch = settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    lines = {line.association_id: line for line in batch.lines}
    rich, poor = lines[settling.rich.association_id], lines[settling.poor.association_id]
    assert (rich.advance, rich.amount, rich.difference) == (13_000, 19_500, 6_500)
    # 65 % of 12.000 = 7.800, one month late: 11/12 = 7.150 kr.
    assert (poor.advance, poor.amount, poor.difference) == (6_500, 7_150, 650)
    assert [s["code"] for s in poor.steps] == ["cost_share", "late"] and poor.report_id == late.id
    assert rich.case_id == settling.case_of(settling.rich).id
    assert (batch.settles_batch_id, batch.settlement_campaign_id, batch.scheme_id) == (
        settling.advance_batch.id, settling.next.id, settling.scheme.id)
    assert batch.total == 19_500 + 7_150 and batch.budget == 450_000  # the advances count as free again
    # The scheme's overview still shows its advance batch, not the settlement.
    assert batches.latest_batches([settling.scheme.id])[settling.scheme.id].id == settling.advance_batch.id


def test_an_association_without_a_report_is_left_out_and_listed(settling):
    settling.actual(settling.rich, 20_000)
    db.session.add(AnnualReport(campaign_id=settling.next.id, association_id=settling.poor.association_id,
                                status="draft"))
    db.session.commit()
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    batch = settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    assert [line.association_id for line in batch.lines] == [settling.rich.association_id]
    [missing] = settlement.missing_reports(batch)
    assert (missing.association.id, missing.advance, missing.status) == (settling.poor.association_id, 6_500, "draft")


def test_higher_actual_costs_add_an_instalment_of_the_difference(settling):
    settling.pay(settling.rich, 4)  # every advance paid: the case is closed
    settling.actual(settling.rich, 30_000)
    settling.actual(settling.poor, 10_000)
    batch, meeting = settling.settle()
    case = settling.case_of(settling.rich)
    first = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))
    decisions.close_meeting(meeting.id, settling.chair)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    new = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id, Decision.id != first.id))
    assert (new.amount, new.corrects_id, new.meeting_id, new.delegated) == (19_500, first.id, meeting.id, False)
    assert "Lokaletilskud: 65 % af udgifterne til lokaler" in new.reason and "6.500 kr. mere" in new.reason
    assert case.granted_amount == 19_500 and case.state == "closed"
    assert _open(case.id) == [6_500]
    assert db.session.get(SubsidyBatch, batch.id).status == "approved"
    # The extra instalment is paid like any other, though the advance's case was closed.
    payout = payouts.create_batch(settling.caseworker, clock.today())
    assert {(line.case_id, line.amount) for line in payout.lines} >= {(case.id, 6_500)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.dedup_key == f"decision-letter:{new.id}")) == 1
    text = _letter_text(new)
    assert "Afregning af lokaletilskud for 2027" in text and "Det endelige tilskud er 19.500 kr." in text
    assert letters.letter_data(new).calculation[0].startswith("Lokaletilskud: 65 %")


def test_lower_costs_claim_back_what_was_paid_above_the_final_and_drop_open_instalments(settling):
    settling.pay(settling.poor, 2)  # 2 × 1.625 = 3.250 kr. paid, two instalments open
    settling.actual(settling.poor, 4_000)  # final 2.600 kr.
    settling.actual(settling.rich, 20_000)
    _batch, meeting = settling.settle()
    decisions.close_meeting(meeting.id, settling.chair)
    db.session.expire_all()
    case = settling.case_of(settling.poor)
    assert case.granted_amount == 2_600 and _open(case.id) == []
    assert case.state == "closed"  # nothing left to pay: it moves on as its last payout would have moved it
    [claim] = db.session.scalars(sa.select(RepaymentClaim).where(RepaymentClaim.case_id == case.id)).all()
    assert (claim.amount, claim.status, claim.due_on) == (650, "open", date(2029, 5, 31))
    assert claim.letter_document_id is not None
    new = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id, Decision.corrects_id.is_not(None)))
    assert "650 kr. for meget" in new.reason and "betale beløbet tilbage" in new.correction_note


def test_lower_costs_above_what_was_paid_reduce_the_open_instalments(settling):
    settling.pay(settling.poor, 2)  # 3.250 kr. paid
    settling.actual(settling.poor, 8_000)  # final 5.200 kr.: 1.950 kr. left over two instalments
    settling.actual(settling.rich, 20_000)
    _batch, meeting = settling.settle()
    decisions.close_meeting(meeting.id, settling.chair)
    db.session.expire_all()
    case = settling.case_of(settling.poor)
    assert case.granted_amount == 5_200 and _open(case.id) == [975, 975] and case.state == "granted"
    assert db.session.scalar(sa.select(RepaymentClaim.id).where(RepaymentClaim.case_id == case.id)) is None


def test_equal_figures_let_the_advance_stand_and_no_money_moves(settling):
    settling.pay(settling.rich, 4)
    settling.actual(settling.rich, 20_000)
    settling.actual(settling.poor, 10_000)
    case = settling.case_of(settling.rich)
    before = [(r.id, r.amount) for r in payouts.plan(case.id)]
    _batch, meeting = settling.settle()
    decisions.close_meeting(meeting.id, settling.chair)
    db.session.expire_all()
    new = db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id, Decision.corrects_id.is_not(None)))
    assert new.amount == 13_000 and "står ved magt" in new.reason
    assert [(r.id, r.amount) for r in payouts.plan(case.id)] == before
    assert db.session.scalar(sa.select(RepaymentClaim.id).where(RepaymentClaim.case_id == case.id)) is None
    assert "Forskel" in [row[0] for b in letters.compose(letters.letter_data(new)).body for row in (b.items or ())]


def test_final_amounts_over_the_budget_are_cut_pro_rata(settling):
    settling.yearly_pool.budget = 25_000  # advances 19.500, so 25.000 for the finals
    db.session.commit()
    settling.actual(settling.rich, 30_000)  # 19.500
    settling.actual(settling.poor, 20_000)  # 13.000
    clock.freeze(datetime(2029, 5, 1, 10, 0, tzinfo=timezone.utc))
    batch = settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    assert batch.budget == 25_000 and batch.total == 25_000
    assert all("pro_rata" in [s["code"] for s in line.steps] for line in batch.lines)


def test_close_refused_when_the_pool_no_longer_has_room(settling):
    settling.actual(settling.rich, 30_000)  # +6.500
    settling.actual(settling.poor, 10_000)
    batch, meeting = settling.settle()
    settling.granted_case(450_000 - 19_500 - 1_000)  # only 1.000 kr. left in the pool
    with pytest.raises(decisions.CloseRefused, match="Lokaletilskud 2027 bevilger 6.500"):
        decisions.close_meeting(meeting.id, settling.chair)
    db.session.expire_all()
    assert db.session.get(SubsidyBatch, batch.id).status == "on_agenda"
    assert settling.case_of(settling.rich).granted_amount == 13_000


def test_close_refused_when_an_advance_changed_after_the_calculation(settling):
    settling.actual(settling.rich, 30_000)
    settling.actual(settling.poor, 10_000)
    _batch, meeting = settling.settle()
    settling.case_of(settling.poor).granted_amount = 6_000  # corrected meanwhile
    db.session.commit()
    with pytest.raises(decisions.CloseRefused, match="er ændret"):
        decisions.close_meeting(meeting.id, settling.chair)


def test_a_batch_is_settled_once(settling):
    settling.actual(settling.rich, 30_000)
    settling.actual(settling.poor, 10_000)
    batch, meeting = settling.settle()
    with pytest.raises(NotAllowed, match="dagsorden"):
        settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    decisions.close_meeting(meeting.id, settling.chair)
    with pytest.raises(NotAllowed, match="allerede afregnet"):
        settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)
    # The database refuses a second approved settlement of the batch too (uq_subsidy_batches_settled).
    db.session.add(SubsidyBatch(scheme_id=settling.scheme.id, status="approved", formula={}, budget=0, total=0,
                                settles_batch_id=settling.advance_batch.id, settlement_campaign_id=settling.next.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    minutes = decisions.minutes_data(db.session.get(type(meeting), meeting.id), {})
    assert [i.title for i in minutes.items] == ["Afregning af lokaletilskud 2027"]


def test_refusals_say_why(settling):
    settling.actual(settling.rich, 30_000)
    with pytest.raises(NotAllowed, match="Kun sagsbehandlere"):
        settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.chair)
    with pytest.raises(NotAllowed, match="indberetningerne for 2028"):
        settlement.calculate_settlement(settling.advance_batch.id, settling.campaign.id, settling.caseworker)
    settling.scheme.kind = "activity"
    db.session.commit()
    with pytest.raises(NotAllowed, match="Kun lokaletilskud"):
        settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)


def test_no_reports_yet_is_a_refusal(settling):
    with pytest.raises(NotAllowed, match="Ingen af foreningerne har en godkendt indberetning for 2028"):
        settlement.calculate_settlement(settling.advance_batch.id, settling.next.id, settling.caseworker)


def test_the_letter_is_a_pdf_that_says_it_settles(settling):
    settling.actual(settling.rich, 30_000)
    settling.actual(settling.poor, 10_000)
    _batch, meeting = settling.settle()
    decisions.close_meeting(meeting.id, settling.chair)
    new = db.session.scalar(sa.select(Decision).where(Decision.corrects_id.is_not(None)).order_by(Decision.id))
    letters.issue_decision_letter(db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.dedup_key == f"decision-letter:{new.id}")))
    db.session.commit()
    document = db.session.get(Document, db.session.get(Decision, new.id).letter_document_id)
    text = " ".join(PdfReader(io.BytesIO(files.read_bytes(document.storage_key))).pages[0].extract_text().split())
    assert "Afregning af lokaletilskud for 2027" in text and "Acontotilskud" in text and "Endeligt tilskud" in text


def test_the_advance_letter_keeps_its_own_steps_and_the_minutes_count_the_difference(settling):
    settling.actual(settling.rich, 30_000)  # +6.500
    settling.actual(settling.poor, 4_000)  # -3.900
    _batch, meeting = settling.settle()
    decisions.close_meeting(meeting.id, settling.chair)
    case = settling.case_of(settling.rich)
    first, new = db.session.scalars(sa.select(Decision).where(Decision.case_id == case.id).order_by(Decision.id)).all()
    assert letters.letter_data(first).calculation[0].endswith("(20.000 kr.) = 13.000 kr.")
    assert letters.letter_data(first).settlement is None
    assert letters.letter_data(new).calculation[0].endswith("(30.000 kr.) = 19.500 kr.")
    assert letters.letter_data(new).settlement.advance == 13_000
    minutes = decisions.minutes_data(db.session.get(type(meeting), meeting.id), {})
    [pool] = minutes.pools
    assert pool.granted_now == 6_500 - 3_900
