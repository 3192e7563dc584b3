"""The dashboard, its filters and exports, and who may see them."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db


@pytest.fixture
def staff(factory, data):
    factory.user(role="caseworker", email="mette@kommune.dk")
    factory.user(role="committee_member", email="udvalg@kommune.dk")
    factory.user(role="member", email="karen@example.dk")
    db.session.commit()


@pytest.mark.parametrize("email", ["mette@kommune.dk", "udvalg@kommune.dk"])
def test_staff_see_the_years_numbers_with_charts_and_tables(staff, client, auth, email):
    auth.login(email)
    page = client.get("/indikatorer/?aar=2025").get_data(as_text=True)
    assert "38.000 kr." in page and "P1" in page and 'role="img"' in page and "<desc" in page
    assert "<caption>" in page and "8,4" in page


def test_filters_in_the_url_and_bad_filters(staff, client, auth, data):
    auth.login("mette@kommune.dk")
    page = client.get(f"/indikatorer/?aar=2025&pulje={data.p3.id}").get_data(as_text=True)
    assert "20.000 kr." in page and "38.000 kr." not in page
    bad = client.get("/indikatorer/?aar=1999&pulje=abc")
    assert bad.status_code == 400 and "Vælg et af årene på listen." in bad.get_data(as_text=True)


def test_csv_and_xlsx_exports(staff, client, auth):
    auth.login("mette@kommune.dk")
    csv = client.get("/indikatorer/eksport.csv?aar=2025")
    text = csv.data.decode("utf-8")
    assert csv.mimetype == "text/csv" and text.startswith("\ufeffUdvalg;Pulje;Ansøgninger")
    assert "A-udvalget;P1;4;3;2;15000;66,7;4,0;8,8;2;1;0" in text and "I alt;;6;5;4;38000;80,0;4,0;8,4;3;2;1" in text
    xlsx = client.get("/indikatorer/eksport.xlsx?aar=2025")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[2]][:6] == ["A-udvalget", "P1", 4, 3, 2, 15000]


def test_members_get_403_and_visitors_log_in(staff, client, auth):
    assert client.get("/indikatorer/").status_code == 302
    auth.login("karen@example.dk")
    assert client.get("/indikatorer/").status_code == 403
    assert client.get("/indikatorer/eksport.csv").status_code == 403
