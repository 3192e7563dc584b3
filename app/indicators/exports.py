"""The dashboard's numbers as CSV (Danish Excel) and XLSX: pure functions of the rows."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from app.services.figures.indicators import GrantRow, PremisesRow

GRANT_HEADER = ("Udvalg", "Pulje", "Ansøgninger", "Afgjort", "Bevilget (antal)", "Bevilget (kr.)",
                "Andel bevilget (%)", "Median sagsbehandlingstid (dage)", "90%-fraktil sagsbehandlingstid (dage)",
                "Foreninger nået", "Heraf nye foreninger", "Nye initiativer støttet")
PREMISES_HEADER = ("Sted", "Lokale", "Åbne timer", "Bookede timer", "Børn og unge (timer)",
                   "Voksenundervisning (timer)", "Voksne (timer)", "Andet (timer)", "Udnyttelse (%)")
PREMISES_GROUPS = ("children_youth", "adult_education", "adults", "other")


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def grant_values(row: GrantRow, committee: str, pool: str) -> list:
    """One row of numbers (None where there is nothing to show)."""
    share = None if row.share_granted is None else row.share_granted * 100
    return [committee, pool, row.applications, row.decided, row.granted, row.granted_amount, _round(share),
            _round(row.median_days), _round(row.p90_days), row.associations, row.new_associations,
            row.new_initiatives]


def premises_values(row: PremisesRow) -> list:
    share = None if row.utilisation is None else row.utilisation * 100
    return [row.location, row.space, _round(row.open_hours), _round(row.booked_hours),
            *[_round(row.booked.get(group, 0.0)) for group in PREMISES_GROUPS], _round(share)]


def _danish(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def to_csv(grants: list[list], premises: list[list]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM and decimal comma, so Danish Excel opens it as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(GRANT_HEADER)
    writer.writerows([[_danish(v) for v in row] for row in grants])
    if premises:
        writer.writerow([])
        writer.writerow(PREMISES_HEADER)
        writer.writerows([[_danish(v) for v in row] for row in premises])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(grants: list[list], premises: list[list]) -> bytes:
    """One sheet for grants, one for premises use."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tilskud"
    for row in [list(GRANT_HEADER), *grants]:
        sheet.append(row)
    if premises:
        rooms = book.create_sheet("Lokaler")
        for row in [list(PREMISES_HEADER), *premises]:
            rooms.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
