"""A known data set for the indicators: six applications in 2025 (and one in 2024), three pools, two committees."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import Case


def _case(pool, association, number: int, submitted: datetime, decided_days: float | None, amount: int | None,
          state: str) -> Case:
    decided = submitted + timedelta(days=decided_days) if decided_days is not None else None
    case = Case(pool_id=pool.id, association_id=association.id, workflow=pool.workflow, state=state,
                title=f"Sag {number}", number=f"{submitted.year}-{number:06d}", amount_applied=amount or 1_000,
                submitted_at=submitted, decided_at=decided, granted_amount=amount)
    db.session.add(case)
    return case


class Data:
    def __init__(self, factory) -> None:
        self.committee_a = factory.committee(name="A-udvalget")
        self.committee_b = factory.committee(name="B-udvalget")
        self.p1 = factory.pool(committee=self.committee_a, name="P1", year=2025)
        self.p2 = factory.pool(committee=self.committee_a, name="P2", workflow="new_initiative", year=2025)
        self.p3 = factory.pool(committee=self.committee_b, name="P3", year=2025)
        self.x = factory.association(name="X-klubben")
        self.y = factory.association(name="Y-klubben")
        self.z = factory.association(name="Z-klubben")
        t = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)
        _case(self.p1, self.x, 1, t, 2, 10_000, "paid")
        _case(self.p1, self.y, 2, t, 4, 5_000, "granted")
        _case(self.p1, self.z, 3, t, 10, 0, "rejected")
        _case(self.p1, self.x, 4, t, None, None, "screening")
        _case(self.p2, self.y, 5, t, 1, 3_000, "closed")
        _case(self.p3, self.z, 6, t, 6, 20_000, "granted")
        _case(self.p1, self.x, 7, datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc), 3, 7_000, "closed")
        # A draft and a premises loan never count as grant applications.
        draft = Case(pool_id=self.p1.id, association_id=self.z.id, workflow="subsidy", state="draft", title="Kladde")
        db.session.add(draft)
        db.session.commit()


@pytest.fixture
def data(factory) -> Data:
    return Data(factory)
