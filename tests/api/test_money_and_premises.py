"""GET payment plans, batches and their lines (payouts:read); spaces and bookings (bookings:read)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app import clock
from app.extensions import db
from app.models import Booking, PaymentBatchLine, ReadEvent
from app.services.money import payouts
from tests.api.conftest import allowed_calls, bearer, count, journal_after, journal_mark, token_for


@pytest.fixture
def batches(world):
    """Two granted cases, each in a sent batch of its own, and a draft batch of a third."""
    made = []
    for title in ("Fodboldmål", "Trøjer"):
        world.granted(10_000, title=title)
        batch = payouts.create_batch(world.caseworker, clock.today())
        world.approve(batch)
        payouts.mark_sent(batch.id, world.caseworker)
        made.append(batch.id)
    world.granted(5_000, title="Bolde")
    payouts.create_batch(world.caseworker, clock.today())
    return made


def _pages(client, url, token, limit=1, **query) -> list[dict]:
    seen, cursor = [], None
    for _ in range(20):
        body = client.get(url, query_string={"limit": limit, **query, **({"cursor": cursor} if cursor else {})},
                          headers=bearer(token)).get_json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


def test_sent_batches_page_by_id_and_drafts_are_not_shown(client, batches, admin):
    _c, token = token_for(client, admin, "OPUS", ["payouts:read"])
    assert [b["id"] for b in _pages(client, "/api/v1/payout-batches", token)] == batches
    assert _pages(client, "/api/v1/payout-batches", token, status="paid") == []


def test_a_batchs_lines_and_a_cases_plan_and_the_lines_cases_are_logged_as_read(client, batches, admin):
    api_client, token = token_for(client, admin, "OPUS", ["payouts:read"])
    lines = _pages(client, f"/api/v1/payout-batches/{batches[0]}/lines", token)
    assert [(ln["amount"], ln["status"], ln["cvr"]) for ln in lines] == [(10_000, "sent", "12345674")]
    plan = client.get(f"/api/v1/cases/{lines[0]['case_id']}/payment-plan", headers=bearer(token)).get_json()
    assert [(i["amount"], i["batch_id"], i["paid_at"]) for i in plan] == [(10_000, batches[0], None)]
    reads = db.session.scalars(db.select(ReadEvent.case_id).where(ReadEvent.api_client_id == api_client.id)).all()
    assert reads == [lines[0]["case_id"]]


def test_a_draft_batchs_lines_are_404(client, batches, admin):
    from app.models import PaymentBatch
    draft = db.session.scalar(db.select(PaymentBatch.id).where(PaymentBatch.status == "draft"))
    _c, token = token_for(client, admin, "OPUS", ["payouts:read"])
    assert client.get(f"/api/v1/payout-batches/{draft}/lines", headers=bearer(token)).status_code == 404


def test_payouts_write_alone_reads_nothing_and_payouts_read_writes_nothing(client, batches, admin):
    writer, write_token = token_for(client, admin, "OPUS", ["payouts:write"])
    reader, read_token = token_for(client, admin, "Rapport", ["payouts:read"])
    line_id = db.session.scalar(db.select(PaymentBatchLine.id).where(PaymentBatchLine.batch_id == batches[0]))
    before, mark = (count(ReadEvent), allowed_calls()), journal_mark()
    assert client.get("/api/v1/payout-batches", headers=bearer(write_token)).status_code == 403
    resp = client.put(f"/api/v1/payout-lines/{line_id}/result", json={"status": "paid", "finance_reference": "X"},
                      headers=bearer(read_token))
    assert resp.status_code == 403 and (count(ReadEvent), allowed_calls()) == before
    assert [(c[0], c[2], c[4]) for c in journal_after(mark)] == [("GET", 403, writer.id), ("PUT", 403, reader.id)]


@pytest.fixture
def bookings(factory):
    hall = factory.premises_space(factory.premises_location("Nordhallen"), "Hal A")
    court = factory.premises_space(hall.location, "Bane 1", parent=hall)
    factory.premises_space(hall.location, "Lukket sal", is_published=False)
    start = datetime(2027, 4, 1, 16, tzinfo=timezone.utc)
    # Two at the same minute: the id breaks the tie in the cursor.
    rows = [Booking(space_id=hall.id, title="Fodbold", starts_at=start, ends_at=start + timedelta(hours=2)),
            Booking(space_id=court.id, title="Badminton", starts_at=start, ends_at=start + timedelta(hours=1)),
            Booking(space_id=hall.id, title="Håndbold", starts_at=start - timedelta(days=1),
                    ends_at=start - timedelta(days=1, hours=-2)),
            Booking(space_id=court.id, title="Volley", starts_at=start + timedelta(days=1),
                    ends_at=start + timedelta(days=1, hours=1))]
    db.session.add_all(rows)
    db.session.commit()
    return hall, court, rows


def test_spaces_are_the_published_ones_with_their_parent(client, bookings, admin):
    hall, court, _rows = bookings
    _c, token = token_for(client, admin, "Skærm", ["bookings:read"])
    spaces = _pages(client, "/api/v1/spaces", token)
    assert [(s["name"], s["parent_id"]) for s in spaces] == [("Hal A", None), ("Bane 1", hall.id)]


def test_bookings_page_by_start_then_id_and_filter_by_start_and_space(client, bookings, admin):
    hall, court, rows = bookings
    _c, token = token_for(client, admin, "Skærm", ["bookings:read"])
    assert [b["title"] for b in _pages(client, "/api/v1/bookings", token)] == [
        "Håndbold", "Fodbold", "Badminton", "Volley"]
    since = rows[0].starts_at.isoformat()
    assert [b["title"] for b in _pages(client, "/api/v1/bookings", token, starts_from=since, space_id=court.id)] == [
        "Badminton", "Volley"]


@pytest.mark.parametrize("query", [{"starts_from": "tomorrow"}, {"space_id": "x"}, {"space_id": "0"},
                                   {"limit": "500"}])
def test_bad_booking_filters_are_422(client, bookings, admin, query):
    _c, token = token_for(client, admin, "Skærm", ["bookings:read"])
    resp = client.get("/api/v1/bookings", query_string=query, headers=bearer(token))
    assert resp.status_code == 422 and set(resp.get_json()["errors"]["query"]) == set(query)


def test_bookings_read_sees_no_cases_and_cases_read_no_bookings(client, bookings, admin):
    _b, bookings_token = token_for(client, admin, "Skærm", ["bookings:read"])
    _c, cases_token = token_for(client, admin, "SBSYS", ["cases:read"])
    assert client.get("/api/v1/associations", headers=bearer(bookings_token)).status_code == 403
    assert client.get("/api/v1/bookings", headers=bearer(cases_token)).status_code == 403
    assert client.get("/api/v1/spaces", headers=bearer(cases_token)).status_code == 403
