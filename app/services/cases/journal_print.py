"""The case journal in words, for the PDF print in the case export (Danish: it is the authority's record)."""
from __future__ import annotations

from datetime import datetime

from app.formatting import numeric_moment
from app.models import Case, CaseEvent, Document
from app.pdf.data import CaseJournal, JournalLine
from app.services.cases.notes import case_file
from workflows import registry

KIND_WORDS = {
    "note": "Intern note", "assessment": "Vurdering", "conflict": "Inhabilitet erklæret",
    "hearing_confirmed": "Partshøring bekræftet", "document": "Dokument modtaget", "booking_cancelled": "Booking aflyst",
    "decision_corrected": "Afgørelsen er rettet", "export": "Hele sagen hentet (aktindsigt)",
}
REPAYMENT_WORDS = {"repayment_claimed": "Krav om tilbagebetaling", "repayment_paid": "Tilbagebetaling modtaget",
                   "repayment_cancelled": "Krav om tilbagebetaling annulleret"}
DIGITAL_POST_WORDS = {"sent": "Afgørelsesbrevet er sendt med Digital Post",
                      "exempt": "Ikke sendt med Digital Post: foreningen er fritaget. Sendt med e-mail og vist i portalen.",
                      "failed": "Ikke sendt med Digital Post: tjenesten svarede ikke. Sendt med e-mail og vist i portalen."}
DIRECTION_WORDS = {"in": "Dokument modtaget", "out": "Dokument sendt", "internal": "Internt dokument"}


def event_words(case: Case, event: CaseEvent, audience: str) -> str:
    """What happened, as the staff journal says it; the party sees the public state names."""
    workflow = registry.get(case.workflow)
    if event.kind == "transition":
        action = next((t.label for t in workflow.transitions if t.action == event.action), event.action or "")
        if not event.to_state:
            return action
        state = workflow.state(event.to_state)
        return f"{action} → {state.public_label if audience == 'public' else state.staff_label}"
    if event.kind == "assignment":
        return "Tildeling fjernet" if event.action == "unassign" else f"Tildelt {event.comment or ''}".strip()
    if event.kind == "hearing":
        return "Partshøring er gennemført" if event.action == "held" else "Partshøring er ikke nødvendig"
    if event.kind == "repayment":
        return REPAYMENT_WORDS.get(event.action or "", "Tilbagebetaling")
    if event.kind == "digital_post":
        return DIGITAL_POST_WORDS.get(event.action or "", "Digital Post")
    return KIND_WORDS.get(event.kind, event.kind)


def journal_lines(case: Case, events: list[CaseEvent], docs: list[Document], names: dict[int, str],
                  audience: str) -> tuple[JournalLine, ...]:
    """Events and documents merged by time; each document line names its file in the ZIP."""
    lines = []
    for entry in case_file(case, events, docs):
        if entry.document is not None:
            d = entry.document
            where = f"Fil i pakken: {names[d.id]}" if d.id in names else "Filen findes ikke i arkivet"
            lines.append(JournalLine(at=numeric_moment(entry.at), what=f"{DIRECTION_WORDS.get(d.direction, d.kind)}: "
                                     f"{d.filename}", comment=where, internal=entry.is_internal))
            continue
        e = entry.event
        comment = "" if e.kind == "assignment" else (e.comment or "")
        lines.append(JournalLine(at=numeric_moment(entry.at), what=event_words(case, e, audience),
                                 who=e.actor.full_name if e.actor else "", comment=comment,
                                 internal=entry.is_internal))
    return tuple(lines)


def journal_print(case: Case, events: list[CaseEvent], docs: list[Document], names: dict[int, str], *,
                  sender, printed_at: datetime, with_internal: bool) -> CaseJournal:
    """The data of the journal PDF."""
    audience = "staff" if with_internal else "public"
    state = registry.get(case.workflow).state(case.state)
    scope = ("Udskrift med interne notater (til intern brug)" if with_internal
             else "Udskrift til parten (aktindsigt). Interne arbejdsdokumenter er undtaget "
                  "(offentlighedslovens §§ 23-24, forvaltningslovens § 12).")
    return CaseJournal(sender=sender, case_number=case.number or str(case.id), title=case.title,
                       association=case.association.name, pool=case.pool.name,
                       state=state.public_label if audience == "public" else state.staff_label,
                       printed_at=numeric_moment(printed_at), scope=scope,
                       lines=journal_lines(case, events, docs, names, audience))
