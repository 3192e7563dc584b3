"""From the queue's GET form to a QueueFilter, and the links that keep the filters."""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import SelectChoice

from app.main.template_helpers import state_name
from app.services import queue
from app.services.queue import QueueFilter, QueuePage
from app.staff.forms import ASSIGNEE_CHOICES, SORT_CHOICES, QueueFilterForm
from workflows import registry


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


def filter_from(form: QueueFilterForm) -> QueueFilter:
    """The filter the form describes; a field with an error is left out."""
    pool = form.pulje.data or ""
    return QueueFilter(
        status=form.status.data, pool_id=int(pool) if pool.isdigit() else None,
        workflow=form.sagsgang.data if form.sagsgang.data in registry.names() else None,
        assignee=form.tildelt.data, association=(_ok(form.forening) or "").strip(),
        submitted_from=_ok(form.indsendt_fra), submitted_to=_ok(form.indsendt_til),
        amount_min=_ok(form.beloeb_fra), amount_max=_ok(form.beloeb_til),
        overdue=bool(form.overskredet.data), q=(_ok(form.q) or "").strip(),
        sort=form.sortering.data if form.sortering.data in {c.value for c in SORT_CHOICES} else "oldest")


def page_links(args: MultiDict, result: QueuePage) -> dict:
    """URLs for the first and the next page and for each state count, keeping every other filter."""
    base = {key: value for key, value in args.items() if key != "efter" and value != ""}
    return {
        "base": base,
        "next": url_for("staff.home", **base, efter=result.next_cursor) if result.next_cursor else None,
        "first": url_for("staff.home", **base) if args.get("efter") else None,
    }


def state_url(base: dict, state: str) -> str:
    """The queue with the same filters, for one state."""
    return url_for("staff.home", **{**base, "status": state})
