"""The association member's pages."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from app.auth.access import require_member
from app.cases_access import get_case_for_member_or_404
from app.cases_views import handle_action
from app.services import transitions
from app.extensions import db
from app.models import Association, Case, Membership
from app.portal import bp


@bp.route("/")
@require_member
def home():
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.user_id == current_user.id)
        .options(db.selectinload(Membership.association).selectinload(Association.approvals))
        .order_by(Membership.id)
    ).all()
    association_ids = [m.association_id for m in memberships]
    cases = db.session.scalars(
        db.select(Case).where(Case.association_id.in_(association_ids))
        .options(db.joinedload(Case.pool), db.joinedload(Case.association), db.joinedload(Case.assignee))
        .order_by(Case.created_at.desc(), Case.id.desc()).limit(200)
    ).all() if association_ids else []
    return render_template("portal/home.html", memberships=memberships, cases=cases)


@bp.route("/sager/<int:case_id>")
@require_member
def case(case_id: int):
    case = get_case_for_member_or_404(case_id)
    actions, blocked = transitions.offered_actions(case, current_user)
    return render_template("portal/case.html", case=case, actions=actions, blocked=blocked,
                           events=transitions.journal(case))


@bp.route("/sager/<int:case_id>/handling", methods=["POST"])
@require_member
def case_action(case_id: int):
    case = get_case_for_member_or_404(case_id)
    return handle_action(case, url_for("portal.case", case_id=case.id))
