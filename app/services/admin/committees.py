"""Committees (udvalg) as administrators set them up: name, members and chair. Meetings live elsewhere."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Committee, CommitteeMember, User
from app.models.user import STAFF_ROLES
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import use_case


def snapshot(committee: Committee) -> dict:
    """Name, description, members and chair for the journal."""
    members = sorted(committee.members, key=lambda m: m.user_id)
    return {"name": committee.name, "description": committee.description or "",
            "members": [m.user_id for m in members],
            "chair": next((m.user_id for m in members if m.is_chair), None)}


def _check(name: str, member_ids: list[int], chair_id: int | None, committee_id: int | None) -> None:
    if not name.strip():
        raise SetupError(_l("Skriv udvalgets navn."), "name")
    clash = db.session.scalar(db.select(Committee.id).where(Committee.name == name.strip()))
    if clash is not None and clash != committee_id:
        raise SetupError(_l("Der findes allerede et udvalg med det navn."), "name")
    staff = set(db.session.scalars(db.select(User.id).where(User.id.in_(member_ids), User.role.in_(STAFF_ROLES))))
    if staff != set(member_ids):
        raise SetupError(_l("Medlemmer skal være medarbejdere eller udvalgsmedlemmer med en bruger."), "members")
    if chair_id is not None and chair_id not in member_ids:
        raise SetupError(_l("Formanden skal også være medlem af udvalget."), "chair")


def _set_members(committee: Committee, member_ids: list[int], chair_id: int | None) -> None:
    wanted = set(member_ids)
    for seat in list(committee.members):
        if seat.user_id not in wanted:
            committee.members.remove(seat)
            db.session.delete(seat)
    db.session.flush()
    seats = {m.user_id: m for m in committee.members}
    for seat in seats.values():
        seat.is_chair = False
    db.session.flush()  # the one-chair index must never see two chairs at once
    for user_id in sorted(wanted):
        seat = seats.get(user_id) or CommitteeMember(committee=committee, user_id=user_id)
        seat.is_chair = user_id == chair_id
        db.session.add(seat)


@use_case
def save_committee(actor: User, committee_id: int | None, name: str, description: str,
                   member_ids: list[int], chair_id: int | None) -> Committee:
    """Create or change a committee with its members and chair (all or nothing)."""
    _check(name, member_ids, chair_id, committee_id)
    committee = db.session.get(Committee, committee_id) if committee_id else Committee()
    if committee is None:
        raise SetupError(_l("Udvalget findes ikke."))
    before = snapshot(committee) if committee_id else None
    committee.name, committee.description = name.strip(), description.strip()
    db.session.add(committee)
    try:
        db.session.flush()
        _set_members(committee, member_ids, chair_id)
        db.session.flush()
    except IntegrityError as exc:
        raise SetupError(_l("Udvalget kunne ikke gemmes, fordi en anden ændrede det samtidig. Prøv igen.")) from exc
    db.session.refresh(committee)
    admin_audit.record(actor, "committee", committee.id, "update" if committee_id else "create", before,
                       snapshot(committee))
    return committee
