"""Issue 20 tried as a new user would, in a real browser on the demo: the administrator opens next year's
årlig indberetning and sets up its two schemes, two associations report (one late), the caseworker approves,
calculates the aktivitetstilskud and puts it on a meeting, the chair approves it and closes the meeting, each
association reads the letter that explains its amount, and the payouts appear.

The journey has a demo server of its own: the late report needs the server's clock moved past the deadline,
and staff log-ins remember their last two-factor step, so moving a shared server's clock back afterwards would
lock the other journeys out. Every new page is looked at (axe, 1280 and 360 px, screenshots).
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from tests.e2e.conftest import serve_demo
from tests.e2e.journeys import PDF
from tests.e2e.staff_helpers import actor, flash, look

pytestmark = pytest.mark.e2e

ON_TIME = ("formand5@forening.example", "Eksempelby Skakforening")
LATE = ("formand7@forening.example", "Gymnastikforeningen Spring")
# The demo's aktivitetstilskud: 205 kr. per member under 25 living in the municipality, at least 75 kr. in
# fees per paying member, 1/12 less per started month late. Skak: 10+8+6 = 24 members under 25 living here;
# Spring: 12+30+18 = 60.
SKAK = {"members": {"7–12 år": (10, 1), "13–17 år": (8, 0), "18–24 år": (6, 0), "25–59 år": (20, 0)},
        "paying": 45, "fees": 18_000, "activities": [("Skoleskak", 90, "Lejet lokale")], "rent": 30_000}
SPRING = {"members": {"0–6 år": (12, 0), "7–12 år": (30, 2), "13–17 år": (18, 0), "25–59 år": (6, 0)},
          "paying": 60, "fees": 45_000, "activities": [("Børnegymnastik", 200, "Hallen")], "rent": 80_000}
SKAK_AMOUNT = 24 * 205  # 4.920 kr.
SPRING_AMOUNT = 60 * 205 * 11 // 12  # 12.300 kr. less 1/12 for one started month late: 11.275 kr.


@pytest.fixture
def own_server(tmp_path_factory):
    """The demo seeded today at 10:00, on a server only this journey uses (so the on-time report cannot slip past
    midnight into lateness whatever hour the suite runs)."""
    clock.move_to(datetime.combine(clock.today(), time(10, 0)))
    base, server = serve_demo(tmp_path_factory.mktemp("yearly"))
    yield base
    server.shutdown()


def kr(amount: int) -> str:
    return f"{amount:,} kr.".replace(",", ".")


def test_the_yearly_cycle_from_reporting_to_payout(browser, own_server):
    base, year = own_server, clock.today().year + 1
    with actor(browser, base, "admin@demo.dk") as admin:
        _open_reporting(admin, base, year)
        _set_up_schemes(admin, base, year)
    with actor(browser, base, ON_TIME[0]) as chair:
        _report(chair, base, year, ON_TIME[1], SKAK, with_errors=True)
    # The deadline was today; the next morning the second association reports, one started month late.
    clock.move_to(datetime.combine(clock.today() + timedelta(days=1), time(9, 0)))
    with actor(browser, base, LATE[0]) as chair:
        _report(chair, base, year, LATE[1], SPRING, with_errors=False)
    with actor(browser, base, "sagsbehandler@demo.dk") as caseworker:
        _approve_reports(caseworker, base, year)
        meeting_url = _calculate_and_plan(caseworker, base, year)
    with actor(browser, base, "formand.kfu@demo.dk") as chair:
        _committee_approves(chair, meeting_url, year)
    for (email, name), amount in ((ON_TIME, SKAK_AMOUNT), (LATE, SPRING_AMOUNT)):
        with actor(browser, base, email) as member:
            _read_letter(member, base, year, name, amount)
    with actor(browser, base, "sagsbehandler@demo.dk") as caseworker:
        _payouts(caseworker, base, year)


def _open_reporting(page, base: str, year: int) -> None:
    page.goto(f"{base}/indberetning/kampagner")
    look(page, "yearly-campaigns")
    page.get_by_role("link", name="Åbn en ny indberetning").click()
    page.wait_for_url("**/kampagner/ny")
    page.get_by_label("Tilskudsår").fill(str(year))
    page.get_by_label("Åbner den").fill(clock.today().strftime("%d.%m.%Y"))
    page.get_by_label("Frist").fill((clock.today() - timedelta(days=1)).strftime("%d.%m.%Y"))
    page.get_by_label("Introduktion til foreningerne").fill("Indberet medlemstal, aktiviteter og regnskab.")
    page.get_by_role("button", name="Åbn indberetningen").click()
    expect(page.get_by_text("Fristen kan ikke ligge før den dag, indberetningen åbner.").first).to_be_visible()
    expect(page.get_by_label("Introduktion til foreningerne")).to_have_value("Indberet medlemstal, aktiviteter og "
                                                                            "regnskab.")
    look(page, "yearly-campaign-form-error")
    page.get_by_label("Frist").fill(clock.today().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Åbn indberetningen").click()
    flash(page, f"Indberetningen for tilskudsåret {year} er åbnet.")
    expect(page.get_by_role("row").filter(has_text=str(year)).get_by_text("Åben")).to_be_visible()


def _copy_formula(page, base: str, name: str) -> dict:
    """Open this year's scheme of that name and read its formula off the editor (the worked example shows too)."""
    page.goto(f"{base}/admin/tilskudsordninger")
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name="Regneeksempel")).to_be_visible()
    read = {label: page.get_by_label(label).input_value() for label in (
        "Sats i kr. (pr. medlem eller pr. point)", "Procent af udgifterne", "Loft pr. aktivitetstime i kr.",
        "Nedsæt, når medlemmer over 25 år er mere end (procent)",
        "Fradrag for sen indberetning, i tolvtedele pr. påbegyndt måned",
        "Mindstekontingent pr. betalende medlem i kr.")}
    read["basis"] = page.get_by_role("group", name="Tilskuddet beregnes som").locator("input:checked").get_attribute(
        "value")
    for group in ("Aldersgrupper, der tæller med", "Udgifter, der giver tilskud"):
        read[group] = page.get_by_role("group", name=group).locator("input:checked").evaluate_all(
            "inputs => inputs.map(i => i.value)")
    return read


def _set_up_schemes(page, base: str, year: int) -> None:
    page.goto(f"{base}/admin/tilskudsordninger")
    look(page, "yearly-schemes")
    for kind, pool in (("Aktivitetstilskud", f"Aktivitetstilskud {year}"), ("Lokaletilskud", f"Lokaletilskud {year}")):
        formula = _copy_formula(page, base, f"{kind} {year - 1}")
        if kind == "Aktivitetstilskud":
            look(page, "yearly-scheme-this-year")
        page.goto(f"{base}/admin/tilskudsordninger/ny")
        page.get_by_label("Navn").fill(pool)
        page.get_by_role("group", name="Slags tilskud").get_by_label(kind, exact=True).check()
        page.get_by_label("Årlig indberetning, der regnes på").select_option(label=f"Årlig indberetning {year}")
        page.get_by_label("Pulje (budget, udvalg og lovgrundlag)").select_option(label=f"{pool} ({year})")
        page.locator(f"input[name=basis][value={formula.pop('basis')}]").check()
        for group in ("Aldersgrupper, der tæller med", "Udgifter, der giver tilskud"):
            boxes = page.get_by_role("group", name=group)
            for value in formula.pop(group):
                boxes.locator(f"input[value='{value}']").check()
        for label, value in formula.items():
            page.get_by_label(label).fill(value)
        if kind == "Aktivitetstilskud":
            look(page, "yearly-scheme-new")
        page.get_by_role("button", name="Opret tilskudsordning").click()
        flash(page, "Tilskudsordningen er oprettet.")
        expect(page.get_by_role("heading", name=pool, level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Regneeksempel")).to_be_visible()
        look(page, f"yearly-scheme-{kind.lower()}-example")


def _fill_report(page, figures: dict, paying: int) -> None:
    for band, (inside, outside) in figures["members"].items():
        page.get_by_label(f"{band}, bor i kommunen").fill(str(inside))
        page.get_by_label(f"{band}, bor uden for kommunen").fill(str(outside))
    page.get_by_label("Betalende medlemmer").fill(str(paying))
    page.get_by_label("Kontingentindtægter i kr.").fill(str(figures["fees"]))
    for i, (name, hours, premises) in enumerate(figures["activities"], start=1):
        page.get_by_label(f"Aktivitet {i}: navn").fill(name)
        page.get_by_label(f"Aktivitet {i}: timer i året").fill(str(hours))
        page.get_by_label(f"Aktivitet {i}: lokale").fill(premises)
    page.get_by_label("Leje i kr.").fill(str(figures["rent"]))
    income = figures["fees"] + 20_000
    page.get_by_label("Indtægter i alt i kr.").fill(str(income))
    page.get_by_label("Udgifter i alt i kr.").fill(str(income - 1_500))
    page.get_by_label("Årets resultat i kr.").fill("1500")
    page.get_by_label("Bestyrelsen godkendte regnskabet den").fill(
        (clock.today() - timedelta(days=20)).strftime("%d.%m.%Y"))


def _attach(page) -> None:
    for label, name in (("Regnskabet (PDF)", "regnskab.pdf"), ("Revisorens erklæring (PDF)", "revisor.pdf")):
        page.get_by_label(label).set_input_files({"name": name, "mimeType": "application/pdf", "buffer": PDF})


def _report(page, base: str, year: int, association: str, figures: dict, with_errors: bool) -> None:
    """The chair finds next year's reporting on the portal, fills the long form and sends it."""
    page.goto(f"{base}/indberetning/forening")
    page.get_by_role("link", name=f"Åbn indberetningen {association} {year}").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(year))
    if with_errors:
        look(page, "yearly-report-form")
        members = sum(a + b for a, b in figures["members"].values())
        _fill_report(page, figures, paying=members + 5)  # more paying members than members: refused
        page.get_by_label("60 år og derover, bor uden for kommunen").fill("-2")  # a cell of the members table
        page.get_by_role("button", name="Send indberetningen").click()
        expect(page.get_by_text("Der kan ikke være flere betalende medlemmer").first).to_be_visible()
        expect(page.get_by_label("60 år og derover, bor uden for kommunen")).to_have_accessible_description(
            re.compile("Tallet kan ikke være negativt"))
        expect(page.get_by_label("Kontingentindtægter i kr.")).to_have_value(str(figures["fees"]))  # nothing lost
        look(page, "yearly-report-form-errors")
        page.get_by_label("Betalende medlemmer").fill(str(figures["paying"]))
        page.get_by_label("60 år og derover, bor uden for kommunen").fill("")
    else:
        _fill_report(page, figures, paying=figures["paying"])
    _attach(page)
    page.get_by_role("button", name="Send indberetningen").click()
    flash(page, "Tak! Indberetningen er sendt til kommunen.")
    page.wait_for_url("**/kvittering")
    look(page, f"yearly-receipt-{'on-time' if with_errors else 'late'}")
    page.goto(f"{base}/indberetning/forening")
    page.get_by_role("link", name=f"Tidligere år {association}").click()
    page.wait_for_load_state()
    expect(page.get_by_text(str(year)).first).to_be_visible()
    look(page, f"yearly-history-{'on-time' if with_errors else 'late'}")


def _approve_reports(page, base: str, year: int) -> None:
    page.goto(f"{base}/indberetning/kampagner")
    page.get_by_role("link", name=re.compile(str(year))).first.click()
    page.wait_for_url(re.compile(r".*/kampagner/\d+/indberetninger$"))
    late_row = page.get_by_role("row").filter(has_text=LATE[1])
    expect(late_row.get_by_text("1 måned")).to_be_visible()
    look(page, "yearly-report-list")
    list_url = page.url
    for _email, name in (ON_TIME, LATE):
        page.goto(list_url)
        page.get_by_role("link", name=name, exact=True).click()
        page.wait_for_url(re.compile(r".*/indberetninger/\d+$"))
        look(page, f"yearly-review-{'late' if name == LATE[1] else 'on-time'}")
        page.get_by_role("button", name="Godkend indberetningen").click()
        flash(page, "Indberetningen er godkendt")
    page.goto(list_url)
    expect(page.get_by_role("row").filter(has_text="Godkendt")).to_have_count(2)


def _calculate_and_plan(page, base: str, year: int) -> str:
    """Calculate aktivitetstilskud, try another rate, plan a meeting and put the calculation on its agenda."""
    page.goto(f"{base}/sagsbehandling/tilskudsberegning")
    look(page, "yearly-batches")
    page.get_by_role("row").filter(has_text=f"Aktivitetstilskud {year}").get_by_role("button", name="Beregn").click()
    flash(page, f"Aktivitetstilskud {year} er beregnet.")
    batch_url = page.url
    lines = page.get_by_role("region", name="Hver forenings beløb og beregningens trin")
    expect(lines.get_by_role("row").filter(has_text=ON_TIME[1]).get_by_text(kr(SKAK_AMOUNT), exact=True)).to_be_visible()
    expect(lines.get_by_role("row").filter(has_text=LATE[1]).get_by_text(kr(SPRING_AMOUNT), exact=True)).to_be_visible()
    look(page, "yearly-batch-preview")
    page.get_by_label("Prøv en anden sats (kr.)").fill("250")
    page.get_by_role("button", name="Sammenlign").click()
    expect(page.get_by_role("columnheader", name="Med satsen 250 kr.").first).to_be_visible()
    look(page, "yearly-batch-what-if")
    page.goto(f"{base}/udvalg/moeder")
    form = page.get_by_role("region", name="Opret et møde")
    form.get_by_label("Udvalg").select_option(label="Kultur- og Fritidsudvalget")
    day = clock.today() + timedelta(days=7)
    form.get_by_label("Dato").fill(day.isoformat())
    form.get_by_label("Titel").fill(f"Tilskud for {year}")
    form.get_by_label("Sted").fill("Rådhuset, mødelokale 2")
    form.get_by_role("button", name="Opret møde").click()
    flash(page, "Mødet er oprettet.")
    meeting_url = page.url
    page.goto(batch_url)
    page.get_by_label("Møde").select_option(label=f"{day:%d.%m.%Y} – Tilskud for {year}")
    page.get_by_role("button", name="Sæt på dagsordenen").click()
    flash(page, "Beregningen er sat på dagsordenen.")
    assert page.url.split("#")[0] == meeting_url
    return meeting_url


def _committee_approves(page, meeting_url: str, year: int) -> None:
    page.goto(meeting_url)
    item = page.get_by_role("region", name=re.compile(f"Beregning af .*aktivitetstilskud {year}", re.I))
    expect(item).to_contain_text("2 foreninger")
    look(page, "yearly-meeting-batch")
    item.get_by_label("Godkend beregningen").check()
    item.get_by_role("button", name="Gem beslutning").click()
    flash(page, "Beslutningen om beregningen er gemt.")
    page.get_by_role("button", name="Afslut mødet og træf afgørelserne").click()
    flash(page, "Mødet er afsluttet.")
    expect(item.get_by_text("Beslutning: Godkendt")).to_be_visible()
    look(page, "yearly-meeting-closed")


def _read_letter(page, base: str, year: int, association: str, amount: int) -> None:
    """The association finds its new case in the portal and reads the letter, step by step, and its PDF."""
    page.goto(f"{base}/forening/")
    page.get_by_role("link", name=re.compile(f"Aktivitetstilskud {year}")).first.click()
    page.wait_for_url(re.compile(r".*/forening/sager/\d+$"))
    page.get_by_role("link", name="Læs afgørelsesbrevet").first.click()
    page.wait_for_url(re.compile(r".*/breve/\d+$"))
    letter = page.get_by_role("article")
    expect(letter).to_contain_text(kr(amount))
    expect(letter).to_contain_text("205 kr.")
    if association == LATE[1]:
        expect(letter).to_contain_text("1/12")
    look(page, f"yearly-letter-{'late' if association == LATE[1] else 'on-time'}")
    pdf = page.request.get(base + page.get_by_role("link", name="Hent brevet som PDF").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")


def _payouts(page, base: str, year: int) -> None:
    page.goto(f"{base}/udbetalinger/")
    if page.get_by_role("button", name="Opret udbetalingsplaner").count():
        page.get_by_role("button", name="Opret udbetalingsplaner").click()
        page.wait_for_load_state()
    waiting = page.get_by_role("table", name="Planlagte rater, der ikke er med i en udbetaling endnu")
    for (_email, name), amount in ((ON_TIME, SKAK_AMOUNT), (LATE, SPRING_AMOUNT)):
        expect(waiting.get_by_role("row").filter(has_text=name).filter(has_text=kr(amount))).to_be_visible()
    look(page, "yearly-payouts")
