"""The PDF renderers services call, each importing its layout when first called: reportlab takes a tenth of a
second to import, and most processes (a web worker serving pages, a Celery worker sending mail) never make a PDF.

The decision letter (app/pdf/letter.py) and the repayment claim (app/pdf/repayment.py) compose without reportlab
and import it in their own render functions; these are the documents whose modules are all layout.
"""
from __future__ import annotations

from datetime import datetime

from app.pdf.data import CaseJournal, MinutesData, ReceiptData


def render_minutes(data: MinutesData, created: datetime) -> bytes:
    """The minutes of a committee meeting as PDF/A-1b (app/pdf/minutes.py)."""
    from app.pdf import minutes
    return minutes.render_minutes(data, created)


def render_receipt(data: ReceiptData, created: datetime) -> bytes:
    """The receipt for a submitted application as PDF/A-1b (app/pdf/receipt.py)."""
    from app.pdf import receipt
    return receipt.render_receipt(data, created)


def render_case_journal(data: CaseJournal, created: datetime) -> bytes:
    """The case journal's print as PDF/A-1b (app/pdf/case_journal.py)."""
    from app.pdf import case_journal
    return case_journal.render_case_journal(data, created)
