"""Staff single sign-on (issue 23): accounts made just in time from the IdP's verified claims, roles from its
groups at every log-in, and the IdP's back-channel logout ending a person's sessions.

The protocol (redirects, PKCE, the ID token's and the logout token's signatures) lives in app/auth/sso.py;
what reaches this module has been verified. Every refusal is journalised (the administrators' journal,
entity "user", actions "sso_refused" and "sso_logout") so a municipality can see who was turned away and why.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import ExternalIdentity, UsedLogoutToken, User
from app.models.user import STAFF_ROLES, find_user_by_email
from app.services.accounts.accounts import unusable_password
from app.services.accounts.passwords import hash_password
from app.services.journals import audit
from app.services.unit_of_work import flush, use_case

PROVIDER = "oidc"
_KEEP_EXPIRED = timedelta(minutes=5)  # more than the clock leeway the verification allows
# A person in several mapped groups gets the widest role.
_PRECEDENCE = ("administrator", "caseworker", "committee_member")


class Refused(Exception):
    """The log-in or logout is refused; `reason` names why (journal), the view says it in Danish."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def configured() -> bool:
    """SSO is on when the issuer, the client and at least one group mapping are configured."""
    config = current_app.config
    return bool(config.get("OIDC_ISSUER") and config.get("OIDC_CLIENT_ID") and config.get("OIDC_ROLE_GROUPS"))


def role_for(claims: dict) -> str | None:
    """The staff role the claims' groups map to (OIDC_ROLE_GROUPS), or None."""
    groups = claims.get(current_app.config["OIDC_GROUPS_CLAIM"]) or []
    if isinstance(groups, str):
        groups = [groups]
    mapping = current_app.config["OIDC_ROLE_GROUPS"]
    roles = {mapping[g] for g in groups if isinstance(g, str) and g in mapping}
    return next((role for role in _PRECEDENCE if role in roles and role in STAFF_ROLES), None)


@use_case
def record_refusal(reason: str, subject: str | None = None) -> None:
    """A line in the journal for a refused log-in or logout (no user, or one that may not be identified)."""
    identity = _identity(subject) if subject else None
    user_id = identity.user_id if identity is not None else None
    audit.record(None, "user", user_id, "sso_refused", after={"reason": reason, "subject": subject})


def _identity(subject: str) -> ExternalIdentity | None:
    return db.session.scalar(db.select(ExternalIdentity).where(ExternalIdentity.provider == PROVIDER,
                                                                ExternalIdentity.subject == subject))


@use_case
def sign_in(claims: dict) -> User:
    """The staff user for verified ID token claims: found by `sub`, made on the first log-in, role from the groups.

    Raises Refused (and journalises it) for no mapped group, a disabled account, or an address that belongs to
    an association member (a municipal log-in must not take over a member's account).
    """
    subject = str(claims["sub"])
    role = role_for(claims)
    identity = _identity(subject)
    if role is None:
        raise Refused("no_mapped_group")
    email = str(claims.get("email") or "").strip().lower()
    name = str(claims.get("name") or email or subject).strip()
    if identity is None:
        user = find_user_by_email(email) if email else None
        if user is not None and not user.is_staff:
            raise Refused("email_belongs_to_member")
        if user is None:
            if not email:
                raise Refused("no_email")
            user = User(email=email, full_name=name[:200], role=role, email_confirmed_at=clock.now(),
                        password_hash=hash_password(unusable_password()))
            db.session.add(user)
            flush()
            audit.record(None, "user", user.id, "sso_created", after={"role": role, "subject": subject})
        identity = ExternalIdentity(user=user, provider=PROVIDER, subject=subject)
        db.session.add(identity)
    user = identity.user
    if not user.is_active:
        raise Refused("account_disabled")
    if user.role != role:
        audit.record(None, "user", user.id, "sso_role", before={"role": user.role}, after={"role": role})
        user.role = role
    identity.last_login_at = user.last_login_at = clock.now()
    return user


@use_case
def back_channel_logout(subject: str, jti: str, expires: int) -> User | None:
    """End every session of the person the IdP logged out or deactivated; raises Refused("replayed") for a used jti.

    The trade-off: the IdP tells us, we do not ask it at every request. A logout the IdP fails to deliver (we
    were down, the network dropped it) leaves a session alive until its idle time-out (SESSION_IDLE_MINUTES)
    or lifetime ends; asking the IdP on every request would tie every page to the IdP's availability and
    latency. All the person's sessions end, password log-ins too: the IdP says this person must be out.
    """
    # Tokens past their expiry are refused on `exp` anyway: their jti need not be kept.
    db.session.execute(db.delete(UsedLogoutToken).where(UsedLogoutToken.expires_at < clock.now() - _KEEP_EXPIRED))
    db.session.add(UsedLogoutToken(jti=jti, expires_at=datetime.fromtimestamp(expires, timezone.utc)))
    try:
        flush()
    except IntegrityError as exc:
        raise Refused("replayed") from exc
    identity = _identity(subject)
    if identity is None:
        return None  # never logged in here: nothing to end
    identity.user.revoke_sessions()
    audit.record(None, "user", identity.user_id, "sso_logout", after={"subject": subject})
    return identity.user
