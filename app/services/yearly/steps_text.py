"""Each step of a subsidy calculation as a Danish sentence: for the worked example, the preview and the letter.

`describe` takes a formula.Step or its stored form ({"code", "amount", "params"}, as a batch line keeps it)
and speaks in the locale in force (Danish by default; a letter forces its own).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction

from flask_babel import gettext as _, ngettext

from app.formatting import decimal_number, money, money_exact, number
from app.services.yearly.formula import Step


def _per_member(p: dict, amount: str) -> str:
    if p.get("nonresidents"):
        return ngettext("Tilskud pr. medlem: %(num)s medlem i de aldersgrupper, der giver tilskud, × %(rate)s "
                        "= %(amount)s",
                        "Tilskud pr. medlem: %(num)s medlemmer i de aldersgrupper, der giver tilskud, × %(rate)s "
                        "= %(amount)s", p["members"], rate=money(p["rate"]), amount=amount)
    return ngettext("Tilskud pr. medlem: %(num)s medlem, der bor i kommunen, i de aldersgrupper, der giver "
                    "tilskud, × %(rate)s = %(amount)s",
                    "Tilskud pr. medlem: %(num)s medlemmer, der bor i kommunen, i de aldersgrupper, der giver "
                    "tilskud, × %(rate)s = %(amount)s", p["members"], rate=money(p["rate"]), amount=amount)


def _points(p: dict, amount: str) -> str:
    value = money_exact(p["point_value"])
    if "total_points" in p:
        return ngettext("Point: %(num)s point × pointværdien %(value)s (budgettet %(budget)s delt med %(total)s "
                        "point i alt) = %(amount)s",
                        "Point: %(num)s point × pointværdien %(value)s (budgettet %(budget)s delt med %(total)s "
                        "point i alt) = %(amount)s", p["points"], value=value, budget=money(p["budget"]),
                        total=number(p["total_points"]), amount=amount)
    return ngettext("Point: %(num)s point × %(value)s pr. point = %(amount)s",
                    "Point: %(num)s point × %(value)s pr. point = %(amount)s", p["points"], value=value,
                    amount=amount)


def _cost_share(p: dict, amount: str) -> str:
    return _("Lokaletilskud: %(percent)s %% af udgifterne til lokaler, der giver tilskud (%(costs)s) = %(amount)s",
             percent=p["percent"], costs=money(p["costs"]), amount=amount)


def _cap_fee_income(p: dict, amount: str) -> str:
    return _("Tilskuddet kan ikke være større end foreningens kontingentindtægt: %(amount)s", amount=amount)


def _cap_per_member(p: dict, amount: str) -> str:
    return ngettext("Højst %(cap)s pr. medlem: %(num)s medlem × %(cap)s = %(amount)s",
                    "Højst %(cap)s pr. medlem: %(num)s medlemmer × %(cap)s = %(amount)s", p["members"],
                    cap=money(p["cap"]), amount=amount)


def _cap_per_hour(p: dict, amount: str) -> str:
    if "percent" in p:
        return ngettext("Højst %(percent)s %% af %(cap)s pr. aktivitetstime: %(num)s time × %(cap)s × %(percent)s %% "
                        "= %(amount)s",
                        "Højst %(percent)s %% af %(cap)s pr. aktivitetstime: %(num)s timer × %(cap)s × %(percent)s %% "
                        "= %(amount)s", p["hours"], cap=money(p["cap"]), percent=p["percent"], amount=amount)
    return ngettext("Højst %(cap)s pr. aktivitetstime: %(num)s time × %(cap)s = %(amount)s",
                    "Højst %(cap)s pr. aktivitetstime: %(num)s timer × %(cap)s = %(amount)s", p["hours"],
                    cap=money(p["cap"]), amount=amount)


def _over_25(p: dict, amount: str) -> str:
    return _("Nedsat for medlemmer over 25 år: de er %(share)s %% af medlemmerne, %(reduction)s procentpoint mere end "
             "grænsen på %(threshold)s %%, så tilskuddet nedsættes med %(reduction)s %% = %(amount)s",
             share=decimal_number(p["share"]), reduction=decimal_number(p["reduction"]), threshold=p["threshold"],
             amount=amount)


def _late(p: dict, amount: str) -> str:
    return ngettext("Indberetningen kom for sent (%(num)s påbegyndt måned): %(twelfths)s/12 trækkes fra = %(amount)s",
                    "Indberetningen kom for sent (%(num)s påbegyndte måneder): %(twelfths)s/12 trækkes fra "
                    "= %(amount)s", p["months"], twelfths=p["twelfths"], amount=amount)


def _pro_rata(p: dict, amount: str) -> str:
    return _("Budgettet rækker ikke til alle beløb, så alle er nedsat forholdsmæssigt til %(percent)s %% "
             "= %(amount)s", percent=decimal_number(p["percent"]), amount=amount)


def _rounded(p: dict, amount: str) -> str:
    return _("Afrundet til hele kroner: %(amount)s", amount=amount)


def _below_minimum_fee(p: dict, amount: str) -> str:
    return _("Intet tilskud: kontingentet er %(fee)s pr. betalende medlem, mindre end mindstekontingentet på "
             "%(minimum)s", fee=money_exact(p["fee_per_member"]), minimum=money(p["minimum_fee"]))


SENTENCES: dict[str, Callable[[dict, str], str]] = {
    "per_member": _per_member, "points": _points, "cost_share": _cost_share, "cap_fee_income": _cap_fee_income,
    "cap_per_member": _cap_per_member, "cap_per_hour": _cap_per_hour, "over_25": _over_25, "late": _late,
    "pro_rata": _pro_rata, "rounded": _rounded, "below_minimum_fee": _below_minimum_fee,
}


def describe(step: Step | Mapping) -> str:
    """One step of a calculation as a sentence, e.g. 'Tilskud pr. medlem: 30 medlemmer … × 205 kr. = 6.150 kr.'."""
    if isinstance(step, Step):
        code, amount, params = step.code, step.amount, step.params
    else:
        code, amount, params = step.get("code"), step.get("amount") or 0, step.get("params") or {}
    text = money_exact(amount if isinstance(amount, Fraction) else str(amount))
    sentence = SENTENCES.get(code)
    if sentence is None:  # a step from a newer formula than this text knows: the amount at least
        return _("Beregnet beløb: %(amount)s", amount=text)
    return sentence(params, text)
