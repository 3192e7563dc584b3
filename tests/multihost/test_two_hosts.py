"""Two hosts over one PostgreSQL, one Redis and one S3 store: what one host writes, the other serves, and losing a
web process and a worker in the middle of a meeting's letters loses and duplicates nothing.

Everything a person does goes over HTTP to the gunicorn processes; only the seeding (a committee, its cases and
their decisions) goes through the services in the test's own process, as a third host would.
"""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case, Decision, Document, Meeting, OutboxMessage
from tests.applying.conftest import FORM, fill_all, fresh, start
from tests.committee.conftest import World
from tests.conftest import AuthActions
from tests.factories import FormVersionFactory, PoolFactory
from tests.multihost.http_client import HttpClient
from tests.tasks.conftest import wait_for

# Many connections (two web hosts, two workers, beat): never beside the 50-thread races of test_occupancy.py.
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.xdist_group("many-connections")]

BATCH = 6
POOL_SLUG = "frivillighedspuljen"


def _seed() -> World:
    """The committee world (tests/committee/conftest.py) and an open pool with a published form."""
    world = World()
    today = clock.today()
    pool = PoolFactory(committee=world.committee, year=today.year, opens_on=today - timedelta(days=30),
                       deadline=today + timedelta(days=30), reply_days=14, name="Frivillighedspuljen", slug=POOL_SLUG)
    FormVersionFactory(pool=pool, steps=FORM)
    world.pool.budget = 10_000_000
    db.session.commit()
    return world


def _log_in(base: str, email: str) -> HttpClient:
    """A person's own browser, logged in on the host at `base` (staff through the real two-factor step)."""
    person = HttpClient(base, after_each=db.session.expire_all)
    resp = AuthActions(person).login(email)
    assert resp.status_code == 302 and "/konto/" not in resp.location, \
        (email, resp.status_code, resp.location, _said(resp))
    return person


def _said(resp) -> str:
    """The page's main text, for a failure message."""
    html = resp.get_data(as_text=True)
    main = html[html.find("<main"):html.find("</main>")] if "<main" in html else html
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())[:800]


def _documents(case_id: int) -> list[Document]:
    found = db.session.scalars(sa.select(Document).where(Document.case_id == case_id).order_by(Document.id)).all()
    db.session.rollback()
    return list(found)


def _assert_served(person: HttpClient, path: str, document: Document) -> None:
    """The host serves the document's exact bytes (the SHA-256 recorded when it was stored)."""
    resp = person.get(path)
    assert resp.status_code == 200, (path, resp.status_code, _said(resp))
    assert hashlib.sha256(resp.data).hexdigest() == document.sha256, path


def _rows() -> list[tuple[int, str, str, str]]:
    rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.template,
                                        OutboxMessage.status)).all()
    db.session.rollback()
    return [tuple(r) for r in rows]


def _all_delivered(sink) -> bool:
    rows = _rows()
    emails = {r[0] for r in rows if r[1] == "email"}
    return all(r[3] == "delivered" for r in rows) and emails <= set(sink.outbox_ids())


def _progress(sink, cluster):
    def describe() -> str:
        counts: dict = {}
        for _id, _channel, template, status in _rows():
            counts[(template, status)] = counts.get((template, status), 0) + 1
        return f"received {len(sink.messages)}, held {sink.held}; rows {counts}\n{cluster.logs()}"
    return describe


def _meeting(world: World) -> Meeting:
    """BATCH cases on one agenda, each decided 'grant as recommended' by a member."""
    cases = [world.committee_case(amount=30_000 + n, title=f"Aktivitet {n}") for n in range(BATCH)]
    meeting = world.meeting(cases)
    for case in cases:
        world.decide(meeting, case, "grant")
    return meeting


def _assert_exactly_once(sink, meeting_id: int) -> list[Document]:
    received = sink.outbox_ids()
    assert len(received) == len(set(received)), "an e-mail was sent twice"
    emails = sorted(r[0] for r in _rows() if r[1] == "email")
    assert sorted(received) == emails, "an e-mail row was not delivered, or a message came from nowhere"
    made = db.session.scalars(sa.select(Decision).where(Decision.meeting_id == meeting_id)).all()
    assert len(made) == BATCH and all(d.letter_available_at and d.letter_sha256 for d in made)
    letters = db.session.scalars(sa.select(Document).where(
        Document.id.in_([d.letter_document_id for d in made]))).all()
    assert len(letters) == BATCH and {d.letter_sha256 for d in made} == {doc.sha256 for doc in letters}
    db.session.rollback()
    return list(letters)


def test_an_application_sent_through_web_a_is_read_through_web_b(cluster):
    world = _seed()
    karen = _log_in(cluster.web_a.url, world.applicant.email)
    case_id = start(karen, POOL_SLUG)
    fill_all(karen, case_id)
    sent = karen.post(f"/forening/ansoegninger/{case_id}/indsend", data={"case_version": fresh(case_id).version})
    assert sent.status_code == 302 and sent.location.endswith("/kvittering"), _said(sent)
    number = fresh(case_id).number
    db.session.rollback()

    mette = _log_in(cluster.web_b.url, world.caseworker.email)
    page = mette.get(f"/sagsbehandling/sager/{case_id}")
    assert page.status_code == 200 and number in page.get_data(as_text=True)
    documents = _documents(case_id)
    assert {d.kind for d in documents} >= {"attachment", "receipt"}, [(d.kind, d.filename) for d in documents]
    for document in documents:
        _assert_served(mette, f"/sagsbehandling/dokumenter/{document.id}", document)
    karen.base = cluster.web_b.url  # her session cookie, made on A, is good on B: no sticky sessions needed
    _assert_served(karen, f"/forening/ansoegninger/{case_id}/kvittering.pdf",
                   next(d for d in documents if d.kind == "receipt"))
    assert cluster.files_on_local_disks() == []


def test_killing_a_web_and_a_worker_mid_meeting_loses_nothing(cluster, smtp_sink):
    world = _seed()
    meeting = _meeting(world)
    wait_for(lambda: _all_delivered(smtp_sink), "the set-up notices", detail=_progress(smtp_sink, cluster))
    lise = _log_in(cluster.web_a.url, world.chair.email)

    # Hold e-mails from the next one on: both workers end up mid-send with letters and notices still to go.
    smtp_sink.hold_after = len(smtp_sink.messages)
    closed = lise.post(f"/udvalg/moeder/{meeting.id}/afslut")
    assert closed.status_code == 302, _said(closed)
    wait_for(lambda: smtp_sink.held == 2, "both workers to be mid-send", detail=_progress(smtp_sink, cluster))
    assert not _all_delivered(smtp_sink)
    cluster.web_a.kill()
    cluster.workers[0].kill()
    wait_for(lambda: smtp_sink.held <= 1, "the killed worker's SMTP session to close", timeout=10)
    smtp_sink.release()

    wait_for(lambda: _all_delivered(smtp_sink), "every letter and e-mail after the kill",
             detail=_progress(smtp_sink, cluster))
    letters = _assert_exactly_once(smtp_sink, meeting.id)
    assert db.session.get(Meeting, meeting.id).status == "closed"

    lise.base = cluster.web_b.url  # the chair's session from the lost host A goes on at B
    minutes = lise.get(f"/udvalg/moeder/{meeting.id}/protokol")
    assert minutes.status_code == 200 and minutes.data.startswith(b"%PDF")
    karen = _log_in(cluster.web_b.url, world.applicant.email)
    for letter in letters:
        _assert_served(karen, f"/forening/dokumenter/{letter.id}", letter)
    cases = db.session.scalars(sa.select(Case.id).where(Case.id.in_([d.case_id for d in letters]))).all()
    assert len(cases) == BATCH
    assert cluster.files_on_local_disks() == []
