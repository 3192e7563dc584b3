"""The opt-in directory: nothing public before opting in; search by activity and age; access checks."""
from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import AssociationListing, Booking
from app.services.associations import directory


@pytest.fixture
def world(factory):
    member = factory.user(email="karen@example.dk")
    other = factory.user(email="ole@example.dk")
    factory.user(role="caseworker", email="mette@kommune.dk")
    club = factory.association(name="Boldklubben Nordstjernen", cvr="12345674", members=(member,))
    chess = factory.association(name="Skakklubben", cvr="29403473", members=(other,))
    db.session.commit()
    return {"member": member, "other": other, "club": club, "chess": chess}


FOOTBALL = directory.ActivityInput(name="Fodbold for børn", ages=frozenset({"0_12"}), when_text="Tirsdag 17-18",
                                   where_text="Nordstjernens baner")


def _listing(world, public: bool) -> AssociationListing:
    return directory.save_listing(world["club"].id, world["member"], directory.ListingInput(
        is_public=public, description="Fodbold i Eksempelby siden 1921.", contact="kontakt@nordstjernen.dk",
        activities=[FOOTBALL]))


def test_nothing_is_public_before_opting_in(world, client):
    listing = _listing(world, public=False)
    assert directory.search() == [] and directory.search("fodbold", "0_12") == []
    assert "Nordstjernen" not in client.get("/foreninger?q=fodbold").get_data(as_text=True)
    assert client.get(f"/foreninger/{listing.id}").status_code == 404


def test_a_visitor_finds_childrens_football(world, client):
    listing = _listing(world, public=True)
    assert [l.id for l in directory.search("fodbold", "0_12")] == [listing.id]
    assert directory.search("fodbold", "65_plus") == [] and directory.search("skak") == []
    assert [l.id for l in directory.search("FODBOLD")] == [listing.id]
    assert [l.id for l in directory.search("100%_")] == []
    page = client.get("/foreninger?q=fodbold&alder=0_12").get_data(as_text=True)
    assert "Boldklubben Nordstjernen" in page
    detail = client.get(f"/foreninger/{listing.id}").get_data(as_text=True)
    assert "Tirsdag 17-18" in detail and "0–12 år" in detail and "kontakt@nordstjernen.dk" in detail
    assert client.get("/foreninger?alder=baby").status_code == 400


def test_member_opts_in_from_the_portal(world, client, auth):
    auth.login("karen@example.dk")
    url = f"/forening/foreninger/{world['club'].id}/synlighed"
    assert "Vis foreningen" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"is_public": "y", "description": "Fodbold for alle", "contact": "",
                                      "website": "nordstjernen.dk", "activities-0-name": "Fodbold for børn",
                                      "activities-0-ages": ["0_12", "13_18"], "activities-0-when_text": "Tirsdag"})
    assert response.status_code == 302
    listing = directory.listing_for(world["club"].id)
    assert listing.is_public and listing.website == "https://nordstjernen.dk"
    assert (listing.activities[0].age_0_12, listing.activities[0].age_13_18, listing.activities[0].age_65_plus) == \
        (True, True, False)


def test_bad_input_is_explained_and_kept(world, client, auth):
    auth.login("karen@example.dk")
    url = f"/forening/foreninger/{world['club'].id}/synlighed"
    response = client.post(url, data={"is_public": "y", "website": "ikke en adresse",
                                      "activities-0-when_text": "Mandag", "activities-0-space_id": "999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Skriv en webadresse" in page and "Skriv, hvad aktiviteten hedder" in page and 'value="Mandag"' in page
    empty = client.post(url, data={"is_public": "y"})
    assert empty.status_code == 400 and "før I viser den" in empty.get_data(as_text=True)
    assert directory.listing_for(world["club"].id) is None


def test_only_spaces_the_association_books(world, factory):
    location = factory.premises_location(name="Idrætshallen")
    hall, other_hall = factory.premises_space(location, name="Hal 1"), factory.premises_space(location, name="Hal 2")
    start = clock.now() + timedelta(days=3)
    db.session.add(Booking(space_id=hall.id, association_id=world["club"].id, title="Træning", starts_at=start,
                           ends_at=start + timedelta(hours=1)))
    db.session.commit()
    assert [s.id for s in directory.booked_spaces(world["club"].id)] == [hall.id]
    with pytest.raises(directory.ListingError):
        directory.save_listing(world["club"].id, world["member"], directory.ListingInput(
            is_public=True, activities=[directory.ActivityInput(name="Fodbold", space_id=other_hall.id)]))
    saved = directory.save_listing(world["club"].id, world["member"], directory.ListingInput(
        is_public=True, activities=[directory.ActivityInput(name="Fodbold", space_id=hall.id)]))
    assert saved.activities[0].space_id == hall.id


def test_access(world, client, auth):
    auth.login("ole@example.dk")
    assert client.get(f"/forening/foreninger/{world['club'].id}/synlighed").status_code == 404
    assert client.post(f"/forening/foreninger/{world['club'].id}/synlighed",
                       data={"is_public": "y", "description": "hack"}).status_code == 404
    auth.logout()
    auth.login("mette@kommune.dk")
    assert client.get(f"/forening/foreninger/{world['club'].id}/synlighed").status_code == 403
    assert client.get("/forening/synlighed").status_code == 403
