"""Every day of the year: the demo seeds through the real services and the app answers, with the clock set to
each of the days in tests/calendar_days.py; and a demo seeded on one day still works as its deadlines pass."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import AllocationRound, Meeting, Pool, Space
from app.services.cases.core import accepts_applications
from tests.calendar_days import DAYS, DAYS_AFTER_SEED, SQL_EDGE_DAYS
from tests import snapshots
from tests.security.test_access_matrix import ROLES, check_access_matrix

PUBLIC_PAGES = ("/", "/puljer", "/lokaler/", "/foreninger", "/stoette-givet", "/aabne-data", "/sagsgange",
                "/tilgaengelighed")


def _ok(client, path: str) -> str:
    resp = client.get(path)
    assert resp.status_code == 200, f"{path}: {resp.status_code}"
    return resp.get_data(as_text=True)


def _public_pages_answer(client) -> None:
    for path in PUBLIC_PAGES:
        _ok(client, path)
    for slug in db.session.scalars(db.select(Pool.slug).where(Pool.is_published)):
        resp = client.get(f"/puljer/{slug}", follow_redirects=True)  # the premises pool's page leads to /lokaler/
        assert resp.status_code == 200, f"/puljer/{slug}: {resp.status_code}"
    for space_id in db.session.scalars(db.select(Space.id)):
        for path in (f"/lokaler/{space_id}", f"/lokaler/{space_id}/uge", f"/lokaler/{space_id}/maaned"):
            _ok(client, path)


def _assert_demo_shape(today) -> None:
    """On any day: a pool open for weeks, one closing within days, one closed, one opening later; a meeting
    ahead and one held; a seasonal round open, one being allocated, one opening later."""
    pools = db.session.scalars(db.select(Pool).where(Pool.is_published, Pool.is_rolling.is_(False))).all()
    open_ = [p for p in pools if accepts_applications(p, today)]
    assert any(p.deadline - today > timedelta(days=14) for p in open_)
    assert any(p.deadline - today <= timedelta(days=7) for p in open_)
    assert any(p.deadline < today for p in pools)
    assert any(p.opens_on > today for p in pools)
    meetings = db.session.scalars(db.select(Meeting)).all()
    assert any(m.meeting_date > today and m.status != "closed" for m in meetings)
    assert any(m.meeting_date < today and m.status == "closed" for m in meetings)
    rounds = db.session.scalars(db.select(AllocationRound)).all()
    assert any(r.status == "open" and r.opens_on <= today <= r.closes_on for r in rounds)
    assert any(r.status == "open" and r.opens_on > today for r in rounds)
    assert any(r.status == "allocated" and r.closes_on < today for r in rounds)


@pytest.mark.parametrize("moment", DAYS.values(), ids=DAYS.keys())
def test_the_demo_seeds_and_the_public_pages_answer(app, client, moment):
    from app.demo import seed
    clock.move_to(moment)
    seed()
    _assert_demo_shape(clock.today())
    _public_pages_answer(client)


_SEEDED: dict[str, snapshots.Snapshot] = {}


# One process seeds the demo once and puts it back for each later day (tests/snapshots.py).
@pytest.mark.xdist_group("seeded-1-december")
@pytest.mark.parametrize("days", DAYS_AFTER_SEED)
def test_a_demo_seeded_earlier_still_works_as_its_deadlines_pass(app, client, auth, days):
    from app.demo import seed
    seeded = DAYS["day-after-1-december"]
    clock.move_to(seeded)
    backend = db.engine.url.get_backend_name()
    if backend in _SEEDED:
        snapshots.restore(_SEEDED[backend])
    else:
        seed()
        _SEEDED[backend] = snapshots.take()
    clock.move_to(seeded + timedelta(days=days))
    _public_pages_answer(client)
    auth.login("forening@demo.dk")
    for path in ("/forening/", "/lokaler/mine", "/lokaler/saesoner"):
        _ok(client, path)
    auth.logout()
    auth.login("sagsbehandler@demo.dk")
    for path in ("/sagsbehandling/", "/udvalg/moeder", "/lokaler/fordeling/", "/udbetalinger/"):
        _ok(client, path)


# One day's roles on one test process: the day's world is built once there and put back for each role
# (tests/security/world.py, shared_world). Every day in the SQLite pass, the days of SQL_EDGE_DAYS beside PostgreSQL.
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("moment", [
    pytest.param(moment, id=day, marks=[pytest.mark.xdist_group(f"matrix-{day}")]
                 + ([] if day in SQL_EDGE_DAYS else [pytest.mark.sqlite_pass])) for day, moment in DAYS.items()])
def test_the_access_matrix_holds_on(app, client, auth, moment, role):
    clock.move_to(moment)
    # A log-in demanded (or an API token) is the guard's answer before any page reads the day: those the matrix of
    # tests/security checks each time; here every answer a page itself gives.
    check_access_matrix(app, client, auth, role, guards=False)
