"""The board's pages: the shared form, its Danish messages (nothing saved), the late warning, the receipt, access."""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AssociationEvent
from app.models.yearly import AnnualReport
from tests.views.annual_world import build, form, with_files


@pytest.fixture
def w(factory):
    return build(factory)


def _url(w, association=None) -> str:
    return f"/indberetning/forening/{(association or w.club).id}/{w.campaign.id}"


def _report() -> AnnualReport | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(AnnualReport))


def test_the_form_says_which_years_and_a_board_member_saves_then_submits(client, auth, w):
    auth.login(w.chair.email)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Indberetning for tilskudsåret 2027 – tal for 2026" in page and "Husk regnskabet." in page
    resp = client.post(_url(w), data=form(), content_type="multipart/form-data")
    assert resp.status_code == 302
    report = _report()
    assert report.status == "draft" and report.fee_income == 9_600 and report.total_members == 12
    auth.logout()
    auth.login(w.treasurer.email)  # the other board member sees and sends the same draft
    page = client.get(_url(w)).get_data(as_text=True)
    assert 'value="9600"' in page
    resp = client.post(_url(w), data=with_files(form(version=str(report.version), action="submit")),
                       content_type="multipart/form-data")
    assert resp.status_code == 302 and resp.location.endswith("/kvittering")
    assert _report().status == "submitted"
    receipt = client.get(resp.location).get_data(as_text=True)
    assert "Kvittering" in receipt and "regnskab.pdf" not in receipt and "Regnskabet (PDF)" in receipt
    assert "Den årlige indberetning for 2027 blev sendt" in client.get(
        f"/indberetning/forening/{w.club.id}").get_data(as_text=True)


@pytest.mark.parametrize("changes, message", [
    ({"paying_members": "-2"}, "Tallet kan ikke være negativt."),
    ({"paying_members": "20"}, "Der kan ikke være flere betalende medlemmer (20) end medlemmer i alt (12)."),
    ({"accounts_result": "4.000"}, "Regnskabet hænger ikke sammen"),
    ({"accounts_approved_on": "11.03.2027"}, "kan ikke ligge i fremtiden"),
    ({"fee_income": "mange"}, "Skriv et helt tal, fx 25."),
])
def test_bad_input_is_a_danish_message_next_to_the_field_nothing_saved_nothing_lost(client, auth, w, changes, message):
    auth.login(w.chair.email)
    resp = client.post(_url(w), data=form(**changes), content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and message in page and "Der er problemer med det, du har udfyldt" in page
    assert 'value="Svømning for børn"' in page  # what they typed is still there
    assert _report() is None and db.session.scalar(sa.select(sa.func.count()).select_from(AssociationEvent)) == 0


def test_submitting_without_the_documents_names_each_one(client, auth, w):
    auth.login(w.chair.email)
    resp = client.post(_url(w), data=form(action="submit", statutes_changed="y"), content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    for words in ("Vedhæft regnskabet", "Vedhæft revisorens erklæring", "vedhæft de nye vedtægter"):
        assert words in page
    assert _report() is None


def test_a_late_report_is_warned_and_still_accepted(client, auth, w):
    clock.freeze(datetime(2027, 5, 20, 12, 0))
    auth.login(w.chair.email)
    page = client.get(_url(w)).get_data(as_text=True)
    assert "Fristen er overskredet" in page and "2 påbegyndte måneder for sent" in page
    resp = client.post(_url(w), data=with_files(form(action="submit")), content_type="multipart/form-data")
    assert resp.status_code == 302 and _report().status == "submitted"
    assert "2 påbegyndte måneder for sent" in client.get(resp.location).get_data(as_text=True)


def test_the_race_on_the_draft_keeps_what_the_second_typed(client, auth, w):
    auth.login(w.chair.email)
    client.post(_url(w), data=form(), content_type="multipart/form-data")
    shown = _report().version
    client.post(_url(w), data=form(version=str(shown), fee_income="1.000"), content_type="multipart/form-data")
    resp = client.post(_url(w), data=form(version=str(shown), fee_income="7.777"), content_type="multipart/form-data")
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "Indberetningen er ændret af en anden" in page and 'value="7.777"' in page
    assert _report().fee_income == 1_000


@pytest.mark.parametrize("who", ["outsider", "caseworker"])
def test_others_cannot_see_or_change_the_report(client, auth, w, who):
    auth.login(getattr(w, who).email)
    for url in (_url(w), f"/indberetning/forening/{w.club.id}", _url(w) + "/kvittering"):
        assert client.get(url).status_code == (404 if who == "outsider" else 403)
    assert client.post(_url(w), data=form(), content_type="multipart/form-data").status_code in (403, 404)
    assert _report() is None


def test_a_member_without_a_seat_on_this_board_gets_404_and_sees_only_their_own(client, auth, w):
    auth.login(w.outsider.email)
    assert client.get(_url(w)).status_code == 404
    page = client.get("/indberetning/forening").get_data(as_text=True)
    assert "Skakklubben" in page and "Svømmeklubben Bølgen" not in page
