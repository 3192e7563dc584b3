"""A member deletes their own account: the person's data goes, the association's cases stay."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import Association, Case, ExternalIdentity, Membership, User
from app.services.accounts.passwords import verify_password
from app.services.associations import mitid
from app.services.integrations import nemlogin
from app.services.journals import audit as admin_audit
from app.services.privacy.anonymise import anonymise_user
from app.services.unit_of_work import use_case


class DeletionRefused(Exception):
    """The account cannot be deleted now; `message` is a Danish sentence for the user."""

    def __init__(self, message: object, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message, self.field = message, field


def blocking_associations(user_id: int, lock: bool = False) -> list[Association]:
    """Associations where the user is the only chair while a case is still open (they must hand over)."""
    seats = db.select(Membership.association_id).where(Membership.user_id == user_id, Membership.role == "chair")
    board = db.select(Membership).where(Membership.association_id.in_(seats)).order_by(Membership.id)
    # Locking the boards serialises two chairs deleting themselves at the same moment.
    members = list(db.session.scalars(board.with_for_update() if lock else board))
    blocking = []
    for association_id in sorted({m.association_id for m in members if m.user_id == user_id and m.role == "chair"}):
        if any(m.role == "chair" and m.user_id != user_id and m.association_id == association_id for m in members):
            continue
        # A case not finished still needs someone from the association (drafts, answers, reports, bookings).
        if db.session.scalar(db.select(Case.id).where(Case.association_id == association_id,
                                                       ~Case.state_has("finished")).limit(1)):
            blocking.append(db.session.get(Association, association_id))
    return blocking


def confirms_with_mitid(user: User) -> bool:
    """True when the owner confirms a deletion by logging in with MitID again instead of with a password.

    A member who logs in only with MitID has a random password nobody knows (accounts.unusable_password),
    so asking for it would deny her the right to erasure. A fresh MitID log-in (ForceAuthn, app/auth/nemlogin.py)
    proves at least as much as a password does, and is the person herself, not whoever holds an open session:
    that is why it was chosen over "logged in recently + type your e-mail". Staff (whose single sign-on
    accounts have no password either) do not delete themselves: an administrator does.
    """
    return nemlogin.is_configured() and db.session.scalar(db.select(ExternalIdentity.id).where(
        ExternalIdentity.user_id == user.id, ExternalIdentity.provider == mitid.PROVIDER).limit(1)) is not None


def refuse_if_sole_chair(user_id: int, lock: bool = False) -> None:
    """Raise DeletionRefused while the user is the only chair of an association with cases in progress."""
    blocking = blocking_associations(user_id, lock=lock)
    if blocking:
        names = ", ".join(a.name for a in blocking)
        raise DeletionRefused(_l("Du er den eneste formand for %(names)s, som har sager i gang. Giv en anden "
                                 "rollen som formand under Bestyrelse, før du sletter din bruger.", names=names))


@use_case
def delete_own_account(user_id: int, password: str | None = None, mitid_subject: str | None = None) -> None:
    """Anonymise the account after checking the password, or the MitID person of a fresh log-in (the caller has
    verified the assertion); raises DeletionRefused with the reason."""
    user = db.session.get(User, user_id, with_for_update=True, populate_existing=True)
    if user is None or user.anonymised_at is not None:
        raise DeletionRefused(_l("Brugeren findes ikke."))
    if user.is_staff:
        raise DeletionRefused(_l("Medarbejderbrugere slettes af en administrator. Kontakt en administrator."))
    if mitid_subject is not None:
        if not _has_mitid_identity(user, mitid_subject):
            raise DeletionRefused(_l("Du loggede ind med et andet MitID end det, der hører til din bruger. "
                                     "Din bruger er ikke slettet."), "mitid")
    elif not verify_password(user.password_hash, password or ""):
        raise DeletionRefused(_l("Adgangskoden er forkert."), "password")
    refuse_if_sole_chair(user.id, lock=True)
    anonymise_user(user, clock.now(), actor=user)
    # No personal data in the admin journal: the id is enough to see that the owner deleted the account.
    admin_audit.record(user, "user", user.id, "delete_account", {"is_active": True}, {"is_active": False})


def _has_mitid_identity(user: User, subject: str) -> bool:
    return db.session.scalar(db.select(ExternalIdentity.id).where(
        ExternalIdentity.user_id == user.id, ExternalIdentity.provider == mitid.PROVIDER,
        ExternalIdentity.subject == subject)) is not None
