"""A decision letter reads back (pdftotext -layout) exactly as it did before the render was made faster.

tests/pdf/golden/ holds what pdftotext read from the letters of `conftest.VARIANTS` (and one with characters
outside the shared subset) as rendered by reportlab's own paths, before issue 21's caches and pre-written PDF
objects: every word, its line and its column must be the same now."""
from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from app.pdf.letter import render_decision_letter
from tests.pdf.conftest import VARIANTS, letter

CREATED = datetime(2026, 12, 3, 14, 0, tzinfo=timezone.utc)
GOLDEN = Path(__file__).parent / "golden"
CASES = {**VARIANTS, "rare": dict(addressee="Łódź Żeglarze – Ğüzel")}


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is missing: apt-get install poppler-utils")
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.mark.parametrize("name", sorted(CASES))
def test_letter_reads_back_as_before(name, tmp_path):
    pdf = render_decision_letter(letter(**CASES[name]), CREATED)
    assert pdftotext(pdf, tmp_path) == (GOLDEN / f"decision_{name}.txt").read_text(encoding="utf-8")


def test_letters_rendered_one_after_another_read_back_as_each_alone(tmp_path):
    """The per-process caches carry nothing from one letter into the next."""
    alone = {name: pdftotext(render_decision_letter(letter(**CASES[name]), CREATED), tmp_path) for name in CASES}
    for name in reversed(sorted(CASES)):
        assert pdftotext(render_decision_letter(letter(**CASES[name]), CREATED), tmp_path) == alone[name]
