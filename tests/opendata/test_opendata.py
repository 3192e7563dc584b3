"""The 360Giving export validates, breaking it is caught by the same check, and no personal data leaks."""
from __future__ import annotations

import copy
import json

from app import clock
from app.extensions import db
from app.models import Case
from app.services.figures import opendata
from tests.payouts.conftest import World


def _world(factory) -> tuple[World, Case, Case]:
    world = World(factory)
    club = world.granted(10_000, title="Fodboldmål til børneholdet – ring til Karen på 12 34 56 78")
    group = world.granted(4_000, pool=world.new_pool, association=world.group, applicant=world.group_member,
                          title="Legeplads-dag")
    return world, club, group


def test_export_validates_and_is_correct(factory, app):
    world, club, _group = _world(factory)
    package = opendata.build_package()
    assert opendata.validation_errors(package) == []
    [grant] = package["grants"]  # the informal group is left out
    assert grant["currency"] == "DKK" and grant["amountAwarded"] == 10_000 and grant["amountAppliedFor"] == 10_000
    assert grant["recipientOrganization"] == [{"id": "DK-CVR-12345674", "name": "Boldklubben Nordstjernen",
                                               "addressCountry": "DK"}]
    assert grant["id"] == f"360G-eksempel-kommune-{club.number}"
    assert grant["awardDate"] == clock.today().isoformat()
    assert grant["fundingOrganization"][0]["department"] == "Kultur- og Fritidsudvalget"
    assert "12 34 56 78" not in grant["title"] and grant["title"].startswith("Fodboldmål til børneholdet")
    text = json.dumps(package, ensure_ascii=False)
    for personal in ("Karen Holm", "karen@example.dk", "Gitte", "gruppe@example.dk", "Mette", "@"):
        assert personal not in text
    assert opendata.excluded_informal_count() == 1


def test_a_missing_required_field_is_caught(factory, app):
    _world(factory)
    package = opendata.build_package()
    for field in ("currency", "awardDate", "fundingOrganization"):
        broken = copy.deepcopy(package)
        del broken["grants"][0][field]
        assert opendata.validation_errors(broken), field
    wrong_date = copy.deepcopy(package)
    wrong_date["grants"][0]["awardDate"] = "24.12.2026"
    assert opendata.validation_errors(wrong_date)
    assert opendata.validation_errors({"grants": []})  # a package needs at least one grant


def test_public_file_and_pages(factory, client):
    assert client.get("/aabne-data/360giving.json").status_code == 404  # nothing decided yet
    _world(factory)
    response = client.get("/aabne-data/360giving.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert opendata.validation_errors(response.get_json()) == []
    about = client.get("/aabne-data").get_data(as_text=True)
    assert "360Giving" in about and "uformelle grupper" in about
    given = client.get(f"/stoette-givet?aar={clock.today().year}").get_data(as_text=True)
    assert "Boldklubben Nordstjernen" in given and "Uformel gruppe" in given and "Forældregruppen" not in given
    assert "14.000 kr." in given  # the year's total
    assert client.get("/stoette-givet?aar=1800").status_code == 400


def test_rejections_and_undecided_cases_are_not_published(factory, app):
    world = World(factory)
    world.factory.decided_case(world.pool, world.association, world.member, world.caseworker, 5_000,
                               decision="decide_reject")
    assert opendata.build_package()["grants"] == []
    db.session.rollback()
