"""Administrator pages for subsidy schemes: list, create and change a scheme and its formula, with a worked example."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.access import get_or_404
from app.admin import bp
from app.admin.helpers import show_error
from app.admin.scheme_forms import BASIS_LABELS, KIND_LABELS, SchemeForm, form_data
from app.auth.access import require_admin
from app.extensions import db
from app.models.yearly import COST_TYPES, MEMBER_BANDS, ReportingCampaign, SubsidyScheme
from app.services.journals.audit import SetupError
from app.services.yearly import formula as formulas, schemes
from app.services.yearly.steps_text import describe


def _choices(form: SchemeForm) -> None:
    campaigns = db.session.scalars(db.select(ReportingCampaign).order_by(ReportingCampaign.year.desc())).all()
    form.campaign_id.choices = [SelectChoice("", _("Vælg indberetning"))] + [
        SelectChoice(c.id, _("Årlig indberetning %(year)s", year=c.year)) for c in campaigns]
    form.pool_id.choices = [SelectChoice("", _("Vælg pulje"))] + [
        SelectChoice(p.id, f"{p.name} ({p.year})") for p in schemes.eligible_pools()]


def _values(form: SchemeForm) -> schemes.SchemeValues:
    return schemes.SchemeValues(name=form.name.data or "", kind=form.kind.data or "",
                                campaign_id=form.campaign_id.data, pool_id=form.pool_id.data,
                                formula=form.formula_json())


def _show_problems(form: SchemeForm, exc: schemes.SchemeError) -> None:
    for name, message in exc.problems.items():
        target = form.error_field(name)
        if target is None:
            flash(str(message), "error")
        else:
            target.errors = [*target.errors, str(message)]


def _example(scheme: SubsidyScheme):
    try:
        formula = formulas.parse(scheme.formula)
    except formulas.FormulaError:
        return None
    return schemes.worked_example(formula, scheme.pool.budget)


@bp.route("/tilskudsordninger")
@require_admin
def schemes_index():
    rows = db.session.scalars(db.select(SubsidyScheme).options(db.joinedload(SubsidyScheme.pool),
                                                               db.joinedload(SubsidyScheme.campaign))
                              .order_by(SubsidyScheme.id.desc()).limit(500)).all()
    return render_template("admin/schemes.html", schemes=rows, kinds=KIND_LABELS, bases=BASIS_LABELS)


def _next_year_of(source: SubsidyScheme) -> dict:
    """A scheme as the start of next year's: the same formula, next year's campaign and pool where they exist."""
    year = source.campaign.year
    data = form_data(source)
    data["name"] = source.name.replace(str(year), str(year + 1)) if str(year) in source.name else source.name
    campaign = db.session.scalar(db.select(ReportingCampaign.id).where(ReportingCampaign.year == year + 1))
    pool_name = source.pool.name.replace(str(year), str(year + 1))
    pool = next((p.id for p in schemes.eligible_pools() if p.year == year + 1 and p.name == pool_name), None)
    data.update(campaign_id=campaign, pool_id=pool)
    return data


@bp.route("/tilskudsordninger/ny", methods=["GET", "POST"])
@require_admin
def scheme_new():
    source = db.session.get(SubsidyScheme, request.args.get("fra", type=int) or 0)
    form = SchemeForm(data=_next_year_of(source)) if source is not None else SchemeForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            scheme = schemes.create_scheme(current_user, _values(form))
        except schemes.SchemeError as exc:
            _show_problems(form, exc)
        else:
            flash(_("Tilskudsordningen er oprettet."), "success")
            return redirect(url_for("admin.scheme_edit", scheme_id=scheme.id))
    return render_template("admin/scheme_form.html", form=form, scheme=None, example=None)


@bp.route("/tilskudsordninger/<int:scheme_id>", methods=["GET", "POST"])
@require_admin
def scheme_edit(scheme_id: int):
    scheme = get_or_404(SubsidyScheme, scheme_id)
    form = SchemeForm(data=form_data(scheme))
    _choices(form)
    if form.validate_on_submit():
        try:
            schemes.update_scheme(scheme.id, current_user, _values(form))
        except schemes.SchemeError as exc:
            _show_problems(form, exc)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Ændringerne er gemt."), "success")
            return redirect(url_for("admin.scheme_edit", scheme_id=scheme.id))
    return render_template("admin/scheme_form.html", form=form, scheme=scheme, example=_example(scheme),
                           describe=describe, bands=MEMBER_BANDS, cost_types=COST_TYPES)
