"""The dashboard's numbers as CSV (Danish Excel) and XLSX: pure functions of the rows."""
from __future__ import annotations

import csv
import io

from app.services.figures.indicators import GrantRow, PremisesRow
from app.services.figures.yearly import BANDS, YearRow

GRANT_HEADER = ("Udvalg", "Pulje", "Ansøgninger", "Afgjort", "Bevilget (antal)", "Bevilget (kr.)",
                "Andel bevilget (%)", "Median sagsbehandlingstid (dage)", "90%-fraktil sagsbehandlingstid (dage)",
                "Foreninger nået", "Heraf nye foreninger", "Nye initiativer støttet")
PREMISES_HEADER = ("Sted", "Lokale", "Åbne timer", "Bookede timer", "Børn og unge (timer)",
                   "Voksenundervisning (timer)", "Voksne (timer)", "Andet (timer)", "Udnyttelse (%)")
PREMISES_GROUPS = ("children_youth", "adult_education", "adults", "other")
BAND_NAMES = {"0_6": "0-6 år", "7_12": "7-12 år", "13_17": "13-17 år", "18_24": "18-24 år", "25_59": "25-59 år",
              "60_plus": "60 år og derover"}
YEARLY_HEADER = ("Indberetningsår", "Indberetninger", "Godkendte indberetninger",
                 *[f"{BAND_NAMES[b]}, {where}" for b in BANDS for where in ("i kommunen", "uden for kommunen")],
                 "Medlemmer i alt", "Medlemmer under 25 år", "Aktivitetstimer", "Aktivitetstilskud (kr.)",
                 "Lokaletilskud (kr.)", "Beregnet tilskud i alt (kr.)", "Foreninger med beregnet tilskud",
                 "Tilskud pr. medlem under 25 år (kr.)", "Tilskud pr. aktivitetstime (kr.)",
                 "Ændring i medlemmer under 25 år (%)", "Ændring i beregnet tilskud (%)",
                 "Ændring i tilskud pr. medlem under 25 år (%)", "Ændring i tilskud pr. aktivitetstime (%)")
CHANGES = ("under_25", "total_granted", "per_member_under_25", "per_activity_hour")


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


def yearly_values(row: YearRow) -> list:
    """One campaign year: reports, members by band and residence, hours, subsidy, per member and hour, change."""
    return [row.year, row.reports, row.approved, *[row.band(b, w) for b in BANDS for w in ("in", "out")],
            row.total_members, row.under_25, row.activity_hours, row.granted.get("activity", 0),
            row.granted.get("premises", 0), row.total_granted, row.associations_granted,
            _round(row.per_member_under_25), _round(row.per_activity_hour),
            *[_round(row.change(measure)) for measure in CHANGES]]


def _danish(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def _section(writer, header: tuple, rows: list[list]) -> None:
    writer.writerow([])
    writer.writerow(header)
    writer.writerows([[_danish(v) for v in row] for row in rows])


def to_csv(grants: list[list], premises: list[list], yearly: list[list] = ()) -> bytes:
    """Semicolon-separated, UTF-8 with BOM and decimal comma, so Danish Excel opens it as it is."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(GRANT_HEADER)
    writer.writerows([[_danish(v) for v in row] for row in grants])
    if premises:
        _section(writer, PREMISES_HEADER, premises)
    if yearly:
        _section(writer, YEARLY_HEADER, yearly)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(grants: list[list], premises: list[list], yearly: list[list] = ()) -> bytes:
    """One sheet for grants, one for premises use, one for the yearly cycle."""
    from openpyxl import Workbook  # 60 ms to import: only when a spreadsheet is asked for
    book = Workbook()
    sheet = book.active
    sheet.title = "Tilskud"
    for row in [list(GRANT_HEADER), *grants]:
        sheet.append(row)
    for title, header, rows in (("Lokaler", PREMISES_HEADER, premises), ("Årlig indberetning", YEARLY_HEADER, yearly)):
        if rows:
            extra = book.create_sheet(title)
            for row in [list(header), *rows]:
                extra.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
