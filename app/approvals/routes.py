"""A caseworker lists approval requests and approves or refuses them (the refusal states its reason)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.approvals import bp
from app.auth.access import require_caseworker
from app.extensions import db
from app.models import Association
from app.models.association import ApprovalRequest
from app.portal.forms import DecisionNoteForm
from app.services.associations import associations, register_sync


REGISTER_FIELD_LABELS = {"name": _l("Navn"), "street": _l("Adresse"), "postcode": _l("Postnummer"), "city": _l("By"),
                         "status": _l("Status"), "board": _l("Ledelse og bestyrelse")}


def _requests(status: str, newest_first: bool, limit: int) -> list[ApprovalRequest]:
    order = (ApprovalRequest.requested_at.desc() if newest_first else ApprovalRequest.requested_at,
             ApprovalRequest.id)
    return list(db.session.scalars(
        db.select(ApprovalRequest).where(ApprovalRequest.status.in_([status] if status else ["approved", "rejected"]))
        .options(db.joinedload(ApprovalRequest.association).selectinload(Association.approvals),
                 db.joinedload(ApprovalRequest.requested_by))
        .order_by(*order).limit(limit)))


def _render(forms: dict | None = None):
    return render_template("approvals/requests.html", pending=_requests("pending", False, 200),
                           answered=_requests("", True, 20), forms=forms or {}, DecisionNoteForm=DecisionNoteForm,
                           register_changes=register_sync.pending_changes(current_user),
                           register_field_labels=REGISTER_FIELD_LABELS)


@bp.route("/")
@require_caseworker
def requests():
    return _render()


@bp.route("/<int:request_id>/godkend", methods=["POST"])
@require_caseworker
def approve(request_id: int):
    form = DecisionNoteForm()
    if not form.validate_on_submit():
        return _render({request_id: form})
    try:
        approval = associations.approve_request(request_id, current_user, form.note.data or None)
    except associations.RequestNotPending:
        flash(_("Anmodningen er allerede besvaret."), "info")
    else:
        flash(_("Foreningen er godkendt for %(year)s.", year=approval.year), "success")
    return redirect(url_for("approvals.requests"))


@bp.route("/<int:request_id>/afvis", methods=["POST"])
@require_caseworker
def reject(request_id: int):
    form = DecisionNoteForm()
    valid = form.validate_on_submit()
    if valid and not form.note.data:
        form.note.errors = [_("Skriv begrundelsen: foreningen skal vide, hvorfor den ikke godkendes.")]
        valid = False
    if not valid:
        return _render({request_id: form})
    try:
        associations.reject_request(request_id, current_user, form.note.data)
    except associations.RequestNotPending:
        flash(_("Anmodningen er allerede besvaret."), "info")
    else:
        flash(_("Anmodningen er afvist, og foreningen har fået besked med begrundelsen."), "success")
    return redirect(url_for("approvals.requests"))


def _decide_change(change_id: int, decide, done: str):
    """Apply or dismiss a change the CVR register sync found; an inhabil caseworker is refused (403)."""
    try:
        decide(change_id, current_user)
    except register_sync.ChangeNotPending:
        flash(_("Ændringen fra CVR-registret er allerede behandlet."), "info")
    except register_sync.Inhabil:
        abort(403)
    else:
        flash(done, "success")
    return redirect(url_for("approvals.requests") + "#cvr-registret")


@bp.route("/cvr/<int:change_id>/overfoer", methods=["POST"])
@require_caseworker
def apply_register_change(change_id: int):
    return _decide_change(change_id, register_sync.apply_change,
                          _("Ændringerne fra CVR-registret er overført til foreningen og noteret i dens journal."))


@bp.route("/cvr/<int:change_id>/afvis", methods=["POST"])
@require_caseworker
def dismiss_register_change(change_id: int):
    return _decide_change(change_id, register_sync.dismiss_change,
                          _("Ændringerne fra CVR-registret er afvist. Foreningens oplysninger er uændrede."))
