"""Calculation as a batch: a scheme's formula over the campaign's approved reports, within the pool's budget.

`calculate_batch` stores the calculation the committee will be asked to approve (one line per association,
with every step); `what_if` runs the same calculation with another rate and stores nothing, so the preview can
show both side by side. Putting a batch on a meeting and approving it belong to the committee's services.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import (AnnualReport, AssociationApproval, ReportingCampaign, SubsidyBatch, SubsidyBatchLine,
                        SubsidyScheme, User)
from app.services.cases.guard import refuse
from app.services.pools import ledger, limits
from app.services.unit_of_work import flush, use_case
from app.services.yearly import formula as formulas, reports

CALCULATORS = ("caseworker", "administrator")
PAGE_SIZE = 100


class BatchNotFound(Exception):
    """No such scheme or batch."""


@dataclass(frozen=True)
class Comparison:
    """A stored batch beside the same calculation with another rate (nothing stored)."""

    rate: int
    total: int
    budget: int
    amounts: dict[int, int]  # association id -> amount with the other rate

    def difference(self, line: SubsidyBatchLine) -> int:
        return self.amounts.get(line.association_id, 0) - line.amount


def figures_of(report: AnnualReport) -> formulas.Figures:
    """What the formula reads from one approved report."""
    return formulas.Figures(
        association_id=report.association_id, members=dict(report.members or {}),
        paying_members=report.paying_members or 0, fee_income=report.fee_income or 0,
        activity_hours=report.activity_hours, costs=dict(report.premises_costs or {}),
        months_late=reports.months_late(report))


def approved_reports(campaign: ReportingCampaign) -> list[AnnualReport]:
    """The campaign's approved reports of associations approved (§ 4) for its year, in id order.

    A report can be approved while the association is not (fewer than 5 paying members, no statutes): its
    figures are on file, but only a folkeoplysende forening gets these subsidies.
    """
    approved = db.select(AssociationApproval.id).where(AssociationApproval.association_id == AnnualReport.association_id,
                                                      AssociationApproval.year == campaign.year).exists()
    return list(db.session.scalars(db.select(AnnualReport).where(
        AnnualReport.campaign_id == campaign.id, AnnualReport.status == "approved", approved)
        .options(db.joinedload(AnnualReport.campaign)).order_by(AnnualReport.id)))


def _formula(scheme: SubsidyScheme, rate: int | None) -> formulas.Formula:
    try:
        parsed = formulas.parse(scheme.formula)
    except formulas.FormulaError:
        refuse(_l("Formlen for %(name)s er ikke gyldig. Ret den, før der beregnes.", name=scheme.name))
    if rate is None:
        return parsed
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= formulas.LIMIT:
        refuse(_l("Skriv en sats i hele kroner, 0 eller mere."))
    return dataclasses.replace(parsed, rate=rate)


def _run(scheme: SubsidyScheme, formula: formulas.Formula, budget: int):
    found = approved_reports(scheme.campaign)
    if not found:
        refuse(_l("Der er ingen godkendte indberetninger for %(year)s endnu, så der er intet at beregne.",
                  year=scheme.campaign.year))
    figures = [f for f in map(figures_of, found) if formulas.concerns(formula, f)]
    if not figures:
        refuse(_l("Ingen af de godkendte indberetninger for %(year)s har tal, som %(name)s regner på.",
                  year=scheme.campaign.year, name=scheme.name))
    result = formulas.calculate(formula, figures, budget)
    return result, {r.association_id: r for r in found}


def available_budget(pool_id: int) -> int:
    """The pool's budget less what its cases are granted already (never below 0)."""
    return max(ledger.ledger(pool_id).free, 0)


@use_case
def calculate_batch(scheme_id: int, user: User, *, rate: int | None = None) -> SubsidyBatch:
    """Calculate the scheme over the approved reports and store it as the batch to propose.

    `rate` calculates with another rate (a what-if the caseworker chose to keep). The pool row is locked while
    its free budget is read, so a decision in the same pool cannot slip in between. An earlier calculation that
    is not on an agenda is discarded: there is one proposal per scheme at a time.
    """
    if user.role not in CALCULATORS:
        refuse(_l("Kun sagsbehandlere og administratorer kan beregne tilskud."))
    scheme = db.session.get(SubsidyScheme, scheme_id)
    if scheme is None:
        raise BatchNotFound()
    formula = _formula(scheme, rate)
    pool = limits.lock_pool(scheme.pool_id)
    earlier = _lock_batches_of(scheme.id)
    if any(b.status == "approved" for b in earlier):
        refuse(_l("%(name)s er allerede godkendt af udvalget. Der kan ikke beregnes igen.", name=scheme.name))
    if any(b.status == "on_agenda" for b in earlier):
        refuse(_l("Beregningen af %(name)s er på et mødes dagsorden. Tag den af dagsordenen, før der beregnes igen.",
                  name=scheme.name))
    budget = max(pool.budget - limits.granted_in_pool(pool.id), 0)
    result, reports = _run(scheme, formula, budget)
    for old in earlier:
        if old.status == "calculated":
            old.status = "discarded"
    batch = SubsidyBatch(scheme_id=scheme.id, status="calculated", formula=formula.as_dict(), budget=budget,
                         total=result.total, calculated_at=clock.now(), calculated_by_id=user.id)
    batch.lines = [SubsidyBatchLine(association_id=line.association_id, report_id=reports[line.association_id].id,
                                    amount=line.amount, steps=[s.as_dict() for s in line.steps])
                   for line in result.lines]
    db.session.add(batch)
    flush()  # the view redirects to the new batch
    return batch


def _lock_batches_of(scheme_id: int) -> list[SubsidyBatch]:
    return list(db.session.scalars(db.select(SubsidyBatch).where(SubsidyBatch.scheme_id == scheme_id,
                                                                 SubsidyBatch.settles_batch_id.is_(None))
                                   .order_by(SubsidyBatch.id).with_for_update()
                                   .execution_options(populate_existing=True)))


def what_if(batch: SubsidyBatch, rate: int) -> Comparison:
    """The batch's calculation again with another rate, against today's free budget; nothing is stored."""
    formula = _formula_of_batch(batch, rate)
    budget = available_budget(batch.scheme.pool_id)
    result, _reports = _run(batch.scheme, formula, budget)
    return Comparison(rate=rate, total=result.total, budget=budget,
                      amounts={line.association_id: line.amount for line in result.lines})


def _formula_of_batch(batch: SubsidyBatch, rate: int) -> formulas.Formula:
    try:
        parsed = formulas.parse(batch.formula)
    except formulas.FormulaError:
        refuse(_l("Beregningens formel kan ikke læses. Beregn igen."))
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= formulas.LIMIT:
        refuse(_l("Skriv en sats i hele kroner, 0 eller mere."))
    return dataclasses.replace(parsed, rate=rate)


def lines_page(batch_id: int, after: int | None = None, size: int | None = None) -> tuple[list[SubsidyBatchLine], int | None]:
    """A page of the batch's lines by id (keyset), with the association; and the last id when more follow."""
    size = size or PAGE_SIZE
    stmt = (db.select(SubsidyBatchLine).where(SubsidyBatchLine.batch_id == batch_id)
            .options(db.joinedload(SubsidyBatchLine.association)).order_by(SubsidyBatchLine.id).limit(size + 1))
    if after is not None:
        stmt = stmt.where(SubsidyBatchLine.id > after)
    rows = list(db.session.scalars(stmt))
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


def line_count(batch_id: int) -> tuple[int, int]:
    """(associations in the batch, associations with an amount above 0)."""
    total, paid = db.session.execute(
        db.select(func.count(SubsidyBatchLine.id), func.count(SubsidyBatchLine.id).filter(SubsidyBatchLine.amount > 0))
        .where(SubsidyBatchLine.batch_id == batch_id)).one()
    return int(total), int(paid)


def schemes() -> list[SubsidyScheme]:
    """Every scheme, newest campaign first, for the calculation overview."""
    return list(db.session.scalars(db.select(SubsidyScheme).options(
        db.joinedload(SubsidyScheme.campaign), db.joinedload(SubsidyScheme.pool))
        .order_by(SubsidyScheme.campaign_id.desc(), SubsidyScheme.name).limit(200)))


def latest_batches(scheme_ids: list[int]) -> dict[int, SubsidyBatch]:
    """The newest batch of each scheme that is not discarded (its advance batch, not a settlement of it)."""
    if not scheme_ids:
        return {}
    found: dict[int, SubsidyBatch] = {}
    for batch in db.session.scalars(db.select(SubsidyBatch).where(
            SubsidyBatch.scheme_id.in_(scheme_ids), SubsidyBatch.status != "discarded",
            SubsidyBatch.settles_batch_id.is_(None)).order_by(SubsidyBatch.id)):
        found[batch.scheme_id] = batch
    return found
