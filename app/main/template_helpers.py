"""Template globals and filters: navigation, labels, Danish number and date formats."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, format_decimal, lazy_gettext as _l

from app.i18n import current_locale
from app.main.navigation import current_path, home_endpoint, nav_items

ROLE_LABELS = {
    "applicant": _l("ansøger"),
    "committee_chair": _l("udvalgsformand"),
    "member": _l("Foreningsmedlem"),
    "caseworker": _l("Sagsbehandler"),
    "committee_member": _l("Udvalgsmedlem"),
    "administrator": _l("Administrator"),
    "chair": _l("Formand"),
    "treasurer": _l("Kasserer"),
}


def role_label(role: str) -> str:
    """A role's label in the current language."""
    return str(ROLE_LABELS.get(role, role))


def money(amount: int | None) -> str:
    """'12.500 kr.' in Danish, '12,500 kr.' in English."""
    if amount is None:
        return "–"
    return f"{format_decimal(amount, format='#,##0')} kr."


def day(value: date | datetime | None) -> str:
    """A readable date."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return format_datetime(value, "d. MMM y HH:mm")
    return format_date(value, "d. MMM y")


def day_only(value: date | datetime | None) -> str:
    """The date alone (a datetime is shown in the user's time zone)."""
    return "–" if value is None else format_date(value, "d. MMM y")


def rich_text(text: str | None) -> str:
    """Administrators' rich text (pool rules and guidance) as sanitised HTML."""
    from app.services.rich_text import to_html
    return to_html(text)


def answer_text(field: object, value: object) -> str:
    """An application form answer in words (the form runtime's summaries)."""
    from app.forms_runtime.view import answer_text as words
    return words(field, value)


def register(app: Flask) -> None:
    """Install globals and filters."""
    app.jinja_env.globals.update(nav_items=nav_items, role_label=role_label, current_path=current_path,
                                 home_endpoint=home_endpoint, state_label=state_label, state_name=state_name,
                                 state_label_for=state_label_for)
    app.jinja_env.filters.update(money=money, day=day, role_word=role_label)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["rich_text"] = rich_text
    app.jinja_env.globals["answer_text"] = answer_text
    app.jinja_env.filters["day_only"] = day_only

    @app.context_processor
    def inject_locale() -> dict:
        return {"locale": current_locale()}


def state_label(case: object, audience: str = "staff") -> str:
    """A case's state in words for staff or for the applicant, translated."""
    from flask_babel import gettext
    from workflows import registry
    state = registry.get(case.workflow).state(case.state)
    return gettext(state.public_label if audience == "public" else state.staff_label)


def state_label_for(workflow: str, state: str, audience: str = "staff") -> str:
    """A state's label in a named workflow, translated."""
    from flask_babel import gettext
    from workflows import registry
    found = registry.get(workflow).state(state)
    return gettext(found.public_label if audience == "public" else found.staff_label)


def state_name(name: str) -> str:
    """The staff label of a state name, looked up in the first workflow that has it."""
    from flask_babel import gettext
    from workflows import registry
    for workflow in registry.all():
        for state in workflow.states:
            if state.name == name:
                return gettext(state.staff_label)
    return name
