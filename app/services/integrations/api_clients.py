"""API clients: registered and revoked by administrators (journalised), tokens issued and checked.

A client's secret is hashed with argon2 like a password and shown once. A token is 42 random characters
from Authlib's generator; only its SHA-256 is stored, so a copy of the database holds no usable token.
Every token check reads the client's revocation, so revoking a client stops its tokens at the next call.
"""
from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import ApiCall, ApiClient, ApiToken, User
from app.models.api_client import SCOPES
from app.services.accounts.passwords import hash_password, verify_nothing, verify_password
from app.services.journals import audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import discard_uncommitted, flush, use_case

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


# --- the call journal ------------------------------------------------------------------------------

_ADDED = "api_calls_added"  # session.info: the rows add_call added during the current request


@dataclass(frozen=True)
class Answered:
    """One answered call as the journal keeps it: no secret, no token, no body."""

    method: str
    endpoint: str
    path: str
    status: int
    problem: str | None = None
    client: ApiClient | None = None
    named_client_id: str | None = None  # what a token request named, when no client has that id


def add_call(client: ApiClient, method: str, endpoint: str, path: str) -> None:
    """Journal an allowed call in the caller's unit of work (with the reads it made).

    If that unit commits, the call has its row and `journal_answer` adds none; if it is rolled back, so is the row.
    """
    row = ApiCall(client_id=client.id, method=method[:8], endpoint=endpoint[:80], path=path[:300])
    db.session.add(row)
    db.session.info.setdefault(_ADDED, []).append(row)


def start_call() -> None:
    """A new call begins: rows added before it (by another request or a script) are not its own."""
    db.session.info.pop(_ADDED, None)


def journal_answer(answer_of: Callable[[], Answered]) -> None:
    """Give the answered call exactly one committed journal row, in a unit of work of its own.

    `answer_of` describes the call; it is asked after the rollback, as finding the caller reads the database.

    Whatever the request left uncommitted is rolled back first (the answer is already made, and teardown would
    discard it anyway): a refused write must not ride in with its journal row. A row the call's own use case
    committed is kept, its status set when the answer was not a plain 200; otherwise (a refusal, or a call no use
    case journalised) a new row is written.
    """
    discard_uncommitted()
    committed = [row for row in db.session.info.pop(_ADDED, []) if inspect(row).has_identity]
    answer = answer_of()
    if committed and answer.status == 200 and answer.problem is None:
        return  # the row's default: no second write for an ordinary call
    _write_answer(committed[-1] if committed else None, answer)


@use_case
def _write_answer(row: ApiCall | None, answer: Answered) -> None:
    if row is not None:
        row.status, row.problem = answer.status, answer.problem
        return
    db.session.add(ApiCall(client_id=answer.client.id if answer.client else None,
                           named_client_id=(answer.named_client_id or "")[:64] or None,
                           method=answer.method[:8], endpoint=(answer.endpoint or "")[:80], path=answer.path[:300],
                           status=answer.status, problem=answer.problem))


def client_named(client_id: str) -> ApiClient | None:
    """The registered client with this public id, revoked or not (who a token request claimed to be)."""
    return db.session.scalar(db.select(ApiClient).where(ApiClient.client_id == client_id[:64]))


def token_owner(access_token: str) -> tuple[ApiClient | None, str | None]:
    """The client an unusable token was issued to, and why it fails ('revoked_client', 'expired_token').

    (None, None) for a token this system never issued (or has since removed).
    """
    if not access_token or len(access_token) > 200:
        return None, None
    token = db.session.scalar(db.select(ApiToken).options(db.joinedload(ApiToken.client))
                              .where(ApiToken.token_hash == _digest(access_token)))
    if token is None:
        return None, None
    if token.client.is_revoked:
        return token.client, "revoked_client"
    return token.client, "expired_token" if token.expires_at <= clock.now() else None


def refused_calls(client_id: int, limit: int = 50) -> list[ApiCall]:
    """The client's latest refused calls, newest first (the administrator's view of what went wrong)."""
    return list(db.session.scalars(db.select(ApiCall).where(ApiCall.client_id == client_id, ApiCall.status >= 400)
                                   .order_by(ApiCall.created_at.desc(), ApiCall.id.desc()).limit(limit)))
