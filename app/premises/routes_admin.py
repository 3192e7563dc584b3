"""Administrator pages: locations, spaces (tree, rules, hours, closures, feed) and equipment."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.access import get_or_404
from app.auth.access import require_admin
from app.models import Closure, Equipment, Location, Space
from app.premises import bp
from app.premises.forms import ClosureForm, EquipmentForm, HoursForm, LocationForm, SpaceForm
from app.services.premises.messages import describe
from app.services.premises import catalogue

SPACE_FIELDS = ("name", "description", "facilities", "step_free", "disabled_suited", "rules_text", "bookable_by",
                "auto_approve", "is_published")


@bp.route("/admin/")
@require_admin
def admin_home():
    """Every location with its spaces and equipment."""
    return render_template("premises/admin_home.html", locations=catalogue.all_locations())


@bp.route("/admin/steder/ny", methods=["GET", "POST"])
@bp.route("/admin/steder/<int:location_id>", methods=["GET", "POST"])
@require_admin
def location_form(location_id: int | None = None):
    """Create or edit a location."""
    location = get_or_404(Location, location_id) if location_id else None
    form = LocationForm(obj=location)
    if form.validate_on_submit():
        taken = catalogue.location_named(form.name.data.strip())
        if taken is not None and taken is not location:
            form.name.errors.append(_("Der findes allerede et sted med det navn."))
        else:
            saved = catalogue.save_location(location, name=form.name.data.strip(), address=form.address.data.strip(),
                                            description=form.description.data or "",
                                            is_published=form.is_published.data)
            flash(_("Stedet er gemt."), "success")
            return redirect(url_for("premises.location_form", location_id=saved.id))
    return render_template("premises/admin_location.html", form=form, location=location)


def _space_form(location: Location, space: Space | None) -> SpaceForm:
    form = SpaceForm(obj=space)
    form.parent_id.choices = [(0, _("Ingen – et selvstændigt lokale"))] + [
        (s.id, s.name) for s in location.spaces if space is None or s.id != space.id]
    if space is not None and not form.is_submitted():
        form.parent_id.data = space.parent_id or 0
    return form


@bp.route("/admin/steder/<int:location_id>/lokaler/ny", methods=["GET", "POST"])
@bp.route("/admin/lokaler/<int:space_id>", methods=["GET", "POST"])
@require_admin
def space_form(location_id: int | None = None, space_id: int | None = None):
    """Create or edit a space: where it sits, capacity, accessibility, rules, who may book."""
    space = get_or_404(Space, space_id) if space_id else None
    location = space.location if space else get_or_404(Location, location_id)
    form = _space_form(location, space)
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in SPACE_FIELDS}
        fields.update(capacity=form.capacity.parsed, cancel_deadline_hours=form.cancel_deadline_hours.parsed,
                      max_cancellations=form.max_cancellations.parsed)
        try:
            saved = catalogue.save_space(space, location.id, form.parent_id.data or None, **fields)
        except catalogue.CatalogueError as exc:
            form.parent_id.errors.append(describe(exc.code))
        else:
            flash(_("Lokalet er gemt."), "success")
            return redirect(url_for("premises.space_form", space_id=saved.id))
    hours_form = HoursForm(formdata=None, data=_hours_data(space)) if space else None
    feed = catalogue.feed_by_space(space.id) if space else None
    return render_template("premises/admin_space.html", form=form, space=space, location=location,
                           hours_form=hours_form, closure_form=ClosureForm(formdata=None), feed=feed)


def _hours_data(space: Space) -> dict:
    data = {}
    for h in space.hours:
        data[f"opens_{h.weekday}"], data[f"closes_{h.weekday}"] = h.opens, h.closes
    return data


@bp.route("/admin/lokaler/<int:space_id>/aabningstider", methods=["POST"])
@require_admin
def space_hours(space_id: int):
    """Replace the opening hours (both times per weekday, or neither)."""
    space = get_or_404(Space, space_id)
    form = HoursForm()
    hours, problems = {}, []
    if form.validate():
        for day in range(7):
            opens, closes = getattr(form, f"opens_{day}").parsed, getattr(form, f"closes_{day}").parsed
            if (opens is None) != (closes is None) or (opens and closes <= opens):
                problems.append(getattr(form, f"closes_{day}"))
            hours[day] = (opens, closes) if opens and closes else None
    if not form.errors and not problems:
        catalogue.set_opening_hours(space, hours)
        flash(_("Åbningstiderne er gemt."), "success")
        return redirect(url_for("premises.space_form", space_id=space.id))
    for field in problems:
        field.errors = list(field.errors) + [_("Skriv både åbne- og lukketid, og lukketiden efter åbnetiden.")]
    return render_template("premises/admin_space.html", form=_space_form(space.location, space), space=space,
                           location=space.location, hours_form=form, closure_form=ClosureForm(formdata=None),
                           feed=catalogue.feed_by_space(space.id))


@bp.route("/admin/lokaler/<int:space_id>/lukninger", methods=["POST"])
@require_admin
def closure_add(space_id: int):
    """Close the space for some days (it and everything in it)."""
    space = get_or_404(Space, space_id)
    form = ClosureForm()
    if form.validate_on_submit():
        catalogue.add_closure(space, form.starts_on.parsed, form.ends_on.parsed, form.reason.data.strip())
        flash(_("Lukningen er gemt."), "success")
        return redirect(url_for("premises.space_form", space_id=space.id))
    hours_form = HoursForm(formdata=None, data=_hours_data(space))
    return render_template("premises/admin_space.html", form=_space_form(space.location, space), space=space,
                           location=space.location, hours_form=hours_form, closure_form=form,
                           feed=catalogue.feed_by_space(space.id))


@bp.route("/admin/lukninger/<int:closure_id>/slet", methods=["POST"])
@require_admin
def closure_delete(closure_id: int):
    """Remove a closure."""
    closure = get_or_404(Closure, closure_id)
    space_id = closure.space_id
    catalogue.delete_closure(closure)
    flash(_("Lukningen er fjernet."), "success")
    return redirect(url_for("premises.space_form", space_id=space_id))


@bp.route("/admin/lokaler/<int:space_id>/kalender", methods=["POST"])
@require_admin
def renew_space_feed(space_id: int):
    """Create the space's private calendar address, or give it a new one."""
    space = get_or_404(Space, space_id)
    existing = catalogue.feed_by_space(space.id)
    if existing is None:
        catalogue.feed_for(space_id=space.id)
    else:
        catalogue.renew_feed(existing)
    flash(_("Kalenderadressen er klar. En tidligere adresse virker ikke længere."), "success")
    return redirect(url_for("premises.space_form", space_id=space.id))


@bp.route("/admin/steder/<int:location_id>/udstyr/ny", methods=["GET", "POST"])
@bp.route("/admin/udstyr/<int:equipment_id>", methods=["GET", "POST"])
@require_admin
def equipment_form(location_id: int | None = None, equipment_id: int | None = None):
    """Create or edit a piece of equipment."""
    item = get_or_404(Equipment, equipment_id) if equipment_id else None
    location = item.location if item else get_or_404(Location, location_id)
    form = EquipmentForm(obj=item)
    if form.validate_on_submit():
        catalogue.save_equipment(item, location.id, name=form.name.data.strip(), description=form.description.data or "",
                                 quantity=form.quantity.parsed, is_published=form.is_published.data)
        flash(_("Udstyret er gemt."), "success")
        return redirect(url_for("premises.admin_home"))
    return render_template("premises/admin_equipment.html", form=form, item=item, location=location)
