"""The yearly cycle on the indicator dashboard: tables, charts and the same numbers in CSV and XLSX."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.extensions import db
from tests.indicators.yearly_data import YearlyData


@pytest.fixture
def staff(app, factory):
    YearlyData()
    factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()


def test_the_dashboard_shows_the_cycle_year_on_year(staff, client, auth):
    auth.login("mette@kommune.dk")
    page = client.get("/indikatorer/?aar=2026").get_data(as_text=True)
    start = page.index("Årlig indberetning og beregnede tilskud")
    cycle = page[start:page.index('id="premises-heading"')]
    assert "Udviklingen pr. indberetningsår" in cycle and "Medlemmer efter alder og bopæl, indberetningen for 2026" in cycle
    assert "26.500 kr." in cycle and "35.000 kr." in cycle and "22.500 kr." in cycle
    assert "588,9 kr." in cycle and "87,5 kr." in cycle and "+32,1 %" in cycle and "+28,9 %" in cycle
    assert "+150 %" in cycle and "−50 %" in cycle  # 13-17 år: 4 -> 10; 25-59 år: 10 -> 5
    assert 'id="chart-members-caption"' in cycle and 'id="chart-calculated-caption"' in cycle and "<desc" in cycle


def test_without_any_campaign_the_section_says_so(app, factory, client, auth):
    factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    auth.login("mette@kommune.dk")
    page = client.get("/indikatorer/").get_data(as_text=True)
    assert "Der er ingen godkendte indberetninger eller beregnede tilskud til og med" in page
    assert "Udviklingen pr. indberetningsår" not in page
    csv = client.get("/indikatorer/eksport.csv").data.decode("utf-8")
    assert "Indberetningsår" not in csv


def test_csv_and_xlsx_carry_the_cycle(staff, client, auth):
    auth.login("mette@kommune.dk")
    text = client.get("/indikatorer/eksport.csv?aar=2026").data.decode("utf-8")
    lines = text.split("\r\n")
    header = next(line for line in lines if line.startswith("Indberetningsår;"))
    assert header.split(";")[3:5] == ["0-6 år, i kommunen", "0-6 år, uden for kommunen"]
    assert "2025;3;2;5;1;30;2;4;0;2;1;9;1;1;0;56;45;350;22500;4000;26500;2;588,9;75,7;;;;" in lines
    assert "2026;3;3;4;3;37;1;8;2;3;0;5;0;2;0;65;58;400;27000;8000;35000;3;603,4;87,5;28,9;32,1;2,5;15,6" in lines
    sheet = load_workbook(io.BytesIO(client.get("/indikatorer/eksport.xlsx?aar=2026").data))["Årlig indberetning"]
    assert [c.value for c in sheet[3]][:3] == [2026, 3, 3] and [c.value for c in sheet[3]][16:21] == [
        58, 400, 27000, 8000, 35000]
