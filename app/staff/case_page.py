"""Everything the staff case page shows, loaded in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from wtforms import SelectChoice

from app.extensions import db
from app.models import AssociationConflict, Case, ConflictDeclaration, Membership, User
from app.services.cases import assessment as assessment_service
from app.services.cases import assignment, notes as case_notes, hearing, queue, transitions
from app.services.cases import contact_cpr, core as case_rules
from app.services.cases.reason_draft import draft_reason
from app.services.cases.guard import CASEWORKER_ROLES, is_closed
from app.services.committee import decisions as corrections
from app.case_changes import action_label
from app.formatting import file_size
from app.forms_runtime.reading import type_label
from app.staff import application_view, decision_page
from app.staff.forms import (AssignForm, ConflictForm, HearingForm, InformationRequestForm, NoteForm,
                             assessment_form)

EARLIER_CASES = 20


@dataclass
class ActionInput:
    """What was typed into the action form (kept when it has to be shown again)."""

    action: str = ""
    comment: str = ""
    reason: str = ""
    amount: str = ""
    meeting: str = ""  # a meeting's id, or "" (choose later), when the case goes to the committee
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
    journal = case_notes.case_file(case, events, docs)
    last_seen = overrides.pop("last_seen", None)
    context = {
        "case": case, "actions": [a for a in actions if a.action != "request_information"], "blocked": blocked,
        "can_request_information": any(a.action == "request_information" for a in actions),
        "decides": any("record_decision" in a.effects for a in actions),
        "journal": journal, "documents": docs, "file_type": type_label, "file_size": file_size,
        "last_seen": last_seen, "changes": changes_since(journal, last_seen, user.id),
        "exchanges": hearing.information_exchanges(events),
        "hearings": [e for e in events if e.kind == "hearing"],
        "assessment": assessment, "score": assessment_service.score_of(assessment), "criteria": criteria,
        "score_text": assessment_service.score_label(assessment_service.score_of(assessment)),
        "assessment_editable": assessment_service.may_assess(case),
        "panel": association_panel(case), "application": application_view.sections(
            case.data, _form_spec(case), {d.id: d for d in docs}),
        "conflicts": _conflicts(case), "inhabil": case_rules.is_inhabil(user, case),
        "is_caseworker": user.role in CASEWORKER_ROLES, "is_closed": is_closed(case),
        "due": queue.due_status(case), "due_date": queue.due_date(case),
        "appeal_text": case.pool.appeal_text.strip() or current_app.config["DEFAULT_APPEAL_TEXT"],
        "action_input": overrides.pop("action_input", None) or _default_action_input(case, assessment),
        "action_label": action_label, "last_event_id": events[-1].id if events else 0,
        "pending_corrections": corrections.pending_corrections(case.id),
    }
    context.update(_default_forms(case, assessment, criteria, context["last_event_id"]))
    context.update(decision_page.action_context(case, actions))
    context.update(overrides)
    return context


def changes_since(journal: list, last_seen, user_id: int) -> list:
    """Journal lines others added after the reader's last look (none on a first look)."""
    if last_seen is None:
        return []
    return [entry for entry in journal if entry.at > last_seen and _author_id(entry) != user_id]


def _author_id(entry) -> int | None:
    return entry.document.uploaded_by_id if entry.document is not None else entry.event.actor_id


def _default_forms(case: Case, assessment, criteria, last_event_id: int) -> dict:
    version, seen = str(case.version), str(last_event_id)
    assign = AssignForm(formdata=None, prefix="assign", version=version, seen=seen,
                        assignee=str(case.assignee_id or "none"))
    assign.assignee.choices = assignee_choices()
    scores = {s.criterion_id: s for s in (assessment.scores if assessment else [])}
    data = {"version": version, "seen": seen, "recommended_amount": case.recommended_amount,
            "recommendation": assessment.recommendation if assessment else ""}
    for c in criteria:
        data[f"score_{c.id}"] = str(scores[c.id].score) if c.id in scores else ""
        data[f"comment_{c.id}"] = scores[c.id].comment if c.id in scores else ""
    return {
        "assign_form": assign,
        "note_form": NoteForm(formdata=None, prefix="note"),
        "info_form": InformationRequestForm(formdata=None, prefix="info", version=version, seen=seen,
                                            reply_deadline=hearing.default_reply_deadline(case.pool)),
        "hearing_form": HearingForm(formdata=None, prefix="hearing", version=version, seen=seen),
        "assessment_form": assessment_form(criteria, case.amount_applied, formdata=None, prefix="assessment",
                                           data=data),
        "conflict_form": ConflictForm(formdata=None, prefix="conflict"),
    }


def assignee_choices() -> list[SelectChoice]:
    """'Nobody' and every active caseworker."""
    return [SelectChoice("none", _("Ingen"))] + [SelectChoice(str(u.id), u.full_name)
                                                 for u in assignment.assignable_users()]


def _default_action_input(case: Case, assessment) -> ActionInput:
    """The reason drafted to the association from the assessment (never the internal recommendation's words);
    the recommended amount is the draft amount; the next meeting is the one offered."""
    amount = "" if case.recommended_amount is None else str(case.recommended_amount)
    return ActionInput(reason=draft_reason(case, assessment), amount=amount,
                       meeting=decision_page.default_meeting(case))


def association_panel(case: Case) -> dict:
    """Approval history, børneattest, board members, earlier cases and grants of the applicant."""
    association = case.association
    members = db.session.scalars(db.select(Membership).where(Membership.association_id == association.id)
                                 .options(db.joinedload(Membership.user)).order_by(Membership.id)).all()
    others = (Case.association_id == association.id, Case.id != case.id, ~Case.state_has("draft", "discarded"))
    earlier = db.session.scalars(db.select(Case).where(*others).options(db.joinedload(Case.pool))
                                 .order_by(Case.submitted_at.desc(), Case.id.desc()).limit(EARLIER_CASES + 1)).all()
    granted = db.session.scalar(db.select(func.coalesce(func.sum(Case.granted_amount), 0)).where(*others))
    return {"association": association, "approvals": list(association.approvals), "members": members,
            "earlier": earlier[:EARLIER_CASES], "more_earlier": len(earlier) > EARLIER_CASES,
            "granted_total": granted,
            # Whether the contact person gave a CPR number for Digital Post: staff see that, never the number.
            "contact_cpr": contact_cpr.has_cpr(case.id) if contact_cpr.asks_for_cpr(case) else None}


def _conflicts(case: Case) -> list[tuple[ConflictDeclaration | AssociationConflict, User]]:
    """Who is inhabil here: declared in the case, or towards the association as a whole (each with its reason)."""
    in_case = db.session.execute(db.select(ConflictDeclaration, User).join(User, User.id == ConflictDeclaration.user_id)
                                 .where(ConflictDeclaration.case_id == case.id)).all()
    towards = db.session.execute(db.select(AssociationConflict, User).join(User, User.id == AssociationConflict.user_id)
                                 .where(AssociationConflict.association_id == case.association_id)).all()
    return sorted([*in_case, *towards], key=lambda row: row[0].created_at)


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
