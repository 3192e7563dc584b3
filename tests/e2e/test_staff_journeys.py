"""Staff in a real browser: a caseworker filters the queue, assesses and recommends; a committee member records
the committee's decision and the chair closes the meeting; and the queue on a 360 px phone."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from app import clock
from tests.e2e.conftest import check_a11y, shot
from tests.e2e.staff_helpers import (POOL_NAME, act, actor, apply_for, assess, case_row, fits, flash, look,
                                     open_from_queue, take_and_screen)

CRITERIA = {"Samspil": 4, "Synlighed": 3, "Nye initiativer": 5}
# Associations no other browser test applies for, one per journey.
STRIK = ("formand24@forening.example", "Foreningen Strikkecaféen")
JUDO = ("formand29@forening.example", "Eksempelby Judoklub")
MUSIK = ("formand26@forening.example", "Foreningen Unge Musikere")
CASE_PAGE = re.compile(r".*/sagsbehandling/sager/\d+$")


def _filters(page):
    """The queue's filter form (a search landmark)."""
    return page.get_by_role("search", name="Find sager")


def _show(page, **wanted: str) -> None:
    """Press 'Vis sager' and wait for the queue whose URL carries the wanted filters."""
    _filters(page).get_by_role("button", name="Vis sager").click()
    page.wait_for_url(lambda url: all(parse_qs(urlparse(url).query).get(k) == [v] for k, v in wanted.items()))


def _filter_queue(page, base: str, association: str) -> None:
    """Use the real filter form: search, status and (under 'Flere filtre') pool."""
    page.goto(f"{base}/sagsbehandling/")
    expect(page.get_by_role("heading", name="Sager", exact=True)).to_be_visible()
    look(page, "queue")
    everything = page.locator("tbody tr").count()
    form = _filters(page)
    form.get_by_label("Søg", exact=False).first.fill(association)
    form.get_by_label("Status").select_option(label="Modtaget")
    form.get_by_text("Flere filtre").click()
    form.get_by_label("Pulje").select_option(label=POOL_NAME)
    _show(page, q=association, status="submitted")
    assert parse_qs(urlparse(page.url).query)["pulje"][0].isdigit(), page.url
    assert page.locator("tbody tr").count() == 1 < everything
    # The filters survive a reload: the view lives in its URL and can be bookmarked or shared.
    page.reload()
    assert form.get_by_label("Status").input_value() == "submitted"
    assert form.get_by_label("Søg", exact=False).first.input_value() == association
    assert form.get_by_label("Pulje").locator("option:checked").inner_text() == POOL_NAME
    look(page, "queue-filtered")


def test_caseworker_filters_assesses_and_recommends(browser, live_server):
    with actor(browser, live_server, STRIK[0]) as chair:
        number = apply_for(chair, live_server, amount=12_000)
    with actor(browser, live_server, "sagsbehandler@demo.dk") as page:
        _filter_queue(page, live_server, STRIK[1])
        row = case_row(page, number)
        assert row.get_by_text("Modtaget").is_visible() and row.get_by_text("Ikke tildelt").is_visible()
        row.get_by_role("link", name=number).click()
        page.wait_for_url(CASE_PAGE)
        expect(page.get_by_role("heading", name=re.compile(number))).to_be_visible()
        look(page, "case-received")
        take_and_screen(page)
        assess(page, CRITERIA, 10_000, "Et godt nyt hold. Vi indstiller 10.000 kr., da træneren er delvist frivillig.")
        expect(page.get_by_text("3 af 3 kriterier vurderet")).to_be_visible()
        look(page, "case-assessed")
        act(page, "Indstil", "Indstillet")
        # After the recommendation the scores are read-only, and the decision's reason is drafted to the
        # association from the assessment, never in the recommendation's internal words.
        table = page.get_by_role("table", name="Score pr. kriterium")
        expect(table.get_by_role("row", name=re.compile("Samspil")).get_by_text("4", exact=True)).to_be_visible()
        draft = page.get_by_label("Begrundelse til foreningen").input_value()
        assert draft.startswith("I får 10.000 kr. af de 12.000 kr.") and "indstil" not in draft.lower(), draft
        look(page, "case-recommended")
        with page.expect_navigation():  # the queue fully loaded before its search field is filled
            page.get_by_role("link", name="Tilbage til sager").click()
        expect(page.get_by_role("heading", name="Sager", exact=True)).to_be_visible()
        _filters(page).get_by_label("Søg", exact=False).first.fill(number)
        _show(page, q=number)
        expect(case_row(page, number).get_by_text("Indstillet")).to_be_visible()
        check_a11y(page, "queue after the recommendation")


def _letter_outbox(base: str) -> list:
    """The live app's letter rows (status, attempts, last error): what to read when a letter never came."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models.outbox import OutboxMessage
    from tests.e2e.conftest import LIVE_APPS
    with LIVE_APPS[base].app_context():
        rows = db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.attempts,
                                            OutboxMessage.last_error).where(OutboxMessage.channel == "letter")
                                  .order_by(OutboxMessage.id.desc()).limit(3)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def test_caseworker_sees_the_letter_before_deciding(browser, live_server):
    with actor(browser, live_server, MUSIK[0]) as chair:
        number = apply_for(chair, live_server, amount=10_000)
    with actor(browser, live_server, "sagsbehandler@demo.dk") as page:
        open_from_queue(page, live_server, MUSIK[1], number)
        take_and_screen(page)
        assess(page, CRITERIA, 10_000, "Vi indstiller 10.000 kr., da holdet er nyt.")
        act(page, "Indstil", "Indstillet")
        reason = page.get_by_label("Begrundelse til foreningen", exact=False)
        reason.fill(reason.input_value() + "\n\nHoldet giver unge et nyt sted at spille sammen.")
        page.get_by_role("region", name="Handlinger og afgørelse").get_by_role("button", name="Bevilg", exact=True).click()
        expect(page.get_by_role("heading", name="Se brevet, før det sendes")).to_be_visible()
        letter = page.locator(".app-letter")
        expect(letter).to_contain_text("Afgørelse om tilskud")
        expect(letter).to_contain_text("Holdet giver unge et nyt sted at spille sammen.")
        look(page, "decision-preview")
        page.get_by_role("button", name="Bevilg 10.000 kr. til Foreningen Unge Musikere og send brevet").click()
        flash(page, "Afgørelsen er truffet, og brevet sendes til foreningen: Foreningen Unge Musikere får 10.000 kr")
        letter_link = page.get_by_role("link", name="Afgørelsesbrevet (PDF)")
        for _ in range(20):  # the letter is written in the background: reload, as the page tells a person to
            if letter_link.count():
                break
            expect(page.get_by_text("Genindlæs siden for at se det.")).to_be_visible()
            page.wait_for_timeout(500)
            page.reload()
        assert letter_link.count(), f"no letter after 20 reloads: {_letter_outbox(live_server)}"
        expect(letter_link).to_be_visible()
        look(page, "case-decided-delegated")


def _to_committee(page, base: str, number: str) -> None:
    """The caseworker's part: assess, recommend and send the case to the committee."""
    open_from_queue(page, base, JUDO[1], number)
    look(page)
    take_and_screen(page)
    assess(page, CRITERIA, 20_000, "Et nyt tilbud til børn. Vi indstiller, at udvalget bevilger 20.000 kr.")
    look(page)
    act(page, "Indstil", "Indstillet")
    # The meeting is planned afterwards, so the case goes to the committee without one for now.
    actions = page.get_by_role("region", name="Handlinger og afgørelse")
    actions.get_by_label("Hvilket møde skal sagen på?").select_option(label="Vælg møde senere")
    actions.get_by_role("button", name="Send til udvalget", exact=True).click()
    flash(page, "Sagen er sendt til udvalget. Den er ikke på en dagsorden endnu")
    expect(page.locator(".app-facts").first.get_by_text("Til behandling i udvalget", exact=True)).to_be_visible()


def _plan_meeting(page, base: str, number: str, title: str) -> None:
    """Plan a meeting of Kultur- og Fritidsudvalget and put the case on its agenda."""
    page.goto(f"{base}/udvalg/moeder")
    look(page, "meetings")
    form = page.get_by_role("region", name="Opret et møde")
    form.get_by_label("Udvalg").select_option(label="Kultur- og Fritidsudvalget")
    form.get_by_label("Dato").fill((clock.today() + timedelta(days=10)).isoformat())  # a date input: ISO
    form.get_by_label("Titel").fill(title)
    form.get_by_label("Sted").fill("Rådhuset, mødelokale 3")
    form.get_by_role("button", name="Opret møde").click()
    flash(page, "Mødet er oprettet.")
    waiting = page.get_by_role("region", name="Sager, der venter på udvalget")
    waiting.get_by_role("row").filter(has_text=number).get_by_role("checkbox").check()
    look(page)
    waiting.get_by_role("button", name="Sæt valgte sager på dagsordenen").click()
    flash(page, "1 sag er sat på dagsordenen.")
    expect(page.get_by_role("region", name=re.compile(r"^1\. ")).get_by_text(number)).to_be_visible()
    look(page, "meeting-planned")


def _member_records_grant(page, title: str, number: str) -> None:
    """The member opens the meeting from the committee page and records 'grant as recommended'."""
    page.get_by_role("link", name="Møder og dagsordener").click()
    page.wait_for_url("**/udvalg/moeder")
    look(page)
    page.get_by_role("link", name=re.compile(re.escape(title))).click()
    page.wait_for_url(re.compile(r".*/udvalg/moeder/\d+$"))
    item = page.get_by_role("region", name=re.compile(r"^1\. "))
    expect(item.get_by_text(number)).to_be_visible()
    expect(item.get_by_text("20.000 kr.").first).to_be_visible()
    look(page, "meeting-member")
    item.get_by_label("Bevilg som indstillet").check()
    item.get_by_role("button", name="Gem beslutning").click()
    flash(page, f"Beslutningen i sag {number} er gemt.")
    expect(page.get_by_text("Registreret: Bevilg som indstillet")).to_be_visible()
    look(page)


def _chair_closes(page, base: str, meeting_url: str, number: str) -> None:
    page.goto(meeting_url)
    look(page)
    page.get_by_role("button", name="Afslut mødet og træf afgørelserne").click()
    flash(page, "Mødet er afsluttet.")
    item = page.get_by_role("region", name=re.compile(r"^1\. "))
    expect(item.get_by_text("Beslutning: Bevilget")).to_be_visible()
    assert not page.get_by_role("button", name="Gem beslutning").count()
    look(page, "meeting-closed")
    item.get_by_role("link", name=number).click()
    page.wait_for_url(CASE_PAGE)
    summary = page.locator(".app-facts").first
    expect(summary.get_by_text("Bevilget", exact=True)).to_be_visible()
    assert summary.get_by_text("20.000 kr.").count() == 1  # the granted amount
    # Links to caseworkers' pages (a member would get 403) are not shown to the committee.
    assert not page.get_by_role("link", name="Afrapportering og tilbagebetaling").count()
    look(page, "case-decided")


def test_committee_decides_and_chair_closes_the_meeting(browser, live_server):
    with actor(browser, live_server, JUDO[0]) as chair:
        number = apply_for(chair, live_server, amount=24_000)  # above the pool's delegation limit of 15.000 kr.
    title = f"Ekstraordinært møde om sag {number}"
    with actor(browser, live_server, "sagsbehandler@demo.dk") as caseworker:
        _to_committee(caseworker, live_server, number)
        _plan_meeting(caseworker, live_server, number, title)
        meeting_url = caseworker.url
    with actor(browser, live_server, "udvalg@demo.dk") as member:
        expect(member.get_by_role("heading", name="Dine udvalg")).to_be_visible()
        look(member, "committee-home")
        _member_records_grant(member, title, number)
    with actor(browser, live_server, "formand.kfu@demo.dk") as chair:
        _chair_closes(chair, live_server, meeting_url, number)
    with actor(browser, live_server, "sagsbehandler@demo.dk") as caseworker:
        open_from_queue(caseworker, live_server, number, number)
        expect(caseworker.get_by_role("link", name="Afrapportering og tilbagebetaling")).to_be_visible()
        caseworker.get_by_role("link", name="Afgørelser og breve").click()
        caseworker.wait_for_url("**/afgoerelser")
        row = caseworker.get_by_role("row").filter(has_text="Bevilget")
        expect(row.get_by_text("Udvalget", exact=True)).to_be_visible()
        expect(row.get_by_text("20.000 kr.")).to_be_visible()
        look(caseworker, "decisions")


def test_queue_on_a_phone(browser, live_server):
    with actor(browser, live_server, "sagsbehandler@demo.dk", phone=True) as phone:
        _queue_on_a_phone(phone, live_server)


def _queue_on_a_phone(phone, live_server) -> None:
    phone.goto(f"{live_server}/sagsbehandling/")
    expect(phone.get_by_role("heading", name="Sager", exact=True)).to_be_visible()
    check_a11y(phone, "queue on a phone")
    fits(phone)
    shot(phone, "staff-queue-phone")
    _filters(phone).get_by_label("Søg", exact=False).first.fill("Eksempelby")
    _filters(phone).get_by_label("Status").select_option(label="Alle sager")
    _show(phone, q="Eksempelby", status="all")
    link = phone.locator("tbody").get_by_role("link").first
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    number = link.inner_text()
    check_a11y(phone, "filtered queue on a phone")
    fits(phone)
    shot(phone, "staff-queue-phone-filtered")
    link.click()
    phone.wait_for_url(CASE_PAGE)
    expect(phone.get_by_role("heading", name=re.compile(re.escape(number)))).to_be_visible()
    check_a11y(phone, "case on a phone")
    fits(phone)
    shot(phone, "staff-case-phone")
