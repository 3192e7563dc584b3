"""Caseworkers' payouts: plans, batches, the payment file, marking a batch sent and paid."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user

from app import clock
from app.access import get_or_404
from app.auth.access import require_caseworker
from app.models import PaymentBatch
from app.payouts import bp, files
from app.payouts.forms import AnswerForm, BatchForm, ConfirmForm, StatusFileForm
from app.services.cases.guard import NotAllowed
from app.services.money import payouts, reconciliation

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
# Why a payment order could not be made or a status file not read (reconciliation.ImportRefused codes).
FINANCE_ERRORS = {
    "no_debtor_account": _l("Kommunens konto til udbetalinger er ikke sat op (FINANCE_DEBTOR_ACCOUNT), så "
                            "XML-filen kan ikke laves. Brug CSV-filen, eller bed driften sætte kontoen op."),
    "no_cvr_lines": _l("Ingen linjer har et CVR-nummer. Alle udbetales manuelt, så der er ingen XML-fil."),
    "invalid_order": _l("XML-filen kunne ikke laves, fordi den ikke overholder formatet: %(detail)s"),
    "empty": _l("Vælg en fil med betalingsstatus fra økonomisystemet."),
    "too_large": _l("Filen er for stor. En betalingsstatus må højst fylde 5 MB."),
    "not_xml": _l("Filen kan ikke læses som XML. Vælg den betalingsstatus (pain.002), økonomisystemet har sendt."),
    "not_status_report": _l("Filen er ikke en betalingsstatus i formatet ISO 20022 pain.002.001.03."),
    "missing": _l("Filen mangler feltet %(detail)s, så den kan ikke læses. Intet er ændret."),
    "bad_amount": _l("Filen har et beløb, der ikke er et tal (%(detail)s). Intet er ændret."),
    "group_rejected": _l("Økonomisystemet har afvist hele udbetalingsfilen (%(detail)s). Intet er ændret. Ret "
                         "fejlen, og send filen igen."),
    "not_sent": _l("Markér først udbetalingen som sendt til økonomisystemet."),
    "other_batch": _l("Filen er svar på en anden udbetalingsfil (%(detail)s), ikke denne. Intet er ændret."),
}


def _finance_error(exc: reconciliation.ImportRefused) -> str:
    return str(FINANCE_ERRORS.get(exc.code, FINANCE_ERRORS["not_status_report"])) % {"detail": exc.detail or "–"}


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
    return _render_batch(get_or_404(PaymentBatch, batch_id), StatusFileForm())


def _render_batch(found: PaymentBatch, status_form: StatusFileForm, status: int = 200):
    return render_template("payouts/batch.html", batch=found, confirm=ConfirmForm(), answer_form=AnswerForm(),
                           pending=payouts.pending_approval(found.id), approvals=payouts.approvals(found.id),
                           by_cvr=[line for line in found.lines if line.cvr],
                           manual=[line for line in found.lines if not line.cvr], status_form=status_form,
                           imports=reconciliation.imports(found.id),
                           lines_by_id={line.id: line for line in found.lines}), status


@bp.route("/bunker/<int:batch_id>/udbetaling.xml")
@require_caseworker
def payment_order(batch_id: int):
    """The payment order as ISO 20022 pain.001.001.03, validated against the schema before it is offered."""
    found = get_or_404(PaymentBatch, batch_id)
    try:
        data = reconciliation.payment_order(found)
    except reconciliation.ImportRefused as exc:
        flash(_finance_error(exc), "error")
        return redirect(url_for("payouts.batch", batch_id=batch_id))
    return Response(data, mimetype="application/xml", headers={
        "Content-Disposition": f'attachment; filename="udbetaling-{batch_id}.xml"', "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff"})


@bp.route("/bunker/<int:batch_id>/betalingsstatus", methods=["POST"])
@require_caseworker
def import_status(batch_id: int):
    """Read the finance system's payment status report (pain.002) and reconcile it with the batch."""
    found = get_or_404(PaymentBatch, batch_id)
    form = StatusFileForm()
    if not form.validate_on_submit():
        abort(400)
    upload = request.files.get(form.status_file.name)
    data = upload.read(reconciliation.pain002.MAX_BYTES + 1) if upload else b""
    try:
        result = reconciliation.import_status_report(found.id, current_user, data, upload.filename if upload else "")
    except reconciliation.ImportRefused as exc:
        form.status_file.errors = [_finance_error(exc)]
        return _render_batch(found, form, 400)
    except payouts.BatchError as exc:
        form.status_file.errors = [str(ERRORS.get(exc.code, ERRORS["missing"]))]
        return _render_batch(found, form, 400)
    except NotAllowed as exc:
        form.status_file.errors = [str(exc.message)]
        return _render_batch(found, form, 403)
    _flash_import(result)
    return redirect(url_for("payouts.batch", batch_id=batch_id))


def _flash_import(result: reconciliation.ImportResult) -> None:
    if result.already:
        flash(_("Filen er allerede indlæst. Intet er ændret."), "info")
        return
    flash(_("Betalingsstatus er indlæst: %(paid)s betalt, %(rejected)s afvist, %(pending)s venter stadig.",
            paid=result.paid, rejected=result.rejected, pending=result.pending), "success")
    if result.differences:
        flash(ngettext("%(num)s linje i filen passer ikke med udbetalingen og er ikke brugt. Se forskellene nedenfor.",
                       "%(num)s linjer i filen passer ikke med udbetalingen og er ikke brugt. Se forskellene nedenfor.",
                       result.differences), "warning")


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
