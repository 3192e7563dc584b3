"""The caseworker's queue (with bulk assignment) and the committee home page."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func
from wtforms import SelectChoice

from app import clock
from app.auth.access import require_caseworker, require_role
from app.extensions import db
from app.main.navigation import current_path
from app.models import Case, Committee, CommitteeMember, Pool
from app.services.cases import assignment, queue
from app.services.committee import meetings
from app.services.pools import ledger
from app.services.cases.guard import NotAllowed
from app.services.cases.transitions import CaseNotFound, StaleCase
from app.staff import bp, queue_rows
from app.staff.forms import BulkAssignForm
from app.staff.queue_filters import (COLUMNS, QueueForm, chosen_columns, fill_choices, filter_from, kept_filters,
                                     page_links, remember_columns, saved_views, shown_columns, state_url)


@bp.route("/", methods=["GET", "POST"])
@require_caseworker
def home():
    """The queue: filters in the URL, saved views, chosen columns, counts per state, keyset pages, bulk actions."""
    columns = chosen_columns(request.args)
    if columns is not None and request.method == "GET":
        # The column form only changes how the list looks: remember it, then show the same filters.
        remember_columns(columns)
        return redirect(url_for("staff.home", **kept_filters(request.args)))
    form, people, filtered = _queue_form()
    bulk = BulkAssignForm(prefix="bulk")
    bulk.assignee.choices = [SelectChoice("none", _("Ingen (fjern tildeling)"))] + [
        SelectChoice(str(u.id), u.full_name) for u in people]
    checked: set[str] = set()
    if request.method == "POST":
        handler = _bulk_agenda if request.form.get("handling") == "dagsorden" else _bulk_assign
        response, checked = handler(bulk)
        if response is not None:
            return response
    f = filter_from(form)
    size = current_app.config.get("QUEUE_PAGE_SIZE", queue.PAGE_SIZE)
    result = queue.page(f, current_user, request.args.get("efter"), limit=size)
    # A search's counts would cost more than its page: the list comes first, the counts after it (queue.js
    # fetches them from staff.queue_counts; without JavaScript the "Vis antal" link asks for this page with them).
    later = queue.counts_come_later(f) and not request.args.get("antal")
    tally = None if later else _counts(f)
    page = render_template("staff/home.html", form=form, page=result, counts=tally,
                           links=page_links(request.args, result), bulk=bulk, checked=checked,
                           today=clock.today(), show_errors=bool(request.args) and not filtered, state_url=state_url,
                           filter=f, queue_rows=queue_rows.rows,
                           meetings=meetings.planned_meetings(), views=saved_views(request.args, clock.today()),
                           columns=shown_columns(), column_choices=[(key, str(label)) for key, label in COLUMNS])
    return page, 400 if request.method == "POST" else 200


@bp.route("/antal")
@require_caseworker
def queue_counts():
    """The queue's counts per state under the filters in the URL, as the fragment the queue page shows."""
    form, _people, _filtered = _queue_form()
    f = filter_from(form)
    return render_template("staff/_queue_counts.html", counts=_counts(f), filter=f, state_url=state_url,
                           base=kept_filters(request.args))


def _queue_form() -> tuple[QueueForm, list, bool]:
    """The filter form read from the URL, with its choices; the people who can be assigned; valid or not."""
    form = QueueForm(request.args)
    people = assignment.assignable_names()
    fill_choices(form, queue.pool_names(), people)
    return form, people, bool(request.args) and form.validate()


def _counts(f) -> queue.QueueCounts:
    return queue.counts(f, current_user, cap=current_app.config.get("QUEUE_COUNT_CAP", queue.COUNT_CAP))


def _bulk_assign(bulk: BulkAssignForm):
    """Run the bulk assignment; on success redirect to the same view, else keep the ticked boxes."""
    ticked = request.form.getlist("sager")[:assignment.MAX_BULK + 1]
    versions = _parse_ticked(ticked)
    if not bulk.validate():
        return None, set(ticked)
    if versions is None or not versions:
        flash(_("Vælg de sager, der skal tildeles."), "error")
        return None, set(ticked)
    target = bulk.assignee.data
    assignee_id = int(target) if (target or "").isdigit() else None
    try:
        n = assignment.bulk_assign(versions, assignee_id, current_user)
    except StaleCase:
        flash(_("En af sagerne er blevet ændret af en anden, mens du så på listen. Intet er gemt. Se listen igen, og prøv igen."), "error")
    except CaseNotFound:
        flash(_("En af sagerne findes ikke længere. Intet er gemt."), "error")
    except NotAllowed as exc:
        flash(_("Intet er gemt: %(reason)s", reason=str(exc.message)), "error")
    else:
        flash(ngettext("%(num)s sag er tildelt.", "%(num)s sager er tildelt.", n), "success")
        return redirect(current_path()), set()
    return None, set(ticked)


def _bulk_agenda(bulk: BulkAssignForm):
    """Put the ticked committee cases on a planned meeting's agenda; all or nothing."""
    ticked = request.form.getlist("sager")[:meetings.MAX_AGENDA + 1]
    versions = _parse_ticked(ticked)
    meeting_id = request.form.get("moede", type=int)
    if not versions or meeting_id is None:
        flash(_("Vælg et møde og de sager, der skal på dagsordenen."), "error")
        return None, set(ticked)
    try:
        n = meetings.add_to_agenda(meeting_id, list(versions), current_user)
    except meetings.MeetingNotFound:
        flash(_("Mødet findes ikke længere. Intet er gemt."), "error")
    except NotAllowed as exc:
        flash(_("Intet er gemt: %(reason)s", reason=str(exc.message)), "error")
    else:
        flash(ngettext("%(num)s sag er sat på dagsordenen.", "%(num)s sager er sat på dagsordenen.", n), "success")
        return redirect(current_path()), set()
    return None, set(ticked)


def _parse_ticked(values: list[str]) -> dict[int, int | None] | None:
    """'id:version' strings from the checkboxes; None when one is malformed."""
    out: dict[int, int | None] = {}
    for value in values:
        case_id, _sep, version = value.partition(":")
        if not case_id.isdigit() or (version and not version.isdigit()):
            return None
        out[int(case_id)] = int(version) if version else None
    return out


@bp.route("/udvalg")
@require_role("committee_member", "administrator")
def committee_home():
    seats = db.session.scalars(
        db.select(CommitteeMember).where(CommitteeMember.user_id == current_user.id)
        .options(db.joinedload(CommitteeMember.committee).selectinload(Committee.pools))
    ).all()
    waiting = dict(db.session.execute(
        db.select(Case.pool_id, func.count()).where(Case.state_has("awaiting_committee")).group_by(Case.pool_id)
    ).all())
    books = ledger.ledgers([p.id for seat in seats for p in seat.committee.pools])
    return render_template("staff/committee_home.html", seats=seats, waiting=waiting, books=books, Pool=Pool)
