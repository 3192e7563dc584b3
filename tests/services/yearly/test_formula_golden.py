"""Golden tests: the issue's real schemes as formula JSON, against tables worked by hand.

Every expected number below was worked out on paper (the comment on each row shows the arithmetic); none is
copied from the code's output. Members are given per band as (living in the municipality, living outside).
"""
from __future__ import annotations

from datetime import date

import pytest

from app.services.yearly.formula import Figures, calculate, parse, started_months_late


def fig(aid: int, members: dict | None = None, *, fee: int = 0, paying: int = 0, hours: int = 0,
        costs: dict | None = None, late: int = 0) -> Figures:
    bands = {band: {"in": n_in, "out": n_out} for band, (n_in, n_out) in (members or {}).items()}
    return Figures(aid, bands, paying_members=paying, fee_income=fee, activity_hours=hours, costs=costs or {},
                   months_late=late)


def amounts(result) -> dict[int, int]:
    return {line.association_id: line.amount for line in result.lines}


def codes(result, aid: int) -> list[str]:
    return [step.code for step in result.line_for(aid).steps]


# --- Viborg: 205 kr. per member under 25 living in the municipality ------------------------------------------

VIBORG = {"basis": "per_member", "rate": 205, "bands": ["0_6", "7_12", "13_17", "18_24"],
          "count_nonresidents": False}

VIBORG_REPORTS = [
    fig(1, {"0_6": (10, 2), "7_12": (20, 1)}),
    fig(2, {"13_17": (15, 0), "18_24": (5, 3), "25_59": (40, 0)}),
    fig(3, {"7_12": (1, 0)}),
    fig(4, {"25_59": (12, 0), "60_plus": (8, 0)}),
    fig(5, {"0_6": (4, 4)}),
    fig(6, {"7_12": (50, 10), "13_17": (30, 5)}),
    fig(7, {"18_24": (7, 0)}),
    fig(8, {"0_6": (0, 6)}),
    fig(9, {"7_12": (12, 0), "13_17": (13, 0)}),
    fig(10, {"0_6": (2, 0), "7_12": (3, 0), "13_17": (4, 0), "18_24": (5, 0)}),
    fig(11, {"13_17": (100, 0)}),
    fig(12, {"7_12": (9, 1), "60_plus": (3, 0)}),
]

VIBORG_EXPECTED = {
    1: 6150,    # 10 + 20 = 30 under 25 in the municipality (3 outside don't count) × 205
    2: 4100,    # 15 + 5 = 20 × 205 (the 40 aged 25-59 and the 3 outside don't count)
    3: 205,     # 1 × 205
    4: 0,       # nobody under 25
    5: 820,     # 4 × 205 (4 outside don't count)
    6: 16400,   # 50 + 30 = 80 × 205
    7: 1435,    # 7 × 205
    8: 0,       # all 6 live outside the municipality
    9: 5125,    # 12 + 13 = 25 × 205
    10: 2870,   # 2 + 3 + 4 + 5 = 14 × 205
    11: 20500,  # 100 × 205
    12: 1845,   # 9 × 205
}


def test_viborg_pays_205_kr_per_member_under_25_in_the_municipality():
    result = calculate(parse(VIBORG), VIBORG_REPORTS, budget=100_000)
    assert amounts(result) == VIBORG_EXPECTED
    assert result.total == 59_450  # 290 members × 205
    assert codes(result, 6) == ["per_member"]


VIBORG_HALF_BUDGET = {
    # budget 29.725 = half of 59.450, so every amount is halved; odd member counts leave 50 øre
    1: 3075, 2: 2050,
    3: 103,    # 205 / 2 = 102,50: one of four equal remainders of 0,50, ties go to the lowest ids -> rounded up
    4: 0, 5: 410, 6: 8200,
    7: 718,    # 1.435 / 2 = 717,50 -> rounded up (second lowest id among the ties)
    8: 0,
    9: 2562,   # 5.125 / 2 = 2.562,50 -> rounded down: the two spare kroner went to ids 3 and 7
    10: 1435, 11: 10250,
    12: 922,   # 1.845 / 2 = 922,50 -> rounded down
}


def test_viborg_over_budget_is_cut_pro_rata_and_the_kroner_sum_exactly():
    result = calculate(parse(VIBORG), VIBORG_REPORTS, budget=29_725)
    assert result.before_budget == 59_450
    assert amounts(result) == VIBORG_HALF_BUDGET
    assert result.total == sum(VIBORG_HALF_BUDGET.values()) == 29_725
    assert codes(result, 3) == ["per_member", "pro_rata", "rounded"]
    assert result.line_for(1).steps[-1].params == {"percent": "50.00"}


def test_pro_rata_gives_the_spare_kroner_to_the_largest_remainders():
    formula = parse({"basis": "per_member", "rate": 100})
    reports = [fig(1, {"7_12": (1, 0)}), fig(2, {"7_12": (2, 0)}), fig(3, {"7_12": (4, 0)})]
    result = calculate(formula, reports, budget=600)
    # 100 + 200 + 400 = 700 > 600: factor 6/7
    # 1: 100 × 6/7 = 85,714 -> 86 (remainder 0,714, second largest)
    # 2: 200 × 6/7 = 171,429 -> 171 (remainder 0,429, smallest)
    # 3: 400 × 6/7 = 342,857 -> 343 (remainder 0,857, largest)
    # floors 85 + 171 + 342 = 598, so two kroner are handed out: to 3 and 1
    assert amounts(result) == {1: 86, 2: 171, 3: 343}
    assert result.total == 600


# --- Aalborg: points per member by age, point value = budget ÷ all points, capped at fee income ---------------

AALBORG = {"basis": "points", "points": {"0_6": 1, "7_12": 10, "13_17": 10, "18_24": 2},
           "point_value": "budget_share", "cap_fee_income": True}

AALBORG_REPORTS = [
    fig(1, {"0_6": (10, 0), "7_12": (5, 0)}, fee=10_000),
    fig(2, {"13_17": (20, 0)}, fee=1_000),
    fig(3, {"18_24": (10, 0)}, fee=5_000),
    fig(4, {"0_6": (30, 0)}, fee=0),
    fig(5, {"7_12": (8, 0), "13_17": (2, 0)}, fee=50_000),
    fig(6, {"25_59": (50, 0)}, fee=20_000),
    fig(7, {"7_12": (3, 4)}, fee=4_000),
    fig(8, {"0_6": (5, 0), "18_24": (5, 0)}, fee=3_000),
    fig(9, {"13_17": (40, 0)}, fee=45_000),
    fig(10, {"7_12": (1, 0)}, fee=2_000),
    fig(11, {"18_24": (50, 0)}, fee=15_000),
    fig(12, {"0_6": (1, 0), "7_12": (1, 0), "13_17": (2, 0), "18_24": (2, 0)}, fee=6_000),
]
# Points: 60 + 200 + 20 + 30 + 100 + 0 + 30 + 15 + 400 + 10 + 100 + 35 = 1.000; budget 150.000 -> 150 kr. a point.

AALBORG_EXPECTED = {
    1: 9000,    # 10×1 + 5×10 = 60 points × 150 = 9.000 (fee income 10.000 is more)
    2: 1000,    # 20×10 = 200 × 150 = 30.000, capped at the fee income 1.000
    3: 3000,    # 10×2 = 20 × 150 = 3.000 (fee 5.000)
    4: 0,       # 30×1 = 30 × 150 = 4.500, capped at fee income 0
    5: 15000,   # 8×10 + 2×10 = 100 × 150 = 15.000 (fee 50.000)
    6: 0,       # members over 25 give no points
    7: 4000,    # 3×10 = 30 (4 outside don't count) × 150 = 4.500, capped at fee 4.000
    8: 2250,    # 5×1 + 5×2 = 15 × 150 = 2.250 (fee 3.000)
    9: 45000,   # 40×10 = 400 × 150 = 60.000, capped at fee 45.000
    10: 1500,   # 1×10 = 10 × 150 = 1.500 (fee 2.000)
    11: 15000,  # 50×2 = 100 × 150 = 15.000, equal to the fee 15.000: not above it, no cap
    12: 5250,   # 1×1 + 1×10 + 2×10 + 2×2 = 35 × 150 = 5.250 (fee 6.000)
}


def test_aalborg_shares_the_budget_by_points_capped_at_fee_income():
    result = calculate(parse(AALBORG), AALBORG_REPORTS, budget=150_000)
    assert amounts(result) == AALBORG_EXPECTED
    assert result.total == 101_000  # the caps leave 49.000 of the budget unspent
    assert codes(result, 9) == ["points", "cap_fee_income"]
    assert codes(result, 11) == ["points"]
    assert result.line_for(1).steps[0].params == {"points": 60, "point_value": "150.00", "budget": 150_000,
                                                   "total_points": 1000}


def test_aalborg_budget_share_rounding_sums_to_the_budget():
    reports = [fig(1, {"0_6": (1, 0)}), fig(2, {"0_6": (1, 0)}), fig(3, {"0_6": (1, 0)})]
    result = calculate(parse(AALBORG | {"cap_fee_income": False}), reports, budget=100)
    # 3 points share 100 kr.: 33,33 each; floors 33 × 3 = 99; the spare krone goes to the lowest id of the ties
    assert amounts(result) == {1: 34, 2: 33, 3: 33}
    assert result.total == 100


# --- Favrskov lokaletilskud -----------------------------------------------------------------------------------
# 65 % of the eligible premises costs, at most 65 % of activity hours × KL's hourly rate ("Tilskud ydes på
# grundlag af de faktiske driftsudgifter med max. 65% af aktivitetstimetallet x de timesatser der fremgår af den
# årlige budgetvejledning fra KL", favrskov.dk, Regelsæt for lokaletilskud). KL's rate for "andre lokaler" was
# 131,22 kr. in 2017 (KL: Regulering af satser for 2017 i henhold til folkeoplysningsloven); we use 131 kr.
# Reduced when members over 25 are more than 10 %: folkeoplysningsloven § 25 stk. 3 allows a proportional
# reduction, and the local rules reduce by the percentage points above the 10 % (Frederikshavn's rules spell it
# out: "hvis medlemmerne over 25 år udgør 25 %, vil lokaletilskuddet blive reduceret med 15 %").
# So each row: min(0,65 × costs, 0,65 × hours × 131 = hours × 85,15) × (1 − (over-25 share − 10 %)), rounded down.

FAVRSKOV = {"basis": "cost_share", "cost_percent": 65,
            "cost_types": ["rent", "interest", "maintenance", "utilities", "cleaning", "insurance"],
            "cap_per_hour": 131, "over25_threshold": 10}

U25 = "13_17"
O25 = "25_59"
FAVRSKOV_REPORTS = [
    fig(1, {U25: (50, 0)}, hours=300, costs={"rent": 15_000, "utilities": 5_000, "coffee": 3_000}),
    fig(2, {U25: (40, 0), O25: (10, 0)}, hours=200, costs={"rent": 100_000}),
    fig(3, {U25: (45, 0), O25: (5, 0)}, hours=100, costs={"maintenance": 10_000}),
    fig(4, {U25: (20, 0)}, hours=100, costs={}),
    fig(5, {U25: (30, 0), O25: (70, 0)}, hours=400, costs={"rent": 31_000}),
    fig(6, {U25: (20, 0)}, hours=50, costs={"rent": 10_000, "utilities": 5_000}),
    fig(7, {U25: (10, 0), O25: (1, 0)}, hours=1000, costs={"cleaning": 7_777}),
    fig(8, {U25: (25, 0)}, hours=0, costs={"rent": 40_000}),
    fig(9, {U25: (17, 0), O25: (3, 0)}, hours=250, costs={"interest": 8_000, "insurance": 4_000}),
    fig(10, {U25: (8, 0), O25: (2, 0)}, hours=150, costs={"rent": 50_000}),
    fig(11, {O25: (10, 0)}, hours=500, costs={"rent": 9_000}),
    fig(12, {U25: (33, 0)}, hours=365, costs={"rent": 24_000}),
]

FAVRSKOV_EXPECTED = {
    1: 13000,   # 15.000 + 5.000 (coffee is not a premises cost) = 20.000 × 65 % = 13.000; cap 300 × 85,15 = 25.545
    2: 15327,   # 100.000 × 65 % = 65.000, cap 200 × 85,15 = 17.030; over 25: 10/50 = 20 %, −10 % -> 15.327
    3: 6500,    # 10.000 × 65 % = 6.500 (cap 8.515); over 25: 5/50 = 10 %, not above 10 % -> no reduction
    4: 0,       # no costs
    5: 8060,    # 31.000 × 65 % = 20.150 (cap 34.060); over 25: 70 %, −60 % -> 20.150 × 0,4 = 8.060
    6: 4257,    # 15.000 × 65 % = 9.750, cap 50 × 85,15 = 4.257,50 -> 4.257 rounded down
    7: 5055,    # 7.777 × 65 % = 5.055,05 -> 5.055; over 25: 1/11 = 9,1 % -> no reduction
    8: 0,       # no activity hours: cap 0 × 85,15 = 0
    9: 7410,    # 12.000 × 65 % = 7.800 (cap 21.287,50); over 25: 3/20 = 15 %, −5 % -> 7.410
    10: 11495,  # 50.000 × 65 % = 32.500, cap 150 × 85,15 = 12.772,50; 2/10 = 20 %, −10 % -> 11.495,25 -> 11.495
    11: 585,    # 9.000 × 65 % = 5.850; all over 25: 100 %, −90 % -> 585
    12: 15600,  # 24.000 × 65 % = 15.600 (cap 31.079,75)
}


def test_favrskov_premises_subsidy_65_percent_capped_per_hour_reduced_for_over_25():
    result = calculate(parse(FAVRSKOV), FAVRSKOV_REPORTS, budget=100_000)
    assert amounts(result) == FAVRSKOV_EXPECTED
    assert result.total == 87_289  # the sum of the rows, each rounded down on its own
    assert codes(result, 2) == ["cost_share", "cap_per_hour", "over_25"]
    assert codes(result, 3) == ["cost_share"]  # exactly at the threshold: no reduction step
    assert codes(result, 10) == ["cost_share", "cap_per_hour", "over_25", "rounded"]
    assert result.line_for(2).steps[1].params == {"hours": 200, "cap": 131, "percent": 65}
    assert result.line_for(2).steps[2].params == {"share": "20.0", "threshold": 10, "reduction": "10.0"}


# --- Høje-Taastrup: 1/12 less per started month late -----------------------------------------------------------

def test_hoeje_taastrup_deducts_a_twelfth_per_started_month_late():
    formula = parse({"basis": "per_member", "rate": 200, "late_twelfths": 1})
    ten = {"7_12": (10, 0)}
    reports = [fig(1, ten), fig(2, ten, late=1), fig(3, ten, late=2), fig(4, ten, late=3), fig(5, ten, late=12),
               fig(6, ten, late=13)]
    result = calculate(formula, reports, budget=100_000)
    assert amounts(result) == {
        1: 2000,  # 10 × 200, on time
        2: 1833,  # 2.000 × 11/12 = 1.833,33
        3: 1666,  # 2.000 × 10/12 = 1.666,67, rounded down
        4: 1500,  # 2.000 × 9/12
        5: 0,     # 12 months late: 12/12 deducted
        6: 0,     # never more than everything
    }
    assert result.line_for(3).steps[1].params == {"months": 2, "twelfths": 2}


@pytest.mark.parametrize(("submitted", "months"), [
    (date(2027, 3, 31), 0),   # on the deadline
    (date(2027, 4, 1), 1),    # a day late: one started month
    (date(2027, 4, 30), 1),   # 31 March + 1 month = 30 April
    (date(2027, 5, 1), 2),
    (date(2027, 5, 31), 2),
    (date(2027, 6, 1), 3),
    (date(2028, 3, 31), 12),
    (date(2028, 4, 1), 13),
])
def test_started_months_late(submitted, months):
    assert started_months_late(date(2027, 3, 31), submitted) == months


def test_minimum_fee_makes_an_association_ineligible():
    formula = parse({"basis": "per_member", "rate": 100, "minimum_fee": 150})
    reports = [fig(1, {"7_12": (10, 0)}, fee=1_500, paying=10),   # 150 kr. a paying member: eligible -> 1.000
               fig(2, {"7_12": (10, 0)}, fee=1_490, paying=10),   # 149 kr. a paying member: below -> 0
               fig(3, {"7_12": (10, 0)}, fee=0, paying=0)]        # nobody pays: below -> 0
    result = calculate(formula, reports, budget=10_000)
    assert amounts(result) == {1: 1000, 2: 0, 3: 0}
    assert result.line_for(2).steps[0].code == "below_minimum_fee"
    assert result.line_for(2).steps[0].params == {"minimum_fee": 150, "fee_per_member": "149.00"}
