"""A known data set for the indicators: six applications in 2025 (and one in 2024), three pools, two committees."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.models import Case
from tests.factories import AssociationFactory, CaseFactory, CommitteeFactory, PoolFactory


def _case(pool, association, number: int, submitted: datetime, decided_days: float | None, amount: int | None,
          state: str) -> Case:
    """A case row as the indicators read it: the figures are the point here, not how it got there."""
    decided = submitted + timedelta(days=decided_days) if decided_days is not None else None
    return CaseFactory(pool=pool, association=association, state=state, title=f"Sag {number}",
                       number=f"{submitted.year}-{number:06d}", amount_applied=amount or 1_000,
                       submitted_at=submitted, decided_at=decided, granted_amount=amount)


class Data:
    def __init__(self) -> None:
        self.committee_a = CommitteeFactory(name="A-udvalget")
        self.committee_b = CommitteeFactory(name="B-udvalget")
        self.p1 = PoolFactory(committee=self.committee_a, name="P1", year=2025)
        self.p2 = PoolFactory(committee=self.committee_a, name="P2", workflow="new_initiative", year=2025)
        self.p3 = PoolFactory(committee=self.committee_b, name="P3", year=2025)
        self.x = AssociationFactory(name="X-klubben")
        self.y = AssociationFactory(name="Y-klubben")
        self.z = AssociationFactory(name="Z-klubben")
        t = datetime(2025, 3, 1, 10, 0, tzinfo=timezone.utc)
        _case(self.p1, self.x, 1, t, 2, 10_000, "paid")
        _case(self.p1, self.y, 2, t, 4, 5_000, "granted")
        _case(self.p1, self.z, 3, t, 10, 0, "rejected")
        _case(self.p1, self.x, 4, t, None, None, "screening")
        _case(self.p2, self.y, 5, t, 1, 3_000, "closed")
        _case(self.p3, self.z, 6, t, 6, 20_000, "granted")
        _case(self.p1, self.x, 7, datetime(2024, 5, 1, 10, 0, tzinfo=timezone.utc), 3, 7_000, "closed")
        # A draft and a premises loan never count as grant applications.
        CaseFactory(pool=self.p1, association=self.z, state="draft", title="Kladde")
        db.session.commit()


@pytest.fixture
def data(app) -> Data:
    return Data()
