"""Caseworkers' payouts: plans, batches, the payment file, marking a batch sent and paid."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from app import clock
from app.access import get_or_404
from app.auth.access import require_caseworker
from app.models import PaymentBatch
from app.payouts import bp, files
from app.payouts.forms import AnswerForm, BatchForm, ConfirmForm
from app.services.cases.guard import NotAllowed
from app.services.money import payouts

ERRORS = {
    "nothing_due": _l("Der er ingen rater, der forfalder senest den dato. Intet er oprettet."),
    "taken": _l("Nogle af raterne kom med i en anden udbetaling samtidig. Intet er oprettet. Prøv igen."),
    "not_draft": _l("Udbetalingen er allerede sendt, så den kan ikke ændres."),
    "not_sent": _l("Markér først udbetalingen som sendt til økonomisystemet."),
    "missing": _l("Udbetalingen findes ikke længere."),
    "needs_approval": _l("En anden medarbejder skal godkende udbetalingen, før den sendes (to-mandsreglen)."),
    "own_batch": _l("Du har selv oprettet udbetalingen. En anden medarbejder skal godkende eller afvise den."),
    "not_pending": _l("Udbetalingen venter ikke på godkendelse."),
}


@bp.route("/")
@require_caseworker
def home():
    form = BatchForm(data={"due_by": clock.today()})
    return _render_home(form)


def _render_home(form: BatchForm, status: int = 200):
    return render_template("payouts/home.html", form=form, confirm=ConfirmForm(),
                           without_plan=payouts.count_cases_without_plan(), waiting=payouts.waiting_instalments(),
                           batches=payouts.batches(), awaiting=payouts.awaiting_approval()), status


@bp.route("/planer", methods=["POST"])
@require_caseworker
def create_plans():
    if ConfirmForm().validate_on_submit():
        try:
            n = payouts.create_plans(current_user)
        except NotAllowed as exc:
            flash(str(exc.message), "error")
        else:
            flash(ngettext("Udbetalingsplan oprettet for %(num)s sag.", "Udbetalingsplaner oprettet for %(num)s sager.",
                           n), "success")
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
    except NotAllowed as exc:
        form.due_by.errors = [exc.message]
        return _render_home(form, 403)
    flash(_("Udbetalingen er oprettet som kladde. Hent filen, og send den til økonomisystemet."), "success")
    return redirect(url_for("payouts.batch", batch_id=batch.id))


@bp.route("/bunker/<int:batch_id>")
@require_caseworker
def batch(batch_id: int):
    found = get_or_404(PaymentBatch, batch_id)
    return render_template("payouts/batch.html", batch=found, confirm=ConfirmForm(), answer_form=AnswerForm(),
                           pending=payouts.pending_approval(found.id), approvals=payouts.approvals(found.id),
                           by_cvr=[line for line in found.lines if line.cvr],
                           manual=[line for line in found.lines if not line.cvr])


def _download(data: bytes, name: str) -> Response:
    return Response(data, mimetype="text/csv", headers={  # Werkzeug adds "; charset=utf-8"
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff"})


@bp.route("/bunker/<int:batch_id>/udbetaling.csv")
@require_caseworker
def payment_file(batch_id: int):
    return _download(files.payment_file(get_or_404(PaymentBatch, batch_id).lines), f"udbetaling-{batch_id}.csv")


@bp.route("/bunker/<int:batch_id>/manuel.csv")
@require_caseworker
def manual_file(batch_id: int):
    return _download(files.manual_file(get_or_404(PaymentBatch, batch_id).lines), f"udbetaling-{batch_id}-manuel.csv")


@bp.route("/bunker/<int:batch_id>/<any(sendt, betalt, slet):step>", methods=["POST"])
@require_caseworker
def change_batch(batch_id: int, step: str):
    get_or_404(PaymentBatch, batch_id)
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
    except NotAllowed as exc:
        flash(exc.message, "error")
    return redirect(url_for("payouts.batch", batch_id=batch_id))


@bp.route("/bunker/<int:batch_id>/<any(godkend, afvis):step>", methods=["POST"])
@require_caseworker
def answer_batch(batch_id: int, step: str):
    """The second caseworker approves the draft batch (to-mandsregel) or rejects it (the draft is deleted)."""
    get_or_404(PaymentBatch, batch_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("payouts.batch", batch_id=batch_id))
    try:
        payouts.answer_batch(batch_id, current_user, approve=step == "godkend", answer=form.answer.data or "")
    except payouts.BatchError as exc:
        flash(ERRORS.get(exc.code, ERRORS["missing"]), "error")
    except NotAllowed as exc:
        flash(exc.message, "error")
    else:
        if step == "afvis":
            flash(_("Udbetalingen er afvist og kladden slettet. Raterne kommer med i næste udbetaling."), "success")
            return redirect(url_for("payouts.home"))
        flash(_("Udbetalingen er godkendt og kan nu sendes til økonomisystemet."), "success")
    return redirect(url_for("payouts.batch", batch_id=batch_id))


def _flash_paid(result: payouts.PaidResult) -> None:
    flash(ngettext("Udbetalingen er markeret som betalt. %(num)s sag er nu udbetalt, og foreningen har fået besked.",
                   "Udbetalingen er markeret som betalt. %(num)s sager er nu udbetalt, og foreningerne har fået besked.",
                   len(result.moved)), "success")
    if result.failed:
        flash(_("Disse sager kunne ikke flyttes videre, se sagerne: %(numbers)s",
                numbers=", ".join(result.failed)), "warning")
