"""Associations: registration, the yearly approval request, the børneattest declaration, the journal."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Association, AssociationApproval, AssociationEvent, Membership, User
from app.models.association import ApprovalRequest
from app.services.delivery import outbox
from app.services.delivery.links import public_base_url
from app.services.integrations import cvr_register
from app.services.integrations.cvr_register import RegisterEntry, RegisterUnavailable
from app.services.unit_of_work import flush, use_case


class CvrTaken(Exception):
    """An association with that CVR number is registered already."""


class CvrCeased(Exception):
    """The CVR register says the company has ceased (ophørt, opløst)."""

    def __init__(self, entry: RegisterEntry) -> None:
        super().__init__(entry.status)
        self.entry = entry


class CvrUnknown(Exception):
    """The CVR register has no company with that number."""


class AlreadyApproved(Exception):
    """The association is approved for that year already."""


class InformalGroup(Exception):
    """Informal groups cannot be approved as folkeoplysende forening (they have no statutes or board)."""


class AlreadyRequested(Exception):
    """A request for that year is waiting for a caseworker."""


class RequestNotPending(Exception):
    """The request has been answered already."""


class NoteRequired(Exception):
    """A refusal must say why."""


class DeclarationRequired(Exception):
    """An association that works with children must tick the declaration."""


@dataclass(frozen=True)
class AssociationInput:
    """What the registration form collected (already validated and stripped)."""

    name: str
    contact_email: str
    is_informal: bool = False
    cvr: str | None = None
    contact_person: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    phone: str | None = None
    website: str | None = None
    description: str | None = None
    works_with_children: bool = False
    declares_child_certificate: bool = False


def record(association_id: int, actor: User | None, action: str, **data: object) -> AssociationEvent:
    """Add a line to the association's journal in the current unit of work."""
    event = AssociationEvent(association_id=association_id, actor_id=actor.id if actor else None,
                             action=action, data=data)
    db.session.add(event)
    return event


def cvr_registered(cvr: str) -> bool:
    """True when an association with this CVR number exists."""
    return db.session.scalar(db.select(Association.id).where(Association.cvr == cvr)) is not None


def register_entry(cvr: str) -> RegisterEntry:
    """The CVR register's entry for a company we may register; raises CvrUnknown, CvrCeased, RegisterUnavailable.

    Also what a log-in with MitID Erhverv calls to prefill its registration step (see `prefill`)."""
    entry = cvr_register.lookup(cvr)
    if entry is None:
        raise CvrUnknown()
    if entry.ceased:
        raise CvrCeased(entry)
    return entry


def prefill(entry: RegisterEntry) -> dict[str, str]:
    """The registration form's fields the register can fill: name and address."""
    values = {"name": entry.name, "street": entry.street, "postcode": entry.postcode, "city": entry.city}
    return {key: value for key, value in values.items() if value}


def _checked_entry(cvr: str | None) -> RegisterEntry | None:
    """The register's entry, or None when there is no register or it did not answer (checked later, at night)."""
    if not cvr or not cvr_register.is_configured():
        return None
    try:
        return register_entry(cvr)
    except RegisterUnavailable:
        current_app.logger.warning("CVR register unavailable at registration of %s", cvr, exc_info=True)
        return None


@use_case
def register(user: User, data: AssociationInput) -> Association:
    """Create the association with `user` as its chair; raises CvrTaken, and with the register configured
    CvrUnknown or CvrCeased. A register that does not answer leaves the association not yet checked."""
    cvr = None if data.is_informal else data.cvr
    if cvr and cvr_registered(cvr):
        raise CvrTaken()
    entry = _checked_entry(cvr)
    association = Association(
        name=data.name, cvr=cvr, is_informal=data.is_informal,
        contact_person=data.contact_person if data.is_informal else None,
        street=data.street, postcode=data.postcode, city=data.city, contact_email=data.contact_email.lower(),
        phone=data.phone, website=data.website, description=data.description,
        works_with_children=data.works_with_children)
    if entry is not None:
        association.register_checked_at, association.register_snapshot = clock.now(), entry.snapshot()
    if data.works_with_children and data.declares_child_certificate:
        association.child_certificate_declared_at, association.child_certificate_declared_by_id = clock.now(), user.id
    db.session.add(association)
    try:
        flush()
    except IntegrityError as exc:  # two people registering the same CVR at once
        raise CvrTaken() from exc
    db.session.add(Membership(user_id=user.id, association_id=association.id, role="chair"))
    record(association.id, user, "registered", name=association.name)
    if association.child_certificate_declared_at:
        record(association.id, user, "child_certificate_declared")
    return association


@use_case
def request_approval(association: Association, user: User, year: int, message: str | None = None) -> ApprovalRequest:
    """Ask the municipality to approve the association for `year`; a caseworker answers."""
    if association.is_informal:
        raise InformalGroup()
    if association.approved_for(year):
        raise AlreadyApproved()
    request = db.session.scalar(db.select(ApprovalRequest).where(
        ApprovalRequest.association_id == association.id, ApprovalRequest.year == year).with_for_update())
    if request is not None and request.status == "pending":
        raise AlreadyRequested()
    if request is None:
        request = ApprovalRequest(association_id=association.id, year=year)
        db.session.add(request)
    request.status, request.message, request.requested_by_id, request.requested_at = "pending", message, user.id, clock.now()
    request.decided_by_id = request.decided_at = request.decision_note = None
    record(association.id, user, "approval_requested", year=year)
    outbox.enqueue("approval_requested", current_app.config["MUNICIPALITY_EMAIL"],
                   {"association": association.name, "year": year, "link": _staff_link()})
    try:
        flush()
    except IntegrityError as exc:  # a double click: the first request won
        raise AlreadyRequested() from exc
    return request


def _pending_request(request_id: int) -> ApprovalRequest:
    request = db.session.get(ApprovalRequest, request_id, with_for_update=True, populate_existing=True)
    if request is None or request.status != "pending":
        raise RequestNotPending()
    return request


@use_case
def approve_request(request_id: int, caseworker: User, note: str | None = None) -> AssociationApproval:
    """Approve the association for the requested year: the AssociationApproval row is the history."""
    request = _pending_request(request_id)
    request.status, request.decided_by_id, request.decided_at, request.decision_note = \
        "approved", caseworker.id, clock.now(), note
    approval = db.session.scalar(db.select(AssociationApproval).where(
        AssociationApproval.association_id == request.association_id, AssociationApproval.year == request.year))
    if approval is None:
        approval = AssociationApproval(association_id=request.association_id, year=request.year,
                                       approved_by_id=caseworker.id, note=note)
        db.session.add(approval)
    record(request.association_id, caseworker, "approval_granted", year=request.year)
    _notify_decision(request)
    return approval


@use_case
def reject_request(request_id: int, caseworker: User, note: str) -> ApprovalRequest:
    """Refuse the request; the reason is shown to the association (forvaltningsloven § 22)."""
    if not (note or "").strip():
        raise NoteRequired()
    request = _pending_request(request_id)
    request.status, request.decided_by_id, request.decided_at, request.decision_note = \
        "rejected", caseworker.id, clock.now(), note.strip()
    record(request.association_id, caseworker, "approval_rejected", year=request.year)
    _notify_decision(request)
    return request


def _notify_decision(request: ApprovalRequest) -> None:
    association = request.association
    outbox.enqueue("approval_decided", association.contact_email,
                   {"association": association.name, "year": request.year, "approved": request.status == "approved",
                    "note": request.decision_note or "", "link": _portal_link(association.id),
                    # A refusal is a decision: it carries appeal guidance (forvaltningsloven § 25).
                    "appeal": "" if request.status == "approved" else current_app.config["DEFAULT_APPEAL_TEXT"]})


@use_case
def declare_child_certificate(association: Association, user: User, works_with_children: bool,
                              declares: bool) -> Association:
    """Record whether the association works with children and, if so, the børneattest declaration."""
    if works_with_children and not declares:
        raise DeclarationRequired()
    if association.works_with_children != works_with_children:
        association.works_with_children = works_with_children
        record(association.id, user, "children_changed", works_with_children=works_with_children)
    if works_with_children:
        association.child_certificate_declared_at, association.child_certificate_declared_by_id = clock.now(), user.id
        record(association.id, user, "child_certificate_declared")
    return association


def _base_url() -> str:
    return public_base_url()


def _portal_link(association_id: int) -> str:
    return f"{_base_url()}/forening/foreninger/{association_id}"


def _staff_link() -> str:
    return f"{_base_url()}/sagsbehandling/godkendelser/"
