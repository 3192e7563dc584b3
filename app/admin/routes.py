"""Administrator pages."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func

from app.admin import bp
from app.admin.forms import StaffForm
from app.auth.access import require_admin
from app.extensions import db
from app.models import Association, Case, OutboxMessage, Pool, User
from app.services import accounts


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
            user = accounts.create_staff(form.email.data, form.full_name.data, form.role.data)
        except accounts.EmailTaken:
            form.email.errors.append(_("Der findes allerede en bruger med denne e-mailadresse."))
        else:
            flash(_("%(name)s er oprettet og har fået en e-mail med et link til at vælge adgangskode.",
                    name=user.full_name), "success")
            return redirect(url_for("admin.users"))
    q = (request.args.get("q") or "").strip()[:100]
    stmt = db.select(User).order_by(User.role != "administrator", User.role, User.full_name).limit(200)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(User.full_name).like(like) | User.email.like(like))
    return render_template("admin/users.html", form=form, users=db.session.scalars(stmt).all(), q=q)
