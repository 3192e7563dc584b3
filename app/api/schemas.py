"""The API's schemas: they validate the query and describe the answers in the OpenAPI document alike."""
from __future__ import annotations

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

MAX_LIMIT = 200


class PageArgs(Schema):
    """Keyset pagination: `cursor` is the `next_cursor` of the page before, opaque to the client."""

    cursor = fields.String(validate=validate.Length(min=1, max=1000),
                           metadata={"description": "next_cursor from the previous page; omit for the first page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Items per page, 1–{MAX_LIMIT}."})


class CaseListArgs(PageArgs):
    updated_since = fields.AwareDateTime(
        format="iso", metadata={"description": "Only cases changed at or after this instant (ISO 8601 with offset)."})


class ChangedArgs(PageArgs):
    """A list by id (or its own order) that can also be read by change: `updated_since` switches the order."""

    updated_since = fields.AwareDateTime(format="iso", metadata={"description": (
        "Only items changed at or after this instant (ISO 8601 with offset), oldest change first (by updated_at, "
        "then id). A cursor is valid only in the order it was made in: with updated_since, or without it (400).")})


class PoolSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    purpose = fields.String(required=True)
    year = fields.Integer(required=True)
    budget = fields.Integer(required=True, metadata={"description": "Whole Danish kroner."})
    opens_on = fields.Date(allow_none=True)
    deadline = fields.Date(allow_none=True)
    is_rolling = fields.Boolean(required=True, metadata={"description": "Applications are taken all year."})
    workflow = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


class CaseSchema(Schema):
    """The columns an integration sees of a case; the application's answers and notes are not among them."""

    id = fields.Integer(required=True)
    number = fields.String(allow_none=True, metadata={"description": "The case number, given at submission."})
    title = fields.String(required=True)
    workflow = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "Stable snake_case state name."})
    pool_id = fields.Integer(required=True)
    association_id = fields.Integer(required=True)
    amount_applied = fields.Integer(allow_none=True)
    granted_amount = fields.Integer(allow_none=True)
    submitted_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(required=True)
    esdh_journal_number = fields.String(allow_none=True, metadata={
        "description": "The case's number in the municipality's ESDH, once journalised there."})


class PoolPageSchema(Schema):
    items = fields.List(fields.Nested(PoolSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "Pass as `cursor` for the next page; null on the last."})


class CasePageSchema(Schema):
    items = fields.List(fields.Nested(CaseSchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": "Pass as `cursor` for the next page; null on the last."})


class TokenSchema(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"description": "Always Bearer."})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds the token is valid."})
    scope = fields.String(required=True)


class TokenArgs(Schema):
    grant_type = fields.String(required=True, metadata={"description": "client_credentials"})
    scope = fields.String(metadata={"description": "Space-separated; omitted: every scope of the client."})
    client_id = fields.String(metadata={"description": "For client_secret_post; else send HTTP Basic."})
    client_secret = fields.String(metadata={"description": "For client_secret_post; else send HTTP Basic."})


# --- the second slice: associations, a case's parts, money, premises, and the writes (issue 22) ------------

def _page_of(item: type[Schema], name: str) -> type[Schema]:
    """A keyset page of `item` (items and next_cursor), named for the OpenAPI document."""
    return Schema.from_dict({
        "items": fields.List(fields.Nested(item), required=True),
        "next_cursor": fields.String(allow_none=True, required=True,
                                     metadata={"description": "Pass as `cursor` for the next page; null on the last."}),
    }, name=name)


class AssociationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    cvr = fields.String(allow_none=True, metadata={"description": "8 digits; null for an informal group."})
    is_informal = fields.Boolean(required=True)
    contact_person = fields.String(allow_none=True)
    street = fields.String(allow_none=True)
    postcode = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    contact_email = fields.String(required=True)
    phone = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    updated_at = fields.AwareDateTime(required=True, metadata={
        "description": "Its last change, or when its first case was submitted (it then entered this list)."})


class JournalEntrySchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "transition, note, document, esdh, payout, …"})
    action = fields.String(allow_none=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    visibility = fields.String(required=True, metadata={"description": "public or internal (staff only)."})
    by_integration = fields.Boolean(required=True, metadata={"description": "Written by an API client."})
    created_at = fields.AwareDateTime(required=True)


class DecisionSchema(Schema):
    id = fields.Integer(required=True)
    outcome = fields.String(required=True)
    amount = fields.Integer(allow_none=True)
    reason = fields.String(required=True)
    legal_basis = fields.String(required=True)
    delegated = fields.Boolean(required=True, metadata={"description": "False: decided by the committee."})
    decided_at = fields.AwareDateTime(required=True)
    corrects_id = fields.Integer(allow_none=True, metadata={"description": "The decision this one corrects."})
    letter_document_id = fields.Integer(allow_none=True, metadata={"description": "Download with documents:read."})
    letter_available_at = fields.AwareDateTime(allow_none=True)


class DocumentSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "attachment, letter, receipt, reply, incoming, …"})
    direction = fields.String(required=True, metadata={"description": "in, out or internal."})
    filename = fields.String(required=True)
    content_type = fields.String(required=True)
    size_bytes = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    description = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)


class InstalmentSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    due_on = fields.Date(required=True)
    amount = fields.Integer(required=True, metadata={"description": "Whole Danish kroner."})
    batch_id = fields.Integer(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True)


class BatchSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "sent or paid."})
    due_by = fields.Date(required=True)
    total_amount = fields.Integer(required=True)
    line_count = fields.Integer(required=True)
    created_at = fields.AwareDateTime(required=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    paid_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(required=True, metadata={
        "description": "Its last change or a change of one of its lines (the finance system's answer)."})


class BatchLineSchema(Schema):
    id = fields.Integer(required=True)
    batch_id = fields.Integer(required=True)
    instalment_id = fields.Integer(required=True)
    case_id = fields.Integer(required=True)
    amount = fields.Integer(required=True)
    case_number = fields.String(required=True)
    recipient_name = fields.String(required=True)
    cvr = fields.String(allow_none=True)
    contact_person = fields.String(allow_none=True)
    text = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "sent, paid or failed (the finance system's answer)."})
    finance_reference = fields.String(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    settled_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime(required=True)


class SpaceSchema(Schema):
    id = fields.Integer(required=True)
    location_id = fields.Integer(required=True)
    parent_id = fields.Integer(allow_none=True, metadata={"description": "The hall a court is part of."})
    name = fields.String(required=True)
    description = fields.String(required=True)
    capacity = fields.Integer(allow_none=True)
    step_free = fields.Boolean(required=True)
    disabled_suited = fields.Boolean(required=True)
    bookable_by = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


class BookingSchema(Schema):
    id = fields.Integer(required=True)
    space_id = fields.Integer(required=True)
    association_id = fields.Integer(allow_none=True)
    case_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    starts_at = fields.AwareDateTime(required=True)
    ends_at = fields.AwareDateTime(required=True)
    status = fields.String(required=True)
    updated_at = fields.AwareDateTime(required=True)


AssociationPageSchema = _page_of(AssociationSchema, "AssociationPage")
BatchPageSchema = _page_of(BatchSchema, "BatchPage")
BatchLinePageSchema = _page_of(BatchLineSchema, "BatchLinePage")
SpacePageSchema = _page_of(SpaceSchema, "SpacePage")
BookingPageSchema = _page_of(BookingSchema, "BookingPage")


class BatchListArgs(ChangedArgs):
    status = fields.String(validate=validate.OneOf(("sent", "paid")))


class BookingListArgs(ChangedArgs):
    starts_from = fields.AwareDateTime(format="iso", metadata={
        "description": "Only bookings starting at or after this instant (ISO 8601 with offset)."})
    space_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class JournalNumberSchema(Schema):
    journal_number = fields.String(required=True, validate=[validate.Length(min=1, max=64),
                                                            validate.Regexp(r"^\S(.*\S)?$")],
                                   metadata={"description": "The case's number in the ESDH (SBSYS, Acadre, …)."})


class CaseJournalNumberSchema(Schema):
    id = fields.Integer(required=True)
    esdh_journal_number = fields.String(required=True)


class LineResultSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(("paid", "failed")))
    finance_reference = fields.String(required=True, validate=[validate.Length(min=1, max=64),
                                                               validate.Regexp(r"^\S(.*\S)?$")],
                                      metadata={"description": "The finance system's id of the payment or error."})
    failure_reason = fields.String(validate=validate.Length(max=2000),
                                   metadata={"description": "Why it failed (only with status failed)."})




class UploadFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "The document; PDF, images, Office, OpenDocument, text."})
    description = fields.String(validate=validate.Length(max=2000))


class EventArgs(Schema):
    """The feed: events after `after` (the `next_cursor` of the page before; 0 or nothing for the beginning)."""

    after = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2**62),
                           metadata={"description": "next_cursor from the previous page; 0 for the beginning."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Events per page, 1–{MAX_LIMIT}."})


class EventSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The event's place in the feed; grows, never reused."})
    event_id = fields.Integer(required=True, metadata={"description": "The webhook-id of its webhooks is msg_{event_id}."})
    type = fields.String(required=True, metadata={"description": "case.submitted, case.decided, letter.issued, "
                                                                 "payout.approved or booking.confirmed"})
    occurred_at = fields.AwareDateTime(required=True)
    subjects = fields.Dict(keys=fields.String(), required=True, metadata={"description": "The ids it is about."})
    data = fields.Dict(keys=fields.String(), required=True)


class EventPageSchema(Schema):
    items = fields.List(fields.Nested(EventSchema), required=True)
    next_cursor = fields.Integer(required=True, metadata={
        "description": "Pass as `after` for the next page; the same value when nothing new has happened yet."})
