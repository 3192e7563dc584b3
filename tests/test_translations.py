"""English is complete: every Danish source string has an English translation."""
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
