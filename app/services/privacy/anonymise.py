"""Removing personal data while keeping the record: text scrubbing, application answers, user accounts.

Shared by the retention job (app/services/privacy/retention.py) and account deletion
(app/services/privacy/account_deletion.py). Nothing here commits; the caller's unit of work does.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func

from app.extensions import db
from app.models import (Association, AssociationEvent, AssociationListing, ExternalIdentity, Invitation, Membership,
                        OutboxMessage, SignInEvent, User)

DELETED_NAME = "Slettet bruger"  # stored data, not UI text: it stays Danish in every locale
UNUSABLE_PASSWORD = "!deleted"  # nosec B105 # not an argon2 hash: verify_password() is False for all
TWO_FACTOR_COLUMNS = ("totp_secret", "totp_enabled_at", "totp_last_step")

# CPR first (ten digits), then e-mail, then Danish phone numbers (eight digits, maybe +45 and spaces).
_PATTERNS = (
    (re.compile(r"\b\d{6}[-\s]?\d{4}\b"), "[CPR-nummer fjernet]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-mail fjernet]"),
    (re.compile(r"(?:\+45[\s-]?)?\b\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}\b"), "[telefon fjernet]"),
)
# Answers whose key names a person or a way to reach one are removed whatever the field kind.
_PERSONAL_KEY = re.compile(r"kontakt|contact|navn|name|cpr|adresse|address|telefon|phone|mail|foedsel|fødsel|birth")
_REMOVED_KINDS = frozenset({"email", "phone", "file"})
_KEPT_KINDS = frozenset({"number", "amount", "date", "yes_no", "single_choice", "multiple_choice"})


def scrub_text(text: str | None) -> str | None:
    """`text` with CPR numbers, e-mail addresses and phone numbers replaced by a marker."""
    if not text:
        return text
    for pattern, marker in _PATTERNS:
        text = pattern.sub(marker, text)
    return text


def scrub_value(value: object) -> object:
    """Scrub every string inside a JSON value."""
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, list):
        return [scrub_value(v) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v) for k, v in value.items()}
    return value


def anonymise_answers(answers: dict, kinds: dict[str, str]) -> tuple[dict, list[str]]:
    """(answers without personal data, keys removed). `kinds` maps a field key to its form field kind.

    Contact fields, e-mail, phone and file answers go; numbers, amounts, dates and choices stay for
    statistics; free text stays (it documents what the grant was for) with CPR/e-mail/phone scrubbed.
    """
    kept, removed = {}, []
    for key, value in answers.items():
        kind = kinds.get(key)
        if kind in _KEPT_KINDS:
            kept[key] = value
        elif kind in _REMOVED_KINDS or (_PERSONAL_KEY.search(key.lower()) and not isinstance(value, (int, float, bool))):
            if value not in (None, "", [], {}):
                removed.append(key)
            kept[key] = None
        else:
            kept[key] = scrub_value(value)
    return kept, removed


def anonymise_case_data(data: dict | None, kinds: dict[str, str]) -> tuple[dict, list[str]]:
    """A case's `data` anonymised; handles {"answers": {...}} and flat dicts alike."""
    data = dict(data or {})
    if isinstance(data.get("answers"), dict):
        answers, removed = anonymise_answers(data["answers"], kinds)
        rest = {k: (v if k in ("step", "reached") else scrub_value(v)) for k, v in data.items() if k != "answers"}
        return {**rest, "answers": answers}, removed
    return anonymise_answers(data, kinds)


def placeholder_email(kind: str, row_id: int) -> str:
    """A unique address that can never receive mail (.invalid is reserved, RFC 2606)."""
    return f"{kind}-{row_id}@slettet.invalid"


def anonymise_user(user: User, now: datetime, actor: User | None = None) -> None:
    """Remove a person's data from their account; the row stays so journals keep their references.

    Memberships end (journalised on each association without the name), invitations and e-mails sent
    to the old address lose it, pending e-mails to it are stopped, associations that had the person as
    contact lose the contact data, two-factor data is cleared and the identities at identity providers go.
    """
    old_email = user.email
    for seat in db.session.scalars(db.select(Membership).where(Membership.user_id == user.id)).all():
        db.session.add(AssociationEvent(association_id=seat.association_id, actor_id=actor.id if actor else None,
                                        action="member_left", data={"name": DELETED_NAME, "role": seat.role}))
        db.session.delete(seat)
    for invitation in db.session.scalars(db.select(Invitation).where(Invitation.email == old_email)).all():
        invitation.email = placeholder_email("invitation", invitation.id)
    _forget_messages(old_email)
    _forget_association_contact(old_email)
    user.email = placeholder_email("deleted", user.id)
    user.full_name, user.phone, user.locale = DELETED_NAME, None, None
    user.password_hash, user.password_changed_at = UNUSABLE_PASSWORD, now  # also kills reset links
    user.is_active, user.email_confirmed_at, user.anonymised_at = False, None, now
    for column in TWO_FACTOR_COLUMNS:
        if hasattr(user, column):
            setattr(user, column, None)
    codes = db.metadata.tables.get("recovery_codes")
    if codes is not None:
        db.session.execute(codes.delete().where(codes.c.user_id == user.id))
    _forget_identities(user.id)


def _forget_identities(user_id: int) -> None:
    """The person's ids at NemLog-in and the municipality's SSO go (a later log-in there must not find this row);
    her log-in journal keeps no id or address."""
    db.session.execute(db.delete(ExternalIdentity).where(ExternalIdentity.user_id == user_id))
    db.session.execute(db.update(SignInEvent).where(SignInEvent.user_id == user_id).values(subject=None, ip=None))


def _forget_messages(email: str) -> None:
    """E-mails to the address keep their template and dates; recipient and contents go, pending ones stop."""
    for message in db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.recipient == email)).all():
        message.recipient, message.payload = placeholder_email("message", message.id), {}
        if message.status == "pending":
            message.status, message.last_error = "failed", "recipient deleted"


def _forget_association_contact(email: str) -> None:
    """Where the person was an association's contact (same e-mail), the contact data and directory contact go."""
    address = email.strip().lower()
    for association in db.session.scalars(db.select(Association).where(
            func.lower(Association.contact_email) == address)).all():
        # contact_email is required, and an informal group must name a contact person (check constraints).
        association.contact_email = placeholder_email("association", association.id)
        association.contact_person = DELETED_NAME if association.is_informal else None
        association.phone = None
    for listing in db.session.scalars(db.select(AssociationListing).where(
            func.lower(func.trim(AssociationListing.contact)) == address)).all():
        listing.contact = ""
