"""Property tests of the subsidy formula: budget, caps, independence, rounding, parsing."""
from __future__ import annotations

import json
import math
from dataclasses import replace
from fractions import Fraction

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from app.services.yearly.formula import (BANDS, COST_TYPES, UNDER_25, Figures, Formula, FormulaError, calculate,
                                         parse)

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

optional_whole = st.one_of(st.none(), st.integers(0, 500))


def _subset(items):
    return st.lists(st.sampled_from(items), min_size=1, unique=True)


@st.composite
def formula_json(draw, basis=None, point_value=None) -> dict:
    basis = basis or draw(st.sampled_from(["per_member", "points", "cost_share"]))
    point_value = point_value or draw(st.sampled_from(["fixed", "budget_share"]))
    points = {b: draw(st.integers(0, 12)) for b in BANDS}
    points[draw(st.sampled_from(BANDS))] = draw(st.integers(1, 12))
    return {"basis": basis, "rate": draw(st.integers(1, 500)), "bands": draw(_subset(BANDS)),
            "count_nonresidents": draw(st.booleans()), "points": points, "point_value": point_value,
            "cost_percent": draw(st.integers(1, 100)), "cost_types": draw(_subset(COST_TYPES)),
            "cap_fee_income": draw(st.booleans()), "cap_per_member": draw(optional_whole),
            "cap_per_hour": draw(optional_whole), "over25_threshold": draw(st.one_of(st.none(), st.integers(0, 100))),
            "late_twelfths": draw(st.integers(0, 12)), "minimum_fee": draw(st.one_of(st.none(), st.integers(0, 300)))}


def formulas(**kwargs):
    return formula_json(**kwargs).map(parse)


@st.composite
def figures(draw, aid: int) -> Figures:
    members = {b: {"in": draw(st.integers(0, 40)), "out": draw(st.integers(0, 10))} for b in BANDS}
    total = sum(m["in"] + m["out"] for m in members.values())
    return Figures(aid, members, paying_members=draw(st.integers(0, total)), fee_income=draw(st.integers(0, 60_000)),
                   activity_hours=draw(st.integers(0, 1500)),
                   costs={c: draw(st.integers(0, 80_000)) for c in draw(st.lists(st.sampled_from(COST_TYPES),
                                                                                  unique=True))},
                   months_late=draw(st.integers(0, 14)))


@st.composite
def batches(draw, min_size=1, max_size=8) -> list[Figures]:
    n = draw(st.integers(min_size, max_size))
    return [draw(figures(aid)) for aid in range(1, n + 1)]


budgets = st.integers(0, 2_000_000)


def _counted(formula: Formula, f: Figures) -> int:
    return f.count(formula.counted_bands, formula.count_nonresidents)


@SETTINGS
@given(formulas(), batches(), budgets)
def test_the_batch_never_exceeds_the_budget_and_rounding_sums_exactly(formula, reports, budget):
    result = calculate(formula, reports, budget)
    assert 0 <= result.total <= budget
    assert sum(line.amount for line in result.lines) == result.total
    for line in result.lines:
        assert line.amount in (math.floor(line.exact), math.ceil(line.exact))
        assert line.amount >= 0


@SETTINGS
@given(formulas(), batches(), budgets)
def test_an_amount_never_exceeds_any_of_its_caps(formula, reports, budget):
    result = calculate(formula, reports, budget)
    for f in reports:
        line = result.line_for(f.association_id)
        # Caps may be fractions (a percentage of hours × rate); rounding is to whole kroner, never above the cap's.
        assert line.amount <= math.ceil(line.steps[0].amount)  # the amount before caps and reductions
        if formula.cap_fee_income:
            assert line.amount <= f.fee_income
        if formula.cap_per_member is not None:
            assert line.amount <= formula.cap_per_member * _counted(formula, f)
        if formula.cap_per_hour is not None:
            cap = Fraction(formula.cap_per_hour * f.activity_hours)
            if formula.basis == "cost_share":
                cap = cap * formula.cost_percent / 100
            assert line.amount <= math.ceil(cap)
        # Below the minimum fee: nothing. No paying members have paid 0 kr. each, below any minimum but 0 kr.
        paid = Fraction(f.fee_income, f.paying_members) if f.paying_members else Fraction(0)
        if formula.minimum_fee is not None and paid < formula.minimum_fee:
            assert line.amount == 0


@SETTINGS
@given(formula_json().filter(lambda d: not (d["basis"] == "points" and d["point_value"] == "budget_share"))
       .map(parse), batches(min_size=2), st.data())
def test_one_report_changes_only_its_own_amount_when_no_budget_wide_step_applies(formula, reports, data):
    index = data.draw(st.integers(0, len(reports) - 1))
    changed = list(reports)
    changed[index] = data.draw(figures(reports[index].association_id))
    budget = 10**9  # far above anything: no pro rata cut
    before, after = calculate(formula, reports, budget), calculate(formula, changed, budget)
    for f in reports:
        if f.association_id != reports[index].association_id:
            assert after.line_for(f.association_id).amount == before.line_for(f.association_id).amount
            assert after.line_for(f.association_id).steps == before.line_for(f.association_id).steps


def _claim(line) -> Fraction:
    """The association's amount before the pro rata cut."""
    codes = [s.code for s in line.steps]
    return line.steps[codes.index("pro_rata") - 1].amount if "pro_rata" in codes else line.exact


def _others_move_against(before, after, changed_id: int, claim_change: Fraction) -> None:
    for line in before.lines:
        if line.association_id == changed_id:
            continue
        was, now = line, after.line_for(line.association_id)
        if claim_change > 0:
            assert now.exact <= was.exact and now.amount <= was.amount + 1  # a spare krone may move
        elif claim_change < 0:
            assert now.exact >= was.exact and now.amount >= was.amount - 1
        else:
            assert now.exact == was.exact


@SETTINGS
@given(formula_json().filter(lambda d: not (d["basis"] == "points" and d["point_value"] == "budget_share"))
       .map(parse), batches(min_size=2), st.data(), st.integers(1, 50_000))
def test_under_pro_rata_the_others_move_only_against_the_changed_report(formula, reports, data, budget):
    index = data.draw(st.integers(0, len(reports) - 1))
    changed = list(reports)
    changed[index] = data.draw(figures(reports[index].association_id))
    before, after = calculate(formula, reports, budget), calculate(formula, changed, budget)
    assume(before.before_budget > budget or after.before_budget > budget)
    aid = reports[index].association_id
    _others_move_against(before, after, aid, _claim(after.line_for(aid)) - _claim(before.line_for(aid)))


@SETTINGS
@given(formulas(basis="points", point_value="budget_share"), batches(min_size=2), st.data(), budgets)
def test_under_budget_share_the_others_move_only_against_the_changed_points(formula, reports, data, budget):
    index = data.draw(st.integers(0, len(reports) - 1))
    changed = list(reports)
    changed[index] = data.draw(figures(reports[index].association_id))
    before, after = calculate(formula, reports, budget), calculate(formula, changed, budget)
    aid = reports[index].association_id
    points = [sum(s.params.get("points", 0) for s in r.line_for(aid).steps if s.code == "points")
              for r in (before, after)]
    # An association below the minimum fee has no points in the share.
    _others_move_against(before, after, aid, Fraction(points[1] - points[0]))


@SETTINGS
@given(formula_json())
def test_parse_of_as_dict_round_trips_also_through_json(data):
    formula = parse(data)
    assert parse(formula.as_dict()) == formula
    assert parse(json.loads(json.dumps(formula.as_dict()))) == formula


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12)
KEYS = ["basis", "rate", "bands", "count_nonresidents", "points", "point_value", "cost_percent", "cost_types",
        "cap_fee_income", "cap_per_member", "cap_per_hour", "over25_threshold", "late_twelfths", "minimum_fee"]
near_formulas = st.dictionaries(st.sampled_from(KEYS), json_values | st.sampled_from(
    ["per_member", "points", "cost_share", "fixed", "budget_share", "7", "-1", " 12 ", "1e3", "rent", "0_6"])
    | st.lists(st.sampled_from([*BANDS, *COST_TYPES, "x"]), max_size=4)
    | st.dictionaries(st.sampled_from([*BANDS, "x"]), st.integers(-5, 2000) | st.text(max_size=3), max_size=3))


@SETTINGS
@given(st.one_of(json_values, near_formulas))
def test_parse_raises_nothing_but_formula_error(data):
    try:
        formula = parse(data)
    except FormulaError as exc:
        assert exc.problems and set(exc.problems) <= set(KEYS)
        return
    assert isinstance(formula, Formula)
    assert parse(formula.as_dict()) == formula


def test_a_missing_band_list_means_the_members_under_25():
    assert parse({"basis": "per_member", "rate": 10}).bands == UNDER_25
    assert replace(parse({"basis": "per_member", "rate": 10, "bands": ["0_6"]}), bands=UNDER_25) == \
        parse({"basis": "per_member", "rate": 10})
