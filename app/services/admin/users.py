"""Staff accounts as administrators manage them: create, disable and enable, journalised."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import User
from app.models.user import STAFF_ROLES, find_user_by_email
from app.services.accounts import accounts
from app.services.accounts.passwords import hash_password
from app.services.accounts.tokens import make_token
from app.services.delivery import outbox
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import flush, use_case

USER_FIELDS = ("email", "full_name", "role", "is_active")


@use_case
def create_staff(actor: User, email: str, full_name: str, role: str) -> User:
    """Create a staff account and e-mail a link to choose a password; journalised in the same commit."""
    if role not in STAFF_ROLES:
        raise SetupError(_l("Vælg en rolle."), "role")
    email = email.strip().lower()
    if find_user_by_email(email):
        raise SetupError(_l("Der findes allerede en bruger med denne e-mailadresse."), "email")
    user = User(email=email, full_name=full_name.strip(), role=role, email_confirmed_at=clock.now(),
                password_hash=hash_password(accounts.unusable_password()))
    db.session.add(user)
    flush()
    # The same one-time link as accounts.create_staff sends: it dies when the password is chosen.
    token = make_token("reset", {"uid": user.id, "fp": accounts.password_fingerprint(user)})
    outbox.enqueue("staff_welcome", user.email, {"name": user.first_name, "link": accounts.public_link("auth.reset", token)})
    admin_audit.record(actor, "user", user.id, "create", None, admin_audit.snapshot(user, USER_FIELDS))
    return user


@use_case
def set_active(user_id: int, actor: User, active: bool) -> User:
    """Disable or enable an account; a disabled user cannot log in. Nobody may lock themselves out."""
    user = db.session.get(User, user_id, with_for_update=True)
    if user is None:
        raise SetupError(_l("Brugeren findes ikke."))
    if not active and user.id == actor.id:
        raise SetupError(_l("Du kan ikke deaktivere din egen bruger."))
    if not active and user.role == "administrator" and _other_active_admins(user.id) == 0:
        raise SetupError(_l("Der skal være mindst én aktiv administrator."))
    before = {"is_active": user.is_active}
    user.is_active = active
    if not active:
        user.revoke_sessions()  # a disabled user's open sessions end now, not when they next log in
    admin_audit.record(actor, "user", user.id, "enable" if active else "disable", before, {"is_active": active})
    return user


def _other_active_admins(user_id: int) -> int:
    return db.session.scalar(db.select(func.count()).select_from(User).where(
        User.role == "administrator", User.is_active.is_(True), User.id != user_id))


def search(q: str, after: tuple[str, int] | None = None, limit: int = 100) -> tuple[list[User], tuple | None]:
    """Users whose name or e-mail contains `q`, by name; keyset on (name, id)."""
    stmt = db.select(User).order_by(User.full_name, User.id)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(User.full_name).like(like) | User.email.like(like))
    if after is not None:
        stmt = stmt.where((User.full_name > after[0]) | ((User.full_name == after[0]) & (User.id > after[1])))
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, ((rows[-1].full_name, rows[-1].id) if more else None)
