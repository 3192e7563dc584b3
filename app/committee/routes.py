"""Meetings: plan, fill the agenda, record decisions per case, close; each POST calls one service."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from wtforms import SelectChoice

from app.access import get_or_404, has_seat_at, on_agenda_of
from app.auth.access import require_caseworker, require_role
from app.committee import bp
from app.committee.forms import BatchConflictForm, BatchProposalForm, ConflictForm, MeetingForm, proposal_form
from app.committee.presenters import agenda_rows
from app.extensions import db
from app.models import AgendaItem, Committee, CommitteeMember, Document, Meeting
from app.services.cases import assessment as assessment_service
from app.services.committee import decisions, meetings, subsidy_batches
from app.services.journals import read_log
from app.services.files.attachments import send_document
from app.services.cases.guard import NotAllowed
from app.services.cases.transitions import CaseNotFound, StaleCase

MEETING_ROLES = ("committee_member", "caseworker", "administrator")


def _committee_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("Vælg udvalg"))] + [SelectChoice(str(c.id), c.name) for c in
                                                   db.session.scalars(db.select(Committee).order_by(Committee.name))]


def _visible_meetings() -> list[Meeting]:
    stmt = db.select(Meeting).options(db.joinedload(Meeting.committee))
    if current_user.role == "committee_member":
        mine = db.select(CommitteeMember.committee_id).where(CommitteeMember.user_id == current_user.id)
        stmt = stmt.where(Meeting.committee_id.in_(mine))
    return list(db.session.scalars(stmt.order_by(Meeting.status.desc(), Meeting.meeting_date.desc(),
                                                 Meeting.id.desc()).limit(200)))


def _render_index(form: MeetingForm | None, status: int = 200):
    found = _visible_meetings()
    planned = [m for m in found if m.status == "planned"]
    closed = [m for m in found if m.status == "closed"]
    return render_template("committee/meetings.html", planned=sorted(planned, key=lambda m: m.meeting_date),
                           closed=closed, form=form), status


@bp.route("/moeder")
@require_role(*MEETING_ROLES)
def meetings_index():
    form = None
    if current_user.role in meetings.PLANNERS:
        form = MeetingForm(formdata=None)
        form.committee.choices = _committee_choices()
    return _render_index(form)


@bp.route("/moeder", methods=["POST"])
@require_caseworker
def create_meeting():
    form = MeetingForm()
    form.committee.choices = _committee_choices()
    if not form.validate():
        return _render_index(form, 400)
    try:
        meeting = meetings.create_meeting(int(form.committee.data), form.meeting_date.data, form.title.data,
                                          form.location.data or "", current_user)
    except NotAllowed as exc:
        flash(str(exc.message), "error")
        return _render_index(form, 400)
    flash(_("Mødet er oprettet. Sæt nu sager på dagsordenen."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id))


def render_meeting(meeting: Meeting, status: int = 200, forms: dict | None = None, conflict: tuple | None = None,
                   checked: set | None = None, batch_forms: dict | None = None, batch_conflicts: dict | None = None):
    """The meeting page; `forms` replaces an item's form with a bound one that carries errors."""
    rows, budget = agenda_rows(meeting, current_user)
    seat = meetings.seat(current_user, meeting.committee_id)
    for row in rows:
        row.form = (forms or {}).get(row.item.id) or _item_form(row.item)
        row.conflict_form = conflict[1] if conflict and conflict[0] == row.item.id else ConflictForm(
            formdata=None, prefix=f"inhabil{row.item.id}")
    planner = current_user.role in meetings.PLANNERS
    waiting = meetings.waiting_cases(meeting) if planner and meeting.status == "planned" else []
    minutes = db.session.get(Document, meeting.minutes_document_id) if meeting.minutes_document_id else None
    batch_items = subsidy_batches.agenda_items(meeting, current_user)
    shown = {entry.batch.id: (batch_forms or {}).get(entry.batch.id) or batch_form(entry.batch) for entry in batch_items}
    declared = {entry.batch.id: (batch_conflicts or {}).get(entry.batch.id) or batch_conflict_form(entry.batch)
                for entry in batch_items}
    return render_template("committee/meeting.html", meeting=meeting, rows=rows, budget=budget, seat=seat,
                           planner=planner, waiting=waiting, checked=checked or set(), minutes=minutes,
                           batch_items=batch_items, batch_forms=shown, batch_conflicts=declared), status


def batch_conflict_form(batch, formdata=None) -> BatchConflictForm:
    """A member's declaration of inhabilitet towards one of the batch's associations."""
    form = BatchConflictForm(prefix=f"inhabilberegning{batch.id}") if formdata else BatchConflictForm(
        formdata=None, prefix=f"inhabilberegning{batch.id}")
    form.association_id.choices = [SelectChoice("", _("Vælg forening"))] + [
        SelectChoice(a_id, name) for a_id, name in subsidy_batches.batch_associations(batch.id)]
    return form


def batch_form(batch, formdata=None) -> BatchProposalForm:
    """The chair's form for a batch on the agenda (bound to the request when `formdata` is not None)."""
    if formdata is None:
        return BatchProposalForm(formdata=None, prefix=f"beregning{batch.id}", data={"proposal": batch.proposal})
    return BatchProposalForm(prefix=f"beregning{batch.id}")


def _item_form(item: AgendaItem):
    data = {"proposal": item.proposal, "amount": item.proposed_amount, "reason": item.reason,
            "comment": item.comment}
    return proposal_form(item.case, item_id=item.id, formdata=None, data=data)


@bp.route("/moeder/<int:meeting_id>")
@require_role(*MEETING_ROLES)
def meeting(meeting_id: int):
    return render_meeting(get_or_404(Meeting, meeting_id, has_seat_at))


def _refused(meeting_id: int, message: str, **render):
    # The use case rolled back already; the meeting is loaded again for the page.
    flash(message, "error")
    return render_meeting(get_or_404(Meeting, meeting_id, has_seat_at), 409, **render)


@bp.route("/moeder/<int:meeting_id>/dagsorden", methods=["POST"])
@require_caseworker
def add_cases(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    ticked = request.form.getlist("sager")[:meetings.MAX_AGENDA + 1]
    if not ticked or not all(v.isdigit() for v in ticked):
        flash(_("Vælg de sager, der skal på dagsordenen."), "error")
        return render_meeting(meeting, 400, checked=set(ticked))
    try:
        n = meetings.add_to_agenda(meeting.id, [int(v) for v in ticked], current_user)
    except NotAllowed as exc:
        return _refused(meeting.id, str(exc.message), checked=set(ticked))
    flash(ngettext("%(num)s sag er sat på dagsordenen.", "%(num)s sager er sat på dagsordenen.", n), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id))


@bp.route("/moeder/<int:meeting_id>/dagsorden/<int:item_id>/fjern", methods=["POST"])
@require_caseworker
def remove_case(meeting_id: int, item_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    item = get_or_404(AgendaItem, item_id, on_agenda_of(meeting))
    try:
        meetings.remove_from_agenda(meeting.id, item.id, current_user)
    except meetings.MeetingNotFound:
        abort(404)
    except NotAllowed as exc:
        return _refused(meeting.id, str(exc.message))
    flash(_("Sagen er taget af dagsordenen."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id))


@bp.route("/moeder/<int:meeting_id>/punkter/<int:item_id>", methods=["POST"])
@require_role("committee_member")
def record(meeting_id: int, item_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    item = get_or_404(AgendaItem, item_id, on_agenda_of(meeting))
    form = proposal_form(item.case, item_id=item.id)
    if not form.validate():
        flash(_("Beslutningen er ikke gemt. Ret fejlene ved sagen."), "error")
        return render_meeting(meeting, 400, forms={item.id: form})
    given = meetings.ProposalInput(proposal=form.proposal.data, amount=form.amount.data,
                                   reason=form.reason.data or "", comment=form.comment.data or "")
    try:
        meetings.record_proposal(meeting.id, item.id, current_user, given)
    except meetings.MeetingNotFound:
        abort(404)
    except NotAllowed as exc:
        return _refused(meeting.id, str(exc.message), forms={item.id: form})
    flash(_("Beslutningen i sag %(number)s er gemt.", number=item.case.number), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id, _anchor=f"punkt-{item.id}"))


@bp.route("/moeder/<int:meeting_id>/punkter/<int:item_id>/inhabil", methods=["POST"])
@require_role("committee_member")
def declare_conflict(meeting_id: int, item_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    item = get_or_404(AgendaItem, item_id, on_agenda_of(meeting))
    form = ConflictForm(prefix=f"inhabil{item.id}")
    if not form.validate():
        return render_meeting(meeting, 400, conflict=(item.id, form))
    try:
        assessment_service.declare_conflict(item.case_id, current_user, form.reason.data)
    except (NotAllowed, StaleCase, CaseNotFound) as exc:
        return _refused(meeting.id, str(getattr(exc, "message", "")) or _("Prøv igen."), conflict=(item.id, form))
    flash(_("Din inhabilitet er registreret. Du deltager ikke i behandlingen af sagen."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id, _anchor=f"punkt-{item.id}"))


@bp.route("/moeder/<int:meeting_id>/afslut", methods=["POST"])
@require_role("committee_member")
def close(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    try:
        closed = decisions.close_meeting(meeting.id, current_user)
    except decisions.CloseRefused as exc:
        for problem in exc.problems:
            flash(str(problem), "error")
        return render_meeting(get_or_404(Meeting, meeting.id, has_seat_at), 409)
    except (NotAllowed, StaleCase) as exc:
        return _refused(meeting.id, str(getattr(exc, "message", "")) or _("Prøv igen."))
    flash(_("Mødet er afsluttet. Afgørelserne er endelige, og brevene sendes nu.") if closed
          else _("Mødet var allerede afsluttet."), "success")
    return redirect(url_for("committee.meeting", meeting_id=meeting.id))


@bp.route("/moeder/<int:meeting_id>/protokol")
@require_role(*MEETING_ROLES)
def minutes(meeting_id: int):
    meeting = get_or_404(Meeting, meeting_id, has_seat_at)
    document = db.session.get(Document, meeting.minutes_document_id) if meeting.minutes_document_id else None
    if document is None:
        abort(404)
    read_log.read_document(current_user, document)
    return send_document(document)
