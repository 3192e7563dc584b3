"""The finance system's answer: ISO 20022 pain.002.001.03 (CustomerPaymentStatusReportV03), read safely.

What is read (the documented structure; the XSD could not be vendored, see README.md): GrpHdr/MsgId,
OrgnlGrpInfAndSts/OrgnlMsgId (our payment order's MsgId) and GrpSts, and per transaction
OrgnlPmtInfAndSts/TxInfAndSts: OrgnlEndToEndId (our line id), TxSts (ACSC and ACCP mean paid, RJCT rejected,
anything else still pending), StsRsnInf/Rsn/Cd and AddtlInf (why), AcctSvcrRef or StsId (the bank's reference)
and OrgnlTxRef/Amt/InstdAmt (the amount the answer is about). DTDs and entities are refused (defusedxml).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from xml.etree.ElementTree import Element  # nosec B405 # the type only; parsing is defusedxml's

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from defusedxml.ElementTree import ParseError

NS = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"
PAID_STATUSES = ("ACSC", "ACCP")
REJECTED = "RJCT"
MAX_BYTES = 5 * 1024 * 1024


class ReportError(Exception):
    """The file is not a status report we can read; `code` says why, `detail` names what."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class TransactionStatus:
    """One transaction's status as the report gives it."""

    end_to_end_id: str
    status: str
    reason: str  # "AC04: Konto lukket" or ""
    reference: str  # the bank's reference, "" when none
    amount: Decimal | None  # the amount the answer is about, when the report repeats it
    amount_text: str  # as written


@dataclass(frozen=True)
class StatusReport:
    """A status report: its own id, the payment order it answers, the group status and the transactions."""

    message_id: str
    original_message_id: str
    group_status: str
    group_reason: str
    transactions: tuple[TransactionStatus, ...]


def _q(path: str) -> str:
    return "/".join(f"{{{NS}}}{tag}" for tag in path.split("/"))


def _text(node: Element, path: str) -> str:
    found = node.find(_q(path))
    return (found.text or "").strip() if found is not None else ""


def _required(node: Element, path: str) -> str:
    value = _text(node, path)
    if not value:
        raise ReportError("missing", path.rsplit("/", 1)[-1])
    return value


def _reason(node: Element) -> str:
    code = _text(node, "StsRsnInf/Rsn/Cd") or _text(node, "StsRsnInf/Rsn/Prtry")
    info = " ".join((e.text or "").strip() for e in node.findall(_q("StsRsnInf/AddtlInf")) if e.text)
    return ": ".join(part for part in (code, info) if part)[:1000]


def _transaction(node: Element) -> TransactionStatus:
    amount_text = _text(node, "OrgnlTxRef/Amt/InstdAmt")
    try:
        amount = Decimal(amount_text) if amount_text else None
    except InvalidOperation:
        raise ReportError("bad_amount", amount_text[:40]) from None
    if amount is not None and not amount.is_finite():
        raise ReportError("bad_amount", amount_text[:40])
    return TransactionStatus(
        end_to_end_id=_required(node, "OrgnlEndToEndId")[:35], status=_required(node, "TxSts")[:4],
        reason=_reason(node), reference=(_text(node, "AcctSvcrRef") or _text(node, "StsId"))[:35],
        amount=amount, amount_text=amount_text[:24])


def parse(data: bytes) -> StatusReport:
    """The report in `data`; ReportError when it is not a pain.002.001.03 we can read."""
    if not data.strip():
        raise ReportError("empty")
    if len(data) > MAX_BYTES:
        raise ReportError("too_large")
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise ReportError("not_xml") from None
    if root.tag != f"{{{NS}}}Document" or root.find(_q("CstmrPmtStsRpt")) is None:
        raise ReportError("not_status_report")
    report = root.find(_q("CstmrPmtStsRpt"))
    group = report.find(_q("OrgnlGrpInfAndSts"))
    if group is None:
        raise ReportError("missing", "OrgnlGrpInfAndSts")
    transactions = tuple(_transaction(tx) for tx in report.findall(_q("OrgnlPmtInfAndSts/TxInfAndSts")))
    return StatusReport(message_id=_required(report, "GrpHdr/MsgId")[:35],
                        original_message_id=_required(group, "OrgnlMsgId")[:35],
                        group_status=_text(group, "GrpSts")[:4], group_reason=_reason(group),
                        transactions=transactions)
