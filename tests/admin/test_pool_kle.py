"""A pool's KLE number and handling facet (where its cases are journalised in the ESDH): set on the pool's page."""
import pytest

from app.extensions import db
from app.models import Pool
from tests.admin.test_pools import pool_form


@pytest.fixture
def committee(factory):
    made = factory.committee(name="Kultur- og Fritidsudvalget")
    db.session.commit()
    return made


def test_kle_number_and_facet_are_saved_and_shown_again(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, kle_number=" 20.04.00 ",
                                                                kle_facet="g01"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool))
    assert (pool.kle_number, pool.kle_facet) == ("20.04.00", "G01")
    page = admin_client.get(f"/admin/puljer/{pool.id}").get_data(as_text=True)
    assert 'value="20.04.00"' in page and 'value="G01"' in page


@pytest.mark.parametrize("kle_number, kle_facet, message", [
    ("20.4.0", "G01", "Skriv KLE-nummeret som tre tal med to cifre og punktum imellem, fx 20.04.00."),
    ("20-04-00", "G01", "Skriv KLE-nummeret som tre tal med to cifre og punktum imellem, fx 20.04.00."),
    ("20.04.00", "G1", "Skriv handlingsfacetten som et bogstav og to cifre, fx G01."),
    ("20.04.00", "01G", "Skriv handlingsfacetten som et bogstav og to cifre, fx G01."),
    ("20.04.00", "", "Skriv både KLE-nummer og handlingsfacet, eller ingen af dem."),
    ("", "G01", "Skriv både KLE-nummer og handlingsfacet, eller ingen af dem."),
])
def test_a_bad_kle_number_or_facet_is_refused_by_the_field(admin_client, committee, kle_number, kle_facet,
                                                           message):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, kle_number=kle_number,
                                                                kle_facet=kle_facet))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body and 'id="error-summary"' in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Pool)) == 0


def test_no_kle_is_fine(admin_client, committee):
    assert admin_client.post("/admin/puljer/ny", data=pool_form(committee.id)).status_code == 302
    assert db.session.scalar(db.select(Pool.kle_number)) is None
