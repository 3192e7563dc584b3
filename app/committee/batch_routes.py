"""A calculated subsidy batch on the agenda: the chair's answer, and taking it off again."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_or_404, has_seat_at
from app.auth.access import require_caseworker, require_role
from app.committee import bp
from app.committee.routes import _refused, batch_conflict_form, batch_form, render_meeting
from app.models import Meeting, SubsidyBatch
from app.services.cases.guard import NotAllowed
from app.services.committee import meetings, subsidy_batches


def _batch_on(meeting: Meeting, batch_id: int) -> SubsidyBatch:
    return get_or_404(SubsidyBatch, batch_id, lambda b: b.meeting_id == meeting.id)


@bp.route("/moeder/<int:meeting_id>/beregninger/<int:subsidy_batch_id>", methods=["POST"])
@require_role("committee_member")
def record_batch(meeting_id: int, subsidy_batch_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    batch = _batch_on(meeting, subsidy_batch_id)
    form = batch_form(batch, formdata=True)
    if not form.validate():
        flash(_("Beslutningen er ikke gemt. Ret fejlene ved beregningen."), "error")
        return render_meeting(meeting, 400, batch_forms={batch.id: form})
    try:
        subsidy_batches.record_batch_proposal(meeting.id, batch.id, current_user, form.proposal.data)
    except meetings.MeetingNotFound:
        abort(404)
    except NotAllowed as exc:
        return _refused(meeting.id, str(exc.message), batch_forms={batch.id: form})
    flash(_("Beslutningen om beregningen er gemt."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id, _anchor=f"beregning-{batch.id}"))


@bp.route("/moeder/<int:meeting_id>/beregninger/<int:subsidy_batch_id>/inhabil", methods=["POST"])
@require_role("committee_member")
def declare_batch_conflict(meeting_id: int, subsidy_batch_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    batch = _batch_on(meeting, subsidy_batch_id)
    form = batch_conflict_form(batch, formdata=True)
    if not form.validate():
        return render_meeting(meeting, 400, batch_conflicts={batch.id: form})
    try:
        subsidy_batches.declare_conflict(meeting.id, batch.id, form.association_id.data, current_user,
                                         form.reason.data)
    except meetings.MeetingNotFound:
        abort(404)
    except NotAllowed as exc:
        return _refused(meeting.id, str(exc.message), batch_conflicts={batch.id: form})
    flash(_("Din inhabilitet er registreret. Du deltager ikke i godkendelsen af beregningen."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id, _anchor=f"beregning-{batch.id}"))


@bp.route("/moeder/<int:meeting_id>/beregninger/<int:subsidy_batch_id>/fjern", methods=["POST"])
@require_caseworker
def remove_batch(meeting_id: int, subsidy_batch_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    batch = _batch_on(meeting, subsidy_batch_id)
    try:
        subsidy_batches.remove_from_agenda(meeting.id, batch.id, current_user)
    except meetings.MeetingNotFound:
        abort(404)
    except NotAllowed as exc:
        return _refused(meeting.id, str(exc.message))
    flash(_("Beregningen er taget af dagsordenen."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id))
