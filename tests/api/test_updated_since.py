"""`updated_since` on every list but cases (tests/api/test_resources.py has those): what changed at or after it is
listed and nothing else, by (updated_at, id); paging by change neither skips nor repeats while rows change; a
cursor of one order is a 400 in the other; the changes that bypass an ORM flush still count as changes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

import pytest

from app import clock
from app.extensions import db
from app.models import Association, Booking, PaymentBatch, PaymentBatchLine, Pool, Space
from app.services.money import payouts
from tests.api.conftest import NOW, bearer, token_for

LATER = NOW + timedelta(minutes=5)
SINCE = (NOW + timedelta(minutes=1)).isoformat()
EVER = "2000-01-01T00:00:00+01:00"


def _pages(client, url: str, headers: dict, limit: int = 1, **query) -> list[dict]:
    seen, cursor = [], None
    for _ in range(30):
        resp = client.get(url, query_string={"limit": limit, **query, **({"cursor": cursor} if cursor else {})},
                          headers=headers)
        assert resp.status_code == 200, resp.get_json()
        seen += resp.get_json()["items"]
        cursor = resp.get_json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


@dataclass
class Listed:
    url: str
    headers: dict
    changed: int  # the id of the row changed at LATER
    unchanged: int


def _before() -> None:
    """Back to the present (before NOW): the world's pools still take applications, and these rows predate SINCE."""
    clock.reset()


def _sent_batch(world, titles: tuple[str, ...]) -> PaymentBatch:
    for title in titles:
        world.granted(10_000, title=title)
    batch = payouts.create_batch(world.caseworker, clock.today())
    world.approve(batch)
    return payouts.mark_sent(batch.id, world.caseworker)


def _pools(client, world, admin) -> Listed:
    rows = [world.factory.PoolFactory(is_published=True, name=n) for n in ("Puljen A", "Puljen B")]
    db.session.commit()
    clock.freeze(LATER)
    rows[0].name = "Puljen A (ny)"
    db.session.commit()
    return Listed("/api/v1/pools", {}, rows[0].id, rows[1].id)


def _associations(client, world, admin) -> Listed:
    _before()
    world.granted(10_000)
    world.granted(10_000, association=world.other, applicant=world.other_member)
    clock.freeze(LATER)
    _c, token = token_for(client, admin, "SBSYS", ["cases:read"])
    db.session.get(Association, world.other.id).phone = "12 34 56 78"
    db.session.commit()
    return Listed("/api/v1/associations", bearer(token), world.other.id, world.association.id)


def _batches(client, world, admin) -> Listed:
    _before()
    first, second = _sent_batch(world, ("Mål",)).id, _sent_batch(world, ("Trøjer",)).id
    clock.freeze(LATER)
    _c, token = token_for(client, admin, "OPUS", ["payouts:read"])
    payouts.mark_paid(second, world.caseworker)
    return Listed("/api/v1/payout-batches", bearer(token), second, first)


def _lines(client, world, admin) -> Listed:
    _before()
    batch_id = _sent_batch(world, ("Mål", "Trøjer")).id
    lines = db.session.scalars(db.select(PaymentBatchLine.id).where(PaymentBatchLine.batch_id == batch_id)
                               .order_by(PaymentBatchLine.id)).all()
    clock.freeze(LATER)
    _w, write = token_for(client, admin, "OPUS", ["payouts:write"])
    _r, read = token_for(client, admin, "OPUS rapport", ["payouts:read"])
    resp = client.put(f"/api/v1/payout-lines/{lines[1]}/result", json={"status": "paid", "finance_reference": "F-1"},
                      headers=bearer(write))
    assert resp.status_code == 200
    return Listed(f"/api/v1/payout-batches/{batch_id}/lines", bearer(read), lines[1], lines[0])


def _spaces(client, world, admin) -> Listed:
    location = world.factory.premises_location("Nordhallen")
    rows = [world.factory.premises_space(location, n) for n in ("Hal A", "Hal B")]
    db.session.commit()
    clock.freeze(LATER)
    _c, token = token_for(client, admin, "Skærm", ["bookings:read"])
    rows[1].capacity = 80
    db.session.commit()
    return Listed("/api/v1/spaces", bearer(token), rows[1].id, rows[0].id)


def _bookings(client, world, admin) -> Listed:
    hall = world.factory.premises_space(world.factory.premises_location("Nordhallen"), "Hal A")
    start = datetime(2027, 4, 1, 16, tzinfo=timezone.utc)
    rows = [Booking(space_id=hall.id, title=t, starts_at=start + timedelta(days=n), ends_at=start + timedelta(days=n,
                                                                                                             hours=2))
            for n, t in enumerate(("Fodbold", "Håndbold"))]
    db.session.add_all(rows)
    db.session.commit()
    clock.freeze(LATER)
    _c, token = token_for(client, admin, "Skærm", ["bookings:read"])
    rows[0].status = "cancelled"
    db.session.commit()
    return Listed("/api/v1/bookings", bearer(token), rows[0].id, rows[1].id)


LISTS: dict[str, Callable] = {"pools": _pools, "associations": _associations, "batches": _batches,
                              "lines": _lines, "spaces": _spaces, "bookings": _bookings}


@pytest.mark.parametrize("name", LISTS)
def test_a_row_changed_at_or_after_updated_since_is_listed_and_an_unchanged_one_not(client, world, admin, name):
    listed = LISTS[name](client, world, admin)
    every = _pages(client, listed.url, listed.headers)
    assert {listed.changed, listed.unchanged} <= {item["id"] for item in every}
    since = _pages(client, listed.url, listed.headers, updated_since=SINCE)
    assert [item["id"] for item in since] == [listed.changed]
    assert datetime.fromisoformat(since[0]["updated_at"]) == LATER
    at_the_change = _pages(client, listed.url, listed.headers, updated_since=LATER.isoformat())
    assert [item["id"] for item in at_the_change] == [listed.changed]  # "at or after"


@pytest.mark.parametrize("name", LISTS)
def test_a_cursor_of_one_order_is_a_400_problem_in_the_other(client, world, admin, name):
    listed = LISTS[name](client, world, admin)
    by_id = client.get(listed.url, query_string={"limit": 1}, headers=listed.headers).get_json()["next_cursor"]
    by_change = client.get(listed.url, query_string={"limit": 1, "updated_since": EVER},
                           headers=listed.headers).get_json()["next_cursor"]
    assert by_id and by_change
    for query in ({"cursor": by_id, "updated_since": EVER}, {"cursor": by_change}):
        resp = client.get(listed.url, query_string=query, headers={**listed.headers, "Accept-Language": "en"})
        assert resp.status_code == 400 and resp.mimetype == "application/problem+json"
        assert "cursor" in resp.get_json()["detail"].lower()
    dansk = client.get(listed.url, query_string={"cursor": by_change}, headers=listed.headers)
    assert dansk.status_code == 400 and "Cursoren kan ikke bruges" in dansk.get_json()["detail"]


def test_paging_by_change_while_rows_change_skips_nothing_and_repeats_only_what_changed_behind_it(client, world,
                                                                                                    admin):
    """A row changed ahead of the cursor comes once, changed; one changed behind it comes again, changed (that is
    the point of updated_since); every other row comes exactly once."""
    pools = []
    for n in range(6):
        clock.freeze(NOW + timedelta(minutes=n))
        pools.append(world.factory.PoolFactory(is_published=True, name=f"Pulje {n}"))
        db.session.commit()
    ids = [p.id for p in pools]
    query = {"limit": 2, "updated_since": NOW.isoformat()}
    first = client.get("/api/v1/pools", query_string=query).get_json()
    assert [p["id"] for p in first["items"]] == ids[:2]
    clock.freeze(NOW + timedelta(minutes=10))
    for n in (0, 4):  # behind the cursor, and ahead of it
        db.session.get(Pool, ids[n]).name = f"Pulje {n} (ny)"
    db.session.commit()
    rest = _pages(client, "/api/v1/pools", {}, limit=2, cursor=first["next_cursor"], updated_since=NOW.isoformat())
    seen = [(p["id"], p["name"]) for p in first["items"] + rest]
    assert seen == [(ids[0], "Pulje 0"), (ids[1], "Pulje 1"), (ids[2], "Pulje 2"), (ids[3], "Pulje 3"),
                    (ids[5], "Pulje 5"), (ids[0], "Pulje 0 (ny)"), (ids[4], "Pulje 4 (ny)")]


def test_bookings_paged_by_change_keep_their_filters_and_the_start_order_without_it(client, world, admin):
    hall = world.factory.premises_space(world.factory.premises_location("Nordhallen"), "Hal A")
    other = world.factory.premises_space(hall.location, "Hal B")
    start = datetime(2027, 4, 1, 16, tzinfo=timezone.utc)
    rows = [Booking(space_id=space.id, title=f"{space.name} {n}", starts_at=start - timedelta(days=n),
                    ends_at=start - timedelta(days=n, hours=-1)) for n in range(3) for space in (hall, other)]
    db.session.add_all(rows)
    db.session.commit()
    clock.freeze(LATER)
    _c, token = token_for(client, admin, "Skærm", ["bookings:read"])
    for row in rows[::-1]:
        row.status = "cancelled"
        db.session.commit()
    by_start = _pages(client, "/api/v1/bookings", bearer(token), space_id=hall.id)
    assert [b["title"] for b in by_start] == ["Hal A 2", "Hal A 1", "Hal A 0"]
    by_change = _pages(client, "/api/v1/bookings", bearer(token), space_id=hall.id, updated_since=SINCE)
    assert [b["id"] for b in by_change] == sorted(b["id"] for b in by_start)  # one instant: the id decides


# --- the changes that bypass an ORM flush, and children that change their parent ------------------------------

def test_a_core_update_of_a_listed_table_sets_updated_at_and_the_sqlite_pool_lock_does_not(app, world):
    pool_before = db.session.get(Pool, world.pool.id).updated_at
    clock.freeze(pool_before + timedelta(minutes=1))
    world.granted(10_000)  # the grant's budget check takes the pool lock (on SQLite an UPDATE of the pool)
    db.session.expire_all()
    assert db.session.get(Pool, world.pool.id).updated_at == pool_before
    clock.freeze(pool_before + timedelta(minutes=2))
    db.session.execute(db.update(Space).values(capacity=10).execution_options(synchronize_session=False))
    db.session.execute(db.update(Pool).where(Pool.id == world.pool.id).values(budget=Pool.budget + 1))
    db.session.commit()
    assert db.session.get(Pool, world.pool.id).updated_at == clock.now()
    assert set(db.session.scalars(db.select(Space.updated_at))) <= {clock.now()}


def test_a_settled_line_touches_its_batch_and_only_the_first_submission_touches_its_association(client, world,
                                                                                                  admin):
    _before()
    batch_id = _sent_batch(world, ("Mål",)).id
    entered = db.session.get(Association, world.association.id).updated_at
    clock.freeze(entered + timedelta(minutes=1))
    world.granted(5_000, title="Bolde")  # the association's second submitted case: it was listed already
    db.session.expire_all()
    assert db.session.get(Association, world.association.id).updated_at == entered
    line = db.session.scalar(db.select(PaymentBatchLine.id).where(PaymentBatchLine.batch_id == batch_id))
    clock.freeze(LATER + timedelta(minutes=1))
    _w, write = token_for(client, admin, "OPUS", ["payouts:write"])
    _r, read = token_for(client, admin, "OPUS rapport", ["payouts:read"])
    client.put(f"/api/v1/payout-lines/{line}/result", json={"status": "failed", "finance_reference": "F-9"},
               headers=bearer(write))
    listed = _pages(client, "/api/v1/payout-batches", bearer(read), updated_since=(LATER + timedelta(seconds=30))
                    .isoformat())
    assert [(b["id"], datetime.fromisoformat(b["updated_at"])) for b in listed] == [(batch_id, clock.now())]


def test_an_association_enters_the_list_by_change_with_its_first_submitted_case(client, world, admin):
    _before()
    world.granted(10_000)
    since = clock.now() + timedelta(seconds=1)
    clock.freeze(since + timedelta(minutes=1))
    _c, token = token_for(client, admin, "SBSYS", ["cases:read"])
    assert _pages(client, "/api/v1/associations", bearer(token), updated_since=since.isoformat()) == []
    world.granted(10_000, association=world.other, applicant=world.other_member)
    listed = _pages(client, "/api/v1/associations", bearer(token), updated_since=since.isoformat())
    assert [a["id"] for a in listed] == [world.other.id]
