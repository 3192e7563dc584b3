"""A browser journey on every day in tests/calendar_days.py: a demo seeded that day, a visitor finds the open
pools, and the demo chair applies with an attachment and gets the receipt."""
from __future__ import annotations

import pytest

from app import clock
from tests.calendar_days import DAYS
from tests.e2e.conftest import check_a11y, login, serve_demo
from tests.e2e.test_apply_journey import _start, _step_one, _step_three, _step_two, _submit
from playwright.sync_api import expect


@pytest.mark.parametrize("moment", DAYS.values(), ids=DAYS.keys())
def test_an_association_applies_on(moment, page, tmp_path_factory, tmp_path):
    clock.move_to(moment)
    base, server = serve_demo(tmp_path_factory.mktemp("day"))
    try:
        page.goto(f"{base}/puljer")
        expect(page.get_by_role("heading", name="Åbne puljer")).to_be_visible()
        check_a11y(page, f"pools on {moment:%d.%m.%Y %H:%M}")
        login(page, base, "forening@demo.dk")
        _start(page, base)
        _step_one(page, with_error=False)
        _step_two(page)
        _step_three(page, tmp_path)
        assert _submit(page).startswith(f"{clock.today().year}-")
    finally:
        server.shutdown()
