"""Premises have their own way in: the pool behind booking cases is never shown as a pool, and a space's rules
(who may borrow it) come before the request form, so a club that may not book learns it before filling in."""
from __future__ import annotations

import re

from app import clock
from app.extensions import db
from app.models import Association
from tests.factories import AssociationApprovalFactory, AssociationFactory


def test_the_premises_pool_is_not_listed_as_a_pool(client, world, factory):
    factory.pool(name="Kulturpuljen", slug="kultur", is_rolling=True, deadline=None)
    db.session.commit()
    for url in ("/", "/puljer"):
        body = client.get(url).get_data(as_text=True)
        assert "Kulturpuljen" in body, url
        assert "Lån af lokaler og haller" not in body and "Budget 0 kr." not in body, url
        assert 'href="/lokaler/"' in body, url  # their own way in instead


def test_the_premises_pool_address_leads_to_the_premises_pages(client, auth, world):
    slug = world["pool"].slug
    resp = client.get(f"/puljer/{slug}")
    assert resp.status_code == 301 and resp.location.endswith("/lokaler/")
    auth.login("karen@example.dk")
    resp = client.get(f"/forening/ansoegninger/ny/{slug}")
    assert resp.status_code == 302 and resp.location.endswith("/lokaler/")
    assert client.get("/puljer/findes-ikke").status_code == 404


def test_the_association_page_offers_no_premises_pool(client, auth, world):
    auth.login("karen@example.dk")
    body = client.get(f"/forening/foreninger/{world['club'].id}").get_data(as_text=True)
    assert "Lån af lokaler og haller" not in body


def test_rules_and_who_may_borrow_come_before_the_form(client, auth, world):
    world["hall"].rules_text = "Indendørssko i hallen."
    world["hall"].bookable_by = "approved"
    db.session.commit()
    auth.login("karen@example.dk")
    body = client.get(f"/lokaler/{world['hall'].id}/anmod").get_data(as_text=True)
    assert body.index("Godkendte folkeoplysende foreninger") < body.index('name="purpose"')
    assert body.index("Indendørssko i hallen.") < body.index('name="purpose"')
    assert 'id="refused"' not in body  # Boldklubben is approved
    assert '<label class="form-label" for="association_id">Forening</label>' in body  # a choice is always made: not "(valgfri)"


def test_a_club_that_is_not_approved_is_told_before_it_fills_in(client, auth, world):
    world["hall"].bookable_by = "approved"
    AssociationFactory(name="Strikkeklubben", members=(world["member"],))
    db.session.commit()
    auth.login("karen@example.dk")
    body = client.get(f"/lokaler/{world['hall'].id}/anmod").get_data(as_text=True)
    warning = re.search(r'<div class="alert alert-warning mb-6" role="status" id="refused">(.*?)</div>\s*</div>',
                        body, re.S).group(1)
    assert body.index('id="refused"') < body.index('name="purpose"')
    assert "1 af jeres foreninger kan ikke låne lokalet" in warning
    assert "Strikkeklubben" in warning and "kun lånes af godkendte folkeoplysende foreninger" in warning
    assert "Boldklubben" not in warning
    # Its approval this year lifts the warning.
    AssociationApprovalFactory(association=db.session.scalar(db.select(Association).where(
        Association.name == "Strikkeklubben")), year=clock.today().year)
    db.session.commit()
    assert 'id="refused"' not in client.get(f"/lokaler/{world['hall'].id}/anmod").get_data(as_text=True)
