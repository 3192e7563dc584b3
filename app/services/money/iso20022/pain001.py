"""The payment order file: ISO 20022 pain.001.001.03 (CustomerCreditTransferInitiationV03).

How our data is carried:
- One payment information block (PmtInf) for the batch; GrpHdr/MsgId and PmtInfId are `message_id(batch_id)`, the
  id a status report (pain.002) names in OrgnlMsgId.
- Each line with a CVR number is one credit transfer (CdtTrfTxInf); EndToEndId and InstrId are our line id, so
  the status report names the line.
- The payee is addressed by CVR for NemKonto, never by account number: Cdtr/Nm is the association's name and
  Cdtr/Id/OrgId/Othr carries the CVR number in Id with SchmeNm/Prtry "CVR" and Issr "DK:CVR" (there is no
  CdtrAcct: the bank finds the NemKonto the CVR number is registered to).
- The amount is InstdAmt in DKK with two decimals (whole kroner here).
- RmtInf/Ustrd is the text on the payee's statement; RmtInf/Strd carries the case number as the creditor
  reference (CdtrRefInf/Ref) and the kontering in AddtlRmtInf as "KONTO=...", "OMKST=..." and "PSP=..."
  (one field each; PSP only when the pool has one).
Lines without a CVR number (informal groups) are not in the file: they are paid by hand (files.manual_file).
"""
from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree as ET  # nosec B405 # builds our own XML, never parses any


from app.models import PaymentBatchLine

NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
SCHEMA_FILE = Path(__file__).with_name("pain.001.001.03.xsd")


class InvalidPaymentOrder(Exception):
    """The file we built does not validate against the schema (e.g. a misconfigured debtor account)."""


@dataclass(frozen=True)
class Debtor:
    """The municipality that pays: its name, CVR number, the account paid from and its bank's BIC."""

    name: str
    account: str
    cvr: str = ""
    bic: str = ""


def message_id(batch_id: int) -> str:
    """The id of a batch's payment order (at most 35 characters)."""
    return f"FS-UDB-{batch_id}"


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)  # unqualified: the root's xmlns puts them in NS
    if text is not None:
        node.text = text
    return node


def _path(parent: ET.Element, tags: str, text: str) -> ET.Element:
    """A chain of elements ("Id/OrgId/Othr/Id") ending in text."""
    node = parent
    for tag in tags.split("/"):
        node = _el(node, tag)
    node.text = text
    return node


def _amount(kroner: int) -> str:
    return f"{kroner}.00"


def _debtor(parent: ET.Element, debtor: Debtor) -> None:
    party = _el(parent, "Dbtr")
    _el(party, "Nm", debtor.name[:140])
    if debtor.cvr:
        _cvr_id(party, debtor.cvr)
    _path(parent, "DbtrAcct/Id/Othr/Id", debtor.account)
    agent = _el(_el(parent, "DbtrAgt"), "FinInstnId")
    if debtor.bic:
        _el(agent, "BIC", debtor.bic)
    else:
        _path(agent, "Othr/Id", "NOTPROVIDED")


def _cvr_id(party: ET.Element, cvr: str) -> None:
    other = _el(_el(_el(party, "Id"), "OrgId"), "Othr")
    _el(other, "Id", cvr)
    _path(other, "SchmeNm/Prtry", "CVR")
    _el(other, "Issr", "DK:CVR")


def _transfer(parent: ET.Element, line: PaymentBatchLine) -> None:
    tx = _el(parent, "CdtTrfTxInf")
    ids = _el(tx, "PmtId")
    _el(ids, "InstrId", str(line.id))
    _el(ids, "EndToEndId", str(line.id))
    _el(_el(tx, "Amt"), "InstdAmt", _amount(line.amount), Ccy="DKK")
    creditor = _el(tx, "Cdtr")
    _el(creditor, "Nm", line.recipient_name[:140])
    _cvr_id(creditor, line.cvr or "")
    remittance = _el(tx, "RmtInf")
    _el(remittance, "Ustrd", (line.text or line.case_number)[:140])
    structured = _el(remittance, "Strd")
    _path(structured, "CdtrRefInf/Ref", line.case_number[:35])
    for text in kontering(line):
        _el(structured, "AddtlRmtInf", text)


def kontering(line: PaymentBatchLine) -> list[str]:
    """The line's kontering as the AddtlRmtInf fields carry it (empty when the pool had none)."""
    pairs = (("KONTO", line.account_code), ("OMKST", line.cost_centre), ("PSP", line.psp_element))
    return [f"{key}={value}"[:140] for key, value in pairs if value]


def build(batch_id: int, lines: Iterable[PaymentBatchLine], debtor: Debtor, created: datetime,
          execution_date: date) -> bytes:
    """The payment order for the batch's lines with a CVR number (UTF-8 XML), validated against the schema."""
    paid = [line for line in lines if line.cvr]
    total = _amount(sum(line.amount for line in paid))
    root = ET.Element("Document", xmlns=NS)
    initiation = _el(root, "CstmrCdtTrfInitn")
    header = _el(initiation, "GrpHdr")
    _el(header, "MsgId", message_id(batch_id))
    _el(header, "CreDtTm", created.replace(microsecond=0, tzinfo=None).isoformat())
    _el(header, "NbOfTxs", str(len(paid)))
    _el(header, "CtrlSum", total)
    _el(_el(header, "InitgPty"), "Nm", debtor.name[:140])
    info = _el(initiation, "PmtInf")
    _el(info, "PmtInfId", message_id(batch_id))
    _el(info, "PmtMtd", "TRF")
    _el(info, "NbOfTxs", str(len(paid)))
    _el(info, "CtrlSum", total)
    _el(info, "ReqdExctnDt", execution_date.isoformat())
    _debtor(info, debtor)
    for line in paid:
        _transfer(info, line)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    validate(data)
    return data


@lru_cache(maxsize=1)
def _schema():
    import xmlschema  # with the first payment order: every web and worker process would pay for it at start

    return xmlschema.XMLSchema(str(SCHEMA_FILE))


def validate(data: bytes) -> None:
    """Raise InvalidPaymentOrder naming the first schema error."""
    errors = list(_schema().iter_errors(io.BytesIO(data)))
    if errors:
        raise InvalidPaymentOrder(str(errors[0].reason or errors[0]))
