"""Creating what may already exist, at the same moment: everyone gets the one row, nobody a 500."""
import threading

import sqlalchemy as sa

from app.extensions import db
from app.models import CalendarFeed, User
from app.services.premises import bookings, catalogue
from app.services.unit_of_work import transaction
from tests.concurrency import at_once

_login = threading.Lock()


def _count(model, *where):
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_simultaneous_auto_approvals_make_one_system_user(app, world):
    def attempt(racing, go):
        go()
        with transaction():
            return bookings.system_user().id

    results = at_once(app, [attempt] * 4)
    assert len(set(results)) == 1 and isinstance(results[0], int), results
    assert _count(User, User.email == bookings.SYSTEM_EMAIL) == 1


def test_two_clicks_on_create_calendar_address_make_one_address(app, world):
    club_id = world["club"].id

    def attempt(racing, go):
        go()
        return catalogue.feed_for(association_id=club_id).token

    results = at_once(app, [attempt, attempt])
    assert results[0] == results[1] and not str(results[0]).startswith("error"), results
    assert _count(CalendarFeed, CalendarFeed.association_id == club_id) == 1


def test_two_clicks_through_the_page_give_no_500(app, world):
    from tests.conftest import AuthActions
    club_id = world["club"].id

    def attempt(racing, go):
        client = racing.test_client()
        with _login:
            AuthActions(client).login("karen@example.dk")
        go()
        return client.post(f"/lokaler/mine/kalender/{club_id}").status_code

    results = at_once(app, [attempt, attempt])
    assert all(r in (302, 303) for r in results), results
    assert _count(CalendarFeed, CalendarFeed.association_id == club_id) == 1
