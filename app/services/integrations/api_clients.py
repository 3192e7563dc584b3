"""API clients: registered and revoked by administrators (journalised), tokens issued and checked.

A client's secret is hashed with argon2 like a password and shown once. A token is 42 random characters
from Authlib's generator; only its SHA-256 is stored, so a copy of the database holds no usable token.
Every token check reads the client's revocation, so revoking a client stops its tokens at the next call.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import ApiCall, ApiClient, ApiToken, User
from app.models.api_client import SCOPES
from app.services.accounts.passwords import hash_password, verify_nothing, verify_password
from app.services.journals import audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import flush, use_case

TOKEN_LIFETIME = timedelta(minutes=10)
MAX_RATE_PER_MINUTE = 10_000
_SNAPSHOT = ("name", "client_id", "scopes", "rate_per_minute", "revoked_at")


@dataclass(frozen=True)
class Registered:
    """A new client and its secret: the only time the secret exists outside the hash."""

    client: ApiClient
    secret: str


def _check(name: str, scopes: list[str], rate_per_minute: int) -> None:
    if not name.strip():
        raise SetupError(_l("Skriv integrationens navn."), "name")
    if db.session.scalar(db.select(ApiClient.id).where(ApiClient.name == name.strip())) is not None:
        raise SetupError(_l("Der findes allerede en integration med det navn."), "name")
    if not scopes or not set(scopes) <= set(SCOPES):
        raise SetupError(_l("Vælg mindst én adgang fra listen."), "scopes")
    if not 1 <= rate_per_minute <= MAX_RATE_PER_MINUTE:
        raise SetupError(_l("Grænsen skal være mellem 1 og %(max)s kald i minuttet.", max=MAX_RATE_PER_MINUTE),
                         "rate_per_minute")


@use_case
def register_client(actor: User, name: str, scopes: list[str], rate_per_minute: int) -> Registered:
    """Register a client with its allowed scopes; the secret is returned once and stored only as a hash."""
    _check(name, scopes, rate_per_minute)
    secret = secrets.token_urlsafe(32)
    client = ApiClient(name=name.strip(), client_id="fs-" + secrets.token_hex(12), secret_hash=hash_password(secret),
                       scopes=" ".join(s for s in SCOPES if s in scopes), rate_per_minute=rate_per_minute,
                       created_by_id=actor.id)
    db.session.add(client)
    try:
        flush()
    except IntegrityError:  # two administrators chose the same name at once
        raise SetupError(_l("Der findes allerede en integration med det navn."), "name") from None
    audit.record(actor, "api_client", client.id, "create", None, audit.snapshot(client, _SNAPSHOT))
    return Registered(client, secret)


@use_case
def revoke_client(actor: User, client_id: int) -> ApiClient:
    """Revoke a client: its tokens stop working at once and it gets no new ones."""
    client = db.session.get(ApiClient, client_id, with_for_update=True)
    if client is None:
        raise SetupError(_l("Integrationen findes ikke."))
    if client.is_revoked:
        raise SetupError(_l("Integrationen er allerede spærret."))
    before = audit.snapshot(client, _SNAPSHOT)
    client.revoked_at, client.revoked_by_id = clock.now(), actor.id
    audit.record(actor, "api_client", client.id, "revoke", before, audit.snapshot(client, _SNAPSHOT))
    return client


def clients() -> list[ApiClient]:
    """Every client, active ones first, by name."""
    return list(db.session.scalars(db.select(ApiClient).options(db.joinedload(ApiClient.created_by))
                                   .order_by(ApiClient.revoked_at.is_not(None), ApiClient.name)))


def client(client_id: int) -> ApiClient | None:
    """One client by its row id, revoked or not."""
    return db.session.get(ApiClient, client_id)


# --- tokens ----------------------------------------------------------------------------------------

def authenticate_client(client_id: str, secret: str) -> ApiClient | None:
    """The active client with this id and secret, or None (an unknown id costs the same argon2 time)."""
    client = db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == client_id[:64]))
    if client is None:
        verify_nothing(secret)
        return None
    if not verify_password(client.secret_hash, secret) or client.is_revoked:
        return None
    return client


def find_active_client(client_id: str) -> ApiClient | None:
    """The client with this public id unless it is revoked."""
    return db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == client_id[:64],
                                                        ApiClient.revoked_at.is_(None)))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@use_case
def store_token(client: ApiClient, access_token: str, scopes: str) -> ApiToken:
    """Keep the hash of a newly issued token; expired tokens of the same client are removed on the way."""
    now = clock.now()
    db.session.execute(db.delete(ApiToken).where(ApiToken.client_id == client.id, ApiToken.expires_at < now))
    token = ApiToken(client_id=client.id, token_hash=_digest(access_token), scopes=scopes, issued_at=now,
                     expires_at=now + TOKEN_LIFETIME)
    db.session.add(token)
    return token


def active_token(access_token: str) -> ApiToken | None:
    """The unexpired token of an unrevoked client, or None; read on every call, so a revocation counts at once."""
    if not access_token or len(access_token) > 200:
        return None
    return db.session.scalar(
        db.select(ApiToken).join(ApiToken.client).options(db.contains_eager(ApiToken.client))
        .where(ApiToken.token_hash == _digest(access_token), ApiToken.expires_at > clock.now(),
               ApiClient.revoked_at.is_(None)))


def add_call(client: ApiClient, method: str, endpoint: str, path: str) -> None:
    """Journal an allowed call in the caller's unit of work (with the reads it made)."""
    db.session.add(ApiCall(client_id=client.id, method=method[:8], endpoint=endpoint[:80], path=path[:300]))
