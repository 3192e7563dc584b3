"""What changed on a case while a member of staff looked at it: the answer to a lost race, in Danish.

Every page that acts on a case posts the id of the last journal line it showed (`seen`); when the
action loses a race (StaleCase), the page says who did what since then instead of a bare "try again".
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _, lazy_gettext as _l

from app.formatting import day
from app.models import Case
from app.services.cases import transitions
from workflows import registry

GENERIC = _l("Sagen er ændret af en anden, mens du så på den. Se den nye status, og prøv igen.")


def seen_posted() -> int | None:
    """The `seen` journal id the form carried, or None when it carried none."""
    return request.form.get("seen", type=int)


def stale_message(case: Case, seen_event_id: int | None) -> str:
    """"Sagen er ændret af en anden", with what was journalised after the page the user acted on."""
    events = transitions.journal_since(case.id, seen_event_id) if seen_event_id is not None else []
    lines = [_("%(when)s %(who)s: %(what)s", when=day(e.created_at),
               who=e.actor.full_name if e.actor else _("Systemet"), what=_event_words(case, e))
             for e in events]
    if not lines:
        return str(GENERIC)
    return _("Sagen er ændret af en anden, mens du så på den: %(changes)s. Se den nye status, og prøv igen.",
             changes="; ".join(lines))


def _event_words(case: Case, event) -> str:
    if event.kind == "transition":
        return action_label(case.workflow, event.action)
    return event.comment or action_label(case.workflow, event.action)


def action_label(workflow: str, action: str | None) -> str:
    """The translated label of a workflow action (for the journal)."""
    found = next((t.label for t in registry.get(workflow).transitions if t.action == action), None)
    return _(found) if found else (action or "")
