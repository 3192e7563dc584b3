"""From the queue's GET form to a QueueFilter, the links that keep the filters, the saved views and the
columns the caseworker chose to see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice
from wtforms.validators import ValidationError

from app.main.template_helpers import state_name
from app.services.cases import queue
from app.services.cases.queue import QueueFilter, QueuePage
from app.staff.fields import DanishDateField
from app.staff.forms import ASSIGNEE_CHOICES, SORT_CHOICES, QueueFilterForm
from workflows import registry

# Optional columns, in the order they are shown: (URL value, heading). The case itself is always shown.
COLUMNS: tuple[tuple[str, object], ...] = (
    ("forening", _l("Forening")), ("pulje", _l("Pulje")), ("status", _l("Status")),
    ("indsendt", _l("Indsendt")), ("frist", _l("Frist")), ("beloeb", _l("Ansøgt")),
    ("sagsbehandler", _l("Sagsbehandler")),
)
DEFAULT_COLUMNS = ("forening", "status", "indsendt", "frist", "beloeb", "sagsbehandler")
SESSION_COLUMNS = "queue_columns"
# Arguments that choose columns rather than cases: never carried on into the queue's own links.
COLUMN_ARGS = ("kolonne", "kolonnevalg")


class QueueForm(QueueFilterForm):
    """The queue's filters plus the applicant's deadline (the saved view "Frist denne uge" sets it)."""

    frist_fra = DanishDateField(_l("Frist fra"))
    frist_til = DanishDateField(_l("Frist til og med"))

    def validate_frist_til(self, field) -> None:
        start = self.frist_fra.data
        if field.data is not None and start is not None and field.data < start:
            raise ValidationError(_l("Slutdatoen ligger før startdatoen."))


@dataclass(frozen=True)
class SavedView:
    """A named link that sets the filters; `current` when the page shows exactly those filters."""

    label: str
    url: str
    current: bool


def saved_views(args: MultiDict, today: date) -> list[SavedView]:
    """"Alle åbne", "Mine", "Frist denne uge" (the Danish week of `today`) and "Til udvalget"."""
    monday, sunday = queue.week_of(today)
    committee = queue.committee_states()
    views = [
        (_("Alle åbne"), {}),
        (_("Mine"), {"tildelt": "me"}),
        (_("Frist denne uge"), {"frist_fra": monday.strftime("%d.%m.%Y"), "frist_til": sunday.strftime("%d.%m.%Y"),
                                "sortering": "deadline"}),
        (_("Til udvalget"), {"status": committee[0]} if len(committee) == 1 else {}),
    ]
    shown = kept_filters(args)
    return [SavedView(label, url_for("staff.home", **wanted), shown == wanted) for label, wanted in views]


def chosen_columns(args: MultiDict) -> tuple[str, ...] | None:
    """The columns ticked in the column form, or None when the request did not come from it."""
    if "kolonnevalg" not in args:
        return None
    ticked = set(args.getlist("kolonne"))
    return tuple(key for key, _label in COLUMNS if key in ticked)


def remember_columns(columns: tuple[str, ...]) -> None:
    """Keep the choice for the rest of the log-in session."""
    session[SESSION_COLUMNS] = list(columns)


def shown_columns() -> tuple[str, ...]:
    """The optional columns to show: the remembered choice, else the defaults."""
    stored = session.get(SESSION_COLUMNS)
    if not isinstance(stored, list):
        return DEFAULT_COLUMNS
    return tuple(key for key, _label in COLUMNS if key in stored)


def fill_choices(form: QueueFilterForm, pools: list, people: list) -> None:
    """Options for the selects, and defaults for a first visit."""
    form.status.choices = ([SelectChoice("open", _("Åbne sager")), SelectChoice("all", _("Alle sager"))]
                           + [SelectChoice(s, state_name(s)) for s in queue.queue_states()])
    form.pulje.choices = [SelectChoice("", _("Alle puljer"))] + [SelectChoice(str(p.id), p.name) for p in pools]
    form.sagsgang.choices = [SelectChoice("", _("Alle sagsgange"))] + [
        SelectChoice(w.name, _(w.label)) for w in registry.all()]
    form.tildelt.choices = list(ASSIGNEE_CHOICES) + [SelectChoice(str(u.id), u.full_name) for u in people]
    defaults = {"status": "open", "tildelt": "any", "sortering": "oldest"}
    for name, value in defaults.items():
        field = form[name]
        if field.data not in {choice.value for choice in field.choices}:
            field.data = value


def _ok(field):
    return None if field.errors else field.data


def filter_from(form: QueueForm) -> QueueFilter:
    """The filter the form describes; a field with an error is left out."""
    pool = form.pulje.data or ""
    return QueueFilter(
        status=form.status.data, pool_id=int(pool) if pool.isdigit() else None,
        workflow=form.sagsgang.data if form.sagsgang.data in registry.names() else None,
        assignee=form.tildelt.data, association=(_ok(form.forening) or "").strip(),
        submitted_from=_ok(form.indsendt_fra), submitted_to=_ok(form.indsendt_til),
        amount_min=_ok(form.beloeb_fra), amount_max=_ok(form.beloeb_til),
        overdue=bool(form.overskredet.data), q=(_ok(form.q) or "").strip(),
        due_from=_ok(form.frist_fra), due_to=_ok(form.frist_til),
        sort=form.sortering.data if form.sortering.data in {c.value for c in SORT_CHOICES} else "oldest")


def kept_filters(args: MultiDict) -> dict:
    """The filters in the URL, without the page cursor and the column choice."""
    return {key: value for key, value in args.items() if key not in ("efter", *COLUMN_ARGS) and value != ""}


def page_links(args: MultiDict, result: QueuePage) -> dict:
    """URLs for the first and the next page and for each state count, keeping every other filter."""
    base = kept_filters(args)
    return {
        "base": base,
        "next": url_for("staff.home", **base, efter=result.next_cursor) if result.next_cursor else None,
        "first": url_for("staff.home", **base) if args.get("efter") else None,
    }


def state_url(base: dict, state: str) -> str:
    """The queue with the same filters, for one state."""
    return url_for("staff.home", **{**base, "status": state})
