"""The association's case page leads with the outcome, what happens next and the letter; its timeline says each
thing once."""
from __future__ import annotations

import re
from datetime import timedelta

from app import clock
from app.extensions import db
from app.formatting import day_only
from app.models import Decision, PaymentInstalment
from tests import factories


def _granted(world, amount: int = 12_000):
    world["pool"].report_due_days = 30
    db.session.commit()
    case = factories.decided_case(world["pool"], world["a"], world["chair"], world["caseworker"], amount=amount)
    db.session.add(PaymentInstalment(case_id=case.id, position=1, due_on=clock.today() + timedelta(days=10),
                                     amount=amount))
    db.session.commit()
    return case


def _body(client, case) -> str:
    resp = client.get(f"/forening/sager/{case.id}")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_grant_leads_with_outcome_next_steps_and_named_letter(client, auth, world):
    case = _granted(world)
    decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id))
    assert decision.letter_available_at is not None
    auth.login("karen@example.dk")
    body = _body(client, case)
    top = body[body.index("<h1"):body.index("Sagsnummer")]  # before the case facts
    assert f"Bevilget 12.000 kr. den {day_only(decision.decided_at)}" in top
    assert f"Vi udbetaler 12.000 kr. den {day_only(clock.today() + timedelta(days=10))} til jeres NemKonto." in top
    assert "Send afrapporteringen senest 30 dage efter udbetalingen." in top
    letter = re.search(r'<a href="/forening/dokumenter/(\d+)">Afgørelsesbrev \(PDF\)</a>', top)
    assert letter is not None and int(letter.group(1)) == decision.letter_document_id
    assert "afgoerelse-" not in body  # no bare file name
    assert "Vil I klage over afgørelsen?" in top


def test_refusal_leads_with_the_refusal_and_its_reason(client, auth, world):
    case = factories.decided_case(world["pool"], world["a"], world["chair"], world["caseworker"],
                                  decision="decide_reject")
    auth.login("karen@example.dk")
    body = _body(client, case)
    top = body[body.index("<h1"):body.index("Sagsnummer")]
    assert "Afslag den" in top and "Budgettet er brugt." in top
    assert "Vi udbetaler" not in top and "afrapportering" not in top


def test_undecided_case_has_no_outcome(client, auth, world, asking_case):
    auth.login("karen@example.dk")
    assert 'id="outcome-heading"' not in _body(client, asking_case)


def test_timeline_has_no_repeated_consecutive_lines(client, auth, world):
    case = _granted(world)
    auth.login("karen@example.dk")
    body = _body(client, case)
    part = body[body.index('id="timeline-heading"'):]
    part = part[:part.index("</section>")]
    lines = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", li)).split(" · ", 1)[1].strip()
             for li in re.findall(r"<li>(.*?)</li>", part, re.S)]
    assert "I sendte ansøgningen" in lines and "Bevilget" in lines
    assert lines.count("Under behandling") == 1  # screening, assessment and recommendation are one step to them
    assert all(a != b for a, b in zip(lines, lines[1:])), lines
