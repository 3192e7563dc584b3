"""Read-only facts the portal pages show: deadlines, open pools with eligibility, documents, journal."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Association, AssociationEvent, Case, Decision, Document, Invitation, Membership, Pool, User
from app.models.association import ApprovalRequest
from app.portal.forms import ROLE_CHOICES
from app.services.applying.eligibility import declaration_due_on, declaration_valid_on, eligibility_problems
from app.services.applying.pool_pages import LISTED_AS_POOL
from app.services.pools.status import PoolStatus, group_pools

SEAT_LABELS = dict(ROLE_CHOICES)

JOURNAL_LABELS = {
    "registered": _l("Foreningen blev registreret"),
    "member_invited": _l("%(email)s blev inviteret til bestyrelsen som %(role)s"),
    "member_joined": _l("%(name)s kom med i bestyrelsen som %(role)s"),
    "invitation_cancelled": _l("Invitationen til %(email)s blev annulleret"),
    "join_requested": _l("%(name)s loggede ind med MitID Erhverv for foreningens CVR-nummer og beder om at komme "
                         "med i bestyrelsen"),
    "invitation_claimed": _l("%(name)s brugte invitationen til %(email)s og venter på formandens bekræftelse"),
    "invitation_claim_rejected": _l("Formanden afviste, at %(name)s brugte invitationen til %(email)s"),
    "member_role_changed": _l("%(name)s fik rollen %(role)s"),
    "member_removed": _l("%(name)s blev fjernet fra bestyrelsen"),
    "member_left": _l("%(name)s forlod bestyrelsen"),
    "approval_requested": _l("Anmodning om godkendelse for %(year)s sendt"),
    "approval_granted": _l("Godkendt som folkeoplysende forening for %(year)s"),
    "approval_rejected": _l("Ikke godkendt som folkeoplysende forening for %(year)s"),
    "child_certificate_declared": _l("Børneattest-erklæring afgivet"),
    "children_changed": _l("Oplysningen om aktiviteter for børn blev ændret"),
    "annual_report_started": _l("Den årlige indberetning for %(year)s blev påbegyndt"),
    "annual_report_submitted": _l("Den årlige indberetning for %(year)s blev sendt"),
    "annual_report_questioned": _l("Kommunen stillede et spørgsmål til indberetningen for %(year)s"),
    "annual_report_answered": _l("Indberetningen for %(year)s blev sendt igen med svar"),
    "annual_report_approved": _l("Indberetningen for %(year)s blev godkendt"),
    "conflict_declared": _l("En medarbejder erklærede sig inhabil i forhold til foreningen"),
    "register_change_applied": _l("Ændringer fra CVR-registret blev overført til foreningens oplysninger"),
    "register_change_dismissed": _l("Ændringer fra CVR-registret blev gennemset og ikke overført"),
    "approval_not_given": _l("Ikke godkendt som folkeoplysende forening for %(year)s ud fra indberetningen"),
}


def seat_label(role: str) -> str:
    """A board role in words: Formand, Kasserer, Bestyrelsesmedlem."""
    return str(SEAT_LABELS.get(role, role))


@dataclass(frozen=True)
class Deadline:
    """A date the association must act by, with what it is for."""

    label: object
    day: date


def case_deadline(case: Case) -> Deadline | None:
    """The next date that matters to the applicant for this case."""
    if case.state_has("draft") and case.pool.deadline and not case.pool.is_rolling:
        return Deadline(_l("Ansøgningsfrist"), case.pool.deadline)
    if case.reply_deadline:
        return Deadline(_l("Svarfrist"), case.reply_deadline)
    if case.report_due_on and case.state_has("report_requested"):
        return Deadline(_l("Afrapportering senest"), case.report_due_on)
    return None


def journal_line(event: AssociationEvent) -> str:
    """The journal entry in words."""
    label = JOURNAL_LABELS.get(event.action)
    if label is None:
        return event.action
    data = {"email": "", "name": "", "year": "", "role": "", **(event.data or {})}
    data["role"] = seat_label(data["role"]).lower() if data["role"] else ""
    return str(label) % data


def open_pools(today: date) -> list[tuple[Pool, PoolStatus]]:
    """Published pools that take applications today, with their status; soonest deadline first."""
    groups = group_pools(db.session.scalars(db.select(Pool).where(Pool.is_published.is_(True), LISTED_AS_POOL)
                                            .options(db.selectinload(Pool.rounds)).order_by(Pool.name)), today)
    return groups.open + groups.late


def readiness(association: Association, today: date) -> list[tuple[Pool, PoolStatus, list]]:
    """Each open pool with its status and the reasons the association may not apply ([] = ready)."""
    return [(pool, status, eligibility_problems(association, pool, today)) for pool, status in open_pools(today)]


def approval_status(association: Association, year: int) -> dict:
    """This year's approval, a request waiting or answered, and the history."""
    request = db.session.scalar(db.select(ApprovalRequest).where(
        ApprovalRequest.association_id == association.id, ApprovalRequest.year == year))
    current = next((a for a in association.approvals if a.year == year), None)
    return {"year": year, "current": current, "request": request, "history": association.approvals}


def declaration_status(association: Association, today: date) -> dict:
    """When the børneattest declaration was made, by whom, and when it is due again."""
    by = db.session.get(User, association.child_certificate_declared_by_id) \
        if association.child_certificate_declared_by_id else None
    return {"declared_at": association.child_certificate_declared_at, "by": by,
            "due_on": declaration_due_on(association), "valid": declaration_valid_on(association, today)}


def board(association_id: int) -> list[Membership]:
    """The board, chairs first."""
    order = db.case({"chair": 0, "treasurer": 1}, value=Membership.role, else_=2)
    return list(db.session.scalars(db.select(Membership).where(Membership.association_id == association_id)
                                   .options(db.joinedload(Membership.user)).order_by(order, Membership.id)))


def open_invitations(association_id: int) -> list[Invitation]:
    """Invitations nobody has accepted or cancelled, still valid."""
    return list(db.session.scalars(db.select(Invitation).where(
        Invitation.association_id == association_id, Invitation.accepted_at.is_(None),
        Invitation.cancelled_at.is_(None), Invitation.expires_at > clock.now()).order_by(Invitation.created_at)))


def journal(association_id: int, limit: int = 50) -> list[AssociationEvent]:
    """The newest journal lines."""
    return list(db.session.scalars(db.select(AssociationEvent).where(AssociationEvent.association_id == association_id)
                                   .options(db.joinedload(AssociationEvent.actor))
                                   .order_by(AssociationEvent.id.desc()).limit(limit)))


def case_documents(case: Case) -> dict[str, list[Document]]:
    """What the applicant may download: sent letters, and the files they gave us."""
    docs = db.session.scalars(db.select(Document).where(Document.case_id == case.id,
                                                        Document.direction != "internal")
                              .order_by(Document.created_at, Document.id)).all()
    sent = set(db.session.scalars(db.select(Decision.letter_document_id).where(
        Decision.case_id == case.id, Decision.letter_available_at.is_not(None))))
    return {"letters": [d for d in docs if d.kind == "letter" and d.id in sent],
            "ours": [d for d in docs if d.direction == "in"]}
