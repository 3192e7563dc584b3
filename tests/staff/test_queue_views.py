"""The queue as a working tool, through the real view: saved views, the deadline filter, the chosen columns and
the selected count (the browser's look is tested in tests/e2e/test_queue_layout.py)."""
import re
from datetime import date, datetime

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case
from app.services.cases import queue, transitions
from app.services.cases.queue import QueueFilter

SUNDAY_LATE = datetime(2026, 12, 6, 23, 30)  # Copenhagen: still Sunday, already Monday nowhere near


def _awaiting_reply(world, title: str, deadline: date) -> Case:
    case = world.submitted("start_screening", title=title)
    transitions.perform(case.id, "request_information", world.caseworker,
                        given=transitions.ActionInput(comment="Budget?", reply_deadline=clock.today()))
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(reply_deadline=deadline))
    db.session.commit()
    return case


def _views(body: str) -> dict[str, str]:
    nav = re.search(r'<nav class="mb-5" aria-label="Gemte visninger">(.*?)</nav>', body, re.S).group(1)
    return {label: href.replace("&amp;", "&")
            for href, label in re.findall(r'href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def _headings(body: str) -> list[str]:
    head = re.search(r"<thead>(.*?)</thead>", body, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def test_week_of_is_the_danish_week_monday_to_sunday():
    assert queue.week_of(date(2026, 12, 6)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert queue.week_of(date(2026, 11, 30)) == (date(2026, 11, 30), date(2026, 12, 6))
    assert queue.week_of(date(2027, 1, 1)) == (date(2026, 12, 28), date(2027, 1, 3))  # a week across New Year


def test_saved_views_are_danish_links_that_set_the_filters(client, auth, world):
    clock.freeze(SUNDAY_LATE)
    world.submitted()
    auth.login("mette@kommune.dk")
    views = _views(client.get("/sagsbehandling/").get_data(as_text=True))
    assert list(views) == ["Alle åbne", "Mine", "Frist denne uge", "Til udvalget"]
    assert views["Alle åbne"].endswith("/sagsbehandling/")
    assert views["Mine"].endswith("?tildelt=me")
    assert "frist_fra=30.11.2026" in views["Frist denne uge"] and "frist_til=06.12.2026" in views["Frist denne uge"]
    assert views["Til udvalget"].endswith("?status=committee")
    body = client.get(views["Mine"]).get_data(as_text=True)
    assert re.search(r'aria-current="page">Mine<', body) and not re.search(r'aria-current="page">Alle åbne<', body)


def test_deadline_this_week_lists_only_deadlines_from_monday_to_sunday(client, auth, world):
    clock.freeze(SUNDAY_LATE)
    monday = _awaiting_reply(world, "Frist mandag", date(2026, 11, 30))
    sunday = _awaiting_reply(world, "Frist søndag", date(2026, 12, 6))
    later = _awaiting_reply(world, "Frist næste uge", date(2026, 12, 7))
    earlier = _awaiting_reply(world, "Frist ugen før", date(2026, 11, 29))
    no_deadline = world.submitted(title="Uden frist")
    auth.login("mette@kommune.dk")
    link = _views(client.get("/sagsbehandling/").get_data(as_text=True))["Frist denne uge"]
    body = client.get(link).get_data(as_text=True)
    for case in (monday, sunday):
        assert case.number in body
    for case in (later, earlier, no_deadline):
        assert case.number not in body
    assert body.index(monday.number) < body.index(sunday.number)  # sorted by deadline
    assert re.search(r'aria-current="page">Frist denne uge<', body)
    # The counts follow the same filter: two cases wait for a reply this week.
    f = QueueFilter(due_from=date(2026, 11, 30), due_to=date(2026, 12, 6))
    by_state = dict(queue.counts(f, world.caseworker).by_state)
    assert by_state.pop("needs_information") == 2 and set(by_state.values()) <= {0}
    assert "submitted" not in by_state  # no deadline of its own: not counted under a deadline filter


def test_deadline_filter_bad_input_is_a_danish_message(client, auth, world):
    world.submitted()
    auth.login("mette@kommune.dk")
    response = client.get("/sagsbehandling/?frist_fra=31.02.2027&frist_til=01.01.2020")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Datoen findes ikke" in body and 'value="31.02.2027"' in body
    body = client.get("/sagsbehandling/?frist_fra=02.01.2027&frist_til=01.01.2027").get_data(as_text=True)
    assert "Slutdatoen ligger før startdatoen." in body


def test_to_the_committee_and_mine(client, auth, world):
    mine = world.submitted("start_screening", title="Min sag")
    db.session.execute(sa.update(Case).where(Case.id == mine.id).values(assignee_id=world.caseworker.id))
    waiting = world.submitted(title="Til politisk behandling")
    db.session.execute(sa.update(Case).where(Case.id == waiting.id).values(state="committee"))
    other = world.submitted(title="Ny sag")
    db.session.commit()
    auth.login("mette@kommune.dk")
    views = _views(client.get("/sagsbehandling/").get_data(as_text=True))
    body = client.get(views["Til udvalget"]).get_data(as_text=True)
    assert waiting.number in body and mine.number not in body and other.number not in body
    body = client.get(views["Mine"]).get_data(as_text=True)
    assert mine.number in body and waiting.number not in body and other.number not in body


def test_column_choice_is_remembered_and_keeps_the_filters(client, auth, world):
    case = world.submitted(title="Sommerlejr")
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    assert _headings(body) == ["Vælg", "Sag", "Forening", "Status", "Indsendt", "Frist", "Ansøgt", "Sagsbehandler"]
    assert "Vælg kolonner" in body and 'name="kolonnevalg"' in body
    response = client.get("/sagsbehandling/?q=sommerlejr&kolonnevalg=1&kolonne=pulje&kolonne=beloeb&kolonne=zz")
    assert response.status_code == 302 and response.location.endswith("/sagsbehandling/?q=sommerlejr")
    body = client.get("/sagsbehandling/").get_data(as_text=True)  # remembered without the arguments
    assert _headings(body) == ["Vælg", "Sag", "Pulje", "Ansøgt"]
    assert case.number in body and "10.000 kr." in body and "Boldklubben Nordstjernen" not in body
    assert 'id="kolonne-pulje" name="kolonne" value="pulje" checked' in body
    assert 'id="kolonne-forening" name="kolonne" value="forening">' in body
    client.get("/sagsbehandling/?kolonnevalg=1")  # nothing ticked: only the case itself
    assert _headings(client.get("/sagsbehandling/").get_data(as_text=True)) == ["Vælg", "Sag"]


def test_column_choice_is_not_carried_into_the_page_links(app, client, auth, world):
    app.config["QUEUE_PAGE_SIZE"] = 1
    world.submitted(title="Sag nummer 1")
    world.submitted(title="Sag nummer 2")
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/?q=nummer").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" rel="next"', body).group(1)
    assert "kolonne" not in link and "q=nummer" in link


def test_selected_count_and_bulk_messages_use_plural_forms(client, auth, world):
    a, b = world.submitted(), world.submitted()
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    assert '<p class="app-queue-count" id="queue-selected" aria-live="polite">0 sager valgt</p>' in body
    assert 'data-count-one="{n} sag valgt"' in body and 'data-count-other="{n} sager valgt"' in body
    response = client.post("/sagsbehandling/", data={"sager": [f"{a.id}:{a.version}"],
                                                     "bulk-assignee": str(world.colleague.id)},
                           follow_redirects=True)
    assert "1 sag er tildelt." in response.get_data(as_text=True)
    response = client.post("/sagsbehandling/", data={"sager": [f"{b.id}:{b.version}", "x:y"], "bulk-assignee": "none"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Vælg de sager" in body
    # The box that was ticked stays ticked and is counted; the malformed value is no box on the page.
    assert f'value="{b.id}:{b.version}" checked' in body and ">1 sag valgt<" in body


def test_counts_past_the_cap_show_a_plus(app, client, auth, world):
    """A count past QUEUE_COUNT_CAP reads "cap+" (the view stops counting there); one below it is exact."""
    app.config["QUEUE_COUNT_CAP"] = 1
    world.submitted()
    world.submitted()
    world.submitted("start_screening")
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    shown = dict(re.findall(r'>([^<>]+)</a>: <strong>([^<]+)</strong>', body))
    assert shown["Modtaget"] == "1+" and shown["Visitation"] == "1" and shown["Afventer oplysninger"] == "0"


def _counts_shown(body: str) -> dict[str, str]:
    return dict(re.findall(r'>([^<>]+)</a>: <strong>([^<]+)</strong>', body))


def test_a_search_shows_the_list_first_and_its_counts_on_request(client, auth, world):
    """A search's counts cost more than its page: the page links to them (no JavaScript) and names the
    fragment queue.js fetches; both give the same numbers under the same filters."""
    world.submitted(title="Kanoer til søen")
    world.submitted(title="Fodboldmål")
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/?q=kanoer").get_data(as_text=True)
    assert "Kanoer til søen" in body and "Fodboldmål" not in body
    assert _counts_shown(body) == {}
    fragment_url = re.search(r'data-counts-url="([^"]+)"', body).group(1).replace("&amp;", "&")
    assert fragment_url == "/sagsbehandling/antal?q=kanoer"
    link = re.search(r'<a class="app-queue-counts-link" href="([^"]+)">Vis antal</a>', body).group(1)
    with_counts = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert _counts_shown(with_counts)["Modtaget"] == "1" and "data-counts-url" not in with_counts
    fragment = client.get(fragment_url)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert _counts_shown(fragment.get_data(as_text=True)) == _counts_shown(with_counts)
    # The state links of the fragment keep the search.
    assert "/sagsbehandling/?q=kanoer&amp;status=submitted" in fragment.get_data(as_text=True)
    # Without a search word the counts are part of the page, as before.
    assert _counts_shown(client.get("/sagsbehandling/").get_data(as_text=True))["Modtaget"] == "2"


def test_rows_show_translated_labels_once_per_page(client, auth, world):
    """State labels and the row texts come from one translation per page, in the reader's language."""
    case = world.submitted(title="Kanoer")
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    assert f'<span class="sr-only">Vælg sag {case.number}</span>' in body
    assert '<td class="q-status" data-label="Status" title="Modtaget">Modtaget</td>' in body
    assert 'title="Ikke tildelt">Ikke tildelt</td>' in body
