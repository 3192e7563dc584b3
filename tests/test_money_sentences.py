"""An amount reads '16.000 kr.': its full stop is the abbreviation's, so no sentence may put another one after it."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "app"
SOURCES = [p for p in ROOT.rglob("*") if p.suffix in {".py", ".html", ".txt"} and "translations" not in p.parts]
# name=<anything>|money, name=money(...), name=kr(...): the placeholder `name` holds a formatted amount.
AMOUNT_ARG = r"\b{name}\s*=\s*(?:[^,()]*\|\s*money\b|(?:money|kr|fmt\.money)\()"


def money_followed_by_full_stop(text: str) -> list[str]:
    """Places in `text` where a formatted amount is followed by '.'."""
    found = re.findall(r"\|\s*money\s*\}\}\.|money\([^()]*\)\}\.", text)
    for line in text.splitlines():
        for name in re.findall(r"%\((\w+)\)s\.|\{\{\s*(\w+)\s*\}\}\.", line):
            name = next(n for n in name if n)
            if re.search(AMOUNT_ARG.format(name=name), line):
                found.append(line.strip())
    return found


def test_the_check_finds_a_double_full_stop():
    assert money_followed_by_full_stop('{{ _("Ansøgt: %(a)s.", a=case.amount|money) }}')
    assert money_followed_by_full_stop('_l("til %(amount)s. Opret", amount=kr(x))')
    assert money_followed_by_full_stop("Budget: {{ pool.budget|money }}.")
    assert not money_followed_by_full_stop('{{ _("Ansøgt: %(a)s – skriv", a=case.amount|money) }}')
    assert not money_followed_by_full_stop('{{ _("Svar senest %(day)s.", day=d|day) }}')


def test_no_amount_is_followed_by_a_full_stop():
    found = {str(p.relative_to(ROOT)): money_followed_by_full_stop(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {path: lines for path, lines in found.items() if lines} == {}


def test_the_repayment_notice_shows_the_amount_and_date_as_everywhere_else(app):
    from flask import render_template
    with app.test_request_context():
        text = render_template("email/repayment_claim.txt", case_number="2026-000032", title="Sommerlejr",
                               amount=16000, due_on="2027-01-31", link="https://x", municipality="Kommunen")
    assert "Kommunen kræver 16.000 kr. af tilskuddet" in text and "senest 31. jan. 2027." in text
    assert "kr. kr." not in text and "2027-01-31" not in text
