"""Administrator pages for pools: list, create, change, publish, copy to next year, criteria, questions."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.access import get_or_404, of_pool
from app.admin import bp
from app.admin.helpers import flash_sanitized, show_error
from app.admin.pool_forms import CriterionForm, PoolForm, QuestionsForm
from app.auth.access import require_admin
from app.extensions import db
from app.models import Committee, LegalBasis, Pool, PoolCriterion
from app.services.pools import forms as form_setup
from app.services.pools import criteria as pool_criteria, ledger, setup as pools
from app.services.journals.audit import SetupError
from workflows import registry


def _choices(form: PoolForm) -> None:
    committees = db.session.scalars(db.select(Committee).order_by(Committee.name)).all()
    form.committee_id.choices = [SelectChoice(c.id, c.name) for c in committees]
    form.workflow.choices = [SelectChoice(w.name, _(w.label)) for w in registry.all()]
    bases = db.session.scalars(db.select(LegalBasis).order_by(LegalBasis.name)).all()
    form.legal_basis_id.choices = [SelectChoice("", _("Vælg lovgrundlag"))] + [
        SelectChoice(b.id, b.name) for b in bases]


def _values(form: PoolForm) -> pools.PoolValues:
    d = form.data
    year = d["year"]
    slug = (d["slug"] or "").strip() or pools.slugify(d["name"] if str(year) in d["name"] else f"{d['name']} {year}")
    return pools.PoolValues(
        name=d["name"].strip(), slug=slug, committee_id=d["committee_id"], workflow=d["workflow"],
        applicants=d["applicants"], year=year, budget=d["budget"], purpose=d["purpose"].strip(),
        opens_on=d["opens_on"], is_rolling=d["deadline_mode"] == "rolling",
        deadlines=[x for x in d["deadlines"] if x], accepts_late=d["accepts_late"],
        late_reduction_per_month=d["late_reduction_per_month"] or 0, delegation_limit=d["delegation_limit"],
        fast_track_limit=d["fast_track_limit"], reply_days=d["reply_days"], report_due_days=d["report_due_days"],
        payment_mode=d["payment_mode"], instalment_count=d["instalment_count"] or 1,
        instalment_interval=d["instalment_interval"] or 1,
        advance_allowed=d["advance_allowed"], rules_text=d["rules_text"] or "",
        legal_basis_id=d["legal_basis_id"], requires_approval=d["requires_approval"],
        requires_child_certificate=d["requires_child_certificate"], kle_number=d["kle_number"],
        kle_facet=d["kle_facet"], account_code=d["account_code"], cost_centre=d["cost_centre"],
        psp_element=d["psp_element"], digital_post_to_cpr=d["digital_post_to_cpr"])


def _data(pool: Pool) -> dict:
    data = {name: getattr(pool, name) for name in pools.POOL_FIELDS}
    data["deadlines"] = [r.deadline for r in pool.rounds] or ([pool.deadline] if pool.deadline else [])
    data["deadline_mode"] = "rolling" if pool.is_rolling else "rounds"
    return data


@bp.route("/puljer")
@require_admin
def pools_index():
    rows = db.session.scalars(db.select(Pool).options(db.joinedload(Pool.committee))
                              .order_by(Pool.year.desc(), Pool.name).limit(500)).all()
    return render_template("admin/pools.html", pools=rows, books=ledger.ledgers([p.id for p in rows]))


@bp.route("/puljer/ny", methods=["GET", "POST"])
@require_admin
def pool_new():
    form = PoolForm()
    _choices(form)
    if form.validate_on_submit():
        try:
            result = pools.create_pool(current_user, _values(form))
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Puljen er oprettet. Den er ikke offentliggjort endnu."), "success")
            flash_sanitized(result.sanitized)
            return redirect(url_for("admin.pool_edit", pool_id=result.pool.id))
    return render_template("admin/pool_form.html", form=form, pool=None)


@bp.route("/puljer/<int:pool_id>", methods=["GET", "POST"])
@require_admin
def pool_edit(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    form = PoolForm(data=_data(pool))
    _choices(form)
    if form.validate_on_submit():
        try:
            result = pools.update_pool(pool.id, current_user, _values(form))
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Ændringerne er gemt."), "success")
            flash_sanitized(result.sanitized)
            return redirect(url_for("admin.pool_edit", pool_id=pool.id))
    return render_template("admin/pool_form.html", form=form, pool=pool, books=ledger.ledger(pool.id),
                           form_version=form_setup.latest_published(pool.id), form_draft=form_setup.draft(pool.id))


@bp.route("/puljer/<int:pool_id>/offentliggoer", methods=["POST"])
@require_admin
def pool_publish(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    publish = request.form.get("offentlig") == "1"
    try:
        pools.set_published(pool.id, current_user, publish)
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Puljen vises nu på siden »Find støtte«.") if publish else _("Puljen er skjult for ansøgerne."),
              "success")
    return redirect(url_for("admin.pool_edit", pool_id=pool.id))


@bp.route("/puljer/<int:pool_id>/kopier", methods=["POST"])
@require_admin
def pool_copy(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    try:
        copy = pools.copy_to_next_year(pool.id, current_user)
    except SetupError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.pool_edit", pool_id=pool.id))
    flash(_("Puljen er kopieret til %(year)s med kriterier, frister, spørgsmål og ansøgningsskema. Tjek datoer og "
            "budget, og offentliggør den, når den er klar.", year=copy.year), "success")
    return redirect(url_for("admin.pool_edit", pool_id=copy.id))


@bp.route("/puljer/<int:pool_id>/kriterier", methods=["GET", "POST"])
@require_admin
def criteria(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    form = CriterionForm()
    if form.validate_on_submit():
        try:
            pool_criteria.add_criterion(pool.id, current_user, form.name.data, form.description.data or "",
                                        form.weight.data)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Kriteriet er tilføjet."), "success")
            return redirect(url_for("admin.criteria", pool_id=pool.id))
    return render_template("admin/criteria.html", pool=pool, form=form)


@bp.route("/puljer/<int:pool_id>/kriterier/<int:criterion_id>", methods=["GET", "POST"])
@require_admin
def criterion_edit(pool_id: int, criterion_id: int):
    pool = get_or_404(Pool, pool_id)
    criterion = get_or_404(PoolCriterion, criterion_id, of_pool(pool))
    form = CriterionForm(obj=criterion)
    if form.validate_on_submit():
        try:
            pool_criteria.update_criterion(criterion.id, current_user, form.name.data, form.description.data or "",
                                           form.weight.data)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Kriteriet er gemt."), "success")
            return redirect(url_for("admin.criteria", pool_id=pool.id))
    return render_template("admin/criterion_form.html", pool=pool, criterion=criterion, form=form)


@bp.route("/puljer/<int:pool_id>/kriterier/<int:criterion_id>/slet", methods=["POST"])
@require_admin
def criterion_delete(pool_id: int, criterion_id: int):
    pool = get_or_404(Pool, pool_id)
    criterion = get_or_404(PoolCriterion, criterion_id, of_pool(pool))
    pool_criteria.delete_criterion(criterion.id, current_user)
    flash(_("Kriteriet er slettet."), "success")
    return redirect(url_for("admin.criteria", pool_id=pool.id))


@bp.route("/puljer/<int:pool_id>/spoergsmaal", methods=["GET", "POST"])
@require_admin
def questions(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    stored = [{"text": q.text, "qualifying_answer": "yes" if q.qualifying_answer else "no",
               "explanation": q.explanation} for q in pool.questions]
    form = QuestionsForm(data={"questions": stored})
    if form.validate_on_submit():
        values = [pool_criteria.QuestionValues(q["text"] or "", q["qualifying_answer"] == "yes", q["explanation"] or "")
                  for q in form.questions.data]
        try:
            pool_criteria.set_questions(pool.id, current_user, values)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Spørgsmålene er gemt."), "success")
            return redirect(url_for("admin.questions", pool_id=pool.id))
    return render_template("admin/questions.html", pool=pool, form=form)
