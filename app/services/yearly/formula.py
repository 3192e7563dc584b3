"""Subsidy formulas as data: validated from the scheme's JSON, calculated over a year's reports.

Pure: no database, no request. A formula turns each association's reported figures into an amount, step by
step, so the preview, the committee and the association's letter can all show how the amount came about.
Amounts are exact fractions until the very end; then each line is rounded down to whole kroner, so one
association's report moves only its own amount. When the budget is shared (a pro rata cut, or a point value
that is the budget divided by all points), the kroner left by rounding down go to the largest remainders, so
the lines sum exactly to the rounded total, and the total never exceeds the budget.

The steps, in order: eligibility (minimum fee), the base (per member, points, or a share of premises
costs), the caps (fee income, per member, per activity hour), the reduction for members over 25 above a
threshold, the deduction for a late report, and a pro rata cut when the batch exceeds the budget.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from flask_babel import lazy_gettext as _l

BANDS = ("0_6", "7_12", "13_17", "18_24", "25_59", "60_plus")
UNDER_25 = ("0_6", "7_12", "13_17", "18_24")
COST_TYPES = ("rent", "interest", "maintenance", "utilities", "cleaning", "insurance")
BASES = ("per_member", "points", "cost_share")
POINT_VALUES = ("fixed", "budget_share")
LIMIT = 100_000_000  # no rate, cap or fee in kroner above this is a typo

MESSAGES = {
    "basis": _l("Vælg hvordan tilskuddet beregnes."),
    "rate": _l("Skriv en sats i hele kroner, 0 eller mere."),
    "rate_needed": _l("Skriv satsen pr. medlem."),
    "bands": _l("Vælg mindst én aldersgruppe, der tæller med."),
    "points": _l("Point skal være hele tal, 0 eller mere, og mindst én aldersgruppe skal give point."),
    "point_value": _l("Vælg om pointværdien er fast eller budgettet delt med alle point."),
    "cost_percent": _l("Skriv en procent mellem 1 og 100."),
    "cost_types": _l("Vælg mindst én udgiftstype, der tæller med."),
    "cap": _l("Et loft skal være et helt antal kroner, 0 eller mere, eller stå tomt."),
    "threshold": _l("Skriv en procent mellem 0 og 100, eller lad feltet stå tomt."),
    "late": _l("Fradraget for sen indberetning skal være mellem 0 og 12 tolvtedele pr. måned."),
    "minimum_fee": _l("Mindstekontingentet skal være et helt antal kroner, 0 eller mere, eller stå tomt."),
}


class FormulaError(ValueError):
    """The formula cannot be used; `problems` maps each field to a code in MESSAGES."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Formula:
    """A validated formula. Build it with `parse`; `as_dict` gives the JSON stored on the scheme."""

    basis: str
    rate: int = 0  # kr. per member, or per point when the point value is fixed
    bands: tuple[str, ...] = UNDER_25  # who counts (per member and points: the bands with points)
    count_nonresidents: bool = False
    points: tuple[tuple[str, int], ...] = ()
    point_value: str = "fixed"
    cost_percent: int = 65
    cost_types: tuple[str, ...] = COST_TYPES
    cap_fee_income: bool = False
    cap_per_member: int | None = None
    cap_per_hour: int | None = None
    over25_threshold: int | None = None  # percent of all members
    late_twelfths: int = 0  # deducted per started month after the deadline
    minimum_fee: int | None = None  # kr. per paying member a year

    def as_dict(self) -> dict:
        return {"basis": self.basis, "rate": self.rate, "bands": list(self.bands),
                "count_nonresidents": self.count_nonresidents, "points": dict(self.points),
                "point_value": self.point_value, "cost_percent": self.cost_percent,
                "cost_types": list(self.cost_types), "cap_fee_income": self.cap_fee_income,
                "cap_per_member": self.cap_per_member, "cap_per_hour": self.cap_per_hour,
                "over25_threshold": self.over25_threshold, "late_twelfths": self.late_twelfths,
                "minimum_fee": self.minimum_fee}

    @property
    def counted_bands(self) -> tuple[str, ...]:
        if self.basis == "points":
            return tuple(b for b, p in self.points if p > 0)
        return self.bands


def _whole(value, low: int, high: int = LIMIT, *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or (isinstance(value, str) and len(value) > 12):
        raise ValueError(value)
    number = int(value)
    if not low <= number <= high:
        raise ValueError(value)
    return number


def _chosen(value, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen names in their canonical order; anything but a list of known names is refused."""
    if not isinstance(value, (list, tuple)) or any(not isinstance(v, str) or v not in allowed for v in value):
        raise ValueError(value)
    return tuple(name for name in allowed if name in value)


def _points_of(value) -> tuple[tuple[str, int], ...]:
    value = {} if value is None else value
    if not isinstance(value, dict) or any(k not in BANDS for k in value):
        raise ValueError(value)
    return tuple((b, _whole(value.get(b) if value.get(b) not in (None, "") else 0, 0, 1000)) for b in BANDS)


def _flag(value) -> bool:
    """A checkbox as JSON (true) or as a form posts it ("y", "on")."""
    return value is True or (isinstance(value, str) and value in ("y", "on", "true", "1"))


def _default(value, fallback):
    return fallback if value in (None, "") else value


def parse(data: dict) -> Formula:
    """Check a formula's JSON and return it as a Formula, or raise FormulaError naming every bad field."""
    problems: dict[str, str] = {}
    data = data if isinstance(data, dict) else {}

    def take(name: str, code: str, read):
        try:
            return read(data.get(name))
        except (TypeError, ValueError, AttributeError):
            problems[name] = code
            return None

    basis = data.get("basis")
    if not isinstance(basis, str) or basis not in BASES:
        problems["basis"] = "basis"
    rate = take("rate", "rate", lambda v: _whole(_default(v, 0), 0))
    bands = take("bands", "bands", lambda v: UNDER_25 if v is None else _chosen(v, BANDS))
    points = take("points", "points", _points_of)
    percent = take("cost_percent", "cost_percent", lambda v: _whole(_default(v, 65), 1, 100))
    costs = take("cost_types", "cost_types", lambda v: COST_TYPES if v is None else _chosen(v, COST_TYPES))
    caps = {name: take(name, "cap", lambda v: _whole(v, 0, optional=True)) for name in ("cap_per_member", "cap_per_hour")}
    threshold = take("over25_threshold", "threshold", lambda v: _whole(v, 0, 100, optional=True))
    late = take("late_twelfths", "late", lambda v: _whole(_default(v, 0), 0, 12))
    minimum = take("minimum_fee", "minimum_fee", lambda v: _whole(v, 0, optional=True))
    point_value = _default(data.get("point_value"), "fixed")
    if basis == "per_member" and "bands" not in problems and not bands:
        problems["bands"] = "bands"
    if basis == "per_member" and "rate" not in problems and not rate:
        problems["rate"] = "rate_needed"
    if basis == "points":
        if "points" not in problems and not any(p for _b, p in points):
            problems["points"] = "points"
        if not isinstance(point_value, str) or point_value not in POINT_VALUES:
            problems["point_value"] = "point_value"
        elif point_value == "fixed" and "rate" not in problems and not rate:
            problems["rate"] = "rate_needed"
    else:
        point_value = "fixed"  # only the points basis has a point value
    if basis == "cost_share" and "cost_types" not in problems and not costs:
        problems["cost_types"] = "cost_types"
    if problems:
        raise FormulaError(problems)
    return Formula(basis=basis, rate=rate, bands=bands or UNDER_25, count_nonresidents=_flag(data.get("count_nonresidents")),
                   points=points, point_value=point_value, cost_percent=percent, cost_types=costs or COST_TYPES,
                   cap_fee_income=_flag(data.get("cap_fee_income")), cap_per_member=caps["cap_per_member"],
                   cap_per_hour=caps["cap_per_hour"], over25_threshold=threshold, late_twelfths=late,
                   minimum_fee=minimum)


@dataclass(frozen=True)
class Figures:
    """What one association reported, as the formula reads it."""

    association_id: int
    members: dict  # {band: {"in": n, "out": n}}
    paying_members: int = 0
    fee_income: int = 0
    activity_hours: int = 0
    costs: dict = field(default_factory=dict)  # {cost type: kroner}
    months_late: int = 0

    def count(self, bands: tuple[str, ...], nonresidents: bool) -> int:
        where = ("in", "out") if nonresidents else ("in",)
        return sum(int((self.members.get(b) or {}).get(w) or 0) for b in bands for w in where)

    @property
    def all_members(self) -> int:
        return self.count(BANDS, True)


@dataclass(frozen=True)
class Step:
    """One step of a calculation: what it is (`code`), its numbers, and the amount after it."""

    code: str
    amount: Fraction
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"code": self.code, "amount": f"{float(self.amount):.2f}", "params": self.params}


@dataclass
class Line:
    association_id: int
    steps: list[Step]
    exact: Fraction
    amount: int = 0


@dataclass(frozen=True)
class Result:
    lines: tuple[Line, ...]
    total: int
    budget: int
    before_budget: Fraction  # the sum before any pro rata cut

    def line_for(self, association_id: int) -> Line:
        return next(line for line in self.lines if line.association_id == association_id)


def _base(formula: Formula, figures: Figures, point_value: Fraction, point_params: dict) -> list[Step]:
    if formula.basis == "cost_share":
        eligible = sum(int(figures.costs.get(c) or 0) for c in formula.cost_types)
        amount = Fraction(eligible * formula.cost_percent, 100)
        return [Step("cost_share", amount, {"costs": eligible, "percent": formula.cost_percent})]
    counted = figures.count(formula.counted_bands, formula.count_nonresidents)
    if formula.basis == "per_member":
        return [Step("per_member", Fraction(counted * formula.rate),
                     {"members": counted, "rate": formula.rate, "nonresidents": formula.count_nonresidents})]
    points = _points(formula, figures)
    return [Step("points", points * point_value, {"points": points, **point_params})]


def _points(formula: Formula, figures: Figures) -> int:
    return sum(p * figures.count((band,), formula.count_nonresidents) for band, p in formula.points)


def _capped(steps: list[Step], code: str, cap: Fraction, params: dict) -> None:
    if steps[-1].amount > cap:
        steps.append(Step(code, cap, params))


def _hour_cap(formula: Formula, figures: Figures) -> tuple[Fraction, dict]:
    """The cap per activity hour. For a share of premises costs it caps the costs, as § 25 and KL's rate do:
    the subsidy is at most the percentage of hours × rate ("65 % af aktivitetstimetallet × timesatsen")."""
    hours, cap = figures.activity_hours, formula.cap_per_hour
    if formula.basis == "cost_share":
        return Fraction(hours * cap * formula.cost_percent, 100), {"hours": hours, "cap": cap,
                                                                    "percent": formula.cost_percent}
    return Fraction(hours * cap), {"hours": hours, "cap": cap}


def _line(formula: Formula, figures: Figures, point_value: Fraction, point_params: dict) -> list[Step]:
    if _below_minimum(formula, figures):
        per_member = Fraction(figures.fee_income, figures.paying_members) if figures.paying_members else Fraction(0)
        return [Step("below_minimum_fee", Fraction(0), {"minimum_fee": formula.minimum_fee,
                                                         "fee_per_member": f"{float(per_member):.2f}"})]
    steps = _base(formula, figures, point_value, point_params)
    counted = figures.count(formula.counted_bands, formula.count_nonresidents)
    if formula.cap_fee_income:
        _capped(steps, "cap_fee_income", Fraction(figures.fee_income), {"fee_income": figures.fee_income})
    if formula.cap_per_member is not None:
        _capped(steps, "cap_per_member", Fraction(formula.cap_per_member * counted),
                {"members": counted, "cap": formula.cap_per_member})
    if formula.cap_per_hour is not None:
        _capped(steps, "cap_per_hour", *_hour_cap(formula, figures))
    _over_25(formula, figures, steps)
    _late(formula, figures, steps)
    return steps


def _over_25(formula: Formula, figures: Figures, steps: list[Step]) -> None:
    """§ 25 stk. 3 lets the municipality reduce "forholdsmæssigt"; the common local rule (Favrskov,
    Frederikshavn) reduces by the percentage points by which the members over 25 exceed the threshold."""
    if formula.over25_threshold is None or not figures.all_members:
        return
    share = Fraction(figures.all_members - figures.count(UNDER_25, True), figures.all_members)
    above = share - Fraction(formula.over25_threshold, 100)
    if above > 0 and steps[-1].amount:
        steps.append(Step("over_25", steps[-1].amount * (1 - above),
                          {"share": f"{float(share * 100):.1f}", "threshold": formula.over25_threshold,
                           "reduction": f"{float(above * 100):.1f}"}))


def _late(formula: Formula, figures: Figures, steps: list[Step]) -> None:
    if not formula.late_twelfths or figures.months_late <= 0 or not steps[-1].amount:
        return
    twelfths = min(12, formula.late_twelfths * figures.months_late)
    steps.append(Step("late", steps[-1].amount * Fraction(12 - twelfths, 12),
                      {"months": figures.months_late, "twelfths": twelfths}))


def _point_value(formula: Formula, reports: list[Figures], budget: int,
                 points_in_total: int | None) -> tuple[Fraction, dict]:
    if formula.basis != "points":
        return Fraction(0), {}
    if formula.point_value == "fixed":
        return Fraction(formula.rate), {"point_value": f"{formula.rate:.2f}"}
    total = points_in_total if points_in_total is not None else \
        sum(_points(formula, f) for f in reports if not _below_minimum(formula, f))
    value = Fraction(budget, total) if total else Fraction(0)
    return value, {"point_value": f"{float(value):.2f}", "budget": budget, "total_points": total}


def concerns(formula: Formula, figures: Figures) -> bool:
    """Whether the scheme is for this association at all: a premises subsidy only where it reported premises costs.

    An association that uses the municipality's rooms for free has nothing to claim, and is not sent a refusal.
    """
    if formula.basis != "cost_share":
        return True
    return any(int(figures.costs.get(c) or 0) > 0 for c in formula.cost_types)


def calculate(formula: Formula, reports: list[Figures], budget: int, *, points_in_total: int | None = None) -> Result:
    """Each association's amount, with its steps; the whole batch within `budget`, in whole kroner.

    `points_in_total` replaces the sum of the reports' points when the point value is the budget shared by all
    points but `reports` is not the whole batch (the administrator's worked example)."""
    point_value, point_params = _point_value(formula, reports, budget, points_in_total)
    lines = [Line(f.association_id, steps, steps[-1].amount)
             for f in sorted(reports, key=lambda r: r.association_id)
             for steps in [_line(formula, f, point_value, point_params)]]
    before = sum((line.exact for line in lines), Fraction(0))
    shared = formula.basis == "points" and formula.point_value == "budget_share"
    if before > budget:
        shared = True
        factor = Fraction(budget) / before
        for line in lines:
            if line.exact:
                line.steps.append(Step("pro_rata", line.exact * factor, {"percent": f"{float(factor * 100):.2f}"}))
                line.exact = line.steps[-1].amount
    total = _round(lines, shared)
    return Result(tuple(lines), total, budget, before)


def _below_minimum(formula: Formula, figures: Figures) -> bool:
    """Paying members pay less than the minimum fee on average (no paying members: nothing paid)."""
    if formula.minimum_fee is None:
        return False
    paid = Fraction(figures.fee_income, figures.paying_members) if figures.paying_members > 0 else Fraction(0)
    return paid < formula.minimum_fee


def _round(lines: list[Line], shared: bool) -> int:
    """Whole kroner. Each line is rounded down on its own, so one association's report moves only its own amount;
    when the budget is shared (pro rata or budget ÷ points), the kroner that rounding down would leave unspent go
    to the largest remainders, so the lines sum exactly to the rounded-down exact total and stay within budget."""
    for line in lines:
        line.amount = int(line.exact)  # floor: amounts are never negative
    total = sum(line.amount for line in lines)
    if shared:
        total = int(sum((line.exact for line in lines), Fraction(0)))
        short = total - sum(line.amount for line in lines)
        by_remainder = sorted(lines, key=lambda ln: (-(ln.exact - ln.amount), ln.association_id))
        for line in by_remainder[:short]:
            line.amount += 1
    for line in lines:
        if line.amount != line.exact:
            line.steps.append(Step("rounded", Fraction(line.amount), {}))
    return total


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def started_months_late(deadline: date, submitted_on: date) -> int:
    """Started months after the deadline: a day late is one month, a month and a day late is two."""
    months = 0
    while submitted_on > _add_months(deadline, months):
        months += 1
    return months
