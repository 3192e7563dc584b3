"""The caseworker's day through the pages: filter, open, ask, get the answer, score, recommend, decide."""
import re
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import Case, Decision, OutboxMessage
from tests.staff.conftest import fresh


def _version(case) -> int:
    return fresh(case).version


def _ok(response):
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response


def test_from_queue_to_decision_and_to_committee(client, auth, world):
    small = world.submitted(title="Sommerlejr ved søen", amount=15_000)
    big = world.submitted(title="Ny klubbus", amount=90_000)
    staff = world.caseworker

    auth.login(staff.email)
    queue = client.get("/sagsbehandling/?q=sommerlejr&tildelt=none").get_data(as_text=True)
    assert small.number in queue and big.number not in queue
    url = f"/sagsbehandling/sager/{small.id}"
    assert "Sommerlejr ved søen" in client.get(url).get_data(as_text=True)
    _ok(client.post(f"{url}/tildeling", data={"take": "1", "assign-assignee": "none",
                                              "assign-version": _version(small)}))
    _ok(client.post(f"{url}/handling", data={"action": "start_screening", "version": _version(small)}))
    deadline = (clock.today() + timedelta(days=10)).isoformat()
    _ok(client.post(f"{url}/oplysninger", data={"info-question": "Hvor mange børn deltager?",
                                                "info-reply_deadline": deadline, "info-version": _version(small)}))
    assert fresh(small).state == "needs_information"
    asked = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.template == "case_update")
                               .order_by(OutboxMessage.id)).all()[-1]
    assert asked.recipient == world.association.contact_email

    auth.logout()
    auth.login(world.member.email)
    page = client.get(f"/forening/sager/{small.id}").get_data(as_text=True)
    assert "Hvor mange børn deltager?" in page
    _ok(client.post(f"/forening/sager/{small.id}/handling", data={
        "action": "answer_information", "version": _version(small), "comment": "Vi er 32 børn."}))
    told = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.template == "case_update_staff")
                          .order_by(OutboxMessage.id)).all()[-1]
    assert told.recipient == staff.email

    auth.logout()
    auth.login(staff.email)
    page = client.get(url).get_data(as_text=True)
    assert "Vi er 32 børn." in page and "Visitation" in page
    _ok(client.post(f"{url}/handling", data={"action": "start_assessment", "version": _version(small)}))
    first, second = (c.id for c in world.pool.criteria)
    _ok(client.post(f"{url}/vurdering", data={
        "assessment-version": _version(small), f"assessment-score_{first}": "5", f"assessment-score_{second}": "2",
        "assessment-recommended_amount": "12.000", "assessment-recommendation": "God aktivitet for mange børn."}))
    _ok(client.post(f"{url}/handling", data={"action": "recommend", "version": _version(small)}))
    page = client.get(url).get_data(as_text=True)
    # The reason is drafted to the association; the recommendation's internal words stay in the journal.
    assert "4,0" in page and re.search(r'name="reason"[^>]*>I får 12.000 kr. af de 15.000 kr., I har søgt om til »Sommerlejr ved søen«.', page)
    form = {"action": "decide_grant", "version": _version(small), "reason": "God aktivitet for mange børn."}
    preview = client.post(f"{url}/afgoerelse", data=form).get_data(as_text=True)
    assert f"Bevilg 12.000 kr. til {world.association.name} og send brevet" in preview
    _ok(client.post(f"{url}/handling", data=form))
    decided = fresh(small)
    assert decided.state == "granted" and decided.granted_amount == 12_000
    decision = db.session.scalar(db.select(Decision).where(Decision.case_id == small.id))
    assert decision.delegated and decision.appeal_text == world.pool.appeal_text

    other = f"/sagsbehandling/sager/{big.id}"
    for action in ("start_screening", "start_assessment", "recommend"):
        _ok(client.post(f"{other}/handling", data={"action": action, "version": _version(big)}))
    page = client.get(other).get_data(as_text=True)
    assert 'value="send_to_committee"' in page and 'value="decide_grant"' not in page
    _ok(client.post(f"{other}/handling", data={"action": "send_to_committee", "version": _version(big)}))
    assert db.session.get(Case, big.id).state == "committee"
