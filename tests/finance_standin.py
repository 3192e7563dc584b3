"""A loopback stand-in for the municipality's finance system: it takes our payment order (pain.001.001.03) by
HTTP POST, reads it as a finance system would (GrpHdr/MsgId, each CdtTrfTxInf's EndToEndId, InstdAmt and the
creditor's CVR), and answers with a payment status report (pain.002.001.03): every transaction settled (ACSC)
except those told to be rejected (RJCT with reason AC04 and a text).

Switches: `mode` "ok", "down" (503, nothing read) or "garbled" (a report cut off halfway); `reject` the line ids
to reject; `amount_off` line ids reported with 1 krone more than ordered; `unknown` extra EndToEndIds it reports
that were never ordered. `received` keeps every order it was sent.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from tests.loopback import LoopbackServer, QuietHandler

PAIN001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"


def _q(path: str) -> str:
    return "/".join(f"{{{PAIN001}}}{tag}" for tag in path.split("/"))


def read_order(data: bytes) -> dict:
    """What a finance system takes from a pain.001: message id and the transfers (id, amount, CVR, remittance)."""
    root = ET.fromstring(data)
    order = root.find(_q("CstmrCdtTrfInitn"))
    transfers = []
    for tx in order.iter(f"{{{PAIN001}}}CdtTrfTxInf"):
        transfers.append({
            "end_to_end_id": tx.findtext(_q("PmtId/EndToEndId")),
            "amount": tx.findtext(_q("Amt/InstdAmt")),
            "currency": tx.find(_q("Amt/InstdAmt")).get("Ccy"),
            "cvr": tx.findtext(_q("Cdtr/Id/OrgId/Othr/Id")),
            "scheme": tx.findtext(_q("Cdtr/Id/OrgId/Othr/SchmeNm/Prtry")),
            "reference": tx.findtext(_q("RmtInf/Strd/CdtrRefInf/Ref")),
            "kontering": [e.text for e in tx.findall(_q("RmtInf/Strd/AddtlRmtInf"))],
        })
    return {"message_id": order.findtext(_q("GrpHdr/MsgId")), "count": order.findtext(_q("GrpHdr/NbOfTxs")),
            "transfers": transfers}


def status_report(order: dict, reject=(), amount_off=(), unknown=(), report_id: str = "BANK-STS-1") -> bytes:
    """A pain.002.001.03 answering `order`."""
    txs = []
    for t in order["transfers"]:
        e2e = t["end_to_end_id"]
        status = "RJCT" if e2e in reject else "ACSC"
        amount = f"{float(t['amount']) + (1 if e2e in amount_off else 0):.2f}"
        reason = ("<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>NemKonto ikke fundet for CVR</AddtlInf></StsRsnInf>"
                  if status == "RJCT" else "")
        txs.append(f"<TxInfAndSts><StsId>S-{e2e}</StsId><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>{status}</TxSts>"
                   f"{reason}<AcctSvcrRef>BANK-{e2e}</AcctSvcrRef><OrgnlTxRef><Amt><InstdAmt Ccy=\"DKK\">{amount}"
                   f"</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>")
    for e2e in unknown:
        txs.append(f"<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{PAIN002}"><CstmrPmtStsRpt><GrpHdr>'
            f"<MsgId>{report_id}</MsgId><CreDtTm>2026-12-02T10:14:00</CreDtTm></GrpHdr><OrgnlGrpInfAndSts>"
            f"<OrgnlMsgId>{order['message_id']}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>"
            f"<GrpSts>PART</GrpSts></OrgnlGrpInfAndSts><OrgnlPmtInfAndSts><OrgnlPmtInfId>{order['message_id']}"
            f"</OrgnlPmtInfId>{''.join(txs)}</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>").encode()


class FinanceStandin:
    """The server and its switches (see the module docstring)."""

    def __init__(self) -> None:
        self.reset()
        standin = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if standin.mode == "down":
                    return self._send(503, b"Service Unavailable", "text/plain")
                order = read_order(body)
                standin.received.append(order)
                report = status_report(order, standin.reject, standin.amount_off, standin.unknown,
                                       f"BANK-STS-{len(standin.received)}")
                if standin.mode == "garbled":
                    report = report[: len(report) // 2]
                self._send(200, report, "application/xml")

            def _send(self, status: int, payload: bytes, kind: str) -> None:
                self.answer(status, payload, kind)

        self.loopback = LoopbackServer(Handler)

    @property
    def url(self) -> str:
        return self.loopback.base_url + "/betalinger"

    def start(self) -> "FinanceStandin":
        self.loopback.up()
        return self

    def stop(self) -> None:
        self.loopback.down()

    def reset(self) -> None:
        self.mode, self.reject, self.amount_off, self.unknown, self.received = "ok", set(), set(), [], []
