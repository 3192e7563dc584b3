"""MeMo messages (Digital Post's format, version 1.1): a frozen dataclass in, validated XML bytes out, and back.

Pure: no database, no request. Every message built is validated against the schema in memo_schema/ (see its
README for what that schema is) before it leaves this module, so an invalid letter never reaches a provider.
"""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET  # nosec B405 # builds XML; parsing goes through defusedxml (read)

from defusedxml.ElementTree import fromstring

MEMO = "https://DigitalPost.dk/MeMo-1"
GRD = "https://data.gov.dk/model/core/"
MEMO_VERSION, MEMO_SCH_VERSION = "1.1", "1.1.0"
SCHEMA = Path(__file__).parent / "memo_schema" / "memo.xsd"
CASE_SYSTEM = "Foreningsstøtte"

ET.register_namespace("memo", MEMO)  # SF1601 expects the prefix "memo" (as the public clients note)
ET.register_namespace("grd", GRD)


class InvalidMemo(ValueError):
    """A built message the schema refuses (a bug or bad data: never sent)."""


@dataclass(frozen=True)
class Attachment:
    """One file of a document: its bytes, MIME type, file name and language."""

    content: bytes
    encoding_format: str
    filename: str
    language: str = "da"


@dataclass(frozen=True)
class MemoLetter:
    """What a Digital Post letter says: sender (an authority's CVR), recipient (CVR, or CPR), its documents."""

    message_uuid: str
    sender_cvr: str
    sender_label: str
    recipient_id: str
    recipient_type: str  # "CVR" or "CPR"
    recipient_label: str
    title: str
    case_number: str
    main_document: Attachment
    created: datetime  # when the message was made (the caller's clock)
    additional_documents: tuple[Attachment, ...] = ()
    reply_allowed: bool = False
    legal_notification: bool = True


def _el(parent: ET.Element, name: str, text: str | None = None, ns: str = MEMO) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = text
    return element


def _file(parent: ET.Element, attachment: Attachment) -> None:
    node = _el(parent, "File")
    _el(node, "encodingFormat", attachment.encoding_format)
    _el(node, "filename", attachment.filename)
    _el(node, "language", attachment.language)
    _el(node, "content", base64.b64encode(attachment.content).decode("ascii"))


def _header(message: ET.Element, letter: MemoLetter) -> None:
    header = _el(message, "MessageHeader")
    _el(header, "messageType", "DIGITALPOST")
    _el(header, "messageUUID", letter.message_uuid)
    _el(header, "label", letter.title[:250])
    _el(header, "reply", "true" if letter.reply_allowed else "false")
    _el(header, "mandatory", "false")
    _el(header, "legalNotification", "true" if letter.legal_notification else "false")
    sender = _el(header, "Sender")
    _el(sender, "senderID", letter.sender_cvr)
    _el(sender, "idType", "CVR")
    _el(sender, "label", letter.sender_label[:250])
    recipient = _el(header, "Recipient")
    _el(recipient, "recipientID", letter.recipient_id)
    _el(recipient, "idType", letter.recipient_type)
    _el(recipient, "label", letter.recipient_label[:250])
    content = _el(header, "ContentData")
    kind = "CPRdata" if letter.recipient_type == "CPR" else "CVRdata"
    data = _el(content, kind, ns=GRD)
    _el(data, "cprNumber" if kind == "CPRdata" else "cvrNumber", letter.recipient_id, ns=GRD)
    case = _el(content, "CaseID")
    _el(case, "caseID", letter.case_number)
    _el(case, "caseSystem", CASE_SYSTEM)


def build(letter: MemoLetter) -> bytes:
    """The MeMo XML of `letter` (UTF-8), validated; raises InvalidMemo if the schema refuses it."""
    if letter.recipient_type not in ("CVR", "CPR"):
        raise InvalidMemo(f"recipient type {letter.recipient_type!r}")
    message = ET.Element(f"{{{MEMO}}}Message", {"memoVersion": MEMO_VERSION, "memoSchVersion": MEMO_SCH_VERSION})
    _header(message, letter)
    body = _el(message, "MessageBody")
    created = letter.created.astimezone(timezone.utc)
    _el(body, "createdDateTime", created.strftime("%Y-%m-%dT%H:%M:%SZ"))
    main = _el(body, "MainDocument")
    _el(main, "label", letter.title[:250])
    _file(main, letter.main_document)
    for extra in letter.additional_documents:
        _file(_el(body, "AdditionalDocument"), extra)
    xml = ET.tostring(message, encoding="utf-8", xml_declaration=True)
    validate(xml)
    return xml


@lru_cache(maxsize=1)
def _schema():
    import xmlschema  # with the first message: every web and worker process would pay for it at start

    return xmlschema.XMLSchema(str(SCHEMA))


def validate(xml: bytes) -> None:
    """Raise InvalidMemo with the schema's reason when `xml` is not a valid MeMo message."""
    import xmlschema  # see _schema

    try:
        _schema().validate(xml.decode("utf-8"))
    except xmlschema.XMLSchemaException as exc:
        raise InvalidMemo(str(exc).splitlines()[0]) from exc


@dataclass(frozen=True)
class ReadBack:
    """A MeMo message as a reader sees it: for tests and for the provider stand-ins."""

    message_uuid: str
    title: str
    sender_id: str
    recipient_id: str
    recipient_type: str
    case_number: str
    reply_allowed: bool
    files: tuple[tuple[str, str, bytes], ...]  # (filename, encodingFormat, content), main document first


def read(xml: bytes) -> ReadBack:
    """Parse a MeMo message back into what it says."""
    root = fromstring(xml)
    ns = {"memo": MEMO}

    def text(path: str) -> str:
        return root.findtext(path, default="", namespaces=ns)

    files = tuple((f.findtext("memo:filename", "", ns), f.findtext("memo:encodingFormat", "", ns),
                   base64.b64decode(f.findtext("memo:content", "", ns)))
                  for f in root.iterfind(".//memo:MessageBody//memo:File", ns))
    return ReadBack(message_uuid=text("memo:MessageHeader/memo:messageUUID"),
                    title=text("memo:MessageHeader/memo:label"),
                    sender_id=text("memo:MessageHeader/memo:Sender/memo:senderID"),
                    recipient_id=text("memo:MessageHeader/memo:Recipient/memo:recipientID"),
                    recipient_type=text("memo:MessageHeader/memo:Recipient/memo:idType"),
                    case_number=text("memo:MessageHeader/memo:ContentData/memo:CaseID/memo:caseID"),
                    reply_allowed=text("memo:MessageHeader/memo:reply") == "true", files=files)
