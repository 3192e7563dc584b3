"""Administrators' view of notices and letters: delivered, pending, failed; retry failed ones; the dev mail log."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import get_or_404
from app.auth.access import require_admin
from app.committee import notices_bp
from app.extensions import db
from app.models import OutboxMessage
from app.models.outbox import OUTBOX_STATUSES
from app.services.delivery import outbox
from app.services.delivery.mail import SUBJECTS, read_log, render_notice

PAGE = 50
LOG_SHOWN = 20


def _page(status: str | None, before: int | None) -> list[OutboxMessage]:
    stmt = db.select(OutboxMessage)
    if status:
        stmt = stmt.where(OutboxMessage.status == status)
    if before:
        stmt = stmt.where(OutboxMessage.id < before)
    return list(db.session.scalars(stmt.order_by(OutboxMessage.id.desc()).limit(PAGE + 1)))


def subject_of(msg: OutboxMessage) -> str:
    """The e-mail's subject, or what a letter is."""
    if msg.channel == "esdh":
        return _("ESDH: opret sag") if msg.template == "esdh_case" else _("ESDH: journalisér dokument")
    if msg.channel == "letter":
        return _("Afgørelsesbrev") if msg.template == "decision_letter" else _("Beslutningsprotokol")
    try:
        return str(SUBJECTS[msg.template](msg.payload or {}))
    except (KeyError, TypeError, ValueError):
        return msg.template


def preview_of(msg: OutboxMessage) -> str:
    """The first lines of the e-mail text (letters have none)."""
    if msg.channel != "email":
        return ""
    try:
        return _body(render_notice(msg))
    except Exception:  # noqa: BLE001 - a broken template must not break the overview
        return ""


def _body(email) -> str:
    part = email.get_body(preferencelist=("plain",)) if email.is_multipart() else email
    return (part.get_content() if part is not None else "").strip()[:400]


@notices_bp.route("/")
@require_admin
def index():
    status = request.args.get("status")
    status = status if status in OUTBOX_STATUSES else None
    before = request.args.get("foer", type=int)
    rows = _page(status, before)
    counts = dict(db.session.execute(db.select(OutboxMessage.status, db.func.count())
                                     .group_by(OutboxMessage.status)).all())
    log = []
    if current_app.config["MAIL_BACKEND"] == "log":
        log = list(reversed(read_log(current_app.config["MAIL_LOG_PATH"])))[:LOG_SHOWN]
    return render_template("committee/notices.html", rows=rows[:PAGE], more=len(rows) > PAGE, status=status,
                           counts=counts, log=log, subject_of=subject_of, statuses=OUTBOX_STATUSES,
                           preview_of=preview_of, body_of=_body, retry_hours=current_app.config["OUTBOX_RETRY_HOURS"])


@notices_bp.route("/<int:message_id>/igen", methods=["POST"])
@require_admin
def retry(message_id: int):
    get_or_404(OutboxMessage, message_id)
    if outbox.retry(message_id) is None:
        flash(_("Kun beskeder, der er opgivet, kan sendes igen."), "error")
    else:
        flash(_("Beskeden er sat i kø igen."), "success")
    return redirect(url_for("notices_admin.index", status=request.args.get("status") or None))
