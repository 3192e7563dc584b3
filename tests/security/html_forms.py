"""Read the POST (and GET) forms out of a rendered page, the way a browser (or an attacker) sees them."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, file, hidden, number, date, email, ...
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    fields: list[Field] = field(default_factory=list)

    def key(self) -> tuple:
        return (self.action, tuple(sorted(f.name for f in self.fields)))


class _Parser(HTMLParser):
    def __init__(self, page_url: str, method: str = "post") -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.method = method
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == self.method:
            self._form = Form(action=a.get("action") or self.page_url)
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._select.options.append(a.get("value", ""))
            return
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "image", "reset"):
            self._form.fields.append(Field(a["name"], a.get("type", "text").lower(), a.get("value", "")))
        elif tag == "textarea":
            self._form.fields.append(Field(a["name"], "textarea"))
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "button" and a.get("value"):
            self._form.fields.append(Field(a["name"], "button", a["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None


def post_forms(html: str, page_url: str) -> list[Form]:
    """Every <form method="post"> on the page with its named fields."""
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms


def get_forms(html: str, page_url: str) -> list[Form]:
    """Every <form method="get"> (search and filter forms) on the page with its named fields."""
    parser = _Parser(page_url, "get")
    parser.feed(html)
    return parser.forms
