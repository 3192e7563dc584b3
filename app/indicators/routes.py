"""The indicator dashboard: filters in the URL, charts, tables, and the same numbers as CSV and XLSX."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import format_decimal, gettext as _, ngettext

from app import clock
from app.auth.access import require_staff
from app.extensions import db
from app.formatting import money
from app.indicators import bp, exports
from app.indicators.charts import bar_chart
from app.indicators.forms import FilterForm
from app.models import Committee, Pool
from app.models.yearly import MEMBER_BANDS
from app.services.figures import indicators, yearly
from app.services.figures.indicators import Filters

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> tuple[FilterForm, Filters, bool]:
    """The form bound to the query string; invalid filters fall back to the current year, all pools."""
    form = FilterForm(request.args)
    years = indicators.available_years(clock.today())
    committees = db.session.scalars(db.select(Committee).order_by(Committee.name)).all()
    pools = db.session.scalars(db.select(Pool).order_by(Pool.year.desc(), Pool.name)).all()
    form.fill(years, committees, pools)
    valid = not request.args or form.validate()
    if not valid:
        return form, Filters(years[0]), False
    return form, Filters(form.aar.data or years[0], form.udvalg.data, form.pulje.data), True


def _number(value: float | None, suffix: str = "") -> str:
    return "–" if value is None else f"{format_decimal(round(value, 1), format='#,##0.#')}{suffix}"


def _days(value: float | None) -> str:
    """'1 dag', '2,5 dage', '–' for no value."""
    if value is None:
        return "–"
    return ngettext("%(d)s dag", "%(d)s dage", 1 if value == 1 else 2, d=_number(value))


def _change(value: float | None) -> str:
    """'+28,9 %', '−5 %', '–' (no year before, or nothing to compare with)."""
    if value is None:
        return "–"
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{_number(abs(value))} %"


def _yearly_charts(cycle: list) -> list:
    """Members of the newest year by age band, and the calculated subsidy per year."""
    if not cycle:
        return []
    newest = cycle[-1]
    return [
        bar_chart("chart-members", _("Medlemmer efter alder, indberetningen for %(year)s", year=newest.year),
                  [(str(label), newest.band(code), str(newest.band(code))) for code, label in MEMBER_BANDS]),
        bar_chart("chart-calculated", _("Beregnet tilskud pr. indberetningsår"),
                  [(str(r.year), r.total_granted, money(r.total_granted)) for r in cycle]),
    ]


def _charts(rows, trend, premises) -> list:
    charts = [
        bar_chart("chart-amount", _("Bevilget beløb pr. pulje"),
                  [(r.pool, r.granted_amount, money(r.granted_amount)) for r in rows]),
        bar_chart("chart-applications", _("Ansøgninger pr. pulje"),
                  [(r.pool, r.applications, str(r.applications)) for r in rows]),
        bar_chart("chart-time", _("Median sagsbehandlingstid pr. pulje (dage)"),
                  [(r.pool, r.median_days, _number(r.median_days, " " + _("dage"))) for r in rows]),
        bar_chart("chart-years", _("Bevilget beløb pr. år"),
                  [(str(year), row.granted_amount, money(row.granted_amount)) for year, row in trend]),
    ]
    if premises:
        charts.append(bar_chart("chart-premises", _("Udnyttelse af lokaler (bookede timer af åbne timer)"), [
            (f"{p.location}: {p.space}", p.utilisation, _number(None if p.utilisation is None else p.utilisation * 100, " %"))
            for p in premises]))
    return charts


def _data(filters: Filters) -> dict:
    rows = indicators.grant_rows(filters, "pool")
    trend = indicators.totals_by_year(filters)
    premises = indicators.premises_rows(filters.year)
    cycle = yearly.year_rows(filters.year)
    return {"rows": rows, "committees": indicators.grant_rows(filters, "committee"),
            "total": indicators.grant_rows(filters, "total")[0], "trend": trend, "premises": premises,
            "charts": _charts(rows, trend, premises), "cycle": cycle, "cycle_charts": _yearly_charts(cycle),
            "bands": MEMBER_BANDS}


@bp.route("/")
@require_staff
def dashboard():
    form, filters, valid = _filters()
    page = render_template("indicators/dashboard.html", form=form, filters=filters, show_errors=not valid,
                           number=_number, days_text=_days, change=_change, query=request.query_string.decode("utf-8", "replace"), **_data(filters))
    return page, 200 if valid else 400


@bp.route("/eksport.<any(csv, xlsx):fmt>")
@require_staff
def export(fmt: str):
    _form, filters, _valid = _filters()
    rows = indicators.grant_rows(filters, "pool")
    total = indicators.grant_rows(filters, "total")[0]
    grants = [exports.grant_values(r, r.committee, r.pool) for r in rows]
    grants.append(exports.grant_values(total, "I alt", ""))
    premises = [exports.premises_values(p) for p in indicators.premises_rows(filters.year)]
    cycle = [exports.yearly_values(r) for r in yearly.year_rows(filters.year)]
    name = f"indikatorer-{filters.year}.{fmt}"
    data = exports.to_csv(grants, premises, cycle) if fmt == "csv" else exports.to_xlsx(grants, premises, cycle)
    mimetype = "text/csv" if fmt == "csv" else XLSX  # Werkzeug adds "; charset=utf-8"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                      "Cache-Control": "private, no-store"})
