"""The applying services on their own: rules, rows, journal and outbox; real concurrency on PostgreSQL."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from app import clock
from app.extensions import db
from app.forms_runtime import load_spec
from app.forms_runtime.spec import FieldSpec
from app.models import Case, CaseEvent, OutboxMessage, User
from app.services.applying import applications
from app.services.applying.rules import (amount_from, application_problems, requires_future_date, rule_problems,
                                            title_from)

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("label, expected", [
    ("Hvornår begynder aktiviteten?", True), ("Startdato", True), ("Hvornår afholdes arrangementet?", True),
    ("Hvornår slutter projektet?", True), ("Hvornår blev foreningen stiftet?", False), ("Fødselsdato", False)])
def test_which_dates_must_lie_ahead(label, expected):
    assert requires_future_date(FieldSpec(key="d", label=label, kind="date")) is expected
    assert not requires_future_date(FieldSpec(key="d", label=label, kind="short_text"))


def test_rule_problems():
    start = FieldSpec(key="start", label="Hvornår begynder aktiviteten?", kind="date")
    assert rule_problems(start, "2026-05-31", TODAY) and not rule_problems(start, "2026-06-01", TODAY)
    money = FieldSpec(key="budget", label="Budget", kind="budget")
    even = {"expenses": [{"text": "Telte", "amount": 10}], "income": [{"text": "Tilskud", "amount": 10}],
            "total_expenses": 10, "total_income": 10, "applied": 0}
    assert "intet beløb" in str(rule_problems(money, even, TODAY)[0])
    assert not rule_problems(money, {**even, "income": [], "total_income": 0, "applied": 10}, TODAY)


def test_title_and_amount_come_from_the_answers(world):
    spec = load_spec(world["version"].id)
    assert title_from(spec, {}, "Puljen", "Klubben") == "Puljen – Klubben"
    assert title_from(spec, {"titel": "  Lejr  "}, "Puljen", "Klubben") == "Lejr"
    budget = {"expenses": [{"text": "Telte", "amount": 500}], "income": [{"text": "Salg", "amount": 800}]}
    assert amount_from(spec, {"budget": budget}) is None
    assert amount_from(spec, {"budget": {**budget, "income": []}}) == 500
    assert set(application_problems(spec, {}, TODAY)) == {"titel", "beskrivelse", "start", "samarbejde", "budget",
                                                          "tilbud"}


def _complete(case_id: int, user: User) -> int:
    """Fill the draft through the service; returns the new version."""
    case = db.session.get(Case, case_id)
    values = {"titel": "Lejr", "beskrivelse": "Telte", "start": (clock.today() + timedelta(days=9)).isoformat(),
              "samarbejde": False, "partnere": None,
              "budget": {"expenses": [{"text": "Telte", "amount": 900}], "income": [], "total_expenses": 900,
                         "total_income": 0, "applied": 900},
              "tilbud": {"document_id": None, "filename": "tilbud.pdf"}}
    saved = applications.save_step(case_id, user, applications.StepSave(case.version, 0, values, resume_at=3))
    return saved.case.version


def test_submit_writes_case_journal_and_outbox_in_one_go(world):
    started = applications.start(world["pool"].id, world["a"].id, world["chair"], clock.today())
    assert started.created and started.case.form_version_id == world["version"].id
    version = _complete(started.case.id, world["chair"])
    case = applications.submit(started.case.id, world["chair"], version, clock.today())
    assert case.state == "submitted" and case.amount_applied == 900 and case.title == "Lejr"
    events = db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    assert [(e.action, e.from_state, e.to_state, e.actor_id) for e in events] == [
        ("submit", "draft", "submitted", world["chair"].id)]
    templates = sorted(m.template for m in db.session.scalars(db.select(OutboxMessage)))
    assert templates == ["application_receipt", "case_update_staff"]
    with pytest.raises(applications.AlreadySubmitted):
        applications.submit(case.id, world["treasurer"], version, clock.today())



def test_a_case_submitted_on_new_years_night_is_numbered_in_the_new_year(new_years_night, world):
    started = applications.start(world["pool"].id, world["a"].id, world["chair"], clock.today())
    case = applications.submit(started.case.id, world["chair"], _complete(started.case.id, world["chair"]),
                               clock.today())
    assert case.number.startswith("2031-") and case.submitted_at.year == 2030  # stored in UTC

def test_start_refuses_with_reasons(world, factory):
    pool = factory.pool(year=clock.today().year, opens_on=clock.today() + timedelta(days=5),
                        deadline=clock.today() + timedelta(days=40))
    factory.form_version(pool)
    db.session.commit()
    with pytest.raises(applications.NotEligible) as refused:
        applications.start(pool.id, world["a"].id, world["chair"], clock.today())
    assert "åbner for ansøgninger" in str(refused.value.problems[0])
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def _in_threads(app, target, args_list):
    barrier, results = threading.Barrier(len(args_list)), []

    def run(*args):
        with app.app_context():
            barrier.wait()
            try:
                results.append(target(*args))
            except Exception as exc:  # noqa: BLE001  (collected and asserted on)
                results.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


@pytest.mark.postgres
def test_two_board_members_starting_at_once_share_one_draft(app, world):
    ids = (world["pool"].id, world["a"].id)
    users = (world["chair"].id, world["treasurer"].id)
    db.session.remove()

    def go(user_id):
        return applications.start(*ids, db.session.get(User, user_id), clock.today()).case.id
    results = _in_threads(app, go, [(u,) for u in users])
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results)


@pytest.mark.postgres
def test_double_submit_at_the_same_moment_gives_one_case_number(app, world):
    started = applications.start(world["pool"].id, world["a"].id, world["chair"], clock.today())
    case_id, version = started.case.id, _complete(started.case.id, world["chair"])
    user_id = world["chair"].id
    db.session.remove()

    def go():
        return applications.submit(case_id, db.session.get(User, user_id), version, clock.today()).number
    results = _in_threads(app, go, [(), ()])
    numbers = [r for r in results if isinstance(r, str)]
    again = [r for r in results if isinstance(r, applications.AlreadySubmitted)]
    assert len(numbers) == 1 and len(again) == 1, results
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseEvent).where(
        CaseEvent.action == "submit")) == 1
