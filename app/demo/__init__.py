"""Realistic Danish demo data for `flask seed-demo`, dated relative to the day it is seeded."""
from __future__ import annotations

from app.demo.people import DEMO_LOGINS, DEMO_PASSWORD, database_is_empty

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoRefused", "database_is_empty", "seed"]


class DemoRefused(Exception):
    """The demo is only seeded into an empty database."""


def seed() -> None:
    """Create the demo municipality in one unit of work: all of it, or nothing at all."""
    from app.demo import cases, meetings, people, pools, yearly
    from app.demo.timeline import Timeline
    from app.premises.demo_data import seed_premises
    from app.services.unit_of_work import transaction
    if not database_is_empty():
        raise DemoRefused("Databasen er ikke tom; demodata lægges kun i en tom database.")
    line = Timeline()
    with transaction():
        world = people.seed_people(line)
        world.pools = pools.seed_pools(world, line)
        cases.seed_cases(world, line)
        meetings.seed_meetings(world, line)
        pools.seed_pool_setup(world, line)
        yearly.seed_yearly(world, line)
        seed_premises(world.associations, world.members, world.staff["cw1"], line)
