"""Search for the queue: case number, CVR, association name, title and application text.

PostgreSQL uses the full-text index ix_cases_search (Danish stemming); SQLite falls back to LIKE.
"""
from __future__ import annotations

import json
import re

from sqlalchemy import ARRAY, Integer, Text, any_, cast, false, func, literal, literal_column, or_

from app.extensions import db
from app.models import Association, Case
from app.models.case import CASE_SEARCH_SQL
from app.validators import normalise_cvr

MAX_ASSOCIATIONS = 10_000


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _association_match(term: str):
    term, cvr = term.strip(), normalise_cvr(term)
    if re.fullmatch(r"\d{8}", cvr):
        return Association.cvr == cvr
    return Association.name.ilike(f"%{_escape_like(term)}%", escape="\\")


def search(q: str):
    """Case number, CVR, association name, title and application text."""
    q = q[:200]
    by_association = among(Case.association_id, association_ids(q))
    if _is_postgresql():
        query = func.websearch_to_tsquery(literal_column("'danish'::regconfig"), q)
        return or_(Case.number == q, literal_column(CASE_SEARCH_SQL).op("@@")(query), by_association)
    words = q.split()[:8]
    return or_(Case.number == q, by_association, *([db.and_(*[_word_like(w) for w in words])] if words else []))


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def association_ids(term: str) -> list[int]:
    """Associations matching a CVR number or part of a name, read once (a small table)."""
    return list(db.session.scalars(db.select(Association.id).where(_association_match(term))
                                   .order_by(Association.id).limit(MAX_ASSOCIATIONS)))


def among(column, ids: list[int]):
    """column = ANY(one array parameter) on PostgreSQL (one plan for any number of ids), IN elsewhere."""
    if not ids:
        return false()
    if _is_postgresql():
        return column == any_(literal(ids, ARRAY(Integer)))
    return column.in_(ids)


def _word_like(word: str):
    """SQLite fallback: the word in the title or the application data (stored as ASCII-escaped JSON)."""
    plain = f"%{_escape_like(word)}%"
    escaped = f"%{_escape_like(json.dumps(word)[1:-1])}%"
    data = cast(Case.data, Text)
    return or_(Case.title.ilike(plain, escape="\\"), data.ilike(plain, escape="\\"), data.ilike(escaped, escape="\\"))
