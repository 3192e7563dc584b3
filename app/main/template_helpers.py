"""Template globals and filters: navigation, labels, and the formats of app/formatting.py as filters."""
from __future__ import annotations

from datetime import date

from flask import Flask
from markupsafe import Markup
from flask_babel import lazy_gettext as _l

from app.formatting import day, day_at, day_only, money, month_in_words, number
from app.i18n import current_locale
from app.main.form_fields import form_field
from app.main.navigation import current_path, home_endpoint, nav_items

ROLE_LABELS = {
    "applicant": _l("Ansøger"),
    "committee_chair": _l("Udvalgsformand"),
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


SEAT_IN = {"chair": _l("Formand for %(name)s"), "treasurer": _l("Kasserer i %(name)s"),
           "member": _l("Bestyrelsesmedlem i %(name)s")}


def header_role(user) -> str:
    """The words after the user's name in the header: a staff role, or a board seat when there is exactly one
    association ('Formand for Fjordens Kajakklub'); nothing for a member of several or none."""
    if user.role != "member":
        return role_label(user.role)
    memberships = list(user.memberships)
    if len(memberships) != 1:
        return ""
    seat = memberships[0]
    return str(SEAT_IN.get(seat.role, SEAT_IN["member"])) % {"name": seat.association.name}


def rich_text(text: str | None) -> str:
    """Administrators' rich text (pool rules and guidance) as sanitised HTML."""
    from app.services.files.rich_text import to_html
    return to_html(text)


def answer_text(field: object, value: object) -> str:
    """An application form answer in words (the form runtime's summaries)."""
    from app.forms_runtime.view import answer_text as words
    return words(field, value)


def seen_field(case_id: int) -> Markup:
    """The hidden `seen` field: the last journal line the page showed (for "what changed" on a lost race)."""
    from app.services.cases.transitions import last_event_id
    return Markup('<input type="hidden" name="seen" value="%d">') % last_event_id(case_id)


def sign_up_endpoint() -> str | None:
    """Where an "Opret bruger" link goes: e-mail sign-up, or MitID when the municipality has turned e-mail
    log-in off (a member's account is made at her first MitID log-in), or nowhere (no dead link)."""
    from flask import current_app
    from app.services.integrations import nemlogin
    if current_app.config["EMAIL_LOGIN_ENABLED"]:
        return "auth.signup"
    return "auth.nemlogin_login" if nemlogin.is_configured() else None


def iso_day(text: str | date | None) -> str:
    """A date stored as ISO text in a notice's payload ('2027-01-31'), shown like every other date."""
    if text is None or isinstance(text, date):
        return day(text)
    try:
        return day(date.fromisoformat(text))
    except ValueError:
        return text


def register(app: Flask) -> None:
    """Install globals and filters."""
    app.jinja_env.globals.update(nav_items=nav_items, role_label=role_label, current_path=current_path,
                                 home_endpoint=home_endpoint, state_label=state_label, state_name=state_name,
                                 state_label_for=state_label_for)
    app.jinja_env.filters.update(money=money, day=day, number=number, role_word=role_label)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["rich_text"] = rich_text
    app.jinja_env.globals["answer_text"] = answer_text
    app.jinja_env.globals["seen_field"] = seen_field
    app.jinja_env.globals["header_role"] = header_role
    app.jinja_env.globals["form_field"] = form_field
    app.jinja_env.globals["sign_up_endpoint"] = sign_up_endpoint
    app.jinja_env.filters["day_only"] = day_only
    app.jinja_env.filters["day_at"] = day_at
    app.jinja_env.filters["iso_day"] = iso_day
    from app.services.integrations.cvr_register import status_in_words
    app.jinja_env.filters["register_status"] = status_in_words
    app.jinja_env.filters["month"] = month_in_words

    @app.context_processor
    def inject_locale() -> dict:
        return {"locale": current_locale()}


def state_label(case: object, audience: str = "staff") -> str:
    """A case's state in words for staff or for the applicant, translated."""
    return state_label_for(case.workflow, case.state, audience)


def state_label_for(workflow: str, state: str, audience: str = "staff") -> str:
    """A state's label in a named workflow, translated."""
    found = state_labels(audience).get((workflow, state))
    return found if found is not None else _translated_label(workflow, state, audience)


def state_name(name: str) -> str:
    """The staff label of a state name, looked up in the first workflow that has it."""
    return state_labels("names").get(name, name)


def state_labels(audience: str) -> dict:
    """Every state's label for one audience in the current locale, translated once per app and locale.

    A list of fifty cases asked Babel for fifty labels; the labels are the same for every request."""
    from flask import current_app
    cache = current_app.extensions.setdefault("state_labels", {})
    key = (current_locale(), audience)
    if key not in cache:
        cache[key] = _translated_labels(audience)
    return cache[key]


def _translated_label(workflow: str, state: str, audience: str) -> str:
    """One label, looked up in the registry (which says why when the workflow or state is unknown)."""
    from flask_babel import gettext
    from workflows import registry
    found = registry.get(workflow).state(state)
    return gettext(found.public_label if audience == "public" else found.staff_label)


def _translated_labels(audience: str) -> dict:
    from flask_babel import gettext
    from workflows import registry
    if audience == "names":  # a state name's staff label from the first workflow that has it
        names: dict = {}
        for workflow in registry.all():
            for state in workflow.states:
                names.setdefault(state.name, gettext(state.staff_label))
        return names
    return {(workflow.name, state.name): gettext(state.public_label if audience == "public" else state.staff_label)
            for workflow in registry.all() for state in workflow.states}
