"""Caseworker and committee home pages."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user
from sqlalchemy import func

from app.auth.access import require_caseworker, require_role, require_staff
from app.cases_access import get_case_for_staff_or_404
from app.cases_views import handle_action
from app.services import transitions
from app.extensions import db
from app.models import Case, Committee, CommitteeMember, Pool
from app.staff import bp


@bp.route("/")
@require_caseworker
def home():
    counts = db.session.execute(
        db.select(Case.state, func.count()).where(Case.state != "draft").group_by(Case.state)
    ).all()
    mine = db.session.scalars(
        db.select(Case).where(Case.assignee_id == current_user.id, Case.state != "draft")
        .options(db.joinedload(Case.association), db.joinedload(Case.pool))
        .order_by(Case.submitted_at.desc(), Case.id.desc()).limit(50)
    ).all()
    return render_template("staff/home.html", counts=counts, mine=mine)


@bp.route("/udvalg")
@require_role("committee_member", "administrator")
def committee_home():
    seats = db.session.scalars(
        db.select(CommitteeMember).where(CommitteeMember.user_id == current_user.id)
        .options(db.joinedload(CommitteeMember.committee).selectinload(Committee.pools))
    ).all()
    waiting = dict(db.session.execute(
        db.select(Case.pool_id, func.count()).where(Case.state == "committee").group_by(Case.pool_id)
    ).all())
    return render_template("staff/committee_home.html", seats=seats, waiting=waiting, Pool=Pool)


@bp.route("/sager/<int:case_id>")
@require_staff
def case(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    actions, blocked = transitions.offered_actions(case, current_user)
    return render_template("staff/case.html", case=case, actions=actions, blocked=blocked,
                           events=transitions.journal(case))


@bp.route("/sager/<int:case_id>/handling", methods=["POST"])
@require_staff
def case_action(case_id: int):
    case = get_case_for_staff_or_404(case_id)
    return handle_action(case, url_for("staff.case", case_id=case.id))
