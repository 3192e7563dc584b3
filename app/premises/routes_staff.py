"""Caseworker pages: the request queue, deciding with date selection, cancelling, seasonal allocation."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_or_404, is_premises_request
from app.case_changes import GENERIC, seen_posted, stale_message
from app.extensions import db
from app.auth.access import require_caseworker, require_role
from app.models import AllocationRound, Booking, Case
from app.premises import bp
from app.premises.forms import CancelForm, RoundForm
from app.services.premises.messages import describe
from app.premises.problem_fields import attach_problems
from app.services.premises.recurrence import Slot
from app.services.premises import allocation, bookings
from app.services.cases.guard import NotAllowed
from app.services.cases import transitions
from app.services.premises.booking_effects import case_bookings, request_for_case
from app.services.premises.occupancy import find_collisions
from workflows import GUARD_REASONS

DECISIONS = ("approve", "partly_approve", "reject")


def _refusal(exc: Exception, case_id: int | None = None) -> str:
    if isinstance(exc, bookings.RequestRefused):
        return " ".join(describe(p.code, **p.params) for p in exc.problems)
    if isinstance(exc, transitions.StaleCase):
        case = db.session.get(Case, case_id) if case_id is not None else None
        return stale_message(case, seen_posted()) if case is not None else str(GENERIC)
    if isinstance(exc, NotAllowed):
        return str(exc.message)
    if isinstance(exc, transitions.ReasonRequired):
        return _("Skriv en begrundelse: et afslag eller en delvis godkendelse skal begrundes (forvaltningslovens § 22).")
    return _(exc.reason, **exc.params)


@bp.route("/sagsbehandling/")
@require_caseworker
def requests():
    """Booking requests waiting for a decision, oldest first."""
    return render_template("premises/requests.html", waiting=bookings.waiting_requests())


@bp.route("/sagsbehandling/<int:case_id>", methods=["GET", "POST"])
@require_caseworker
def review(case_id: int):
    """One request: its dates, which are taken now, and the engine's decisions with date selection."""
    case = get_or_404(Case, case_id, is_premises_request)
    if request.method == "POST":
        action = (request.form.get("action") or "")[:40]
        try:
            bookings.decide_request(
                case.id, current_user, action, version=request.form.get("version", type=int) or 0,
                keep_slot_ids={int(v) for v in request.form.getlist("slot") if v.isdigit()},
                reason=(request.form.get("reason") or "").strip()[:20000] or None,
                comment=(request.form.get("comment") or "").strip()[:5000] or None)
        except (bookings.RequestRefused, transitions.StaleCase, transitions.ReasonRequired,
                transitions.TransitionNotAllowed) as exc:
            flash(_refusal(exc, case.id), "error")
        else:
            flash(_("Afgørelsen er registreret, og foreningen har fået besked."), "success")
        return redirect(url_for("premises.review", case_id=case.id))
    booking_request = request_for_case(case.id)
    taken = set()
    if booking_request is not None and booking_request.slots:
        slots = [Slot(s.starts_at, s.ends_at) for s in booking_request.slots]
        taken = {(c.slot.starts_at, c.slot.ends_at) for c in find_collisions(booking_request.space, slots, exclude_booking_ids=[
            b.id for b in case_bookings(case.id)])}
    actions, blocked = transitions.offered_actions(case, current_user)
    blocked = [(t, r) for t, r in blocked if t.action in DECISIONS]
    return render_template("premises/review.html", case=case, req=booking_request, taken=taken,
                           actions=[t for t in actions if t.action in DECISIONS], blocked=blocked,
                           needs_hearing=any(r == GUARD_REASONS["hearing_confirmed"] for _, r in blocked),
                           booked=case_bookings(case.id), cancel_form=CancelForm())


@bp.route("/sagsbehandling/<int:case_id>/partshoering", methods=["POST"])
@require_caseworker
def confirm_hearing(case_id: int):
    """Record that partshøring is done or not needed; then a partial approval or rejection is possible."""
    case = get_or_404(Case, case_id, is_premises_request)
    try:
        bookings.confirm_hearing(case.id, current_user, request.form.get("version", type=int) or 0)
    except transitions.StaleCase as exc:
        flash(_refusal(exc, case.id), "error")
    else:
        flash(_("Det er noteret i journalen, at partshøring er gennemført eller ikke nødvendig."), "success")
    return redirect(url_for("premises.review", case_id=case.id))


@bp.route("/sagsbehandling/bookinger/<int:booking_id>/aflys", methods=["POST"])
@require_caseworker
def staff_cancel(booking_id: int):
    """The municipality cancels one date, with a reason the association receives."""
    booking = get_or_404(Booking, booking_id)
    form = CancelForm()
    back = url_for("premises.review", case_id=booking.case_id) if booking.case_id else url_for("premises.requests")
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    try:
        bookings.cancel_booking_by_municipality(booking.id, current_user, form.reason.data)
    except bookings.RequestRefused as exc:
        flash(_refusal(exc), "error")
    except NotAllowed as exc:
        flash(exc.message, "error")
    else:
        flash(_("Bookingen er aflyst, og foreningen har fået besked med begrundelsen."), "success")
    return redirect(back)


@bp.route("/fordeling/", methods=["GET", "POST"])
@require_caseworker
def rounds():
    """Seasonal rounds and a form to open a new one."""
    form = RoundForm()
    if form.validate_on_submit():
        try:
            rnd = allocation.create_round(form.name.data.strip(), form.opens_on.parsed, form.closes_on.parsed,
                                          form.season_start.parsed, form.season_end.parsed)
        except bookings.RequestRefused as exc:
            attach_problems(form, exc.problems)
        else:
            flash(_("Sæsonfordelingen er oprettet. Foreningerne kan nu ønske tider."), "success")
            return redirect(url_for("premises.round_page", round_id=rnd.id))
    return render_template("premises/rounds.html", rounds=allocation.rounds(), form=form)


@bp.route("/fordeling/<int:round_id>")
@require_role("caseworker", "administrator", "committee_member")
def round_page(round_id: int):
    """The allocation view: every wish per space and weekday, in the law's order, with conflicts."""
    rnd = get_or_404(AllocationRound, round_id)
    return render_template("premises/round.html", round=rnd, grid=allocation.allocation_grid(rnd),
                           cases=allocation.round_cases(rnd))


def _round_step(round_id: int, step, success: str):
    rnd = get_or_404(AllocationRound, round_id)
    try:
        step(rnd)
    except (bookings.RequestRefused, transitions.StaleCase, transitions.TransitionNotAllowed, NotAllowed) as exc:
        flash(_refusal(exc), "error")
    else:
        flash(success, "success")
    return redirect(url_for("premises.round_page", round_id=rnd.id))


@bp.route("/fordeling/<int:round_id>/fordel", methods=["POST"])
@require_caseworker
def allocate(round_id: int):
    """Run the allocation (again): reserved series for the wishes in priority order."""
    return _round_step(round_id, lambda rnd: allocation.allocate(rnd, current_user), _("Tiderne er fordelt efter lovens rækkefølge."))


@bp.route("/fordeling/<int:round_id>/udvalg", methods=["POST"])
@require_caseworker
def to_committee(round_id: int):
    """Send every association's allocation to the committee."""
    hearing = request.form.get("hearing") == "1"
    return _round_step(round_id, lambda rnd: allocation.send_to_committee(rnd, current_user, hearing),
                       _("Fordelingen er sendt til udvalget."))


@bp.route("/fordeling/<int:round_id>/offentliggoer", methods=["POST"])
@require_caseworker
def publish(round_id: int):
    """Publish the decided allocation; the remaining time opens first come, first served."""
    return _round_step(round_id, lambda rnd: allocation.publish(rnd, current_user),
                       _("Fordelingen er offentliggjort, og foreningerne har fået besked. Resten af tiden kan "
                         "nu bookes efter først-til-mølle."))
