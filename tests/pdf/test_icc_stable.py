"""The same letter gives the same bytes in every process: nothing in the PDF depends on when it was made."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RENDER = ("import hashlib, sys; from datetime import datetime, timezone; sys.path.insert(0, '.');"
          "from tests.pdf.conftest import letter; from app.pdf.letter import render_decision_letter;"
          "print(hashlib.sha256(render_decision_letter(letter(), datetime(2026, 12, 3, tzinfo=timezone.utc)))"
          ".hexdigest())")


def test_the_same_letter_in_two_processes_a_second_apart_is_the_same_bytes():
    digests = set()
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", f"import time; time.sleep(1.1); {RENDER}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=True)
        digests.add(done.stdout.strip())
    assert len(digests) == 1
