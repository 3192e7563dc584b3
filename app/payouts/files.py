"""The payment files for the finance system: pure functions of the batch lines.

Semicolon-separated UTF-8 with a byte order mark, so Excel opens it in Danish; amounts with a decimal
comma and no thousands separator. Payment goes to the recipient's NemKonto by CVR number, so the file
never holds a bank account number. Informal groups have no CVR: they are in a separate file for
manual handling, with the contact person.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from app.models import PaymentBatchLine

BOM = "\ufeff"
PAYMENT_HEADER = ("CVR-nummer", "Beløb", "Sagsnummer", "Tekst")
MANUAL_HEADER = ("Modtager", "Kontaktperson", "Beløb", "Sagsnummer", "Tekst", "Bemærkning")
MANUAL_NOTE = "Uformel gruppe uden CVR-nummer: udbetalingen skal behandles manuelt."


def danish_amount(kroner: int) -> str:
    """12500 -> '12500,00'."""
    return f"{kroner},00"


def cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _write(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def payment_file(lines: Iterable[PaymentBatchLine]) -> bytes:
    """The lines paid by CVR number to the recipients' NemKonto."""
    return _write(PAYMENT_HEADER, ((line.cvr, danish_amount(line.amount), line.case_number, cell(line.text))
                                   for line in lines if line.cvr))


def manual_file(lines: Iterable[PaymentBatchLine]) -> bytes:
    """The lines without a CVR number, to be paid by hand."""
    return _write(MANUAL_HEADER, ((cell(line.recipient_name), cell(line.contact_person or ""),
                                   danish_amount(line.amount), line.case_number, cell(line.text), MANUAL_NOTE)
                                  for line in lines if not line.cvr))
