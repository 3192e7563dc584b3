"""Calculated subsidies: calculate a scheme as a batch, preview every association's steps, what-if, agenda."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import DataRequired, InputRequired

from app.auth.access import require_caseworker, require_role
from app.access import get_or_404
from app.extensions import db
from app.models import Meeting, SubsidyBatch, SubsidyScheme
from app.services.cases.guard import NotAllowed
from app.services.committee import meetings, subsidy_batches
from app.services.yearly import batches, settlement
from app.services.yearly.steps_text import describe
from app.staff import bp
from app.staff.fields import KronerField

VIEWERS = ("caseworker", "administrator", "committee_member")


class CalculateForm(FlaskForm):
    """Calculate the scheme; with a rate, the what-if the caseworker chose to keep."""

    rate = KronerField(_l("Sats (kr.)"))


class WhatIfForm(FlaskForm):
    """Another rate to compare with (a GET form: nothing is stored)."""

    class Meta:
        csrf = False

    sats = KronerField(_l("Prøv en anden sats (kr.)"), validators=[InputRequired(message=_l("Skriv en sats i hele kroner."))])


class AgendaForm(FlaskForm):
    """Choose the committee meeting."""

    meeting = SelectField(_l("Møde"), coerce=str, validate_choice=True,
                          validators=[DataRequired(message=_l("Vælg det møde, beregningen skal behandles på."))])


class SettleForm(FlaskForm):
    """Settle an approved premises batch against the next campaign's reports."""

    campaign = SelectField(_l("Indberetning med de faktiske tal"), coerce=str, validate_choice=True,
                           validators=[DataRequired(message=_l("Vælg den indberetning, der afregnes efter."))])


def _settle_form(batch: SubsidyBatch, formdata=None) -> SettleForm | None:
    """The form to settle the batch, when it may be settled and the next year's campaign exists."""
    campaign = settlement.settlement_campaign(batch) if settlement.may_be_settled(batch) else None
    if campaign is None:
        return None
    form = SettleForm(formdata=formdata)
    form.campaign.choices = [SelectChoice(str(campaign.id), _("Årlig indberetning %(year)s", year=campaign.year))]
    if formdata is None:
        form.campaign.data = str(campaign.id)
    return form


def _may_see(batch: SubsidyBatch) -> bool:
    """Staff see every batch; a committee member the batches on a meeting of their own committee."""
    if current_user.role != "committee_member":
        return True
    meeting = db.session.get(Meeting, batch.meeting_id) if batch.meeting_id else None
    return meeting is not None and meetings.seat(current_user, meeting.committee_id) is not None


def _meeting_choices(batch: SubsidyBatch) -> list[SelectChoice]:
    mine = [m for m in meetings.planned_meetings() if m.committee_id == batch.scheme.pool.committee_id]
    return [SelectChoice("", _("Vælg møde"))] + [
        SelectChoice(str(m.id), f"{m.meeting_date.strftime('%d.%m.%Y')} – {m.title}") for m in mine]


@bp.route("/tilskudsberegning")
@require_caseworker
def subsidy_schemes():
    found = batches.schemes()
    return render_template("staff/subsidy_schemes.html", schemes=found,
                           latest=batches.latest_batches([s.id for s in found]), form=CalculateForm(formdata=None))


@bp.route("/tilskudsberegning/<int:scheme_id>/beregn", methods=["POST"])
@require_caseworker
def calculate_subsidy_batch(scheme_id: int):
    scheme = get_or_404(SubsidyScheme, scheme_id)
    form = CalculateForm()
    if not form.validate():
        for error in form.rate.errors:
            flash(str(error), "error")
        return redirect(url_for("staff.subsidy_schemes"))
    try:
        batch = batches.calculate_batch(scheme.id, current_user, rate=form.rate.data)
    except batches.BatchNotFound:
        abort(404)
    except NotAllowed as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("staff.subsidy_schemes"))
    flash(_("%(name)s er beregnet. Se beregningen igennem, før den sættes på et møde.", name=scheme.name), "success")
    return redirect(url_for("staff.subsidy_batch", subsidy_batch_id=batch.id))


def render_batch(batch: SubsidyBatch, agenda_form: AgendaForm | None = None, status: int = 200,
                 settle_form: SettleForm | None = None):
    """The preview: totals against the budget, a what-if column if asked, a page of associations with steps."""
    what_if_form = WhatIfForm(request.args)
    comparison, after = None, request.args.get("efter", type=int)
    if "sats" in request.args and not batch.is_settlement and what_if_form.validate():
        try:
            comparison = batches.what_if(batch, what_if_form.sats.data)
        except NotAllowed as exc:
            what_if_form.sats.errors = [str(exc.message)]
    lines, next_after = batches.lines_page(batch.id, after)
    count, with_amount = batches.line_count(batch.id)
    planner = current_user.role in meetings.PLANNERS
    if agenda_form is None and batch.status == "calculated" and planner:
        agenda_form = AgendaForm(formdata=None)
        agenda_form.meeting.choices = _meeting_choices(batch)
    if settle_form is None and planner:
        settle_form = _settle_form(batch)
    return render_template("staff/subsidy_batch.html", batch=batch, lines=lines, next_after=next_after, after=after,
                           count=count, with_amount=with_amount, comparison=comparison, what_if_form=what_if_form,
                           agenda_form=agenda_form, describe=describe, planner=planner, settle_form=settle_form,
                           missing=settlement.missing_reports(batch),
                           settled_by=settlement.settlement_of(batch.id) if not batch.is_settlement else None), status


@bp.route("/tilskudsberegning/beregninger/<int:subsidy_batch_id>")
@require_role(*VIEWERS)
def subsidy_batch(subsidy_batch_id: int):
    return render_batch(get_or_404(SubsidyBatch, subsidy_batch_id, _may_see))


@bp.route("/tilskudsberegning/beregninger/<int:subsidy_batch_id>/dagsorden", methods=["POST"])
@require_caseworker
def subsidy_batch_to_agenda(subsidy_batch_id: int):
    batch = get_or_404(SubsidyBatch, subsidy_batch_id)
    form = AgendaForm()
    form.meeting.choices = _meeting_choices(batch)
    if not form.validate():
        return render_batch(batch, form, 400)
    try:
        subsidy_batches.put_on_agenda(batch.id, int(form.meeting.data), current_user)
    except meetings.MeetingNotFound:
        abort(404)
    except NotAllowed as exc:
        flash(str(exc.message), "error")
        return render_batch(get_or_404(SubsidyBatch, subsidy_batch_id), form, 409)
    flash(_("Beregningen er sat på dagsordenen."), "success")
    return redirect(url_for("committee.meeting", meeting_id=int(form.meeting.data)))


@bp.route("/tilskudsberegning/beregninger/<int:subsidy_batch_id>/afregn", methods=["POST"])
@require_caseworker
def settle_subsidy_batch(subsidy_batch_id: int):
    batch = get_or_404(SubsidyBatch, subsidy_batch_id, lambda b: not b.is_settlement)
    form = _settle_form(batch, formdata=request.form)
    if form is None:
        flash(_("Beregningen kan ikke afregnes: kun et godkendt lokaletilskud afregnes, og først når "
                "indberetningen for det følgende år er oprettet."), "error")
        return redirect(url_for("staff.subsidy_batch", subsidy_batch_id=batch.id))
    if not form.validate():
        return render_batch(batch, status=400, settle_form=form)
    try:
        made = settlement.calculate_settlement(batch.id, int(form.campaign.data), current_user)
    except batches.BatchNotFound:
        abort(404)
    except NotAllowed as exc:
        flash(str(exc.message), "error")
        return render_batch(get_or_404(SubsidyBatch, subsidy_batch_id), status=409, settle_form=form)
    flash(_("Afregningen er beregnet. Se den igennem, før den sættes på et møde."), "success")
    return redirect(url_for("staff.subsidy_batch", subsidy_batch_id=made.id))
