"""The pool setting that lets decisions to informal groups go by Digital Post to the contact person's CPR number."""
import re

import pytest

from app.extensions import db
from app.models import Pool
from tests.admin.test_pools import pool_form


@pytest.fixture
def committee(factory):
    c = factory.committee(name="Kultur- og Fritidsudvalget")
    db.session.commit()
    return c


def test_the_setting_is_off_by_default_and_explained_on_the_form(admin_client, committee):
    page = admin_client.get("/admin/puljer/ny").get_data(as_text=True)
    assert "Afgørelser til uformelle grupper må sendes med Digital Post til kontaktpersonens CPR-nummer" in page
    assert "CPR-numre er følsomme" in page  # the hint says why it matters
    assert admin_client.post("/admin/puljer/ny", data=pool_form(committee.id)).status_code == 302
    assert db.session.scalar(db.select(Pool.digital_post_to_cpr)) is False


def test_the_setting_is_saved_and_shown_again(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, digital_post_to_cpr="y"))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool))
    assert pool.digital_post_to_cpr is True
    page = admin_client.get(f"/admin/puljer/{pool.id}").get_data(as_text=True)
    box = re.search(r'<input[^>]*id="digital_post_to_cpr"[^>]*>', page).group(0)
    assert "checked" in box
