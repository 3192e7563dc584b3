"""Cases paid through a real batch and asked for their report."""
from __future__ import annotations

import pytest

from app import clock
from app.extensions import db
from app.models import Case
from app.services.money import payouts, reporting
from tests.payouts.conftest import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class ReportWorld(World):
    def report_due(self, amount: int = 10_000, **kw) -> Case:
        """A granted case, paid in a batch, asked for its report."""
        case = self.granted(amount, **kw)
        batch = payouts.create_batch(self.caseworker, clock.today())
        self.approve(batch)
        payouts.mark_sent(batch.id, self.caseworker)
        payouts.mark_paid(batch.id, self.caseworker)
        reporting.review(case.id, "request_report", self.caseworker)
        db.session.expire_all()
        return db.session.get(Case, case.id)


@pytest.fixture
def world(factory) -> ReportWorld:
    return ReportWorld(factory)
