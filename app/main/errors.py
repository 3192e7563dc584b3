"""Error pages in the site frame, in Danish, never a stack trace."""
from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError

from app.api.problems import handle_http_exception, handle_unexpected, is_api_request, problem
from app.extensions import db

MESSAGES = {
    400: (_l("Forespørgslen kunne ikke forstås"), _l("Siden fik data, den ikke kunne bruge. Gå tilbage og prøv igen.")),
    403: (_l("Du har ikke adgang"), _l("Du har ikke adgang til denne side. Er du logget ind med den rigtige bruger?")),
    404: (_l("Siden findes ikke"), _l("Vi kan ikke finde siden. Den kan være flyttet, eller adressen kan være skrevet forkert.")),
    405: (_l("Handlingen er ikke tilladt"), _l("Siden kan ikke bruges på denne måde.")),
    413: (_l("Filen er for stor"), _l("Det, du sendte, er for stort. Prøv med en mindre fil.")),
    429: (_l("For mange forsøg"), _l("Du har prøvet for mange gange på kort tid. Vent et minut, og prøv igen.")),
    500: (_l("Der skete en fejl"), _l("Der skete en fejl hos os. Prøv igen om lidt. Det, du har gemt, er ikke gået tabt.")),
}


def render_error(code: int, message: str | None = None):
    """Render the error page for `code` (under /api/: the same as problem+json)."""
    if is_api_request():
        return problem(code, message)
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def _page(code: int):
    """The site's error page, or under /api/ a problem+json answer (app/api/problems.py)."""
    def handle(e):
        return handle_http_exception(e) if is_api_request() else render_error(code)
    return handle


def register(app: Flask) -> None:
    """Install the handlers."""
    for code in MESSAGES:
        if code == 500:
            continue
        app.register_error_handler(code, _page(code))

    @app.errorhandler(HTTPException)
    def other_http_error(e):
        """Codes without a page of their own (401, 415, 422, …): plain for the site, problem+json for the API."""
        return handle_http_exception(e) if is_api_request() else e

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return render_error(400, _l("Formularen var for gammel eller blev sendt to gange. Gå tilbage, genindlæs siden, og prøv igen."))

    @app.errorhandler(500)
    def server_error(e):
        db.session.rollback()
        return handle_unexpected(e) if is_api_request() else render_error(500)
