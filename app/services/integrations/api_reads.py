"""What the API reads: published pools, submitted cases; keyset pages through app/keyset.py for every list.

The case list is always ordered by (updated_at, id); the other lists by id (bookings by start), and by
(updated_at, id) when `updated_since` is given. Either way the filter and the cursor read one index range, so
page 1,000 costs what page 1 does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app import keyset
from app.extensions import db
from app.models import ApiClient, Case, Pool
from app.services.journals.read_log import add_client_case_reads, logged_read
from app.services.integrations.api_clients import add_call

# The only columns an integration gets (the answers, notes and assessments are not among them). Taken as
# plain values before the read log's commit, which expires the rows.
CASE_FIELDS = ("id", "number", "title", "workflow", "state", "pool_id", "association_id", "amount_applied",
               "granted_amount", "submitted_at", "decided_at", "updated_at", "esdh_journal_number")
# Every list can be read in change order: `updated_since` and the cursor then use an index (updated_at, id).
BY_CHANGE = ("updated_at", "id")


class BadCursor(ValueError):
    """The cursor was not made by this list (tampered with, cut short, or from another list)."""


@dataclass(frozen=True)
class Page:
    items: list
    next_cursor: str | None


def _after(cursor: str | None, sort: str, keys: tuple) -> tuple | None:
    if cursor is None:
        return None
    decoded = keyset.decode(cursor, sort, keys)
    if decoded is None:
        raise BadCursor(cursor)
    return decoded[1]


def keyset_page(query, model, sort: str, cursor: str | None, limit: int, updated_since: datetime | None = None,
                keys: tuple[str, ...] = ("id",)) -> tuple[list, str | None]:
    """(rows, next cursor) of `query` in `keys` order (the last key is the id).

    With `updated_since`, only rows changed at or after it, in change order (updated_at, id): a list that is
    otherwise in another order then makes its cursors under another name, so a cursor of one order given to
    the other is a BadCursor, never a page of the wrong rows.
    """
    if updated_since is not None:
        query = query.where(model.updated_at >= updated_since)
        if keys != BY_CHANGE:
            sort, keys = f"{sort}-changed", BY_CHANGE
    columns = tuple(getattr(model, key) for key in keys)
    after = _after(cursor, sort, (columns,))
    if after is not None:
        # A row comparison, which PostgreSQL reads as a range of the (…, id) index; the equivalent OR was a filter
        # over every row before the cursor (page 1,000 of 1M cases: 515 ms instead of 6 ms).
        query = query.where(db.tuple_(*columns) > db.tuple_(*after) if len(columns) > 1 else columns[0] > after[0])
    rows = list(db.session.scalars(query.order_by(*columns).limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    token = keyset.encode(sort, 0, tuple(getattr(rows[-1], key) for key in keys)) if more and rows else None
    return rows, token


def pools(cursor: str | None, limit: int, updated_since: datetime | None = None) -> Page:
    """Published pools by id, or by change from `updated_since` on."""
    rows, token = keyset_page(db.select(Pool).where(Pool.is_published.is_(True)), Pool, "api-pools", cursor, limit,
                              updated_since)
    return Page(rows, token)


def _submitted():
    return db.select(Case).where(Case.submitted_at.is_not(None))


def cases(client: ApiClient, endpoint: str, path: str, cursor: str | None, limit: int,
          updated_since: datetime | None) -> Page:
    """Submitted cases, oldest change first; the call and a read of each case are logged before they are shown."""
    rows, token = keyset_page(_submitted(), Case, "api-cases", cursor, limit, updated_since, keys=BY_CHANGE)
    items = [_case_values(r) for r in rows]
    with logged_read():
        add_call(client, "GET", endpoint, path)
        add_client_case_reads(client, rows)
    return Page(items, token)


def case(client: ApiClient, endpoint: str, path: str, case_id: int) -> dict | None:
    """One submitted case's listed columns, its read logged first; None when there is no such case."""
    row = db.session.scalar(_submitted().where(Case.id == case_id))
    if row is None:
        return None
    values = _case_values(row)
    with logged_read():
        add_call(client, "GET", endpoint, path)
        add_client_case_reads(client, [row])
    return values


def _case_values(row: Case) -> dict:
    return {name: getattr(row, name) for name in CASE_FIELDS}
