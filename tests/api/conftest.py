"""Fixtures for the integration API: an administrator, a registered client with its secret, a token."""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest

from app import clock
from app.extensions import db
from app.models import ApiCall
from app.services.integrations import api_clients
from tests.factories import AdministratorFactory, CaseFactory, PoolFactory

AT = datetime(2027, 3, 1, 9, 0, tzinfo=timezone.utc)
NOW = AT + timedelta(hours=1)


@pytest.fixture
def admin(app):
    clock.freeze(NOW)  # tokens are issued "now" and must not have expired when the cases' clock is set
    user = AdministratorFactory(email="anne@kommune.dk", full_name="Anne Administrator")
    db.session.commit()
    return user


@pytest.fixture
def registered(admin):
    """An ESDH client allowed cases:read, with its secret (as the administrator was shown it)."""
    return api_clients.register_client(admin, "SBSYS", ["cases:read"], 120)


@pytest.fixture
def other_scope(admin):
    """A client allowed only bookings:read."""
    return api_clients.register_client(admin, "Bookingskærm", ["bookings:read"], 120)


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def get_token(client, registered, scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    resp = client.post("/api/v1/token", data=data, headers=basic(registered.client.client_id, registered.secret))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["access_token"]


def bearer(token: str, **extra: str) -> dict:
    return {"Authorization": f"Bearer {token}", **extra}


@pytest.fixture
def token(client, registered) -> str:
    return get_token(client, registered)


@pytest.fixture
def cases(app):
    """Seven submitted cases changed a minute apart, and a draft the API must never show."""
    pool = PoolFactory(is_published=True)
    made = []
    for n in range(7):
        clock.freeze(AT + timedelta(minutes=n))
        made.append(CaseFactory(pool=pool, state="submitted", submitted_at=clock.now(), number=f"2027-{n:04d}",
                                amount_applied=1000 * (n + 1), data={"cpr": "secret answer"}))
        db.session.flush()
    CaseFactory(pool=pool, state="draft", title="Kladde")
    db.session.commit()
    clock.freeze(NOW)
    return made


def token_for(client, admin, name: str, scopes: list[str]) -> tuple:
    """(client row, token) for a new client of exactly these scopes."""
    made = api_clients.register_client(admin, name, scopes, 1000)
    return made.client, get_token(client, made)


def allowed_calls() -> int:
    """Journal rows of calls that were answered without a refusal (a refusal adds a row of its own)."""
    return count(ApiCall, ApiCall.status < 400)


def journal_mark() -> int:
    """The newest journal row's id, to read what came after it."""
    return db.session.scalar(db.select(db.func.max(ApiCall.id))) or 0


def journal_after(mark: int) -> list[tuple]:
    """(method, endpoint, status, problem, client_id, named_client_id) of each journal row after `mark`."""
    db.session.expire_all()
    return [(c.method, c.endpoint, c.status, c.problem, c.client_id, c.named_client_id)
            for c in db.session.scalars(db.select(ApiCall).where(ApiCall.id > mark).order_by(ApiCall.id))]


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


@pytest.fixture
def world(factory):
    """The payouts tests' municipality (decided grants through the services); ask for it before `admin`, whose
    frozen clock is past the pools' deadlines."""
    from tests.payouts.conftest import World
    return World(factory)
