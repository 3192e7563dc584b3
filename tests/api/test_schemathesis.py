"""Schemathesis against the live OpenAPI document: every operation, with a token of each scope set.

The document is the one the app serves (/api/v1/openapi.json, loaded through WSGI), so what is tested is what an
integrator reads. For each scope set (each scope alone, all of them, and no token) every operation is called with
generated requests, once with generated ids and once with the ids of rows that exist, and every answer must be
no 500, of a documented status, of the documented content type, and match its schema. A token without the
operation's scope gets 403 (no token: 401) and nothing is written. A stateful run follows the document's links.
Generation is derandomized, so CI sees the same requests every time.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from app import clock
from app.extensions import db
from app.models import ApiCall, Booking, CaseEvent, Document, PaymentBatchLine, ReadEvent
from app.models.api_client import SCOPES
from app.services.integrations import api_clients
from app.services.integrations.api_clients import MAX_RATE_PER_MINUTE
from app.services.money import payouts
from tests.api.conftest import get_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6
SCOPE_SETS = [(scope,) for scope in SCOPES] + [SCOPES, ()]
FAST = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def rows(world, factory):
    """Something behind every operation: granted cases with a letter, a sent batch and its lines, spaces, bookings."""
    world.granted(10_000, title="Fodboldmål")
    batch = payouts.create_batch(world.caseworker, clock.today())
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    hall = factory.premises_space(factory.premises_location("Nordhallen"), "Hal A")
    start = datetime(2027, 4, 1, 16, tzinfo=timezone.utc)
    db.session.add(Booking(space_id=hall.id, title="Fodbold", starts_at=start, ends_at=start + timedelta(hours=2)))
    db.session.commit()
    line = db.session.scalar(db.select(PaymentBatchLine).where(PaymentBatchLine.batch_id == batch.id))
    letter = db.session.scalar(db.select(Document.id).where(Document.case_id == line.case_id).order_by(Document.id))
    return {"case_id": line.case_id, "batch_id": batch.id, "line_id": line.id, "document_id": letter}


@pytest.fixture
def api_schema(app):
    """The live document, loaded through WSGI; limits raised so the generated calls are not 429s."""
    app.config.update(API_ANONYMOUS_RATE="100000 per minute", API_TOKEN_RATE="100000 per minute")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def _headers(client, admin, scopes: tuple[str, ...]) -> dict:
    if not scopes:
        return {}
    made = api_clients.register_client(admin, "Klient " + " ".join(scopes), list(scopes), MAX_RATE_PER_MINUTE)
    return {"Authorization": "Bearer " + get_token(client, made)}


def _written() -> tuple:
    """What a write could change: the journal, documents, the esdh numbers, the payout lines' answers."""
    from app.models import Case
    return (db.session.scalar(db.select(db.func.count()).select_from(CaseEvent)),
            db.session.scalar(db.select(db.func.count()).select_from(Document)),
            db.session.scalar(db.select(db.func.count()).select_from(ReadEvent)),
            tuple(db.session.scalars(db.select(Case.esdh_journal_number).order_by(Case.id))),
            tuple(db.session.execute(db.select(PaymentBatchLine.status, PaymentBatchLine.finance_reference)
                                     .order_by(PaymentBatchLine.id)).tuples()))


def _required_scope(operation) -> str | None:
    for requirement in operation.definition.raw.get("security", []):
        for scopes in requirement.values():
            return scopes[0]
    return None


def _has_nul(case) -> bool:
    return "\x00" in repr((case.query, case.body))


def _run(operation, headers: dict, scopes: tuple[str, ...], path_parameters: dict | None = None) -> None:
    needed = _required_scope(operation)
    allowed = needed is None or needed in scopes

    @FAST
    @given(case=operation.as_strategy(path_parameters=path_parameters))
    def check(case):
        before = _written() if not allowed else None
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS, headers=headers)
        if not allowed:
            refused = 403 if headers else 401
            # A NUL byte in a value is refused (400) before any view, so before the token is looked at.
            assert response.status_code == refused or (response.status_code == 400 and _has_nul(case)), \
                (operation.label, response.status_code, response.text)
            db.session.rollback()
            assert _written() == before, operation.label

    check()


def _client_calls() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(ApiCall).where(
        ApiCall.status < 400, ApiCall.client_id.is_not(None)))


@pytest.mark.parametrize("scopes", SCOPE_SETS, ids=lambda s: "+".join(s) if s else "no-token")
def test_every_operation_with_each_scope_set(client, rows, admin, api_schema, scopes):
    headers = _headers(client, admin, scopes)
    calls_before = _client_calls()
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        known = {name: rows[name] for name in ("case_id", "batch_id", "line_id", "document_id")
                 if "{" + name + "}" in operation.path}
        for path_parameters in ([None, known] if known else [None]):
            try:
                _run(operation, headers, scopes, path_parameters)
            except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  every failure reported, not the first alone
                failures.append(f"{operation.label} {path_parameters or ''}: {error}")
    assert not failures, "\n\n".join(failures)
    if not scopes:
        # Without a token only the public pools answer, journalised as calls of no client; refusals have rows too.
        assert _client_calls() == calls_before


def test_stateful_through_the_documents_links(client, rows, admin, api_schema):
    """Calls chained by the document's links (a list's first id into its case, journal, documents, lines and the
    writes; next_cursor into the next page), with a token of every scope."""
    headers = _headers(client, admin, SCOPES)
    assert api_schema.statistic.transitions.total >= 18  # the links of app/api/links.py
    machine = api_schema.as_state_machine()

    class Integrator(machine):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # Not positive_data_acceptance: a cursor is opaque, so a made-up one is rightly a 400.
            case.validate_response(response, checks=CHECKS, headers=headers)

    Integrator.run(settings=settings(FAST, max_examples=EXAMPLES, stateful_step_count=6))
