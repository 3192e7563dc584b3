"""/api/v1 for booking screens and the website: spaces and bookings (bookings:read)."""
from __future__ import annotations

from flask import g

from app.api import oauth
from app.api.links import NEXT_PAGE, from_items, link
from app.api.resources import bad_cursor, bp, call, per_client
from app.api.schemas import BookingListArgs, BookingPageSchema, ChangedArgs, SpacePageSchema
from app.services.integrations import api_resources
from app.services.integrations.api_reads import BadCursor

BOOKINGS = [{"oauth2": ["bookings:read"]}]


@bp.route("/spaces")
@per_client
@oauth.require_scope("bookings:read")
@bp.arguments(ChangedArgs, location="query", as_kwargs=True)
@bp.response(200, SpacePageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.doc(summary="Published spaces (halls, courts, rooms), by id (or by change)", security=BOOKINGS)
@bp.doc(**from_items(next_page=link("/spaces", cursor=NEXT_PAGE)))
def spaces(limit: int, cursor: str | None = None, updated_since=None):
    """A court names its hall as parent: booking the hall blocks its courts."""
    try:
        page = api_resources.spaces(g.api_client, call(), cursor, limit, updated_since)
    except BadCursor:
        bad_cursor()
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/bookings")
@per_client
@oauth.require_scope("bookings:read")
@bp.arguments(BookingListArgs, location="query", as_kwargs=True)
@bp.response(200, BookingPageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.doc(summary="Bookings by start time (or by change)", security=BOOKINGS)
@bp.doc(**from_items(next_page=link("/bookings", cursor=NEXT_PAGE)))
def bookings(limit: int, cursor: str | None = None, starts_from=None, space_id: int | None = None,
             updated_since=None):
    """Confirmed and cancelled bookings (status says which), from `starts_from` on, of one space or all."""
    try:
        page = api_resources.bookings(g.api_client, call(), cursor, limit, starts_from, space_id,
                                      updated_since)
    except BadCursor:
        bad_cursor()
    return {"items": page.items, "next_cursor": page.next_cursor}
