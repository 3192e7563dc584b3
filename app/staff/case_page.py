"""Everything the staff case page shows, loaded in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from wtforms import SelectChoice

from app.extensions import db
from app.models import Case, ConflictDeclaration, Membership, User
from app.services import assessment as assessment_service
from app.services import assignment, case_notes, hearing, queue, transitions
from app.services import cases as case_rules
from app.services.case_guard import CASEWORKER_ROLES, CLOSED_STATES
from app.staff import application_view
from app.staff.forms import (AssignForm, ConflictForm, HearingForm, InformationRequestForm, NoteForm,
                             assessment_form)
from workflows import registry

EARLIER_CASES = 20


@dataclass
class ActionInput:
    """What was typed into the action form (kept when it has to be shown again)."""

    action: str = ""
    comment: str = ""
    reason: str = ""
    amount: str = ""
    errors: dict = field(default_factory=dict)


def render_case(case: Case, status: int = 200, **overrides):
    """The case page; `overrides` replace default forms with bound ones that carry errors."""
    return render_template("staff/case.html", **case_context(case, overrides)), status


def case_context(case: Case, overrides: dict) -> dict:
    """The template context for the staff case page."""
    user = current_user
    actions, blocked = transitions.offered_actions(case, user)
    events = transitions.journal(case)
    docs = case_notes.documents(case)
    assessment = assessment_service.assessment_for(case)
    criteria = list(case.pool.criteria)
    context = {
        "case": case, "actions": [a for a in actions if a.action != "request_information"], "blocked": blocked,
        "can_request_information": any(a.action == "request_information" for a in actions),
        "decides": any("record_decision" in a.effects for a in actions),
        "journal": case_notes.case_file(case, events, docs), "documents": docs,
        "exchanges": hearing.information_exchanges(events),
        "hearings": [e for e in events if e.kind == "hearing"],
        "assessment": assessment, "score": assessment_service.score_of(assessment), "criteria": criteria,
        "score_text": assessment_service.score_label(assessment_service.score_of(assessment)),
        "assessment_editable": case.state in assessment_service.EDITABLE_STATES,
        "panel": association_panel(case), "application": application_view.sections(case.data, _form_spec(case)),
        "conflicts": _conflicts(case), "inhabil": case_rules.is_inhabil(user, case),
        "is_caseworker": user.role in CASEWORKER_ROLES, "is_closed": case.state in CLOSED_STATES,
        "due": queue.due_status(case), "due_date": queue.due_date(case),
        "appeal_text": case.pool.appeal_text.strip() or current_app.config["DEFAULT_APPEAL_TEXT"],
        "action_input": overrides.pop("action_input", None) or _default_action_input(case, assessment),
        "action_label": action_label,
    }
    context.update(_default_forms(case, assessment, criteria))
    context.update(overrides)
    return context


def _default_forms(case: Case, assessment, criteria) -> dict:
    version = str(case.version)
    assign = AssignForm(formdata=None, prefix="assign", version=version,
                        assignee=str(case.assignee_id or "none"))
    assign.assignee.choices = assignee_choices()
    scores = {s.criterion_id: s for s in (assessment.scores if assessment else [])}
    data = {"version": version, "recommended_amount": case.recommended_amount,
            "recommendation": assessment.recommendation if assessment else ""}
    for c in criteria:
        data[f"score_{c.id}"] = str(scores[c.id].score) if c.id in scores else ""
        data[f"comment_{c.id}"] = scores[c.id].comment if c.id in scores else ""
    return {
        "assign_form": assign,
        "note_form": NoteForm(formdata=None, prefix="note"),
        "info_form": InformationRequestForm(formdata=None, prefix="info", version=version,
                                            reply_deadline=hearing.default_reply_deadline(case.pool)),
        "hearing_form": HearingForm(formdata=None, prefix="hearing", version=version),
        "assessment_form": assessment_form(criteria, case.amount_applied, formdata=None, prefix="assessment",
                                           data=data),
        "conflict_form": ConflictForm(formdata=None, prefix="conflict"),
    }


def action_label(workflow: str, action: str | None) -> str:
    """The translated label of a workflow action (for the journal)."""
    found = next((t.label for t in registry.get(workflow).transitions if t.action == action), None)
    return _(found) if found else (action or "")


def assignee_choices() -> list[SelectChoice]:
    """'Nobody' and every active caseworker."""
    return [SelectChoice("none", _("Ingen"))] + [SelectChoice(str(u.id), u.full_name)
                                                 for u in assignment.assignable_users()]


def _default_action_input(case: Case, assessment) -> ActionInput:
    """The recommendation is the draft reason; the recommended amount the draft amount."""
    amount = "" if case.recommended_amount is None else str(case.recommended_amount)
    return ActionInput(reason=assessment.recommendation if assessment else "", amount=amount)


def association_panel(case: Case) -> dict:
    """Approval history, børneattest, board members, earlier cases and grants of the applicant."""
    association = case.association
    members = db.session.scalars(db.select(Membership).where(Membership.association_id == association.id)
                                 .options(db.joinedload(Membership.user)).order_by(Membership.id)).all()
    others = (Case.association_id == association.id, Case.id != case.id, Case.state.not_in(("draft", "discarded")))
    earlier = db.session.scalars(db.select(Case).where(*others).options(db.joinedload(Case.pool))
                                 .order_by(Case.submitted_at.desc(), Case.id.desc()).limit(EARLIER_CASES + 1)).all()
    granted = db.session.scalar(db.select(func.coalesce(func.sum(Case.granted_amount), 0)).where(*others))
    return {"association": association, "approvals": list(association.approvals), "members": members,
            "earlier": earlier[:EARLIER_CASES], "more_earlier": len(earlier) > EARLIER_CASES,
            "granted_total": granted}


def _conflicts(case: Case) -> list[tuple[ConflictDeclaration, User]]:
    return db.session.execute(db.select(ConflictDeclaration, User).join(User, User.id == ConflictDeclaration.user_id)
                              .where(ConflictDeclaration.case_id == case.id)
                              .order_by(ConflictDeclaration.id)).all()


def _form_spec(case: Case):
    """The form version's steps when the case was made with the form runtime (else None)."""
    version_id = getattr(case, "form_version_id", None)
    if not version_id:
        return None
    try:
        from app.forms_runtime.spec import load_spec
    except ImportError:  # the form runtime is optional for this page
        return None
    return load_spec(version_id)
