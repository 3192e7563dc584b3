"""/api/v1 for the finance system: payment plans and batches (payouts:read), and its answer per line (payouts:write)."""
from __future__ import annotations

from flask import g
from flask_smorest import abort

from app.api import oauth
from app.api.links import FIRST_ITEM, NEXT_PAGE, from_items, link
from app.api.resources import bad_cursor, bp, call, per_client
from app.api.writes import refusals_as_problems, write_operation
from app.api.schemas import (BatchLinePageSchema, BatchLineSchema, BatchListArgs, BatchPageSchema, ChangedArgs,
                             InstalmentSchema, LineResultSchema)
from app.services.integrations import api_resources, api_writes
from app.services.integrations.api_reads import BadCursor

READ = [{"oauth2": ["payouts:read"]}]


@bp.route("/cases/<int:case_id>/payment-plan")
@per_client
@oauth.require_scope("payouts:read")
@bp.response(200, InstalmentSchema(many=True))
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="A grant's payment plan (its instalments)", security=READ)
def payment_plan(case_id: int):
    """By position; an instalment in a batch names it, a paid one says when."""
    items = api_resources.payment_plan(g.api_client, call(), case_id)
    if items is None:
        abort(404)
    return items


@bp.route("/payout-batches")
@per_client
@oauth.require_scope("payouts:read")
@bp.arguments(BatchListArgs, location="query", as_kwargs=True)
@bp.response(200, BatchPageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.doc(summary="Payment batches sent to the finance system, by id (or by change)", security=READ)
@bp.doc(**from_items(next_page=link("/payout-batches", cursor=NEXT_PAGE),
                     lines=link("/payout-batches/{batch_id}/lines", batch_id=FIRST_ITEM)))
def payout_batches(limit: int, cursor: str | None = None, status: str | None = None, updated_since=None):
    """Drafts are not shown: they have not been sent."""
    try:
        page = api_resources.batches(g.api_client, call(), cursor, limit, status, updated_since)
    except BadCursor:
        bad_cursor()
    return {"items": page.items, "next_cursor": page.next_cursor}


@bp.route("/payout-batches/<int:batch_id>/lines")
@per_client
@oauth.require_scope("payouts:read")
@bp.arguments(ChangedArgs, location="query", as_kwargs=True)
@bp.response(200, BatchLinePageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="The lines of a sent batch, by id (or by change)", security=READ)
@bp.doc(**from_items(result=link("/payout-lines/{line_id}/result", "put", line_id=FIRST_ITEM),
                     case=link("/cases/{case_id}", case_id="$response.body#/items/0/case_id")))
def payout_lines(batch_id: int, limit: int, cursor: str | None = None, updated_since=None):
    """Recipients and amounts as sent; each line's case is logged as read by the client."""
    try:
        page = api_resources.batch_lines(g.api_client, call(), batch_id, cursor, limit, updated_since)
    except BadCursor:
        bad_cursor()
    if page is None:
        abort(404)
    return {"items": page.items, "next_cursor": page.next_cursor}


@write_operation("/payout-lines/<int:line_id>/result", "PUT", scope="payouts:write", body=LineResultSchema,
                 answer=BatchLineSchema,
                 summary="Report a payout line paid or failed, with the finance reference (idempotent)")
def payout_line_result(body: dict, line_id: int):
    """The same answer again is fine; another answer than the one recorded, or a line of a draft, is a 409."""
    with refusals_as_problems():
        line, _changed = api_writes.settle_payout_line(g.api_client, line_id, body["status"],
                                                       body["finance_reference"], body.get("failure_reason"), call())
    return api_resources.values(line, api_resources.LINE_FIELDS)
