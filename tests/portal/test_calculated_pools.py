"""A yearly, calculated subsidy (workflow yearly_subsidy) is not applied for: no page offers "Søg" for it."""
from __future__ import annotations

from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import Case
from app.services.applying import eligibility
from app.services.pools.status import Phase, group_pools, phase_on, status_on
from tests.factories import PoolFactory

CALCULATED = "Tilskuddet søges ikke. Det beregnes ud fra foreningens årlige indberetning"


def _lokaletilskud(world, **kw):
    today = clock.today()
    pool = PoolFactory(committee=world["pool"].committee, name="Lokaletilskud", workflow="yearly_subsidy",
                       year=today.year, opens_on=today - timedelta(days=30), deadline=today + timedelta(days=3), **kw)
    db.session.commit()
    return pool


def test_a_calculated_pool_is_never_open_whatever_its_dates(world):
    pool, today = _lokaletilskud(world, accepts_late=True), clock.today()
    for day in (today - timedelta(days=60), today, today + timedelta(days=60)):
        assert phase_on(pool, day) is Phase.CALCULATED and not status_on(pool, day).accepts_applications
    status = status_on(pool, today)
    assert not status.closes_soon and status.deadline is None  # no "Lukker om 3 dage" on something nobody applies to
    groups = group_pools([pool, world["pool"]], today)
    assert groups.calculated == [(pool, status)] and [p for p, _s in groups.open] == [world["pool"]]
    assert CALCULATED in str(eligibility.closed_reason(pool, today))
    assert CALCULATED in " ".join(str(p) for p in eligibility.eligibility_problems(world["a"], pool, today))


def test_the_public_pool_page_explains_instead_of_offering_to_apply(world, client, auth):
    pool = _lokaletilskud(world)
    # The ordinary pool invites a visitor to apply (so the checks below can fail).
    assert "Log ind for at søge" in client.get(f"/puljer/{world['pool'].slug}").get_data(as_text=True)
    for who in (None, "karen@example.dk"):
        if who:
            auth.login(who)
        body = client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
        assert "Tilskuddet beregnes ud fra den årlige indberetning" in body and CALCULATED in body
        assert "Søg nu" not in body and "Log ind for at søge" not in body and f"/ny/{pool.slug}" not in body
        assert "Lukker om" not in body and "Hvem kan få tilskuddet" in body
        assert "Se, hvordan tilskuddet beregnes og udbetales" in body and "afgør ansøgninger" not in body
    assert client.get("/sagsgange/yearly_subsidy").status_code == 200


def test_the_lists_put_calculated_pools_apart_and_the_association_page_does_not_offer_them(world, client, auth):
    pool = _lokaletilskud(world)
    for path in ("/", "/puljer"):
        body = client.get(path).get_data(as_text=True)
        apart = body.index("Tilskud, I ikke skal søge")
        assert body.index("Åbne puljer") < body.index(world["pool"].name) < apart < body.index(f"/puljer/{pool.slug}")
        assert "Beregnes ud fra den årlige indberetning" in body
    auth.login("karen@example.dk")
    page = client.get(f"/forening/foreninger/{world['a'].id}").get_data(as_text=True)
    assert world["pool"].name in page and "Lokaletilskud" not in page


def test_starting_an_application_is_refused(world, client, auth):
    pool = _lokaletilskud(world)
    auth.login("karen@example.dk")
    page = client.get(f"/forening/ansoegninger/ny/{pool.slug}")
    assert CALCULATED in page.get_data(as_text=True) and 'id="association-choice"' not in page.get_data(as_text=True)
    client.post(f"/forening/ansoegninger/ny/{pool.slug}", data={"association_id": world["a"].id})
    assert db.session.scalar(db.select(db.func.count(Case.id)).where(Case.pool_id == pool.id)) == 0
