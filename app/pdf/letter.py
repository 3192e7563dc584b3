"""The decision letter (afgørelsesbrev): data in, PDF/A-1b bytes out."""
from __future__ import annotations

import dataclasses
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from app.pdf.layout import MARGIN, Sender, amount_table, danish_date, footer, kroner, letterhead, paragraphs, styles, text
from app.pdf.pdfa import DocumentInfo, canvasmaker, register_fonts

FULL_YES = ("granted", "approved")
GRANTS = ("granted", "partly_granted")
PREMISES = "premises_loan"


class ReasonMissing(ValueError):
    """A decision that is not a full yes must state its reason (forvaltningsloven §§ 22-24)."""


@dataclass(frozen=True)
class Correction:
    """The decision this letter replaces, and what was corrected."""

    decided_on: date
    note: str


@dataclass(frozen=True)
class LetterData:
    """Everything a decision letter says, taken from the decision, its case, pool and caseworker."""

    sender: Sender
    addressee: str
    address_lines: tuple[str, ...]
    cvr: str | None
    contact_person: str | None
    case_number: str
    case_title: str
    pool_name: str
    workflow: str
    outcome: str
    decided_on: date
    amount_applied: int | None
    amount_granted: int | None
    reason: str
    appeal_text: str
    legal_basis: str
    committee: str | None = None  # None: decided by the administration under delegation
    meeting_on: date | None = None
    payment_instalments: int = 1
    advance_allowed: bool = False
    report_due_days: int | None = None
    caseworker_name: str | None = None
    caseworker_email: str | None = None
    caseworker_phone: str | None = None
    correction: Correction | None = None


def title_of(data: LetterData) -> str:
    """The letter's heading."""
    subject = "lån af lokaler" if data.workflow == PREMISES else "tilskud"
    return f"{'Rettet afgørelse' if data.correction else 'Afgørelse'} om {subject}"


def decision_sentence(data: LetterData) -> str:
    """The decision in one sentence."""
    who = (f"{data.committee} har på sit møde den {danish_date(data.meeting_on or data.decided_on)} besluttet at"
           if data.committee
           else f"Vi har den {danish_date(data.decided_on)} besluttet at")
    what = f"»{data.case_title}«"
    if data.workflow == PREMISES:
        verbs = {"approved": f"godkende jeres anmodning om at låne lokaler til {what}.",
                 "partly_approved": f"godkende en del af jeres anmodning om at låne lokaler til {what}.",
                 "rejected": f"give afslag på jeres anmodning om at låne lokaler til {what}.",
                 "cancelled": f"aflyse jeres lån af lokaler til {what}."}
        return f"{who} {verbs[data.outcome]}"
    verbs = {"granted": f"bevilge jer {kroner(data.amount_granted)} til {what} fra {data.pool_name}.",
             "partly_granted": f"bevilge jer {kroner(data.amount_granted)} af de {kroner(data.amount_applied)}, "
                               f"I har søgt om, til {what} fra {data.pool_name}.",
             "rejected": f"give afslag på jeres ansøgning om tilskud til {what} fra {data.pool_name}."}
    return f"{who} {verbs[data.outcome]}"


def _addressee(data: LetterData, st) -> list:
    lines = [data.addressee]
    if data.cvr:
        lines.append(f"CVR-nr. {data.cvr}")
    elif data.contact_person:
        lines.append(f"Att.: {data.contact_person}")
    lines += [line for line in data.address_lines if line]
    return [Paragraph("<br/>".join(text(line) for line in lines), st["body"]), Spacer(1, 8 * mm)]


def _facts(data: LetterData) -> list[tuple[str, str]]:
    facts = [("Dato:", danish_date(data.decided_on)), ("Sagsnr.:", data.case_number)]
    if data.caseworker_name:
        facts.append(("Sagsbehandler:", data.caseworker_name))
    facts += [("", data.caseworker_email or data.sender.email), ("Telefon:", data.caseworker_phone or data.sender.phone)]
    return facts


def _section(heading: str, body: list, st) -> list:
    return [KeepTogether([Paragraph(text(heading), st["heading"]), *body[:1]]), *body[1:]]


def _amounts(data: LetterData, st) -> list:
    if data.workflow == PREMISES or data.outcome == "cancelled":
        return []
    granted = 0 if data.outcome == "rejected" else data.amount_granted
    rows = [("Ansøgt beløb", kroner(data.amount_applied)), ("Bevilget beløb", kroner(granted))]
    return _section("Beløb", [amount_table(rows), Spacer(1, 2 * mm)], st)


def _payment(data: LetterData, st) -> list:
    if data.outcome not in GRANTS or not data.amount_granted:
        return []
    account = (f"foreningens NemKonto (CVR-nr. {data.cvr})" if data.cvr else "kontaktpersonens NemKonto")
    how = (f"Vi udbetaler tilskuddet i {data.payment_instalments} rater til {account}."
           if data.payment_instalments > 1 else f"Vi udbetaler tilskuddet til {account}.")
    advance = " Tilskuddet kan udbetales forud." if data.advance_allowed else ""
    body = [Paragraph(text(how + advance + " I skal ikke sende kontonummer eller gøre andet for at få pengene."),
                      st["body"])]
    if data.report_due_days:
        body.append(Paragraph(text(
            f"Når pengene er brugt, skal I sende en kort afrapportering og et regnskab, som bestyrelsen har "
            f"godkendt. Fristen er {data.report_due_days} dage efter udbetalingen, og vi minder jer om den i god "
            f"tid. Vi kan kræve tilskuddet betalt tilbage, hvis det ikke bliver brugt til det, I har søgt om."),
            st["body"]))
    return _section("Udbetaling og afrapportering", body, st)


def _reason(data: LetterData, st) -> list:
    if not data.reason.strip():
        return []
    return _section("Begrundelse", paragraphs(data.reason, st["body"]), st)


def _closing(data: LetterData, st) -> list:
    contact = data.caseworker_name or data.sender.department
    email, phone = data.caseworker_email or data.sender.email, data.caseworker_phone or data.sender.phone
    out = []
    if data.legal_basis.strip():
        out += _section("Lovgrundlag", [Paragraph(text(f"Afgørelsen er truffet efter {in_sentence(data.legal_basis)}."),
                                                  st["body"])], st)
    out += _section("Klagevejledning", paragraphs(data.appeal_text, st["body"]), st)
    signature = [line for line in ((data.caseworker_name,) if data.caseworker_name else ()) + data.sender.signature_lines]
    # The contact paragraph and the signature stay together: a greeting alone on a page looks like a mistake.
    out.append(KeepTogether([
        Paragraph("Har I spørgsmål?", st["heading"]),
        Paragraph(text(f"Kontakt {contact} på {email} eller telefon {phone}. Skriv sagsnummeret {data.case_number}, "
                       f"når I skriver til os."), st["body"]),
        Spacer(1, 3 * mm), Paragraph("Med venlig hilsen", st["body"]),
        Paragraph("<br/>".join(text(s) for s in signature), st["body"])]))
    return out


def in_sentence(name: str) -> str:
    """'Folkeoplysningslovens § 18' -> 'folkeoplysningslovens § 18' (Danish writes law names in lower case)."""
    name = name.strip()
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def _story(data: LetterData, st) -> list:
    story = [letterhead(data.sender, _facts(data), st), Spacer(1, 10 * mm), *_addressee(data, st),
             Paragraph(text(title_of(data)), st["title"]), Paragraph(text(f"Kære {data.addressee}"), st["body"])]
    if data.correction:
        story.append(Paragraph(text(
            f"Vi har rettet vores afgørelse af {danish_date(data.correction.decided_on)}. Denne afgørelse træder i "
            f"stedet for den tidligere. {data.correction.note.strip()}"), st["body"]))
    story.append(Paragraph(text(decision_sentence(data)), st["lead"]))
    return story + _amounts(data, st) + _reason(data, st) + _payment(data, st) + _closing(data, st)


def fingerprint(data: object) -> bytes:
    """Bytes that identify the content (the logo by its hash), for a deterministic document ID."""
    sender = data.sender
    logo = hashlib.sha256(sender.logo).hexdigest() if sender.logo else None
    return repr(dataclasses.replace(data, sender=dataclasses.replace(sender, logo=logo))).encode("utf-8")


def check(data: LetterData) -> None:
    """Refuse a letter that the law would not accept."""
    if data.outcome not in FULL_YES and not data.reason.strip():
        raise ReasonMissing("a decision that is not a full yes needs a reason")
    if not data.appeal_text.strip():
        raise ValueError("every decision carries appeal guidance")


def render_decision_letter(data: LetterData, created: datetime) -> bytes:
    """The letter as PDF/A-1b; the same data gives the same bytes apart from `created`."""
    check(data)
    register_fonts()
    st = styles()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName="IBMPlexSans", title=title_of(data))
    info = DocumentInfo(title=title_of(data), author=data.sender.name,
                        subject=f"Sag {data.case_number}: {data.case_title}", fingerprint=fingerprint(data))
    page = footer(data.sender)
    doc.build(_story(data, st), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()
