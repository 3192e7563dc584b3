"""Concurrent delegated grants in one pool take turns at the pool's lock: never more granted than the budget."""
from __future__ import annotations

import threading

from app.extensions import db
from app.models import Case, Decision, User
from app.services.cases import transitions
from app.services.pools import limits
from tests.services.pools.conftest import count


def _race(app, case_ids: list[int], caseworker_id: int) -> list[str]:
    """Grant every case at once, each in its own thread, connection and session."""
    from app import create_app
    from config import TestingConfig
    racing = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": len(case_ids) + 2, "max_overflow": 0}
                        if db.engine.dialect.name == "postgresql" else {})
    barrier, results = threading.Barrier(len(case_ids)), []

    def grant(case_id: int) -> None:
        with racing.app_context():
            try:
                user = db.session.get(User, caseworker_id)
                barrier.wait(timeout=60)
                transitions.perform(case_id, "decide_grant", user)
                results.append("ok")
            except limits.AmountRefused as exc:
                results.append(f"refused: {exc.message}")
            except Exception as exc:  # noqa: BLE001  (reported by the assertions below)
                results.append(f"error: {exc!r}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=grant, args=(case_id,)) for case_id in case_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    with racing.app_context():
        db.engine.dispose()
    return results


def test_concurrent_delegated_grants_fill_the_budget_exactly(app, factory):
    """50 threads on PostgreSQL (row locks); SQLite, with one writer at a time, runs a smaller crowd."""
    from tests.services.pools.conftest import Money
    crowd, room = (50, 10) if db.engine.dialect.name == "postgresql" else (6, 3)
    money = Money(factory, budget=room * 1_000, delegation_limit=5_000)
    case_ids = [money.recommended(applied=1_000).id for _ in range(crowd)]
    results = _race(app, case_ids, money.caseworker.id)
    assert len(results) == crowd
    assert [r for r in results if r != "ok" and not r.startswith("refused: ")] == []
    assert results.count("ok") == room
    assert all("tilbage af budgettet" in r for r in results if r.startswith("refused: "))
    assert count(Decision) == room
    assert count(Case, Case.granted_amount.is_not(None)) == room
    assert limits.granted_in_pool(money.pool.id) == room * 1_000
