"""The queue's rows, drawn in Python (app/staff/queue_rows.py), read back from the real view: every column's cell,
the deadline badges, escaping of what applicants typed, the case link, the ticked count and the reader's language."""
import re
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from app import clock
from app.extensions import db
from app.formatting import day_only
from app.models import Case
from app.services.cases import transitions
from tests.factories import AssociationFactory

ALL_COLUMNS = "kolonnevalg=1&kolonne=forening&kolonne=pulje&kolonne=status&kolonne=indsendt&kolonne=frist" \
              "&kolonne=beloeb&kolonne=sagsbehandler"


def _cells(body: str, case: Case) -> dict[str, tuple[str, str]]:
    """{column: (its attributes, its inner HTML)} of the case's row."""
    row = re.search(rf'<tr>\s*<td class="q-select">(?:(?!</tr>).)*?id="sag-{case.id}".*?</tr>', body, re.S).group(0)
    return {key: (attrs, inner.strip()) for key, attrs, inner in
            re.findall(r'<td class="q-([a-z]+)"([^>]*)>(.*?)</td>', row, re.S)}


def _awaiting_reply(world, title: str, days: int) -> Case:
    case = world.submitted("start_screening", title=title)
    transitions.perform(case.id, "request_information", world.caseworker,
                        given=transitions.ActionInput(comment="Budget?", reply_deadline=clock.today()))
    db.session.execute(sa.update(Case).where(Case.id == case.id)
                       .values(reply_deadline=clock.today() + timedelta(days=days)))
    db.session.commit()
    return case


def test_every_column_of_a_row(app, client, auth, world):
    hostile = AssociationFactory(name='Klub <b>"Ø"</b> & co', cvr="87654321", members=(world.member,))
    db.session.commit()
    plain = world.submitted(title="<script>alert(1)</script> Sommerlejr", association=hostile)
    late, near, later = (_awaiting_reply(world, "Sen", -1), _awaiting_reply(world, "Snart", 2),
                         _awaiting_reply(world, "Senere", 30))
    db.session.execute(sa.update(Case).where(Case.id == late.id).values(assignee_id=world.caseworker.id))
    db.session.commit()
    auth.login("mette@kommune.dk")
    client.get(f"/sagsbehandling/?{ALL_COLUMNS}")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body and "<b>" not in body

    cells = _cells(body, plain)
    assert list(cells) == ["select", "case", "forening", "pulje", "status", "indsendt", "frist", "beloeb",
                           "sagsbehandler"]
    with app.test_request_context():
        link = url_for("staff.case", case_id=plain.id)
        submitted = day_only(plain.submitted_at)
    assert (f'<a class="q-link q-number" href="{link}">{plain.number}</a> <span class="q-title" '
            'title="&lt;script&gt;alert(1)&lt;/script&gt; Sommerlejr">&lt;script&gt;alert(1)&lt;/script&gt; '
            'Sommerlejr</span>') in cells["case"][1]
    assert cells["forening"] == (' data-label="Forening" title="Klub &lt;b&gt;&#34;Ø&#34;&lt;/b&gt; &amp; co '
                                 '(CVR 87654321)"', "Klub &lt;b&gt;&#34;Ø&#34;&lt;/b&gt; &amp; co")
    assert cells["pulje"][1] == world.pool.name
    assert cells["status"] == (' data-label="Status" title="Modtaget"', "Modtaget")
    assert cells["indsendt"][1] == submitted
    assert cells["frist"][1] == "–"  # a received case waits for nobody outside the municipality
    assert cells["beloeb"][1] == "10.000 kr."
    assert cells["sagsbehandler"] == (' data-label="Sagsbehandler" title="Ikke tildelt"', "Ikke tildelt")
    assert f'<span class="sr-only">Vælg sag {plain.number}</span>' in cells["select"][1]

    assert _cells(body, late)["frist"][1].endswith('<span class="badge badge-error app-queue-badge">Overskredet</span>')
    assert _cells(body, near)["frist"][1].endswith('<span class="badge badge-warning app-queue-badge">Snart</span>')
    assert _cells(body, later)["frist"][1] == day_only(clock.today() + timedelta(days=30))
    assert _cells(body, late)["sagsbehandler"][1] == "Mette Sørensen"


def test_a_ticked_case_stays_ticked_and_is_counted(client, auth, world):
    a, b = world.submitted(), world.submitted()
    auth.login("mette@kommune.dk")
    body = client.post("/sagsbehandling/", data={"sager": [f"{a.id}:{a.version}"], "bulk-assignee": "999999"}) \
        .get_data(as_text=True)
    assert f'id="sag-{a.id}" name="sager" value="{a.id}:{a.version}" checked>' in body
    assert f'id="sag-{b.id}" name="sager" value="{b.id}:{b.version}">' in body
    assert ">1 sag valgt<" in body


def test_rows_in_the_readers_language(app, client, auth, world):
    case = world.submitted(title="Kanoer")
    auth.login("mette@kommune.dk")
    client.set_cookie("sprog", "en")
    body = client.get("/sagsbehandling/").get_data(as_text=True)
    with app.test_request_context("/", headers={"Cookie": "sprog=en"}):
        words = {text: gettext(text) for text in ("Ikke tildelt", "Forening", "Modtaget")}
        choose = gettext("Vælg sag %(number)s", number=case.number)
    assert all(words[text] != text for text in words), words  # the English catalogue has them
    cells = _cells(body, case)
    assert cells["sagsbehandler"][1] == words["Ikke tildelt"]
    assert f'data-label="{words["Forening"]}"' in cells["forening"][0]
    assert cells["status"][1] == words["Modtaget"]
    assert f'<span class="sr-only">{choose}</span>' in cells["select"][1]


def test_no_cases_is_one_row_that_says_so(client, auth, world):
    auth.login("mette@kommune.dk")
    body = client.get("/sagsbehandling/?q=findesikke").get_data(as_text=True)
    assert re.search(r'<tbody>\s*<tr><td colspan="8">Ingen sager passer til filtrene.</td></tr>\s*</tbody>', body)
    assert "app-queue-bulk" not in body
