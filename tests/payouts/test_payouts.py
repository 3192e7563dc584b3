"""Payment plans, batches, the payment file and marking a batch paid."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import ApiEvent, Case, CaseEvent, OutboxMessage, PaymentBatch, PaymentBatchLine, PaymentInstalment
from app.payouts import files
from app.services.money import payouts

TODAY = clock.today()


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_plan_single_and_instalments():
    start = date(2026, 1, 31)
    assert payouts.plan_for(10_000, "single", 1, False, start) == [(start, 10_000)]
    assert payouts.plan_for(10_000, "instalments", 3, True, start) == [
        (date(2026, 1, 31), 3_334), (date(2026, 2, 28), 3_333), (date(2026, 3, 31), 3_333)]
    # Without advance payment the first instalment falls due after the first month.
    assert [d for d, _a in payouts.plan_for(900, "instalments", 3, False, start)] == [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert payouts.plan_for(0, "single", 1, False, start) == []


def test_batch_by_cvr_with_informal_group_listed_for_manual_payment(world):
    a = world.granted(10_000, title="Fodboldmål")
    b = world.granted(9_000, pool=world.rate_pool, title="Trænerkursus")
    g = world.granted(4_000, pool=world.new_pool, association=world.group, applicant=world.group_member,
                      title="Legeplads-dag")
    batch = payouts.create_batch(world.caseworker, TODAY)
    db.session.expire_all()
    batch = db.session.get(PaymentBatch, batch.id)
    # One payment for a and g; the instalment pool pays its first (advance) rate now, the others later.
    assert (batch.status, batch.line_count, batch.total_amount) == ("draft", 3, 10_000 + 3_000 + 4_000)
    assert _count(PaymentInstalment, PaymentInstalment.case_id == b.id) == 3
    content = files.payment_file(batch.lines).decode("utf-8")
    assert content.startswith("\ufeff")
    assert content.splitlines() == [
        "\ufeffCVR-nummer;Beløb;Sagsnummer;Tekst",
        f"12345674;10000,00;{a.number};Tilskud {a.number} Aktivitetspuljen",
        f"12345674;3000,00;{b.number};Tilskud {b.number} rate 1/3 Ratepuljen",
    ]
    manual = files.manual_file(batch.lines).decode("utf-8").splitlines()
    assert manual[1] == (f"Forældregruppen;Gitte Gruppe;4000,00;{g.number};Tilskud {g.number} Nye initiativer;"
                         f"{files.MANUAL_NOTE}")
    assert "Gitte" not in content


def test_formula_text_is_defused():
    line = PaymentBatchLine(cvr="12345674", amount=5, case_number="2026-000001", text="=HYPERLINK(1)",
                            recipient_name="x")
    assert files.payment_file([line]).decode("utf-8").splitlines()[1] == "12345674;5,00;2026-000001;'=HYPERLINK(1)"


def test_nothing_due_creates_nothing(world):
    with pytest.raises(payouts.BatchError) as err:
        payouts.create_batch(world.caseworker, TODAY)
    assert err.value.code == "nothing_due" and _count(PaymentBatch) == 0


def test_an_instalment_is_never_in_two_batches(world):
    world.granted(10_000)
    first = payouts.create_batch(world.caseworker, TODAY)
    with pytest.raises(payouts.BatchError):
        payouts.create_batch(world.caseworker, TODAY)  # nothing left to batch
    line = db.session.scalars(sa.select(PaymentBatchLine)).one()
    second = PaymentBatch(status="draft", due_by=TODAY, created_by_id=world.caseworker.id)
    db.session.add(second)
    db.session.flush()
    db.session.add(PaymentBatchLine(batch_id=second.id, instalment_id=line.instalment_id, case_id=line.case_id,
                                    amount=line.amount, case_number=line.case_number, recipient_name="x",
                                    cvr="12345674", text=""))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert _count(PaymentBatchLine) == 1 and first.id


def test_paying_moves_fully_paid_cases_and_tells_everyone(world):
    a = world.granted(10_000)
    b = world.granted(9_000, pool=world.rate_pool, title="Trænerkursus")
    batch = payouts.create_batch(world.caseworker, TODAY)
    with pytest.raises(payouts.BatchError):
        payouts.mark_paid(batch.id, world.caseworker)  # must be sent first
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    result = payouts.mark_paid(batch.id, world.caseworker)
    db.session.expire_all()
    assert result.moved == [a.number] and result.waiting == [b.number] and result.failed == []
    case_a, case_b = db.session.get(Case, a.id), db.session.get(Case, b.id)
    assert case_a.state == "paid" and case_a.report_due_on == TODAY + timedelta(days=60)
    assert case_b.state == "granted"
    assert _count(CaseEvent, CaseEvent.case_id == a.id, CaseEvent.action == "mark_paid") == 1
    assert _count(PaymentInstalment, PaymentInstalment.paid_at.is_not(None)) == 2
    notices = db.session.execute(sa.select(OutboxMessage.template, OutboxMessage.payload)
                                 .where(OutboxMessage.template.in_(("payout_paid", "case_update")))
                                 .order_by(OutboxMessage.id)).all()
    assert ("payout_paid", b.number, 3_000) in [(t, p["case_number"], p.get("amount")) for t, p in notices]
    assert any(t == "case_update" and p["case_number"] == a.number and "udbetalt" in p["state_public"]
               for t, p in notices)
    # Paying again is harmless: nothing moves twice.
    again = payouts.mark_paid(batch.id, world.caseworker)
    assert again.moved == [] and _count(CaseEvent, CaseEvent.action == "mark_paid") == 1


def test_deleting_a_draft_releases_its_instalments(world):
    world.granted(10_000)
    batch = payouts.create_batch(world.caseworker, TODAY)
    payouts.delete_draft(batch.id, world.caseworker)
    assert _count(PaymentBatch) == 0 and _count(PaymentInstalment, PaymentInstalment.batch_id.is_(None)) == 1
    assert payouts.create_batch(world.caseworker, TODAY).line_count == 1


def _commits() -> tuple[list[int], object]:
    seen: list[int] = []

    def listener(session) -> None:
        seen.append(1)
    sa.event.listen(db.session(), "after_commit", listener)
    return seen, listener


def test_marking_a_batch_paid_is_one_commit_for_the_batch_and_all_its_cases(world):
    a, c = world.granted(10_000), world.granted(8_000, title="Klubtur")
    batch = payouts.create_batch(world.caseworker, TODAY)
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    seen, listener = _commits()
    try:
        result = payouts.mark_paid(batch.id, world.caseworker)
    finally:
        sa.event.remove(db.session(), "after_commit", listener)
    assert sorted(result.moved) == sorted([a.number, c.number])
    assert seen == [1]


def test_a_failure_while_moving_the_cases_leaves_the_batch_unpaid_and_every_case_as_it_was(world, monkeypatch):
    a, c = world.granted(10_000), world.granted(8_000, title="Klubtur")
    batch = payouts.create_batch(world.caseworker, TODAY)
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    real, moved = payouts.transitions.apply_transition, []

    def fail_on_the_second(case, action, user, *args, **kwargs):
        if moved:
            raise RuntimeError("the database went away")
        moved.append(case.id)
        return real(case, action, user, *args, **kwargs)
    monkeypatch.setattr(payouts.transitions, "apply_transition", fail_on_the_second)
    with pytest.raises(RuntimeError):
        payouts.mark_paid(batch.id, world.caseworker)
    db.session.expire_all()
    assert moved and db.session.get(PaymentBatch, batch.id).status == "sent"
    assert _count(PaymentInstalment, PaymentInstalment.paid_at.is_not(None)) == 0
    assert [db.session.get(Case, x.id).state for x in (a, c)] == ["granted", "granted"]
    assert _count(CaseEvent, CaseEvent.action == "mark_paid") == 0
    monkeypatch.undo()
    assert sorted(payouts.mark_paid(batch.id, world.caseworker).moved) == sorted([a.number, c.number])


def test_a_case_the_engine_refuses_is_listed_and_does_not_undo_the_others(world, monkeypatch):
    a, c = world.granted(10_000), world.granted(8_000, title="Klubtur")
    batch = payouts.create_batch(world.caseworker, TODAY)
    world.approve(batch)
    payouts.mark_sent(batch.id, world.caseworker)
    real = payouts._may_mark_paid
    monkeypatch.setattr(payouts, "_may_mark_paid", lambda case, user: case.id != c.id and real(case, user))
    result = payouts.mark_paid(batch.id, world.caseworker)
    db.session.expire_all()
    assert result.moved == [a.number] and result.failed == [c.number]
    assert db.session.get(Case, a.id).state == "paid" and db.session.get(PaymentBatch, batch.id).status == "paid"


def test_an_approved_batch_is_an_api_event(world):
    world.granted(10_000)
    batch_id = payouts.create_batch(world.caseworker, TODAY).id
    assert db.session.scalar(sa.select(ApiEvent).where(ApiEvent.type == "payout.approved")) is None
    world.approve(db.session.get(PaymentBatch, batch_id))
    [event] = db.session.scalars(sa.select(ApiEvent).where(ApiEvent.type == "payout.approved")).all()
    assert event.subjects == {"payout_batch_id": batch_id}
    assert event.data == {"total_amount": 10_000, "line_count": 1}
