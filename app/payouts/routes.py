"""Caseworkers' payouts: plans, batches, the payment file, marking a batch sent and paid."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from app.auth.access import require_caseworker
from app.extensions import db
from app.models import PaymentBatch
from app.payouts import bp, files
from app.payouts.forms import BatchForm, ConfirmForm
from app.services import payouts

ERRORS = {
    "nothing_due": _l("Der er ingen rater, der forfalder senest den dato. Intet er oprettet."),
    "taken": _l("Nogle af raterne kom med i en anden udbetaling samtidig. Intet er oprettet. Prøv igen."),
    "not_draft": _l("Udbetalingen er allerede sendt, så den kan ikke ændres."),
    "not_sent": _l("Markér først udbetalingen som sendt til økonomisystemet."),
    "missing": _l("Udbetalingen findes ikke længere."),
}


def get_batch_or_404(batch_id: int) -> PaymentBatch:
    """A batch with its lines (caseworkers see every batch)."""
    batch = db.session.scalar(db.select(PaymentBatch).where(PaymentBatch.id == batch_id)
                              .options(db.selectinload(PaymentBatch.lines)))
    if batch is None:
        abort(404)
    return batch


@bp.route("/")
@require_caseworker
def home():
    form = BatchForm(data={"due_by": date.today()})
    return _render_home(form)


def _render_home(form: BatchForm, status: int = 200):
    return render_template("payouts/home.html", form=form, confirm=ConfirmForm(),
                           without_plan=payouts.count_cases_without_plan(), waiting=payouts.waiting_instalments(),
                           batches=payouts.batches()), status


@bp.route("/planer", methods=["POST"])
@require_caseworker
def create_plans():
    if ConfirmForm().validate_on_submit():
        n = payouts.create_plans(current_user)
        flash(_("Udbetalingsplaner oprettet for %(n)s sager.", n=n), "success")
    return redirect(url_for("payouts.home"))


@bp.route("/bunker", methods=["POST"])
@require_caseworker
def create_batch():
    form = BatchForm()
    if not form.validate_on_submit():
        return _render_home(form, 400)
    try:
        batch = payouts.create_batch(current_user, form.due_by.data)
    except payouts.BatchError as exc:
        form.due_by.errors = [ERRORS.get(exc.code, ERRORS["missing"])]
        return _render_home(form, 400)
    flash(_("Udbetalingen er oprettet som kladde. Hent filen, og send den til økonomisystemet."), "success")
    return redirect(url_for("payouts.batch", batch_id=batch.id))


@bp.route("/bunker/<int:batch_id>")
@require_caseworker
def batch(batch_id: int):
    found = get_batch_or_404(batch_id)
    return render_template("payouts/batch.html", batch=found, confirm=ConfirmForm(),
                           by_cvr=[line for line in found.lines if line.cvr],
                           manual=[line for line in found.lines if not line.cvr])


def _download(data: bytes, name: str) -> Response:
    return Response(data, mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff"})


@bp.route("/bunker/<int:batch_id>/udbetaling.csv")
@require_caseworker
def payment_file(batch_id: int):
    return _download(files.payment_file(get_batch_or_404(batch_id).lines), f"udbetaling-{batch_id}.csv")


@bp.route("/bunker/<int:batch_id>/manuel.csv")
@require_caseworker
def manual_file(batch_id: int):
    return _download(files.manual_file(get_batch_or_404(batch_id).lines), f"udbetaling-{batch_id}-manuel.csv")


@bp.route("/bunker/<int:batch_id>/<any(sendt, betalt, slet):step>", methods=["POST"])
@require_caseworker
def change_batch(batch_id: int, step: str):
    get_batch_or_404(batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if step == "sendt":
            payouts.mark_sent(batch_id, current_user)
            flash(_("Udbetalingen er markeret som sendt til økonomisystemet."), "success")
        elif step == "slet":
            payouts.delete_draft(batch_id, current_user)
            flash(_("Kladden er slettet. Raterne kommer med i næste udbetaling."), "success")
            return redirect(url_for("payouts.home"))
        else:
            _flash_paid(payouts.mark_paid(batch_id, current_user))
    except payouts.BatchError as exc:
        flash(ERRORS.get(exc.code, ERRORS["missing"]), "error")
    return redirect(url_for("payouts.batch", batch_id=batch_id))


def _flash_paid(result: payouts.PaidResult) -> None:
    flash(_("Udbetalingen er markeret som betalt. %(n)s sager er nu udbetalt, og foreningerne har fået besked.",
            n=len(result.moved)), "success")
    if result.failed:
        flash(_("Disse sager kunne ikke flyttes videre, se sagerne: %(numbers)s",
                numbers=", ".join(result.failed)), "warning")
