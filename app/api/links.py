"""OpenAPI links: how an answer's ids lead to the next calls (for integrators' tools and stateful testing)."""
from __future__ import annotations


def _ref(path: str, method: str = "get") -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def link(path: str, method: str = "get", **parameters: str) -> dict:
    """A link to the operation `method path`, its parameters taken from the answer (runtime expressions)."""
    return {"operationRef": _ref("/api/v1" + path, method), "parameters": parameters}


def from_items(**targets: dict) -> dict:
    """`@bp.doc` for a 200 answer whose links are `targets` (name → link)."""
    return {"responses": {"200": {"links": targets}}}


FIRST_ITEM = "$response.body#/items/0/id"
FIRST = "$response.body#/0/id"
NEXT_PAGE = "$response.body#/next_cursor"
