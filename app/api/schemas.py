"""The API's schemas: they validate the query and describe the answers in the OpenAPI document alike."""
from __future__ import annotations

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
