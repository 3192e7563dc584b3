"""One step of a subsidy calculation as a plain Danish sentence (the preview, the decision and its letter).

A stand-in until the formula's own `steps_text.describe(step_dict)` lands: same signature, so the merger can
replace `describe` here with an import of that one.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import format_decimal, gettext as _, ngettext


def kroner(value) -> str:
    """12.345 kr. or 12.345,50 kr. (a step's amount is exact to the øre until it is rounded)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = Decimal(0)
    pattern = "#,##0" if number == number.to_integral_value() else "#,##0.00"
    return _("%(amount)s kr.", amount=format_decimal(number, format=pattern))


def _percent(value) -> str:
    try:
        return format_decimal(Decimal(str(value)), format="#,##0.#")
    except (InvalidOperation, ValueError):
        return str(value)


def describe(step: dict) -> str:
    """The step (`Step.as_dict()`) in words, ending with the amount it leads to."""
    code, p, amount = step.get("code"), step.get("params") or {}, kroner(step.get("amount", 0))
    if code == "below_minimum_fee":
        return _("Kontingentet er %(fee)s pr. betalende medlem. Det er under mindstekontingentet på %(minimum)s, "
                 "så der gives ikke tilskud.", fee=kroner(p.get("fee_per_member")), minimum=kroner(p.get("minimum_fee")))
    if code == "per_member":
        return _("%(members)s medlemmer, der tæller med, gange %(rate)s pr. medlem giver %(amount)s",
                 members=p.get("members", 0), rate=kroner(p.get("rate")), amount=amount)
    if code == "points":
        return _("%(points)s point gange %(value)s pr. point giver %(amount)s",
                 points=p.get("points", 0), value=kroner(p.get("point_value")), amount=amount)
    if code == "cost_share":
        return _("%(percent)s %% af de tilskudsberettigede lokaleudgifter på %(costs)s giver %(amount)s",
                 percent=p.get("percent"), costs=kroner(p.get("costs")), amount=amount)
    if code == "cap_fee_income":
        return _("Tilskuddet kan højst være foreningens kontingentindtægt på %(fee)s, så det bliver %(amount)s",
                 fee=kroner(p.get("fee_income")), amount=amount)
    if code == "cap_per_member":
        return _("Tilskuddet kan højst være %(cap)s pr. medlem for %(members)s medlemmer, så det bliver %(amount)s",
                 cap=kroner(p.get("cap")), members=p.get("members", 0), amount=amount)
    if code == "cap_per_hour":
        return _("Tilskuddet kan højst være %(cap)s pr. aktivitetstime for %(hours)s timer, så det bliver %(amount)s",
                 cap=kroner(p.get("cap")), hours=p.get("hours", 0), amount=amount)
    if code == "over_25":
        return _("%(share)s %% af medlemmerne er 25 år eller ældre. Det er %(above)s procentpoint over grænsen på "
                 "%(threshold)s %%, så tilskuddet nedsættes tilsvarende til %(amount)s",
                 share=_percent(p.get("share")), above=_percent(p.get("reduction")), threshold=p.get("threshold"),
                 amount=amount)
    if code == "late":
        months = int(p.get("months") or 0)
        return ngettext("Indberetningen kom %(num)s måned for sent, så tilskuddet nedsættes med %(twelfths)s/12 "
                        "til %(amount)s",
                        "Indberetningen kom %(num)s måneder for sent, så tilskuddet nedsættes med %(twelfths)s/12 "
                        "til %(amount)s", months, twelfths=p.get("twelfths"), amount=amount)
    if code == "pro_rata":
        return _("Foreningernes tilskud er tilsammen større end budgettet, så alle beløb er sat ned til "
                 "%(percent)s %%: %(amount)s", percent=_percent(p.get("percent")), amount=amount)
    if code == "rounded":
        return _("Afrundet til hele kroner: %(amount)s", amount=amount)
    return _("Beløb efter dette trin: %(amount)s", amount=amount)
