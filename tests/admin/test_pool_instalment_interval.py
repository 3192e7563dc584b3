"""The pool form's interval between instalments: quarterly advances set, explained, checked, shown and copied."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Pool
from tests.admin.test_pools import pool_form


@pytest.fixture
def committee(factory):
    c = factory.committee(name="Kultur- og Fritidsudvalget")
    db.session.commit()
    return c


def _pool() -> Pool:
    return db.session.scalar(db.select(Pool))


def test_the_form_explains_the_interval(admin_client, committee):
    page = admin_client.get("/admin/puljer/ny").get_data(as_text=True)
    assert "Måneder mellem raterne" in page and "3 en rate hvert kvartal" in page


def test_quarterly_instalments_are_saved_and_shown_on_the_public_page(admin_client, committee, client):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(
        committee.id, payment_mode="instalments", instalment_count="4", instalment_interval="3", advance_allowed="y"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    pool = _pool()
    assert (pool.payment_mode, pool.instalment_count, pool.instalment_interval) == ("instalments", 4, 3)
    edit = admin_client.get(f"/admin/puljer/{pool.id}").get_data(as_text=True)
    assert 'name="instalment_interval"' in edit and 'value="3"' in edit
    pool.is_published = True
    db.session.commit()
    page = client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
    assert "I 4 kvartalsvise rater, kan udbetales forud" in page


@pytest.mark.parametrize(("count", "interval", "message"), [
    ("4", "0", "Skriv et antal måneder fra 1 til 12."),
    ("4", "13", "Skriv et antal måneder fra 1 til 12."),
    ("4", "tre", "Skriv et helt tal"),
    ("10", "3", "10 rater med 3 måneders mellemrum strækker sig over mere end 24 måneder."),
])
def test_a_bad_interval_is_refused_next_to_the_field_and_the_input_kept(admin_client, committee, count, interval,
                                                                        message):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(
        committee.id, payment_mode="instalments", instalment_count=count, instalment_interval=interval))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body
    assert 'value="Idrætspuljen"' in body and _pool() is None


def test_one_payment_resets_the_interval_and_a_copy_keeps_it(admin_client, committee):
    admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, payment_mode="single", instalment_interval="3"))
    assert _pool().instalment_interval == 1
    pool = _pool()
    admin_client.post(f"/admin/puljer/{pool.id}", data=pool_form(
        committee.id, slug=pool.slug, payment_mode="instalments", instalment_count="4", instalment_interval="3"))
    db.session.expire_all()
    assert _pool().instalment_interval == 3
    admin_client.post(f"/admin/puljer/{pool.id}/kopier")
    copy = db.session.scalar(db.select(Pool).where(Pool.year == 2028))
    assert (copy.instalment_count, copy.instalment_interval) == (4, 3)
