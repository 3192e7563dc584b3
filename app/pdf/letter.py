"""The decision letter (afgørelsesbrev): data in, PDF/A-1b bytes out.

`compose` says what the letter says (app/pdf/content.py); the PDF here and the portal's HTML version are
both rendered from it. Composing imports no reportlab: rendering does, when called."""
from __future__ import annotations

import dataclasses
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

from app.pdf.content import AMOUNTS, HEADING, LEAD, LINES, TEXT, Block, Letter, section
from app.pdf.data import Sender, danish_date, kroner

# What the decision says, in the letter's own words (app/services/committee/letters.py maps the case's state to one).
GRANT, PARTLY, REJECT, CANCEL = "grant", "partly", "reject", "cancel"


class ReasonMissing(ValueError):
    """A decision that is not a full yes must state its reason (forvaltningsloven §§ 22-24)."""


@dataclass(frozen=True)
class Correction:
    """The decision this letter replaces, and what was corrected."""

    decided_on: date
    note: str


@dataclass(frozen=True)
class Settlement:
    """The lokaletilskud advance this decision settles against the association's accounts (afregning)."""

    year: int  # the subsidy year of the advance
    advance: int  # the advance granted; the decision's amount is the final subsidy


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
    premises: bool  # a loan of premises; otherwise a grant of money
    outcome: str  # GRANT, PARTLY, REJECT or CANCEL
    decided_on: date
    amount_applied: int | None
    amount_granted: int | None
    reason: str
    appeal_text: str
    legal_basis: str
    committee: str | None = None  # None: decided by the administration under delegation
    meeting_on: date | None = None
    payment_instalments: int = 1
    payment_interval_months: int = 1  # months between instalments: 3 is quarterly
    advance_allowed: bool = False
    report_due_days: int | None = None
    caseworker_name: str | None = None
    caseworker_email: str | None = None
    caseworker_phone: str | None = None
    correction: Correction | None = None
    report_due_on: date | None = None  # the report deadline the grant started, when known
    # A subsidy calculated from the annual report (nobody applied): each step of the calculation as a sentence.
    calculation: tuple[str, ...] = ()
    settlement: Settlement | None = None


def title_of(data: LetterData) -> str:
    """The letter's heading."""
    if data.settlement:
        return f"Afregning af lokaletilskud for {data.settlement.year}"
    subject = "lån af lokaler" if data.premises else "tilskud"
    return f"{'Rettet afgørelse' if data.correction else 'Afgørelse'} om {subject}"


def _from_pool(data: LetterData) -> str:
    """' fra Puljen', unless the case is already named after the pool (»Puljen – Klubben«)."""
    return "" if data.pool_name.strip().lower() in data.case_title.lower() else f" fra {data.pool_name}"


def decision_sentence(data: LetterData) -> str:
    """The decision in one sentence."""
    who = (f"{data.committee} har på sit møde den {danish_date(data.meeting_on or data.decided_on)} besluttet at"
           if data.committee
           else f"Vi har den {danish_date(data.decided_on)} besluttet at")
    what = f"»{data.case_title}«"
    if data.premises:
        verbs = {GRANT: f"godkende jeres anmodning om at låne lokaler til {what}.",
                 PARTLY: f"godkende en del af jeres anmodning om at låne lokaler til {what}.",
                 REJECT: f"give afslag på jeres anmodning om at låne lokaler til {what}.",
                 CANCEL: f"aflyse jeres lån af lokaler til {what}."}
        return f"{who} {verbs[data.outcome]}"
    source = _from_pool(data)
    if data.settlement:
        return (f"{who} afregne jeres acontotilskud til {what}{source} for {data.settlement.year}. Det endelige "
                f"tilskud er {kroner(data.amount_granted)}, beregnet ud fra jeres regnskab og årlige indberetning efter "
                f"de samme regler for alle foreninger.")
    if data.calculation and data.outcome == REJECT:
        return (f"{who} I ikke får {what}{source}. Beregningen ud fra jeres årlige indberetning giver 0 kr. efter "
                f"de samme regler for alle foreninger.")
    if data.calculation:
        return (f"{who} bevilge jer {kroner(data.amount_granted)} i {what}{source}. Beløbet er beregnet ud fra "
                f"jeres årlige indberetning efter de samme regler for alle foreninger.")
    verbs = {GRANT: f"bevilge jer {kroner(data.amount_granted)} til {what}{source}.",
             PARTLY: f"bevilge jer {kroner(data.amount_granted)} af de {kroner(data.amount_applied)}, "
                     f"I har søgt om, til {what}{source}.",
             REJECT: f"give afslag på jeres ansøgning om tilskud til {what}{source}."}
    return f"{who} {verbs[data.outcome]}"


def address_of(data: LetterData) -> tuple[str, ...]:
    """The addressee block."""
    address = [data.addressee]
    if data.cvr:
        address.append(f"CVR-nr. {data.cvr}")
    elif data.contact_person:
        address.append(f"Att.: {data.contact_person}")
    return tuple(address + [line for line in data.address_lines if line])


def facts_of(data: LetterData) -> tuple[tuple[str, str], ...]:
    """Date, case number and whom to contact, beside the letterhead."""
    facts = [("Dato:", danish_date(data.decided_on)), ("Sagsnr.:", data.case_number)]
    if data.caseworker_name:
        facts.append(("Sagsbehandler:", data.caseworker_name))
    facts += [("", data.caseworker_email or data.sender.email), ("Telefon:", data.caseworker_phone or data.sender.phone)]
    return tuple(facts)


def _amounts(data: LetterData) -> tuple[Block, ...]:
    if data.premises or data.outcome == CANCEL:
        return ()
    granted = 0 if data.outcome == REJECT else data.amount_granted
    if data.settlement:
        difference = (granted or 0) - data.settlement.advance
        sign = "+" if difference > 0 else "-" if difference < 0 else ""
        return (Block(HEADING, "Beløb"), Block(AMOUNTS, items=(
            ("Acontotilskud", kroner(data.settlement.advance)), ("Endeligt tilskud", kroner(granted)),
            ("Forskel", f"{sign}{kroner(abs(difference))}"))))
    if data.calculation:
        return (Block(HEADING, "Beløb"), Block(AMOUNTS, items=(("Beregnet tilskud", kroner(granted)),)))
    rows = (("Ansøgt beløb", kroner(data.amount_applied)), ("Bevilget beløb", kroner(granted)))
    return (Block(HEADING, "Beløb"), Block(AMOUNTS, items=rows))


def report_deadline(data: LetterData) -> str:
    """When the report is due, counted as the case counts it (the deadline starts at mark_paid): from the payment."""
    days = f"{data.report_due_days} dag{'' if data.report_due_days == 1 else 'e'} efter udbetalingen"
    return f"{danish_date(data.report_due_on)} ({days})" if data.report_due_on else days


INTERVAL_WORDS = {3: "én hvert kvartal", 6: "én hvert halve år", 12: "én om året"}


def instalments_text(count: int, interval: int) -> str:
    """'i 2 rater', 'i 4 rater, én hvert kvartal,', 'i 3 rater med 2 måneders mellemrum' (monthly says no more)."""
    if interval <= 1:
        return f"i {count} rater"
    if interval in INTERVAL_WORDS:
        return f"i {count} rater, {INTERVAL_WORDS[interval]},"
    return f"i {count} rater med {interval} måneders mellemrum"


def _payment(data: LetterData) -> tuple[Block, ...]:
    if data.settlement:  # what happens to the difference is said with the correction, at the top
        return ()
    if data.outcome not in (GRANT, PARTLY) or not data.amount_granted:
        return ()
    account = (f"foreningens NemKonto (CVR-nr. {data.cvr})" if data.cvr else "kontaktpersonens NemKonto")
    how = (f"Vi udbetaler tilskuddet {instalments_text(data.payment_instalments, data.payment_interval_months)} "
           f"til {account}."
           if data.payment_instalments > 1 else f"Vi udbetaler tilskuddet til {account}.")
    advance = " Tilskuddet kan udbetales forud." if data.advance_allowed else ""
    texts = [how + advance + " I skal ikke sende kontonummer eller gøre andet for at få pengene."]
    if data.report_due_days and not data.calculation:
        # An association's board approves the accounts (folkeoplysningsloven § 29); an informal group has none.
        approved = ", som bestyrelsen har godkendt" if data.cvr else ""
        texts.append(
            f"Når pengene er brugt, skal I sende en kort afrapportering og et regnskab{approved}, senest "
            f"{report_deadline(data)}. Vi minder jer om fristen i god tid. Vi kan kræve "
            f"tilskuddet betalt tilbage, hvis det ikke bliver brugt til det, I har søgt om.")
    return section("Udbetaling og afrapportering" if len(texts) > 1 else "Udbetaling", *texts)


def _reason(data: LetterData) -> tuple[Block, ...]:
    if data.calculation:
        # The steps are the reason: the rule applied to the association's own figures (forvaltningsloven § 24).
        return section("Sådan har vi beregnet tilskuddet", *data.calculation)
    if not data.reason.strip():
        return ()
    return section("Begrundelse", data.reason)


def lawful_part(legal_basis: str, appeal_text: str, verb: str = "Afgørelsen er truffet") -> tuple[Block, ...]:
    """The legal basis and its appeal guidance (one library entry), as every decision letter ends."""
    out: tuple[Block, ...] = ()
    if legal_basis.strip():
        out += section("Lovgrundlag", f"{verb} efter {in_sentence(legal_basis)}.")
    return out + section("Klagevejledning", appeal_text)


def closing(contact: str, email: str, phone: str, case_number: str,
            signature: tuple[str, ...]) -> tuple[Block, ...]:
    """Questions, greeting and signature."""
    return (Block(HEADING, "Har I spørgsmål?"),
            Block(TEXT, f"Kontakt {contact} på {email} eller telefon {phone}. Skriv sagsnummeret {case_number}, "
                        f"når I skriver til os."),
            Block(TEXT, "Med venlig hilsen"), Block(LINES, items=signature))


def sender_lines(sender: Sender) -> tuple[str, ...]:
    """The letterhead's text: municipality, department and address."""
    return tuple(line for line in (sender.name, sender.department, sender.address) if line)


def in_sentence(name: str) -> str:
    """'Folkeoplysningslovens § 18' -> 'folkeoplysningslovens § 18' (Danish writes law names in lower case)."""
    name = name.strip()
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def compose(data: LetterData) -> Letter:
    """What the decision letter says, for the PDF and the portal's HTML version alike."""
    body: list[Block] = [Block(TEXT, f"Kære {data.addressee}")]
    if data.correction and data.settlement:
        body.append(Block(TEXT, (
            f"Afregning af lokaletilskud for {data.settlement.year}: I fik acontotilskuddet ved vores afgørelse af "
            f"{danish_date(data.correction.decided_on)}. Nu har vi afregnet det, og denne afgørelse træder i stedet "
            f"for den tidligere. {data.correction.note.strip()}").strip()))
    elif data.correction:
        body.append(Block(TEXT, (
            f"Vi har rettet vores afgørelse af {danish_date(data.correction.decided_on)}. Denne afgørelse træder i "
            f"stedet for den tidligere. {data.correction.note.strip()}").strip()))
    body.append(Block(LEAD, decision_sentence(data)))
    body += [*_amounts(data), *_reason(data), *_payment(data), *lawful_part(data.legal_basis, data.appeal_text)]
    signature = ((data.caseworker_name,) if data.caseworker_name else ()) + data.sender.signature_lines
    return Letter(title=title_of(data), facts=facts_of(data), address=address_of(data), body=tuple(body),
                  sender=sender_lines(data.sender),
                  closing=closing(data.caseworker_name or data.sender.department,
                                  data.caseworker_email or data.sender.email,
                                  data.caseworker_phone or data.sender.phone, data.case_number,
                                  tuple(line for line in signature if line)))


def fingerprint(data: object) -> bytes:
    """Bytes that identify the content (the logo by its hash), for a deterministic document ID."""
    sender = data.sender
    logo = hashlib.sha256(sender.logo).hexdigest() if sender.logo else None
    return repr(dataclasses.replace(data, sender=dataclasses.replace(sender, logo=logo))).encode("utf-8")


def check(data: LetterData) -> None:
    """Refuse a letter that the law would not accept."""
    if data.outcome != GRANT and not data.reason.strip():
        raise ReasonMissing("a decision that is not a full yes needs a reason")
    if not data.appeal_text.strip():
        raise ValueError("every decision carries appeal guidance")


def render_decision_letter(data: LetterData, created: datetime) -> bytes:
    """The letter as PDF/A-1b; the same data gives the same bytes apart from `created`."""
    # reportlab is imported by the first letter made, not by every process's start (app/pdf/data.py)
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm

    from app.pdf.layout import MARGIN, LetterTemplate, footer, story, styles
    from app.pdf.pdfa import REGULAR, DocumentInfo, canvasmaker, register_fonts

    check(data)
    register_fonts()
    st = styles()
    out = io.BytesIO()
    doc = LetterTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=18 * mm,
                            bottomMargin=24 * mm, initialFontName=REGULAR, title=title_of(data))
    info = DocumentInfo(title=title_of(data), author=data.sender.name,
                        subject=f"Sag {data.case_number}: {data.case_title}", fingerprint=fingerprint(data))
    page = footer(data.sender)
    doc.build(story(compose(data), data.sender, st), onFirstPage=page, onLaterPages=page, canvasmaker=canvasmaker(info, created))
    return out.getvalue()
