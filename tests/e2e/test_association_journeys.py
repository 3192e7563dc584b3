"""The association's side in a real browser: a new person registers a club and invites a board member, who accepts
by the link in the e-mail; a club answers a caseworker's question with a file; a club reads its decision letter.
Every page visited is checked with axe and saved at 1280 and 360 px."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from playwright.sync_api import expect

from app import clock
from tests.e2e.conftest import check_a11y
from tests.e2e.journeys import PDF, link_in_mail, look, mail_log, person, sign_up, unique, valid_cvr

POOL = "nye-initiativer"  # the demo's rolling pool: open whatever the date
CHAIR = "forening@demo.dk"  # Karen Holm, chair of Boldklubben Nordstjernen
CASEWORKER = "sagsbehandler@demo.dk"


@pytest.fixture(scope="session")
def mail_file(live_server):
    return mail_log(live_server)


def _register_club(page, club: str, cvr: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Registrér en forening").click()
    look(page, "association-register")
    page.get_by_role("radio", name="En forening med CVR-nummer").check()
    page.get_by_role("textbox", name="CVR-nummer").fill(cvr[:-1] + str((int(cvr[-1]) + 1) % 10))  # a typo
    page.get_by_label("Foreningens navn").fill(club)
    page.get_by_role("textbox", name="Adresse", exact=True).fill("Engvej 3")
    page.get_by_label("Postnummer").fill("9999")
    page.get_by_role("textbox", name="By", exact=True).fill("Eksempelby")
    page.get_by_label("Hvad laver foreningen?").fill("Vi spiller petanque i parken hver søndag.")
    page.get_by_role("group", name="Har foreningen aktiviteter for børn under 15 år?").get_by_label("Nej").check()
    page.get_by_role("button", name="Registrér foreningen").click()
    expect(page.locator("#error-summary")).to_contain_text("kontrolcifferet passer ikke")
    expect(page.locator("#cvr-error")).to_contain_text("kontrolcifferet passer ikke")
    expect(page.get_by_label("Foreningens navn")).to_have_value(club)  # nothing typed is lost
    expect(page.get_by_label("Hvad laver foreningen?")).to_have_value("Vi spiller petanque i parken hver søndag.")
    look(page, "association-register-error")
    page.get_by_role("textbox", name="CVR-nummer").fill(cvr)
    page.get_by_role("button", name="Registrér foreningen").click()
    page.wait_for_url("**/forening/foreninger/*")
    expect(page.get_by_text(f"{club} er registreret, og du er formand.")).to_be_visible()
    look(page, "association-page")


def _invite(page, invitee: str) -> None:
    with page.expect_navigation():
        page.get_by_role("link", name="Se og inviter bestyrelsen").click()
    look(page, "association-board")
    page.get_by_label("E-mail på den, I vil invitere").fill(invitee)
    page.get_by_label("Rolle", exact=True).select_option(label="Kasserer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text(f"Invitationen er sendt til {invitee}.")).to_be_visible()
    expect(page.get_by_role("button", name=f"Annullér invitationen til {invitee}")).to_be_visible()
    look(page, "association-board-invited")


def _accept(page, base: str, link: str, club: str, invitee: str) -> None:
    page.goto(link)
    expect(page.get_by_text(f"Du er inviteret til at være med i bestyrelsen for {club} som kasserer.")).to_be_visible()
    look(page, "association-invitation")
    page.get_by_role("link", name="Opret en bruger").click()
    sign_up(page, base, "Per Kasse", invitee)
    page.wait_for_url("**/forening/invitation/*")  # back at the invitation after signing up
    look(page, "association-invitation-signed-in")
    page.get_by_role("button", name="Tag imod invitationen").click()
    page.wait_for_url("**/forening/foreninger/*")
    expect(page.get_by_text(f"Velkommen! Du er nu med i bestyrelsen for {club}.")).to_be_visible()
    check_a11y(page, "association page after accepting")
    page.get_by_role("link", name="Se og inviter bestyrelsen").click()
    expect(page.get_by_role("heading", name="Lise Kugle")).to_be_visible()
    expect(page.get_by_role("heading", name="Per Kasse (dig)")).to_be_visible()
    expect(page.get_by_text(f"Kasserer · {invitee}")).to_be_visible()
    expect(page.get_by_role("heading", name="Invitationer, der venter")).to_have_count(0)
    look(page, "association-board-joined")


def test_new_person_registers_a_club_and_invites_a_board_member(browser, live_server, mail_file):
    tag = unique("petanque")
    club, chair, invitee = f"Petanqueklubben {tag}", f"{tag}@formand.example", f"{tag}@kasserer.example"
    with person(browser, live_server) as page:
        sign_up(page, live_server, "Lise Kugle", chair)
        expect(page.get_by_role("heading", name="Hej Lise")).to_be_visible()
        look(page, "association-new-home")
        _register_club(page, club, valid_cvr())
        _invite(page, invitee)
    link = link_in_mail(mail_file, invitee, r"https?://\S+/forening/invitation/\S+")
    with person(browser, live_server) as page:  # the invitee, in another browser
        _accept(page, live_server, link, club, invitee)
        page.goto(link)  # a spent link says so instead of failing
        expect(page.get_by_text("Du er allerede med i bestyrelsen.")).to_be_visible()
        check_a11y(page, "spent invitation")


def _apply(page, base: str, what: str) -> tuple[str, str]:
    """The chair sends a short application to the new-initiatives pool; returns the case page URL and number."""
    page.goto(f"{base}/forening/ansoegninger/ny/{POOL}")
    page.locator("#association-choice button.button-primary").click()  # start, or go on with a draft
    page.wait_for_url("**/trin/1")
    check_a11y(page, "application step 1")
    page.get_by_label("Projektets titel").fill(what[:60])
    page.get_by_label("Hvad vil I lave?").fill(what)
    page.get_by_label("Hvornår begynder aktiviteten?").fill((clock.today() + timedelta(days=40)).strftime("%d.%m.%Y"))
    page.get_by_label("Hvor mange deltager?").fill("12")
    page.get_by_label("Voksne").check()
    page.get_by_role("group", name="Samarbejder I med andre?").get_by_label("Nej").check()
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/trin/2")
    check_a11y(page, "application step 2")
    page.get_by_label("Udgift, linje 1: tekst").fill("Garn og pinde")
    page.get_by_label("Udgift, linje 1: beløb i kr.").fill("2500")
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/trin/3")
    check_a11y(page, "application step 3")
    page.get_by_role("button", name="Gem og fortsæt").click()
    page.wait_for_url("**/oversigt")
    check_a11y(page, "application summary")
    page.get_by_role("button", name="Send ansøgningen").click()
    page.wait_for_url("**/kvittering")
    check_a11y(page, "application receipt")
    number = page.get_by_text("Sagsnummer:").inner_text().split(":")[1].strip()
    page.get_by_role("link", name="Gå til sagen").click()
    page.wait_for_url("**/forening/sager/*")
    check_a11y(page, "case page after submitting")
    return page.url, number


def _caseworker_asks(page, number: str, question: str) -> None:
    page.get_by_role("textbox", name="Søg (valgfri)").fill(number)
    with page.expect_navigation():  # axe on a page that is being replaced finds no document
        page.get_by_role("button", name="Vis sager").click()
    check_a11y(page, "caseworker's search result")
    page.get_by_role("link", name=number, exact=True).click()
    page.wait_for_url("**/sagsbehandling/sager/*")
    look(page, "association-info-staff-case")
    page.get_by_role("button", name="Påbegynd visitation").click()
    expect(page.get_by_role("button", name="Send spørgsmål")).to_be_visible()
    check_a11y(page, "case in screening")
    page.get_by_label("Spørgsmål til ansøgeren").fill(question)
    if not page.get_by_label("Svarfrist").input_value():
        page.get_by_label("Svarfrist").fill((clock.today() + timedelta(days=14)).strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Send spørgsmål").click()
    expect(page.get_by_text("Spørgsmålet er sendt til foreningen.")).to_be_visible()
    look(page, "association-info-staff-asked")


def _club_answers(page, case_url: str, question: str, attachment) -> None:
    page.goto(case_url)
    asked = page.get_by_role("region", name="Kommunen mangler oplysninger fra jer")
    expect(asked).to_contain_text(question)
    expect(asked).to_contain_text("Svar senest")
    look(page, "association-info-asked")
    page.get_by_role("textbox", name="Jeres svar").fill("I biblioteket på Torvet, tirsdage kl. 19-21. Lejeaftalen er vedhæftet.")
    page.get_by_label("Filer").set_input_files(str(attachment))
    page.get_by_role("button", name="Send svaret").click()
    expect(page.get_by_text("Tak! Jeres svar er sendt til kommunen.")).to_be_visible()
    expect(page.get_by_role("link", name="lejeaftale.pdf")).to_be_visible()
    reply = page.get_by_role("listitem").filter(has_text="I sendte jeres svar")  # in the case's timeline
    expect(reply).to_contain_text("biblioteket på Torvet")
    expect(page.get_by_role("heading", name="Kommunen mangler oplysninger fra jer")).to_have_count(0)
    look(page, "association-info-answered")


def test_club_answers_an_information_request_with_a_file(browser, live_server, tmp_path):
    what, question = unique("Strikkecafé for nye i byen"), unique("Hvor skal caféen holde til")
    attachment = tmp_path / "lejeaftale.pdf"
    attachment.write_bytes(PDF)
    with person(browser, live_server, CHAIR) as club, person(browser, live_server, CASEWORKER) as caseworker:
        case_url, number = _apply(club, live_server, what)
        _caseworker_asks(caseworker, number, question)
        _club_answers(club, case_url, question, attachment)
        caseworker.reload()
        info = caseworker.locator("#oplysninger")
        expect(info.get_by_text(question)).to_be_visible()
        expect(info.get_by_text("I biblioteket på Torvet")).to_be_visible()
        expect(caseworker.get_by_role("link", name="lejeaftale.pdf").first).to_be_visible()
        look(caseworker, "association-info-staff-answered")


def test_club_reads_its_decision_letter(browser, live_server):
    with person(browser, live_server, CHAIR) as page:
        look(page, "association-home")
        page.get_by_role("link", name="Nye fodboldmål til børneholdene").click()  # granted in the demo data
        expect(page.get_by_text("Bevilget beløb")).to_be_visible()
        look(page, "association-decided-case")
        letters = page.get_by_role("heading", name="Breve fra kommunen").locator("xpath=following-sibling::ul[1]")
        # The letter as a web page first: the same words as the PDF, readable on a phone and by a screen reader.
        letters.get_by_role("link", name="Læs afgørelsesbrevet").first.click()
        expect(page.get_by_role("heading", level=1, name="Afgørelse om tilskud")).to_be_visible()
        expect(page.get_by_role("heading", name="Klagevejledning")).to_be_visible()
        expect(page.get_by_text(re.compile(r"^Afgørelsen er truffet efter "))).to_be_visible()
        look(page, "association-letter-page")
        page.get_by_role("link", name="Tilbage til sagen").click()
        letters = page.get_by_role("heading", name="Breve fra kommunen").locator("xpath=following-sibling::ul[1]")
        letter = letters.get_by_role("link", name="Afgørelsesbrev (PDF)").first
        href = letter.get_attribute("href")
        response = page.request.get(urljoin(page.url, href))
        assert response.ok
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
        with page.expect_response(lambda r: r.url.endswith(href)) as opened:
            letter.click()  # what a person does: the browser opens the letter in its PDF viewer
        assert opened.value.ok and opened.value.headers["content-type"] == "application/pdf"
