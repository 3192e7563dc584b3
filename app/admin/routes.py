"""Administrator pages: overview, users, committees, letter settings and the journal of changes."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from wtforms import SelectChoice

from app.access import get_or_404
from app.admin import bp
from app.admin.forms import CommitteeForm, SettingsForm, StaffForm
from app.admin.helpers import show_error
from app.auth.access import require_admin
from app.extensions import db
from app.models import Association, Case, Committee, OutboxMessage, Pool, User
from app.models.user import STAFF_ROLES
from app.services.admin import committees as admin_committees, users as admin_users
from app.services.delivery import letter_settings as settings_service
from app.services.accounts import two_factor
from app.services.journals.audit import SetupError


@bp.route("/")
@require_admin
def home():
    stats = {
        "users": db.session.scalar(db.select(func.count()).select_from(User)),
        "associations": db.session.scalar(db.select(func.count()).select_from(Association)),
        "pools": db.session.scalar(db.select(func.count()).select_from(Pool)),
        "cases": db.session.scalar(db.select(func.count()).select_from(Case)),
        "pending_notices": db.session.scalar(
            db.select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")),
    }
    return render_template("admin/home.html", stats=stats)


@bp.route("/brugere", methods=["GET", "POST"])
@require_admin
def users():
    form = StaffForm()
    if form.validate_on_submit():
        try:
            user = admin_users.create_staff(current_user, form.email.data, form.full_name.data, form.role.data)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("%(name)s er oprettet og har fået en e-mail med et link til at vælge adgangskode.",
                    name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    q = (request.args.get("q") or "").strip()[:100]
    after_user = db.session.get(User, request.args.get("efter", type=int) or 0)
    rows, next_key = admin_users.search(q, (after_user.full_name, after_user.id) if after_user else None)
    return render_template("admin/users.html", form=form, users=rows, q=q,
                           next_after=next_key[1] if next_key else None)


@bp.route("/brugere/<int:user_id>/aktiv", methods=["POST"])
@require_admin
def user_active(user_id: int):
    active = request.form.get("aktiv") == "1"
    try:
        user = admin_users.set_active(user_id, current_user, active)
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("%(name)s kan nu logge ind igen.", name=user.full_name) if active
              else _("%(name)s er deaktiveret og kan ikke logge ind.", name=user.full_name), "success")
    return redirect(url_for("admin.users", q=request.form.get("q") or None))


@bp.route("/brugere/<int:user_id>/to-faktor", methods=["POST"])
@require_admin
def user_reset_two_factor(user_id: int):
    """Remove a user's two-factor (lost phone); they set it up again at their next log-in."""
    try:
        user = two_factor.reset(user_id, current_user)
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("To-faktor-log-ind for %(name)s er nulstillet. Ved næste log-ind sætter de det op igen.",
                name=user.full_name), "success")
    return redirect(url_for("admin.users", q=request.form.get("q") or None))


@bp.route("/udvalg")
@require_admin
def committees():
    rows = db.session.scalars(db.select(Committee).options(db.selectinload(Committee.members))
                              .order_by(Committee.name)).all()
    people = {u.id: u for u in db.session.scalars(db.select(User).where(User.role.in_(STAFF_ROLES)))}
    return render_template("admin/committees.html", committees=rows, people=people)


def _committee_form(committee: Committee | None) -> CommitteeForm:
    data = {}
    if committee is not None:
        data = {"name": committee.name, "description": committee.description,
                "members": [m.user_id for m in committee.members],
                "chair": next((m.user_id for m in committee.members if m.is_chair), None)}
    form = CommitteeForm(data=data)
    staff = db.session.scalars(db.select(User).where(User.role.in_(STAFF_ROLES), User.is_active.is_(True))
                               .order_by(User.full_name)).all()
    form.members.choices = [SelectChoice(u.id, f"{u.full_name} ({u.email})") for u in staff]
    form.chair.choices = [SelectChoice("", _("Ingen formand valgt"))] + [SelectChoice(u.id, u.full_name) for u in staff]
    return form


@bp.route("/udvalg/ny", methods=["GET", "POST"], defaults={"committee_id": None})
@bp.route("/udvalg/<int:committee_id>", methods=["GET", "POST"])
@require_admin
def committee_edit(committee_id: int | None):
    committee = get_or_404(Committee, committee_id) if committee_id else None
    form = _committee_form(committee)
    if form.validate_on_submit():
        try:
            saved = admin_committees.save_committee(current_user, committee_id, form.name.data,
                                                    form.description.data or "", form.members.data or [],
                                                    form.chair.data)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Udvalget »%(name)s« er gemt.", name=saved.name), "success")
            return redirect(url_for("admin.committees"))
    return render_template("admin/committee_form.html", form=form, committee=committee)


@bp.route("/brevpapir", methods=["GET", "POST"])
@require_admin
def letter_settings():
    row = settings_service.get_settings()
    form = SettingsForm(obj=row)
    if form.validate_on_submit():
        upload = form.logo.data
        logo = upload.read(settings_service.MAX_LOGO_BYTES + 1) if upload and upload.filename else None
        values = settings_service.SettingsValues(**{k: form[k].data or "" for k in settings_service.TEXT_FIELDS})
        try:
            settings_service.save_settings(current_user, values, logo=logo, remove_logo=form.remove_logo.data)
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Indstillingerne for breve er gemt."), "success")
            return redirect(url_for("admin.letter_settings"))
    from app.services.delivery.letterhead import get_letterhead
    return render_template("admin/letter_settings.html", form=form, row=row, letterhead=get_letterhead())
