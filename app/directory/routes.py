"""Public directory pages, and the member's page for the association's own listing."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from app.access import get_or_404, on_board
from app.auth.access import require_member
from app.directory import bp
from app.directory.forms import ListingForm, SearchForm
from app.extensions import db
from app.models import Association, Membership
from app.models.report import AGE_BANDS
from app.services.associations import directory

LISTING_ERRORS = {
    "empty_public": ("description", _l("Skriv lidt om foreningen eller mindst én aktivitet, før I viser den.")),
    "too_many": ("description", _l("I kan højst have %(n)s aktiviteter.", n=directory.MAX_ACTIVITIES)),
}


@bp.route("/foreninger")
def search():
    form = SearchForm(request.args)
    valid = not request.args or form.validate()
    listings = directory.search(form.q.data, form.alder.data) if valid else []
    page = render_template("directory/search.html", form=form, listings=listings, searched=bool(request.args),
                           show_errors=not valid, bands=dict(AGE_BANDS))
    return page, 200 if valid else 400


@bp.route("/foreninger/<int:listing_id>")
def listing(listing_id: int):
    found = directory.public_listing(listing_id)
    if found is None:
        abort(404)
    return render_template("directory/listing.html", listing=found, bands=AGE_BANDS)


@bp.route("/forening/synlighed")
@require_member
def mine():
    memberships = db.session.scalars(db.select(Membership).where(Membership.user_id == current_user.id)
                                     .options(db.joinedload(Membership.association)).order_by(Membership.id)).all()
    listings = {a: directory.listing_for(a) for a in (m.association_id for m in memberships)}
    return render_template("directory/mine.html", memberships=memberships, listings=listings)


def _form(association_id: int, formdata=None) -> ListingForm:
    existing = directory.listing_for(association_id)
    form = ListingForm(formdata=formdata, obj=None if formdata else existing)
    if formdata is None:
        if existing is not None:
            for entry, activity in zip(form.activities, existing.activities):
                entry.form.ages.data = [b for b, _label in AGE_BANDS if getattr(activity, f"age_{b}")]
        while len(form.activities) < min(len(existing.activities if existing else []) + 2, directory.MAX_ACTIVITIES):
            form.activities.append_entry()
    form.fill_spaces(directory.booked_spaces(association_id))
    return form


def _render(association, form: ListingForm, status: int = 200):
    listing_row = directory.listing_for(association.id)
    return render_template("directory/edit.html", association=association, form=form, listing=listing_row,
                           has_spaces=len(form.activities) and len(form.activities[0].form.space_id.choices) > 1), status


@bp.route("/forening/foreninger/<int:association_id>/synlighed", methods=["GET", "POST"])
@require_member
def edit(association_id: int):
    association = get_or_404(Association, association_id, on_board)
    if request.method == "GET":
        return _render(association, _form(association.id))
    form = _form(association.id, request.form)
    if not form.validate_on_submit():
        return _render(association, form, 400)
    kept = [entry.form for entry in form.activities if not entry.form.is_blank()]
    try:
        directory.save_listing(association.id, current_user, _input(form, kept))
    except directory.ListingError as exc:
        if exc.code == "space":
            kept[exc.index].space_id.errors = [_("Vælg et af jeres lokaler på listen.")]
        else:
            name, message = LISTING_ERRORS[exc.code]
            getattr(form, name).errors = [message]
        return _render(association, form, 400)
    flash(_("Gemt. Foreningen vises nu i foreningsoversigten.") if form.is_public.data
          else _("Gemt. Foreningen vises ikke i foreningsoversigten."), "success")
    return redirect(url_for("directory.edit", association_id=association.id))


def _input(form: ListingForm, kept: list) -> directory.ListingInput:
    activities = [directory.ActivityInput(
        name=a.name.data, description=a.description.data or "", ages=frozenset(a.ages.data or ()),
        when_text=a.when_text.data or "", where_text=a.where_text.data or "", space_id=a.space_id.data)
        for a in kept]
    return directory.ListingInput(is_public=form.is_public.data, description=form.description.data or "",
                                  contact=form.contact.data or "", website=form.website.data or None,
                                  activities=activities)
