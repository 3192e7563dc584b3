"""Rich text typed by administrators (rules, guidance): a small safe subset of HTML, cleaned with nh3."""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import nh3
from markupsafe import Markup

TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h2", "h3", "h4", "blockquote"}
ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _Inspector(HTMLParser):
    """Finds anything nh3 would remove: other tags, other attributes, scripts, odd link schemes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.unsafe = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in TAGS:
            self.unsafe = True
            return
        for name, value in attrs:
            if name not in ATTRIBUTES.get(tag, set()):
                self.unsafe = True
            elif name == "href" and (value or "").split(":", 1)[0].lower() not in URL_SCHEMES and ":" in (value or ""):
                self.unsafe = True

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag not in TAGS:
            self.unsafe = True


def clean(text: str) -> str:
    """The text with every tag, attribute and link scheme outside the allowed subset removed."""
    return nh3.clean(text or "", tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def sanitize(text: str) -> tuple[str, bool]:
    """(clean text, True when something unsafe was removed)."""
    inspector = _Inspector()
    inspector.feed(text or "")
    inspector.close()
    return clean(text).strip(), inspector.unsafe


def to_html(text: str | None) -> Markup:
    """Safe HTML for a page: cleaned markup, or plain text turned into paragraphs."""
    text = (text or "").strip()
    if not text:
        return Markup("")
    if not re.search(r"<[a-zA-Z/!]", text):
        paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
        return Markup("".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs))  # nosec B704 # escaped
    return Markup(clean(text))  # nosec B704 # cleaned by nh3 to the allowed subset
