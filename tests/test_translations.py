"""English is complete: every Danish source string has an English translation."""
import threading
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None}
METHODS = [("app/**.py", "python"), ("workflows/**.py", "python"), ("app/templates/**.html", "jinja2"),
           ("app/templates/**.txt", "jinja2")]


def _source_strings() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), METHODS, keywords=KEYWORDS, options_map={"app/templates/**.html": {"extensions": "jinja2.ext.do"}, "app/templates/**.txt": {"extensions": "jinja2.ext.do"}}):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_string_has_an_english_translation():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as fh:
        catalog = read_po(fh)
    missing = sorted(m for m in _source_strings()
                     if not (catalog.get(m) and catalog.get(m).string and "fuzzy" not in catalog.get(m).flags))
    assert not missing, f"{len(missing)} strings lack English (run scripts/i18n.sh and translate):\n" + \
        "\n".join(missing[:40])


def test_the_faster_babel_context_is_flask_babels_own(app):
    """app/i18n reads Flask-Babel's namespace from Flask's context variable: the same object Flask-Babel's own
    function finds, a new one per app context, none outside one; and a change of language within a request
    (flask_babel.refresh, as after log-in) still takes effect."""
    import flask_babel

    from app.i18n import _babel_context, _original_babel_context
    assert flask_babel._get_current_context is _babel_context
    assert _babel_context() is _original_babel_context()  # the test's own app context
    with app.test_request_context("/"):
        ours = _babel_context()
        assert ours is _original_babel_context() and ours is not None
        assert flask_babel.gettext("Vælg") == "Vælg"
        flask_babel.get_locale()
        assert ours.babel_locale is not None  # where Flask-Babel keeps what it worked out
    with app.test_request_context("/", headers={"Cookie": "sprog=en"}):
        # Within the test's app context Flask-Babel keeps what it found; refresh() makes it ask again, as log-in does.
        assert _babel_context() is ours and flask_babel.gettext("Vælg") == "Vælg"
        flask_babel.refresh()
        assert flask_babel.gettext("Vælg") == "Choose" and str(flask_babel.get_locale()) == "en"
        with flask_babel.force_locale("da"):
            assert flask_babel.gettext("Vælg") == "Vælg"
        assert flask_babel.gettext("Vælg") == "Choose"
    outside = []  # a new thread starts with no app context at all
    thread = threading.Thread(target=lambda: outside.append((_babel_context(), _original_babel_context())))
    thread.start()
    thread.join()
    assert outside == [(None, None)]
