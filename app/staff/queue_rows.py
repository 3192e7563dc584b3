"""The queue's table rows in Python: `staff/home.html` writes what `rows` returns.

As Jinja, a row of the default columns was some forty interpolations, each an `escape()` and a new `Markup`, plus
a `url_for` and a filter call per cell: 0.17 ms of CPU a row, so a full page of fifty cases cost a quarter more
than a page of thirteen, and the view of a narrow filter grew with the table that filled its page (issue 21). Here each
value is escaped once, the texts and labels shared by every row are looked up once a page, and a row is one string.
The markup is the template's, cell for cell (tests/staff/test_queue_rows.py reads it back).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from app.formatting import day_only, money
from app.i18n import current_locale
from app.main.template_helpers import state_label_for, state_labels
from app.services.cases import queue

_ID = 918273645  # a case id no URL part contains: the case link is built once and the id put in its place


def rows(cases: Iterable[queue.ListedCase], columns: Sequence[str], labels: dict, checked: set[str],
         today: date) -> tuple[Markup, int]:
    """The `<tr>` of every case with the chosen optional `columns`, and how many of them are ticked (`checked`)."""
    locale = current_locale()
    link_start, link_end = url_for("staff.case", case_id=_ID).split(str(_ID))
    texts = _Texts(locale, labels)
    out, ticked = [], 0
    for case in cases:
        value = f"{case.id}:{case.version}"
        tick = value in checked
        ticked += tick
        number = escape(case.number)
        title = escape(case.title)
        out += ['\n      <tr>\n        <td class="q-select"><div class="form-group-checkbox mt-0">'
                f'<input class="form-checkbox" type="checkbox" id="sag-{case.id}" name="sager" value="{value}"',
                " checked" if tick else "",
                f'><label for="sag-{case.id}"><span class="sr-only">',
                escape(texts.choose_case.replace("{number}", case.number or "")),
                '</span></label></div></td>\n        <td class="q-case"><div class="q-case-line">'
                f'<a class="q-link q-number" href="{link_start}{case.id}{link_end}">{number}</a> '
                f'<span class="q-title" title="{title}">{title}</span></div></td>']
        out += [_cell(key, case, texts, today) for key in columns]
        out.append("\n      </tr>")
    return Markup("".join(out)), ticked  # nosec B704 # every value escape()d above, ids and versions are ints


class _Texts:
    """What every row shares, looked up once a page: the words, the column labels (escaped) and the state labels."""

    def __init__(self, locale: str, labels: dict):
        self.locale = locale
        self.labels = {key: escape(label) for key, label in labels.items()}
        self.choose_case = gettext("Vælg sag %(number)s", number="{number}")
        self.cvr = escape(gettext("CVR"))
        self.overdue = escape(gettext("Overskredet"))
        self.soon = escape(gettext("Snart"))
        self.nobody = escape(gettext("Ikke tildelt"))
        self.states = state_labels("staff")


def _cell(key: str, case: queue.ListedCase, texts: _Texts, today: date) -> str:
    label = texts.labels[key]
    if key == "forening":
        name = escape(case.association.name)
        cvr = f" ({texts.cvr} {escape(case.association.cvr)})" if case.association.cvr else ""
        return f'\n        <td class="q-forening" data-label="{label}" title="{name}{cvr}">{name}</td>'
    if key == "pulje":
        pool = escape(case.pool.name)
        return f'\n        <td class="q-pulje" data-label="{label}" title="{pool}">{pool}</td>'
    if key == "status":
        state = texts.states.get((case.workflow, case.state))
        state = escape(state if state is not None else state_label_for(case.workflow, case.state, "staff"))
        return f'\n        <td class="q-status" data-label="{label}" title="{state}">{state}</td>'
    if key == "indsendt":
        day = escape(day_only(case.submitted_at, texts.locale))
        return f'\n        <td class="q-indsendt" data-label="{label}">{day}</td>'
    if key == "frist":
        return f'\n        <td class="q-frist" data-label="{label}">{_due(case, texts, today)}</td>'
    if key == "beloeb":
        amount = escape(money(case.amount_applied, texts.locale))
        return f'\n        <td class="q-beloeb" data-label="{label}">{amount}</td>'
    if key == "sagsbehandler":
        who = escape(case.assignee.full_name) if case.assignee else texts.nobody
        return f'\n        <td class="q-sagsbehandler" data-label="{label}" title="{who}">{who}</td>'
    raise ValueError(f"no queue column {key!r}")


def _due(case: queue.ListedCase, texts: _Texts, today: date) -> str:
    """The applicant's deadline with a badge when it has passed or is near; '–' when the case waits for nobody."""
    due = queue.due_date(case)
    if due is None:
        return "–"
    status = queue.due_status(case, today)
    badge = ""
    if status == "overdue":
        badge = f' <span class="badge badge-error app-queue-badge">{texts.overdue}</span>'
    elif status == "soon":
        badge = f' <span class="badge badge-warning app-queue-badge">{texts.soon}</span>'
    return f"{escape(day_only(due, texts.locale))}{badge}"
