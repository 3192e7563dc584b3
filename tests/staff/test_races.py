"""Two caseworkers acting on one case at the same moment: one wins, the other is told in Danish what changed."""
import re
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import CaseEvent, Decision
from app.services.cases import transitions
from tests.concurrency import at_once
from tests.conftest import AuthActions
from tests.staff.conftest import fresh

_login = threading.Lock()  # the two-factor step reads and moves each user's last code: one log-in at a time


def _decide(case, email, with_version=True):
    def attempt(racing, go):
        client = racing.test_client()
        with _login:
            AuthActions(client).login(email)
        data = {"action": "decide_grant", "seen": "0"}
        if with_version:
            data["version"] = str(case.version)
        go()
        resp = client.post(f"/sagsbehandling/sager/{case.id}/handling", data=data)
        return resp.status_code, resp.get_data(as_text=True)
    return attempt


@pytest.mark.parametrize("with_version", [True, False])
def test_two_simultaneous_decisions_have_one_winner_and_no_500(app, world, with_version):
    case = world.submitted("start_screening", "start_assessment", "recommend")
    results = at_once(app, [_decide(case, "mette@kommune.dk", with_version),
                            _decide(case, "jonas@kommune.dk", with_version)])
    codes = sorted(r[0] for r in results if isinstance(r, tuple))
    assert codes == [302, 409], results
    [(_, loser)] = [r for r in results if r[0] == 409]
    if with_version:
        assert "Sagen er ændret af en anden" in loser and "Bevilg" in loser
    assert fresh(case).state == "granted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.action == "decide_grant")) == 1


def test_a_stale_form_lists_what_changed_since_it_was_shown(client, auth, world):
    case = world.submitted("start_screening", "start_assessment", "recommend")
    auth.login("mette@kommune.dk")
    page = client.get(f"/sagsbehandling/sager/{case.id}").get_data(as_text=True)
    seen, version = re.search(r'name="seen" value="(\d+)"', page).group(1), case.version
    transitions.perform(case.id, "reopen_assessment", world.colleague, given=transitions.ActionInput(comment="Mangler budget"))
    resp = client.post(f"/sagsbehandling/sager/{case.id}/handling", data={
        "action": "decide_grant", "version": version, "seen": seen})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "Sagen er ændret af en anden" in body and "Jonas Bæk" in body


def _correct(decision_id, email, amount):
    def attempt(racing, go):
        client = racing.test_client()
        with _login:
            AuthActions(client).login(email)
        go()
        resp = client.post(f"/udvalg/afgoerelser/{decision_id}/ret",
                           data={"note": f"Rettet af {email}", "amount": amount, "reason": "Budgettet"})
        return resp.status_code, resp.get_data(as_text=True)
    return attempt


@pytest.mark.parametrize("four_eyes", [True, False])
def test_two_simultaneous_corrections_have_one_winner_and_no_500(app, world, factory, four_eyes):
    from app.models import MoneyApproval
    case = factory.decided_case(world.pool, world.association, world.member, world.caseworker, 10_000)
    decision_id = db.session.scalar(sa.select(Decision.id).where(Decision.case_id == case.id))
    results = at_once(app, [_correct(decision_id, "mette@kommune.dk", "8.000"),
                            _correct(decision_id, "jonas@kommune.dk", "9.000")], FOUR_EYES=four_eyes)
    codes = sorted(r[0] for r in results if isinstance(r, tuple))
    assert codes == [302, 409], [r if not isinstance(r, tuple) else r[0] for r in results]
    [(_, loser)] = [r for r in results if r[0] == 409]
    assert "venter allerede" in loser or "allerede rettet" in loser or "ændret af en anden" in loser
    db.session.expire_all()
    corrections = db.session.scalar(sa.select(sa.func.count()).select_from(Decision).where(
        Decision.corrects_id == decision_id))
    proposals = db.session.scalar(sa.select(sa.func.count()).select_from(MoneyApproval))
    assert (corrections, proposals) == ((0, 1) if four_eyes else (1, 0))
