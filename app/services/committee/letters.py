"""Decision letters: requested in the decision's commit, rendered and published by the outbox's letter channel."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
import uuid
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale

from app import clock
from app.extensions import db
from app.models import Case, Decision, Document, Meeting, OutboxMessage, Pool, SubsidyBatch, SubsidyBatchLine, User
from app.pdf.content import Letter
from app.pdf.letter import (CANCEL, GRANT, PARTLY, REJECT, Correction, LetterData, Settlement, compose,
                            render_decision_letter)
from app.services.cases import contact_cpr
from app.services.delivery import digital_post_transport, outbox
from app.services.delivery.letterhead import locale_for, sender
from app.services.delivery.links import public_base_url
from app.services.files import storage as files
from app.services.integrations import events
from app.services.operations import metrics
from app.services.yearly.steps_text import describe
from workflows import registry


_DEFERRED = "decision_letters_deferred"


def request_decision_letter(case: Case, user: User, given: object) -> None:
    """Workflow effect: the decision just recorded gets a letter, written by the outbox after this commit."""
    decision = next((o for o in db.session.new if isinstance(o, Decision) and o.case_id == case.id), None)
    deferred = db.session.info.get(_DEFERRED)
    if deferred is not None and decision is not None:
        deferred.append((decision, case))  # requested at the end of requests_in_one_flush
        return
    db.session.flush()
    if decision is None:
        decision = db.session.scalar(db.select(Decision).where(Decision.case_id == case.id)
                                     .order_by(Decision.id.desc()).limit(1))
    enqueue_letter(decision, case)


@contextmanager
def requests_in_one_flush() -> Iterator[None]:
    """Decisions made in the block get their letters at its end, after one flush for all of them.

    The letter's outbox row names its decision's id; a meeting deciding 1,000 cases would otherwise flush
    once per case to learn it. Used inside a use case: the rows are written in its unit of work all the same.
    """
    pending: list[tuple[Decision, Case]] = []
    db.session.info[_DEFERRED] = pending
    try:
        yield
    finally:
        db.session.info.pop(_DEFERRED, None)
    db.session.flush()
    for decision, case in pending:
        enqueue_letter(decision, case)


def enqueue_letter(decision: Decision, case: Case) -> OutboxMessage:
    """An outbox row on the letter channel for `decision` (one per decision, whatever happens)."""
    # The letter's e-mail is written later, perhaps by a worker outside any request: keep the link base now.
    return outbox.enqueue("decision_letter", case.association.contact_email,
                          {"decision_id": decision.id, "base_url": public_base_url()},
                          channel="letter", dedup_key=f"decision-letter:{decision.id}")


def local_date(moment) -> date:
    """The calendar date in the municipality's time zone."""
    return clock.local(moment).date()


def _caseworker(case: Case, decision: Decision) -> User | None:
    if case.assignee is not None:
        return case.assignee
    decider = decision.decided_by
    return decider if decider is not None and decider.role in ("caseworker", "administrator") else None


def _with_letter_relations(stmt):
    return stmt.options(
        db.joinedload(Decision.case).joinedload(Case.pool).joinedload(Pool.committee),
        db.joinedload(Decision.case).joinedload(Case.association), db.joinedload(Decision.case).joinedload(Case.assignee),
        db.joinedload(Decision.meeting).joinedload(Meeting.committee), db.joinedload(Decision.decided_by))


def _load_for_letter(decision_id: int) -> None:
    """Everything the letter reads, in one query (the rows land in the session's identity map)."""
    db.session.execute(_with_letter_relations(db.select(Decision).where(Decision.id == decision_id))).unique().all()


def letter_outcome(workflow: str, state: str) -> str:
    """The letter's word for the state a decision led to."""
    for tag, outcome in (("granted_in_full", GRANT), ("granted_in_part", PARTLY), ("refused", REJECT)):
        if registry.has_tag(workflow, state, tag):
            return outcome
    return CANCEL  # the one other decision: the municipality cancels a booking it approved


def letter_data(decision: Decision, letterhead: object | None = None) -> LetterData:
    """What the letter for `decision` says, from the decision, its case, pool and meeting (and the letterhead
    as `sender()` gives it, unless the caller read it once for many letters)."""
    case, previous = decision.case, None
    pool, association = case.pool, case.association
    if decision.corrects_id:
        previous = db.session.get(Decision, decision.corrects_id)
    person = _caseworker(case, decision)
    committee = decision.meeting.committee.name if decision.meeting else (
        None if decision.delegated else pool.committee.name)
    postal = " ".join(p for p in (association.postcode, association.city) if p)
    line = None if registry.applied_for(case.workflow) else batch_line(decision)
    return LetterData(
        sender=letterhead or sender(), addressee=association.name, address_lines=(association.street or "", postal),
        cvr=association.cvr, contact_person=association.contact_person, case_number=case.number or str(case.id),
        case_title=case.title, pool_name=pool.name, premises=not case.is_grant,
        outcome=letter_outcome(case.workflow, decision.outcome),
        decided_on=local_date(decision.decided_at), amount_applied=case.amount_applied,
        amount_granted=decision.amount, reason=decision.reason, appeal_text=decision.appeal_text,
        legal_basis=decision.legal_basis, committee=committee,
        meeting_on=decision.meeting.meeting_date if decision.meeting else None,
        payment_instalments=pool.instalment_count if pool.payment_mode == "instalments" else 1,
        payment_interval_months=pool.instalment_interval if pool.payment_mode == "instalments" else 1,
        advance_allowed=pool.advance_allowed, report_due_days=pool.report_due_days,
        caseworker_name=person.full_name if person else None, caseworker_email=person.email if person else None,
        caseworker_phone=person.phone if person else None,
        correction=Correction(local_date(previous.decided_at), decision.correction_note) if previous else None,
        report_due_on=case.report_due_on if decision.amount else None,
        calculation=calculation_lines(line), settlement=_settlement(line))


def batch_line(decision: Decision) -> SubsidyBatchLine | None:
    """The batch line a calculated subsidy's decision was made from: the settlement approved at the decision's
    meeting, if any, else the line of the batch that made the case."""
    lines = db.session.scalars(db.select(SubsidyBatchLine).join(SubsidyBatch, SubsidyBatch.id == SubsidyBatchLine.batch_id)
                               .where(SubsidyBatchLine.case_id == decision.case_id)
                               .order_by(SubsidyBatchLine.id)).all()
    settled = [ln for ln in lines if ln.batch.is_settlement and ln.batch.status == "approved"
               and decision.meeting_id is not None and ln.batch.meeting_id == decision.meeting_id]
    advance = [ln for ln in lines if not ln.batch.is_settlement]
    return (settled or advance or [None])[0]


def calculation_lines(line: SubsidyBatchLine | None) -> tuple[str, ...]:
    """How a calculated subsidy's amount came about, step by step, in Danish (its letter shows them)."""
    if line is None:
        return ()
    with force_locale("da"):
        return tuple(describe(step) for step in line.steps or [])


def _settlement(line: SubsidyBatchLine | None) -> Settlement | None:
    if line is None or not line.batch.is_settlement:
        return None
    return Settlement(year=line.batch.scheme.campaign.year, advance=line.advance or 0)


def letter_content(document_id: int) -> Letter | None:
    """The content of the sent decision letter stored as `document_id`, for its HTML version: composed from
    the same decision as the PDF (None: not a decision letter, or not sent yet)."""
    decision = db.session.scalar(db.select(Decision).where(Decision.letter_document_id == document_id,
                                                           Decision.letter_available_at.is_not(None)))
    if decision is None:
        return None
    _load_for_letter(decision.id)
    return compose(letter_data(decision))


def store_pdf(data: bytes, filename: str, description: str, case_id: int | None = None) -> Document:
    """Keep a PDF we send (a letter, the minutes) as a Document (flushed: its id is known)."""
    document = _add_pdf(data, filename, description, case_id)
    db.session.flush()
    return document


def _add_pdf(data: bytes, filename: str, description: str, case_id: int | None) -> Document:
    key, sha = files.store_bytes(data)
    document = Document(case_id=case_id, kind="letter", direction="out", filename=filename,
                        content_type="application/pdf", size_bytes=len(data), sha256=sha, storage_key=key,
                        description=description)
    db.session.add(document)
    return document


_PREPARED = "decision_letters_prepared"


@dataclass(frozen=True)
class _Prepared:
    """What a batch of letters read once for all of them (prepare_letters)."""

    decisions: dict[int, Decision]  # held here: the session's identity map keeps no object alive by itself
    sender: object
    locales: dict[str, str | None]
    issued: list[tuple[Decision, Document]]  # stored, published by complete_letters after one flush for all


def prepare_letters(messages: list[OutboxMessage]) -> None:
    """Lock and load the decisions of a batch of letters in one query, and the letterhead and the recipients'
    languages once: issue_decision_letter then reads them from the session instead of four queries a letter."""
    ids = [m.payload["decision_id"] for m in messages if m.template == "decision_letter"]
    if not ids:
        return
    loaded = db.session.scalars(_with_letter_relations(db.select(Decision).where(Decision.id.in_(ids)))
                                .order_by(Decision.id).with_for_update(of=Decision)).unique().all()
    emails = {m.recipient.strip().lower() for m in messages}
    locales = dict(db.session.execute(db.select(User.email, User.locale).where(User.email.in_(emails))).all())
    db.session.info[_PREPARED] = _Prepared({d.id: d for d in loaded}, sender(),
                                           {e: locales.get(e) for e in emails}, [])


def complete_letters() -> None:
    """End of a batch that went well: the batch's documents inserted in one flush, then every letter published.

    A letter's columns are set together after that flush (a sent decision refuses later changes), and the
    `letter.issued` events, which name the documents, are written with the rest at the commit.
    """
    prepared = db.session.info.get(_PREPARED)
    if prepared is None or not prepared.issued:
        return
    db.session.flush()
    now = clock.now()
    for decision, document in prepared.issued:
        decision.letter_document_id, decision.letter_sha256, decision.letter_available_at = document.id, document.sha256, now
    events.on_letters([(d.case_id, d.id, doc.id) for d, doc in prepared.issued])
    prepared.issued.clear()


def forget_prepared() -> None:
    """End of the batch: the next letter reads for itself again."""
    db.session.info.pop(_PREPARED, None)


def _locked_decision(decision_id: int) -> Decision | None:
    prepared = db.session.info.get(_PREPARED)
    if prepared is not None and decision_id in prepared.decisions:
        return prepared.decisions[decision_id]  # locked and loaded by prepare_letters: no query
    decision = db.session.get(Decision, decision_id, with_for_update=True)
    if decision is not None:
        _load_for_letter(decision.id)
    return decision


def issue_decision_letter(msg: OutboxMessage) -> None:
    """Render, store and publish the letter, and write its e-mail notice; nothing if it is there already."""
    decision = _locked_decision(msg.payload["decision_id"])
    if decision is None:
        raise LookupError(f"decision {msg.payload['decision_id']} does not exist")
    if decision.letter_document_id is not None:
        return
    now, prepared = clock.now(), db.session.info.get(_PREPARED)
    pdf = render_decision_letter(letter_data(decision, prepared.sender if prepared else None), created=now)
    case = decision.case
    document = _add_pdf(pdf, f"afgoerelse-{case.number or case.id}-{decision.id}.pdf",
                        f"Afgørelsesbrev ({decision.outcome})", case.id)
    if prepared is not None:
        prepared.issued.append((decision, document))  # published by complete_letters, one flush for the batch
    else:
        db.session.flush()
        _publish(decision, document, now)
    base = msg.payload.get("base_url") or public_base_url()
    if digital_post_transport.is_enabled() and (case.association.cvr or contact_cpr.sends_to_cpr(case)):
        enqueue_digital_post(decision, case, base)  # its delivery writes the e-mail notice (digital_post.py)
    else:
        enqueue_notice(decision, case, base)


def enqueue_digital_post(decision: Decision, case: Case, base: str) -> OutboxMessage:
    """The Digital Post row of a stored letter, in the same commit (one per decision: its dedup key).

    The message's UUID is chosen now and kept on the row, so every attempt sends the same message and the
    provider can tell a retry from a second letter.
    """
    # An informal group's letter goes to its contact person's CPR number, which the row never holds.
    recipient = case.association.cvr or f"kontaktperson-cpr:sag-{case.id}"
    return outbox.enqueue("decision_digital_post", recipient,
                          {"decision_id": decision.id, "message_uuid": str(uuid.uuid4()), "base_url": base},
                          channel="digital_post", dedup_key=f"digital-post:{decision.id}")


def _publish(decision: Decision, document: Document, now) -> None:
    decision.letter_document_id, decision.letter_sha256, decision.letter_available_at = document.id, document.sha256, now
    events.on_letter(decision.case_id, decision.id, document.id)


def enqueue_notice(decision: Decision, case: Case, base: str, digital_post: bool = False) -> None:
    """The e-mail that tells the association a letter is waiting (in Digital Post too, when it went there)."""
    payload = {"case_number": case.number or "", "title": case.title, "association": case.association.name,
               "link": f"{base}/forening/sager/{case.id}", "digital_post": digital_post}
    email, prepared = case.association.contact_email, db.session.info.get(_PREPARED)
    known = prepared is not None and email.strip().lower() in prepared.locales
    locale = prepared.locales[email.strip().lower()] if known else locale_for(email)
    outbox.enqueue("decision_notice", email, payload, locale=locale, dedup_key=f"decision-notice:{decision.id}")


# What the letter channel renders per template. The meeting minutes are rendered by the decisions module,
# which uses this one; app/wiring.py binds that renderer here, so this module does not import it.
RENDERERS: dict[str, Callable[[OutboxMessage], None]] = {
    "decision_letter": issue_decision_letter,
}


def bind_renderers(renderers: dict[str, Callable[[OutboxMessage], None]]) -> None:
    """Add the other modules' letter renderers (app/wiring.py)."""
    RENDERERS.update(renderers)


class LetterAdapter:
    """The outbox's "letter" channel: a letter is delivered when it is stored and available."""

    def prepare(self, messages: list[OutboxMessage]) -> None:
        """Before a batch: read what its letters share, once (the outbox calls `finish` after it)."""
        prepare_letters(messages)

    def complete(self) -> None:
        """After the batch's last letter, before its commit: publish them all (one flush)."""
        complete_letters()

    def finish(self) -> None:
        forget_prepared()

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None:
        RENDERERS[msg.template](msg)
        metrics.LETTERS_RENDERED.labels(template=msg.template).inc()
        on_accepted()
