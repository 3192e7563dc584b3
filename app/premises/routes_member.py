"""Association pages: request a space, see and cancel own bookings, calendar feed, seasonal wishes."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.access import get_or_404, is_public, member_associations, on_board
from app.auth.access import require_member
from app.models import AllocationRound, AllocationWish, Association, Booking, Space
from app.premises import bp
from app.premises.fields import parse_date, parse_time
from app.premises.forms import RequestForm, WishForm
from app.services.premises.messages import describe
from app.premises.problem_fields import attach_problems
from app.services.premises import allocation, bookings
from app.services.premises import catalogue
from workflows import TransitionNotAllowed


def _request_form(space: Space, associations: list) -> RequestForm:
    form = RequestForm()
    form.association_id.choices = [(a.id, a.name) for a in associations]
    form.equipment.choices = [(e.id, e.name) for e in catalogue.location_equipment(space.location_id)]
    if request.method == "GET":
        form.first_day.data = request.args.get("dato", "")[:10] if parse_date(request.args.get("dato")) else ""
        for field, key in ((form.start_time, "fra"), (form.end_time, "til")):
            field.data = request.args.get(key, "")[:5] if parse_time(request.args.get(key)) else ""
    return form


def _input(form: RequestForm, space: Space) -> bookings.RequestInput:
    return bookings.RequestInput(
        space_id=space.id, association_id=form.association_id.data, purpose=form.purpose.data.strip(),
        participants=form.participants.parsed, age_group=form.age_group.data, first_day=form.first_day.parsed,
        start_time=form.start_time.parsed, end_time=form.end_time.parsed, recurrence=form.recurrence.data,
        until=form.until.parsed, exceptions=form.exception_dates(), equipment_ids=tuple(form.equipment.data or ()),
        take_free=form.take_free.data)


@bp.route("/<int:space_id>/anmod", methods=["GET", "POST"])
@require_member
def request_form(space_id: int):
    """Ask to borrow a space once or every (other) week; collisions are shown, free dates offered."""
    space = get_or_404(Space, space_id, is_public)
    associations = member_associations()
    form, partly = _request_form(space, associations), None
    if associations and form.validate_on_submit():
        get_or_404(Association, form.association_id.data, on_board)
        try:
            case = bookings.request_booking(current_user, _input(form, space))
        except bookings.PartlyUnavailable as exc:
            partly = exc.check
        except bookings.RequestRefused as exc:
            attach_problems(form, exc.problems)
        else:
            flash(_("Anmodningen er godkendt, og tiderne er booket til jer.") if case.state_has("booked")
                  else _("Anmodningen er sendt. I får besked, når den er behandlet."), "success")
            return redirect(url_for("premises.mine"))
    return render_template("premises/request.html", space=space, form=form, partly=partly,
                           associations=associations, refused=_refusals(space, associations))


def _refusals(space: Space, associations: list) -> list[tuple[Association, list[str]]]:
    """Which of the user's associations the space's rules turn away, and why, in words."""
    return [(association, [describe(p.code, **p.params) for p in problems]) for association, problems
            in catalogue.who_may_not_book(space, associations, clock.today().year)]


@bp.route("/mine")
@require_member
def mine():
    """The association's coming bookings across spaces, its requests and its calendar address."""
    associations = member_associations()
    ids = [a.id for a in associations]
    coming, requests = bookings.association_overview(ids)
    feeds = {a.id: catalogue.feed_by_association(a.id) for a in associations}
    return render_template("premises/mine.html", associations=associations, bookings=coming,
                           requests=requests, feeds=feeds)


@bp.route("/mine/bookinger/<int:booking_id>/aflys", methods=["POST"])
@require_member
def cancel(booking_id: int):
    """Cancel one date (within the space's deadline and limit)."""
    booking = get_or_404(Booking, booking_id, on_board)
    try:
        bookings.cancel_booking(booking.id, current_user)
    except TransitionNotAllowed as exc:
        flash(_(exc.reason, **exc.params), "error")
    except bookings.RequestRefused as exc:
        flash(" ".join(describe(p.code, **p.params) for p in exc.problems), "error")
    else:
        flash(_("Bookingen er aflyst. Tiden er nu ledig for andre."), "success")
    return redirect(url_for("premises.mine"))


@bp.route("/mine/kalender/<int:association_id>", methods=["POST"])
@require_member
def renew_association_feed(association_id: int):
    """Create the association's private calendar address, or give it a new one."""
    association = get_or_404(Association, association_id, on_board)
    existing = catalogue.feed_by_association(association.id)
    if existing is None:
        catalogue.feed_for(association_id=association.id)
        flash(_("Kalenderadressen er oprettet. Kopiér den ind i jeres kalenderprogram."), "success")
    else:
        catalogue.renew_feed(existing)
        flash(_("Kalenderen har fået en ny adresse. Den gamle virker ikke længere."), "success")
    return redirect(url_for("premises.mine"))


@bp.route("/saesoner")
@require_member
def seasons():
    """Seasonal rounds: open ones take wishes; published ones show the result."""
    return render_template("premises/seasons.html", rounds=allocation.rounds(), associations=member_associations())


def _wish_form() -> WishForm:
    form = WishForm()
    spaces = [s for _, group in catalogue.published_locations() for s in group]
    form.space_id.choices = [(s.id, f"{s.location.name}: {s.name}") for s in spaces]
    return form


@bp.route("/saesoner/<int:round_id>/<int:association_id>", methods=["GET", "POST"])
@require_member
def wishes(round_id: int, association_id: int):
    """The association's wishes for a round: add, remove, send."""
    rnd = get_or_404(AllocationRound, round_id)
    association = get_or_404(Association, association_id, on_board)
    form = _wish_form()
    if form.validate_on_submit():
        data = allocation.WishInput(
            space_id=form.space_id.data, weekday=form.weekday.data, start_time=form.start_time.parsed,
            end_time=form.end_time.parsed, participants=form.participants.parsed, age_group=form.age_group.data,
            for_disabled=form.for_disabled.data, priority=form.priority.parsed, note=form.note.data or "")
        try:
            allocation.add_wish(rnd, association, current_user, data)
        except bookings.RequestRefused as exc:
            attach_problems(form, exc.problems)
        else:
            flash(_("Ønsket er tilføjet. Husk at sende ønskerne, når I er færdige."), "success")
            return redirect(url_for("premises.wishes", round_id=rnd.id, association_id=association.id))
    case = allocation.season_case(rnd, association)
    own = allocation.case_wishes(case.id) if case else []
    return render_template("premises/wishes.html", round=rnd, association=association, form=form, case=case,
                           wishes=own)


@bp.route("/oensker/<int:wish_id>/slet", methods=["POST"])
@require_member
def delete_wish(wish_id: int):
    """Take a wish out while the wishes are not yet sent."""
    wish = get_or_404(AllocationWish, wish_id, on_board)
    round_id, association_id = wish.round_id, wish.association_id
    try:
        allocation.remove_wish(wish)
    except bookings.RequestRefused as exc:
        flash(" ".join(describe(p.code, **p.params) for p in exc.problems), "error")
    else:
        flash(_("Ønsket er fjernet."), "success")
    return redirect(url_for("premises.wishes", round_id=round_id, association_id=association_id))


@bp.route("/saesoner/<int:round_id>/<int:association_id>/send", methods=["POST"])
@require_member
def submit_wishes(round_id: int, association_id: int):
    """Send the wishes to the municipality."""
    rnd = get_or_404(AllocationRound, round_id)
    association = get_or_404(Association, association_id, on_board)
    try:
        allocation.submit_wishes(rnd, association, current_user)
    except bookings.RequestRefused as exc:
        flash(" ".join(describe(p.code, **p.params) for p in exc.problems), "error")
    except TransitionNotAllowed as exc:
        flash(_(exc.reason, **exc.params), "error")
    else:
        flash(_("Jeres ønsker er sendt. I får besked, når fordelingen er offentliggjort."), "success")
    return redirect(url_for("premises.wishes", round_id=rnd.id, association_id=association.id))
