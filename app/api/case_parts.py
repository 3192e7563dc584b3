"""/api/v1 around one case: associations, the case's journal, decisions and documents, a document's bytes,
and the ESDH's writes (its journal number, an incoming document; their shared shape is app/api/writes.py)."""
from __future__ import annotations

from flask import g
from flask_smorest import abort

from app.api import oauth
from app.api.links import FIRST, NEXT_PAGE, from_items, link
from app.api.resources import bad_cursor, bp, call, per_client
from app.api.writes import refusals_as_problems, write_operation
from app.api.schemas import (AssociationPageSchema, CaseJournalNumberSchema, ChangedArgs, DecisionSchema,
                             DocumentSchema, JournalEntrySchema, JournalNumberSchema, UploadFileSchema)
from app.services.files import attachments
from app.services.integrations import api_resources, api_writes
from app.services.integrations.api_reads import BadCursor

CASES = [{"oauth2": ["cases:read"]}]
DOCUMENTS = [{"oauth2": ["documents:read"]}]


@bp.route("/associations")
@per_client
@oauth.require_scope("cases:read")
@bp.arguments(ChangedArgs, location="query", as_kwargs=True)
@bp.response(200, AssociationPageSchema)
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.doc(summary="Associations with a submitted case, by id (or by change)", security=CASES)
@bp.doc(**from_items(next_page=link("/associations", cursor=NEXT_PAGE)))
def associations(limit: int, cursor: str | None = None, updated_since=None):
    """Each association returned is logged as read by the client."""
    try:
        page = api_resources.associations(g.api_client, call(), cursor, limit, updated_since)
    except BadCursor:
        bad_cursor()
    return {"items": page.items, "next_cursor": page.next_cursor}


def _part(case_id: int, part: str) -> list:
    items = api_resources.case_part(g.api_client, call(), case_id, part)
    if items is None:
        abort(404)
    return items


@bp.route("/cases/<int:case_id>/journal")
@per_client
@oauth.require_scope("cases:read")
@bp.response(200, JournalEntrySchema(many=True))
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="A case's journal, oldest first", security=CASES)
def case_journal(case_id: int):
    """Every entry, internal ones included (the ESDH files the whole case); logged as a read of the case."""
    return _part(case_id, "journal")


@bp.route("/cases/<int:case_id>/decisions")
@per_client
@oauth.require_scope("cases:read")
@bp.response(200, DecisionSchema(many=True))
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="A case's decisions, corrections included", security=CASES)
@bp.doc(**from_items(letter=link("/documents/{document_id}", document_id="$response.body#/0/letter_document_id")))
def case_decisions(case_id: int):
    """The letter's bytes are at /documents/{letter_document_id} (documents:read)."""
    return _part(case_id, "decisions")


@bp.route("/cases/<int:case_id>/documents")
@per_client
@oauth.require_scope("cases:read")
@bp.response(200, DocumentSchema(many=True))
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="A case's documents (their descriptions; bytes with documents:read)", security=CASES)
@bp.doc(**from_items(download=link("/documents/{document_id}", document_id=FIRST)))
def case_documents(case_id: int):
    """Applications' files, letters, replies and incoming documents, oldest first."""
    return _part(case_id, "documents")


@bp.route("/documents/<int:document_id>")
@per_client
@oauth.require_scope("documents:read")
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(403, response="FORBIDDEN")
@bp.alt_response(404, response="NOT_FOUND")
@bp.doc(summary="Download a document of a case (a decision letter is its stored PDF)", security=DOCUMENTS,
        responses={"200": {"description": "The stored bytes, as the type they were stored as (a letter is "
                                          "application/pdf; attachments PDF, images, Office, text); ETag is the SHA-256",
                           "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}}})
def document(document_id: int):
    """The stored file as the staff download it; logged as a read of the document by the client."""
    row = api_resources.document(g.api_client, call(), document_id)
    if row is None:
        abort(404)
    return attachments.send_document(row)


@write_operation("/cases/<int:case_id>/esdh-journal-number", "PUT", scope="cases:write", body=JournalNumberSchema,
                 answer=CaseJournalNumberSchema, summary="Attach the ESDH journal number to a case (idempotent)")
def esdh_journal_number(body: dict, case_id: int):
    """The same number again is fine; another number than the one recorded is a 409."""
    with refusals_as_problems():
        api_writes.attach_journal_number(g.api_client, case_id, body["journal_number"], call())
    return {"id": case_id, "esdh_journal_number": body["journal_number"]}


@write_operation("/cases/<int:case_id>/documents", "POST", scope="cases:write", body=UploadFileSchema,
                 location="files", answer=DocumentSchema, status=201, refusals=(404, 413, 422),
                 summary="Add an incoming document to a case (multipart/form-data)")
def add_document(body: dict, case_id: int):
    """Checked like every upload (type from the content, size, virus, PDF safety) and journalled."""
    with refusals_as_problems():
        document = api_writes.add_incoming_document(g.api_client, case_id, body["file"], body.get("description"),
                                                    call())
    return api_resources.values(document, api_resources.DOCUMENT_FIELDS)
