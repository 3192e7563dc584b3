"""'Åbne puljer' means open now: closed and future pools are listed apart, and only open pools offer to apply."""
import re
from datetime import date

import pytest
from sqlalchemy import event

from app import clock
from app.extensions import db
from app.models import Case, Membership

TODAY = date(2026, 11, 28)


def _section(body: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id` ('' when the page has no such section)."""
    found = re.search(rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', body, re.S)
    return found.group(1) if found else ""


@pytest.fixture
def pools(factory):
    made = {
        "soon": factory.pool(name="Snart lukket pulje", slug="snart", deadline=date(2026, 12, 1)),
        "later": factory.pool(name="Pulje med sen frist", slug="sen", deadline=date(2026, 12, 31)),
        "rolling": factory.pool(name="Løbende pulje", slug="loebende", is_rolling=True, deadline=None),
        "closed": factory.pool(name="Lukket pulje", slug="lukket", deadline=date(2026, 11, 27)),
        "future": factory.pool(name="Fremtidig pulje", slug="fremtidig", year=2027, opens_on=date(2027, 1, 1),
                               deadline=date(2027, 3, 1)),
    }
    for pool in made.values():
        factory.form_version(pool)
    db.session.commit()
    return made


@pytest.mark.parametrize("url", ["/", "/puljer"])
def test_closed_and_future_pools_are_not_under_open(client, pools, url):
    with clock.frozen_at(TODAY):
        body = client.get(url).get_data(as_text=True)
    open_, upcoming, closed = (_section(body, f"{g}-pools-heading") for g in ("open", "upcoming", "closed"))
    assert "<h2 id=\"open-pools-heading\">Åbne puljer</h2>" in open_
    # soonest deadline first, rolling last
    assert open_.index("Snart lukket pulje") < open_.index("Pulje med sen frist") < open_.index("Løbende pulje")
    assert "Lukket pulje" not in open_ and "Fremtidig pulje" not in open_
    assert "Åbner snart" in upcoming and "Fremtidig pulje" in upcoming and "Åbner 1. jan. 2027" in upcoming
    assert "Lukkede puljer" in closed and "Lukket pulje" in closed and "Lukket 27. nov. 2026" in closed
    assert "Snart lukket pulje" not in closed + upcoming
    assert "Lukker om 3 dage" in open_ and "Løbende ansøgning" in open_ and "1. dec. 2026" in open_
    assert open_.count("Lukker om") == 1  # only the pool within a week is marked


@pytest.mark.parametrize("day, marker", [
    (date(2026, 12, 1), "Lukker i dag"), (date(2026, 11, 30), "Lukker om 1 dag"), (date(2026, 11, 24), "Lukker om 7 dage"),
])
def test_closing_marker_counts_down(client, factory, day, marker):
    factory.pool(name="Puljen", deadline=date(2026, 12, 1))
    db.session.commit()
    with clock.frozen_at(day):
        open_ = _section(client.get("/puljer").get_data(as_text=True), "open-pools-heading")
    assert marker in open_


def test_the_day_after_the_deadline_the_pool_is_closed(client, factory):
    factory.pool(name="Puljen", deadline=date(2026, 12, 1))
    db.session.commit()
    with clock.frozen_at(date(2026, 12, 2)):
        body = client.get("/puljer").get_data(as_text=True)
    assert "Puljen" not in _section(body, "open-pools-heading") and "Der er ingen åbne puljer lige nu." in body
    assert "Puljen" in _section(body, "closed-pools-heading")


def test_pool_taking_late_applications_is_listed_apart(client, factory):
    factory.pool(name="Sen pulje", deadline=date(2026, 11, 1), accepts_late=True)
    db.session.commit()
    with clock.frozen_at(TODAY):
        body = client.get("/puljer").get_data(as_text=True)
    late = _section(body, "late-pools-heading")
    assert "Sen pulje" in late and "Fristen 1. nov. 2026 er overskredet" in late
    assert "Sen pulje" not in _section(body, "open-pools-heading") + _section(body, "closed-pools-heading")


def test_listing_is_a_fixed_number_of_queries(client, factory):
    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with clock.frozen_at(TODAY):
                assert client.get("/puljer").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    factory.pool()
    db.session.commit()
    few = count_queries()
    for _ in range(6):
        factory.pool(committee=factory.committee())
    db.session.commit()
    assert count_queries() == few


@pytest.fixture
def member(factory, auth):
    user = factory.user(email="karen@example.dk")
    factory.association(members=(user,))
    db.session.commit()
    auth.login("karen@example.dk")
    return user


def test_pool_page_offers_to_apply_only_while_open(client, pools, member):
    with clock.frozen_at(TODAY):
        open_page = client.get("/puljer/snart").get_data(as_text=True)
        closed = client.get("/puljer/lukket").get_data(as_text=True)
        future = client.get("/puljer/fremtidig").get_data(as_text=True)
    assert "Søg nu" in open_page and "Lukker om 3 dage" in open_page
    assert "Søg nu" not in closed and "/forening/ansoegninger/ny/lukket" not in closed
    assert "Puljen er lukket for ansøgninger" in closed and "Ansøgningsfristen var 27. november 2026." in closed
    assert "Søg nu" not in future and "/forening/ansoegninger/ny/fremtidig" not in future
    assert "Puljen er ikke åben endnu" in future and "Puljen åbner for ansøgninger 1. januar 2027." in future


def test_visitor_is_not_asked_to_log_in_to_apply_to_a_closed_pool(client, pools):
    with clock.frozen_at(TODAY):
        assert "Log ind for at søge" in client.get("/puljer/snart").get_data(as_text=True)
        assert "Log ind for at søge" not in client.get("/puljer/lukket").get_data(as_text=True)
        assert "Log ind for at søge" not in client.get("/puljer/fremtidig").get_data(as_text=True)


@pytest.mark.parametrize("slug, reason", [("lukket", "Ansøgningsfristen var"), ("fremtidig", "åbner for ansøgninger")])
def test_start_page_of_a_closed_or_future_pool_has_no_start_button(client, pools, member, slug, reason):
    url = f"/forening/ansoegninger/ny/{slug}"
    with clock.frozen_at(TODAY):
        page = client.get(url).get_data(as_text=True)
        assert "Puljen er ikke åben for ansøgninger." in page and reason in page
        assert "Start ansøgningen" not in page and 'name="association_id"' not in page
        resp = client.post(url, data={})
    assert resp.status_code == 200 and db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_association_page_lists_only_pools_taking_applications(client, pools, member):
    association_id = db.session.scalar(db.select(Membership.association_id).where(Membership.user_id == member.id))
    with clock.frozen_at(TODAY):
        section = _section(client.get(f"/forening/foreninger/{association_id}").get_data(as_text=True),
                           "pools-heading")
    assert "Snart lukket pulje" in section and "Lukker om 3 dage" in section and "Løbende pulje" in section
    assert "Lukket pulje" not in section and "Fremtidig pulje" not in section
