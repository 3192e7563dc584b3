"""Danish messages for the premises rules' problem codes, and a slot's time in words."""
from __future__ import annotations

from datetime import datetime, time

from flask_babel import gettext, lazy_gettext as _l, ngettext

from app.clock import TZ
from app.formatting import hhmm, weekday_day
from app.services.premises.recurrence import Slot
from workflows import N_

WEEKDAYS = (_l("mandag"), _l("tirsdag"), _l("onsdag"), _l("torsdag"), _l("fredag"), _l("lørdag"), _l("søndag"))
WEEKDAYS_PLURAL = (_l("mandage"), _l("tirsdage"), _l("onsdage"), _l("torsdage"), _l("fredage"), _l("lørdage"),
                   _l("søndage"))
AGE_GROUP_LABELS = {
    "children_youth": _l("Børn og unge (under 25 år)"),
    "adult_education": _l("Voksenundervisning (folkeoplysning)"),
    "adults": _l("Voksne"),
}
BOOKABLE_BY_LABELS = {
    "approved": _l("Godkendte folkeoplysende foreninger"),
    "associations": _l("Alle foreninger"),
    "informal": _l("Alle foreninger og uformelle grupper"),
}
RECURRENCE_LABELS = {"none": _l("Én gang"), "weekly": _l("Hver uge"), "biweekly": _l("Hver anden uge")}
STATUS_LABELS = {"reserved": _l("Reserveret (afventer udvalget)"), "confirmed": _l("Bekræftet"),
                 "cancelled": _l("Aflyst")}

MESSAGES = {
    "end_before_start": N_("Sluttidspunktet skal ligge efter starttidspunktet."),
    "until_missing": N_("Skriv, hvornår en gentagen booking skal slutte."),
    "until_before_first": N_("Slutdatoen for gentagelsen ligger før den første dato."),
    "too_long": N_("En gentagen booking kan højst vare et år. Søg om sæsontider i sæsonfordelingen."),
    "bad_frequency": N_("Vælg, hvor tit bookingen skal gentages."),
    "only_approved": N_("Lokalet kan kun lånes af godkendte folkeoplysende foreninger."),
    "no_informal": N_("Lokalet kan ikke lånes af uformelle grupper – kun af foreninger."),
    "child_certificate": N_("Foreningen arbejder med børn og skal afgive erklæring om børneattester, "
                            "før den kan låne lokaler."),
    "over_capacity": N_("Lokalet har plads til %(capacity)s. I har skrevet %(participants)s."),
    "closed_weekday": N_("Lokalet har lukket om %(weekday)s."),
    "outside_hours": N_("Tiden ligger uden for åbningstiden om %(weekday)s (%(opens)s–%(closes)s)."),
    "in_past": N_("Tidspunktet er allerede begyndt eller passeret. Vælg en tid i fremtiden."),
    "closed": N_("Lokalet er lukket %(when)s (%(reason)s)."),
    "taken": N_("Tiden er optaget: %(when)s."),
    "all_unavailable": N_("Alle de ønskede datoer er optaget eller lukket. Vælg en anden tid eller et andet lokale."),
    "season_round": N_("Perioden indgår i sæsonfordelingen »%(name)s«, som ikke er offentliggjort endnu. "
                       "Ønsk tiderne i sæsonfordelingen, eller vent til fordelingen er offentliggjort."),
    "no_pool": N_("Kommunen tager ikke imod anmodninger om lokaler lige nu. Kontakt kommunen."),
    "not_bookable": N_("Lokalet kan ikke bookes lige nu."),
    "window_closed": N_("Ansøgningsfristen for sæsonfordelingen er ikke åben."),
    "round_locked": N_("Sæsonfordelingen er allerede i gang; ønsker kan ikke ændres nu."),
    "deadline_passed": N_("Bookingen %(when)s kan ikke aflyses så sent: fristen er %(hours)s før. "
                          "Kontakt kommunen."),
    "too_many_cancellations": N_("I har allerede aflyst %(count)s i denne sæson, som er det højeste antal "
                                 "for lokalet. Kontakt kommunen."),
    "already_cancelled": N_("Bookingen er allerede aflyst."),
    "already_started": N_("Bookingen er begyndt eller overstået og kan ikke aflyses."),
    "choose_dates": N_("Vælg mindst én dato, der skal godkendes."),
    "reason_required": N_("Skriv en begrundelse. Foreningen får den med i beskeden om aflysningen."),
    "parent_elsewhere": N_("Det overordnede lokale skal ligge samme sted."),
    "parent_cycle": N_("Et lokale kan ikke ligge inde i sig selv eller i et af sine egne dellokaler."),
    "has_bookings": N_("Lokalet har kommende bookinger, så det kan ikke flyttes i hierarkiet nu."),
}


def when(slot: Slot) -> str:
    """'tirsdag 13. okt. 2026 kl. 18:00–20:00' in the current language."""
    start, end = slot.starts_at.astimezone(TZ), slot.ends_at.astimezone(TZ)
    return f"{weekday_day(start)} {gettext('kl.')} {hhmm(start.time())}–{hhmm(end.time())}"


def when_span(starts_at: datetime, ends_at: datetime) -> str:
    """The same for a booking's start and end."""
    return when(Slot(starts_at, ends_at))


def format_params(params: dict) -> dict:
    """A problem's parameters as words: weekday names, 18:00, dates."""
    params = dict(params)
    if "weekday" in params:
        params["weekday"] = str(WEEKDAYS_PLURAL[int(params["weekday"])])
    if isinstance(params.get("starts_at"), datetime):
        params["when"] = weekday_day(params.pop("starts_at"), with_time=True)
    for key, counted in COUNTED.items():
        if str(params.get(key, "")).isdigit():
            params[key] = counted(int(params[key]))
    for key in ("opens", "closes"):
        if isinstance(params.get(key), time):
            params[key] = hhmm(params[key])
    return {key: str(value) for key, value in params.items()}


# Counts in the problem messages, each with its noun in the right number ('1 person', '20 personer').
COUNTED = {"capacity": lambda n: ngettext("%(num)s person", "%(num)s personer", n),
           "participants": lambda n: ngettext("%(num)s deltager", "%(num)s deltagere", n),
           "hours": lambda n: ngettext("%(num)s time", "%(num)s timer", n),
           "count": lambda n: ngettext("%(num)s gang", "%(num)s gange", n)}


def describe(code: str, **params: object) -> str:
    """The Danish (or English) sentence for a problem code, with its parameters filled in."""
    text = gettext(MESSAGES[code])
    return text % format_params(params) if params else text
