"""Kontering on the pool page: saved when whole, refused by the field in Danish when not."""
import pytest

from app.extensions import db
from app.models import Pool
from tests.admin.test_pools import pool_form


@pytest.fixture
def committee(factory):
    c = factory.committee(name="Kultur- og Fritidsudvalget")
    db.session.commit()
    return c


def test_kontering_is_saved_trimmed(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(
        committee.id, account_code=" 0.35.64.1.5 ", cost_centre="KF100", psp_element=""))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool))
    assert (pool.account_code, pool.cost_centre, pool.psp_element) == ("0.35.64.1.5", "KF100", None)
    page = admin_client.get(f"/admin/puljer/{pool.id}").get_data(as_text=True)
    assert 'value="0.35.64.1.5"' in page and "Kontering" in page


@pytest.mark.parametrize("values, message", [
    ({"account_code": "konto 40"}, "Skriv kontoen med tal"),
    ({"cost_centre": "KF100"}, "Skriv kontoen, når omkostningssted eller PSP-element er udfyldt."),
    ({"account_code": "40"}, "Skriv omkostningsstedet sammen med kontoen."),
    ({"account_code": "40", "cost_centre": "KF 100"}, "Skriv omkostningsstedet med bogstaver og tal"),
    ({"account_code": "40", "cost_centre": "KF100", "psp_element": "XG/1"}, "Skriv PSP-elementet med bogstaver"),
])
def test_incomplete_or_malformed_kontering_is_refused_by_the_field(admin_client, committee, values, message):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, **values))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body and db.session.scalar(db.select(Pool)) is None
    assert 'class="form-error-message"' in body or "form-error-message" in body
