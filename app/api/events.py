"""/api/v1/events: the journal as a feed of events (scope events:read); the same events go to webhooks."""
from __future__ import annotations

from flask import g

from app.api import oauth
from app.api.resources import bp, call, per_client
from app.api.schemas import EventArgs, EventPageSchema
from app.services.integrations import events

EVENTS = [{"oauth2": ["events:read"]}]


@bp.route("/events")
@per_client
@oauth.require_scope("events:read")
@bp.arguments(EventArgs, location="query", as_kwargs=True)
@bp.response(200, EventPageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.doc(summary="Events after a cursor, oldest first (poll with next_cursor)", security=EVENTS)
def event_feed(limit: int, after: int = 0):
    """Case submitted and decided, letter issued, payout approved, booking confirmed; the cases named are logged
    as read by the client."""
    items, next_cursor = events.feed(g.api_client, call(), after, limit)
    return {"items": items, "next_cursor": next_cursor}
