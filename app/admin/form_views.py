"""The form builder: a pool's application form as steps and fields, its preview and its publication."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.access import get_or_404, of_pool
from app.admin import bp
from app.admin.builder_forms import FieldForm, StepForm
from app.admin.helpers import direction, show_error
from app.auth.access import require_admin
from app.models import FormField, FormStep, FormVersion, Pool
from app.services.pools import form_builder as builder, forms as form_setup
from app.services.journals.audit import SetupError


def _builder_url(pool: Pool) -> str:
    return url_for("admin.form_builder", pool_id=pool.id)


def _field_form(version: FormVersion | None, obj=None, with_step: bool = False) -> FieldForm:
    data = {}
    if obj is not None:
        data = {"label": obj.label, "kind": obj.kind, "required": obj.required, "help_text": obj.help_text,
                "choices": "\n".join(obj.choices or []), "step_id": obj.step_id,
                "condition": f"{obj.condition_key}={obj.condition_value}" if obj.condition_key else ""}
    form = FieldForm(prefix="field", data=data)
    form.condition.choices = [SelectChoice("", _("Altid"))] + [
        SelectChoice(value, label) for value, label in form_setup.condition_options(version)]
    steps = sorted(version.steps, key=lambda s: s.position) if version else []
    form.step_id.choices = [SelectChoice(s.id, s.title) for s in steps]
    return form


def _field_values(form: FieldForm, step_id: int | None = None) -> builder.FieldValues:
    return builder.FieldValues(
        label=form.label.data, kind=form.kind.data, required=form.required.data, help_text=form.help_text.data or "",
        choices=(form.choices.data or "").splitlines(), condition=form.condition.data or None,
        step_id=step_id or form.step_id.data)


def _render_builder(pool: Pool, step_form: StepForm | None = None, field_form: FieldForm | None = None):
    version = form_setup.current(pool.id)
    version = form_setup.load(version.id) if version else None
    return render_template("admin/form_builder.html", pool=pool, version=version,
                           step_form=step_form or StepForm(prefix="step", formdata=None),
                           field_form=field_form or _field_form(version),
                           versions=form_setup.versions(pool.id))


@bp.route("/puljer/<int:pool_id>/skema")
@require_admin
def form_builder(pool_id: int):
    return _render_builder(get_or_404(Pool, pool_id))


@bp.route("/puljer/<int:pool_id>/skema/ret", methods=["POST"])
@require_admin
def form_start_draft(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    form_setup.start_draft(pool.id, current_user)
    flash(_("Du retter nu i en ny kladde. Ansøgninger, der allerede er i gang, bruger fortsat den version, de blev "
            "startet på."), "info")
    return redirect(_builder_url(pool))


@bp.route("/puljer/<int:pool_id>/skema/trin", methods=["POST"])
@require_admin
def form_add_step(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    form = StepForm(prefix="step")
    if form.validate_on_submit():
        try:
            builder.add_step(pool.id, current_user, form.title.data, form.intro.data or "")
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Trinnet er tilføjet."), "success")
            return redirect(_builder_url(pool))
    return _render_builder(pool, step_form=form)


@bp.route("/puljer/<int:pool_id>/skema/trin/<int:step_id>", methods=["GET", "POST"])
@require_admin
def form_edit_step(pool_id: int, step_id: int):
    pool = get_or_404(Pool, pool_id)
    step = get_or_404(FormStep, step_id, of_pool(pool))
    form = StepForm(obj=step)
    if form.validate_on_submit():
        try:
            builder.update_step(step.id, current_user, form.title.data, form.intro.data or "")
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Trinnet er gemt."), "success")
            return redirect(_builder_url(pool))
    return render_template("admin/form_step.html", pool=pool, step=step, form=form)


@bp.route("/puljer/<int:pool_id>/skema/trin/<int:step_id>/<any(slet, flyt):what>", methods=["POST"])
@require_admin
def form_step_action(pool_id: int, step_id: int, what: str):
    pool = get_or_404(Pool, pool_id)
    step = get_or_404(FormStep, step_id, of_pool(pool))
    try:
        if what == "slet":
            builder.delete_step(step.id, current_user)
        else:
            builder.move_step(step.id, current_user, direction(request.form.get("retning")))
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Trinnet er slettet.") if what == "slet" else _("Trinnet er flyttet."), "success")
    return redirect(_builder_url(pool))


@bp.route("/puljer/<int:pool_id>/skema/felter", methods=["POST"])
@require_admin
def form_add_field(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    version = form_setup.draft(pool.id)
    form = _field_form(version)
    if version is None:
        flash(_("Tilføj først et trin."), "error")
        return redirect(_builder_url(pool))
    if form.validate_on_submit():
        step = get_or_404(FormStep, form.step_id.data or 0, of_pool(pool))
        try:
            builder.add_field(step.id, current_user, _field_values(form, step.id))
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Feltet er tilføjet."), "success")
            return redirect(_builder_url(pool))
    return _render_builder(pool, field_form=form)


@bp.route("/puljer/<int:pool_id>/skema/felter/<int:field_id>", methods=["GET", "POST"])
@require_admin
def form_edit_field(pool_id: int, field_id: int):
    pool = get_or_404(Pool, pool_id)
    found = get_or_404(FormField, field_id, of_pool(pool))
    form = _field_form(found.version, obj=found)
    if form.validate_on_submit():
        try:
            builder.update_field(found.id, current_user, _field_values(form))
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Feltet er gemt."), "success")
            return redirect(_builder_url(pool))
    return render_template("admin/form_field.html", pool=pool, field=found, form=form)


@bp.route("/puljer/<int:pool_id>/skema/felter/<int:field_id>/<any(slet, flyt):what>", methods=["POST"])
@require_admin
def form_field_action(pool_id: int, field_id: int, what: str):
    pool = get_or_404(Pool, pool_id)
    found = get_or_404(FormField, field_id, of_pool(pool))
    try:
        if what == "slet":
            builder.delete_field(found.id, current_user)
        else:
            builder.move_field(found.id, current_user, direction(request.form.get("retning")))
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Feltet er slettet.") if what == "slet" else _("Feltet er flyttet."), "success")
    return redirect(_builder_url(pool))


@bp.route("/puljer/<int:pool_id>/skema/<any(offentliggoer, kasser):what>", methods=["POST"])
@require_admin
def form_version_action(pool_id: int, what: str):
    pool = get_or_404(Pool, pool_id)
    try:
        if what == "offentliggoer":
            version = form_setup.publish(pool.id, current_user)
            flash(_("Version %(n)s af skemaet er offentliggjort. Nye ansøgninger bruger den.", n=version.number),
                  "success")
        else:
            form_setup.discard_draft(pool.id, current_user)
            flash(_("Kladden er kasseret."), "success")
    except SetupError as exc:
        flash(str(exc.message), "error")
    return redirect(_builder_url(pool))
