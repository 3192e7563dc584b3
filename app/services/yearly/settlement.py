"""Settlement of lokaletilskud advances against the accounts (afregning): the second kind of batch.

A premises scheme for year Y is approved as a batch and paid as advances (the pool's instalments). The next
year's campaign carries the association's actual figures for Y; the settlement applies the same formula (as the
committee approved it: same rate, same caps, the report's own lateness) to them, within the pool's budget (pro
rata when the final amounts exceed it). Each line keeps the advance it settles, so the committee sees the final
amount beside it; the close (committee/settlement_close.py) makes the difference an additional payment, a
reduction of the open instalments, or a repayment claim. Associations with no approved report in the campaign are
left out and listed, so the caseworker can ask them to report.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import AnnualReport, Association, Case, ReportingCampaign, SubsidyBatch, SubsidyBatchLine, User
from app.services.cases.guard import refuse
from app.services.pools import limits
from app.services.unit_of_work import flush, use_case
from app.services.yearly import formula as formulas
from app.services.yearly.batches import CALCULATORS, BatchNotFound, figures_of


@dataclass(frozen=True)
class MissingReport:
    """An association whose advance cannot be settled yet: no approved report in the settlement's campaign."""

    association: Association
    advance: int
    status: str | None  # its report's status in the campaign, None when it has not begun one


def may_be_settled(batch: SubsidyBatch) -> bool:
    """An approved advance batch of a premises scheme (lokaletilskud) is settled against next year's reports."""
    return batch.status == "approved" and not batch.is_settlement and batch.scheme.kind == "premises"


def settlement_campaign(batch: SubsidyBatch) -> ReportingCampaign | None:
    """The campaign that carries the actual figures of the batch's year: the one for the year after."""
    return db.session.scalar(db.select(ReportingCampaign).where(
        ReportingCampaign.year == batch.scheme.campaign.year + 1))


def advance_cases(batch_id: int) -> list[Case]:
    """The cases the batch granted an advance (an amount above 0), in id order."""
    return list(db.session.scalars(
        db.select(Case).join(SubsidyBatchLine, SubsidyBatchLine.case_id == Case.id)
        .where(SubsidyBatchLine.batch_id == batch_id, Case.granted_amount > 0).order_by(Case.id)))


def _approved_reports(campaign_id: int, association_ids: set[int]) -> dict[int, AnnualReport]:
    """The campaign's approved reports of these associations, by association.

    No § 4 approval for the new year is asked for: the settlement is about the year the advance was granted for.
    """
    if not association_ids:
        return {}
    found = db.session.scalars(db.select(AnnualReport).where(
        AnnualReport.campaign_id == campaign_id, AnnualReport.status == "approved",
        AnnualReport.association_id.in_(association_ids)).options(db.joinedload(AnnualReport.campaign)))
    return {r.association_id: r for r in found}


def _lock_settlements_of(batch_id: int) -> list[SubsidyBatch]:
    return list(db.session.scalars(db.select(SubsidyBatch).where(SubsidyBatch.settles_batch_id == batch_id)
                                   .order_by(SubsidyBatch.id).with_for_update()
                                   .execution_options(populate_existing=True)))


def _check(settled: SubsidyBatch, campaign: ReportingCampaign | None) -> formulas.Formula:
    name = settled.scheme.name
    if settled.status != "approved":
        refuse(_l("Kun en beregning, som udvalget har godkendt, kan afregnes."))
    if settled.scheme.kind != "premises":
        refuse(_l("Kun lokaletilskud udbetales aconto og afregnes bagefter. %(name)s afregnes ikke.", name=name))
    if campaign is None or campaign.year != settled.scheme.campaign.year + 1:
        refuse(_l("Afregningen af %(name)s bruger indberetningerne for %(year)s. Vælg den indberetning.",
                  name=name, year=settled.scheme.campaign.year + 1))
    try:
        return formulas.parse(settled.formula)
    except formulas.FormulaError:
        refuse(_l("Beregningens formel kan ikke læses, så den kan ikke afregnes."))


def _refuse_earlier(settled: SubsidyBatch, earlier: list[SubsidyBatch]) -> None:
    if any(b.status == "approved" for b in earlier):
        refuse(_l("%(name)s er allerede afregnet af udvalget. Der kan ikke afregnes igen.", name=settled.scheme.name))
    if any(b.status == "on_agenda" for b in earlier):
        refuse(_l("Afregningen af %(name)s er på et mødes dagsorden. Tag den af dagsordenen, før der afregnes igen.",
                  name=settled.scheme.name))


@use_case
def calculate_settlement(batch_id: int, campaign_id: int, user: User) -> SubsidyBatch:
    """Settle an approved premises batch's advances against the campaign's approved reports; store the proposal.

    The pool row is locked while its budget is read (as calculate_batch does): the final amounts may use the
    pool's budget less every other grant, so the advances being settled count as free again. An earlier
    settlement that is not on an agenda is discarded.
    """
    if user.role not in CALCULATORS:
        refuse(_l("Kun sagsbehandlere og administratorer kan afregne tilskud."))
    settled = db.session.get(SubsidyBatch, batch_id)
    if settled is None or settled.is_settlement:
        raise BatchNotFound()
    formula = _check(settled, db.session.get(ReportingCampaign, campaign_id))
    pool = limits.lock_pool(settled.scheme.pool_id)
    earlier = _lock_settlements_of(settled.id)
    _refuse_earlier(settled, earlier)
    cases = advance_cases(settled.id)
    reports = _approved_reports(campaign_id, {c.association_id for c in cases})
    settling = [c for c in cases if c.association_id in reports]
    if not settling:
        refuse(_l("Ingen af foreningerne har en godkendt indberetning for %(year)s endnu, så der er intet at afregne.",
                  year=settled.scheme.campaign.year + 1))
    advances = sum(c.granted_amount or 0 for c in settling)
    budget = max(pool.budget - (limits.granted_in_pool(pool.id) - advances), 0)
    result = formulas.calculate(formula, [figures_of(reports[c.association_id]) for c in settling], budget)
    for old in earlier:
        if old.status == "calculated":
            old.status = "discarded"
    batch = SubsidyBatch(scheme_id=settled.scheme_id, status="calculated", formula=formula.as_dict(), budget=budget,
                         total=result.total, calculated_at=clock.now(), calculated_by_id=user.id,
                         settles_batch_id=settled.id, settlement_campaign_id=campaign_id)
    by_association = {c.association_id: c for c in settling}
    batch.lines = [SubsidyBatchLine(association_id=line.association_id, report_id=reports[line.association_id].id,
                                    amount=line.amount, steps=[s.as_dict() for s in line.steps],
                                    case_id=by_association[line.association_id].id,
                                    advance=by_association[line.association_id].granted_amount or 0)
                   for line in result.lines]
    db.session.add(batch)
    flush()  # the view redirects to the new batch
    return batch


def missing_reports(batch: SubsidyBatch) -> list[MissingReport]:
    """For a settlement: the associations granted an advance that are not in it (no approved report), by name."""
    if not batch.is_settlement:
        return []
    settled_in = set(db.session.scalars(db.select(SubsidyBatchLine.association_id)
                                        .where(SubsidyBatchLine.batch_id == batch.id)))
    missing = [c for c in advance_cases(batch.settles_batch_id) if c.association_id not in settled_in]
    if not missing:
        return []
    status = dict(db.session.execute(db.select(AnnualReport.association_id, AnnualReport.status).where(
        AnnualReport.campaign_id == batch.settlement_campaign_id,
        AnnualReport.association_id.in_({c.association_id for c in missing}))).all())
    found = [MissingReport(c.association, c.granted_amount or 0, status.get(c.association_id)) for c in missing]
    return sorted(found, key=lambda m: m.association.name)


def settlement_of(batch_id: int) -> SubsidyBatch | None:
    """The newest settlement of an advance batch that is not discarded."""
    return db.session.scalar(db.select(SubsidyBatch).where(
        SubsidyBatch.settles_batch_id == batch_id, SubsidyBatch.status != "discarded")
        .order_by(SubsidyBatch.id.desc()).limit(1))
