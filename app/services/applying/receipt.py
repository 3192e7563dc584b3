"""The receipt for a submitted application: a stored PDF/A (kind "receipt", direction "out") and one e-mail."""
from __future__ import annotations

from flask_babel import force_locale

from app import clock
from app.extensions import db
from app.formatting import money
from app.forms_runtime import answer_text, load_spec, visible_fields
from app.forms_runtime.spec import FormSpec
from app.models import Case, CaseEvent, Document, OutboxMessage, User
from app.pdf.data import Answer, Budget, ReceiptData, Section, moment_text
from app.pdf.renderers import render_receipt
from app.services.delivery import outbox
from app.services.delivery.letterhead import locale_for, sender
from app.services.delivery.links import public_base_url, public_url
from app.services.files import storage as files
from app.services.unit_of_work import use_case

KIND = "receipt"
TEMPLATE = "application_receipt"


def answers_of(case: Case) -> dict:
    """The application's answers stored on the case."""
    data = case.data if isinstance(case.data, dict) else {}
    answers = data.get("answers")
    return dict(answers) if isinstance(answers, dict) else {}


def receipt_document(case_id: int) -> Document | None:
    """The case's stored receipt, if any."""
    return db.session.scalar(db.select(Document).where(Document.case_id == case_id, Document.kind == KIND)
                             .order_by(Document.id.desc()).limit(1))


def _budget(spec: FormSpec, answers: dict) -> Budget | None:
    field = next((f for f in visible_fields(spec, answers) if f.kind == "budget"), None)
    value = answers.get(field.key) if field else None
    if not isinstance(value, dict):
        return None
    lines = lambda key: tuple((str(ln["text"]), int(ln["amount"])) for ln in value.get(key) or [])  # noqa: E731
    return Budget(expenses=lines("expenses"), income=lines("income"), total_expenses=int(value["total_expenses"]),
                  total_income=int(value["total_income"]), applied=int(value["applied"]))


def _sections(spec: FormSpec, answers: dict) -> tuple[Section, ...]:
    shown = {f.key for f in visible_fields(spec, answers)}
    return tuple(Section(step.title, tuple(Answer(f.label, answer_text(f, answers.get(f.key)))
                                           for f in step.fields if f.key in shown and f.kind not in ("budget", "file")))
                 for step in spec.steps)


def _files(spec: FormSpec, answers: dict) -> tuple[str, ...]:
    return tuple(f"{f.label}: {answers[f.key]['filename']}" for f in visible_fields(spec, answers)
                 if f.kind == "file" and isinstance(answers.get(f.key), dict))


def receipt_data(case: Case, submitted_by: User | None) -> ReceiptData:
    """What the receipt says, from the case, its answers and the pinned form version (in Danish)."""
    spec, answers = load_spec(case.form_version_id) if case.form_version_id else None, answers_of(case)
    received = local_time(case)
    with force_locale("da"):  # receipts are archived as sent, in Danish
        sections = _sections(spec, answers) if spec else ()
        budget, names = (_budget(spec, answers), _files(spec, answers)) if spec else (None, ())
    return ReceiptData(
        sender=sender(), case_number=case.number or str(case.id), received=received,
        association=case.association.name, cvr=case.association.cvr, pool_name=case.pool.name, title=case.title,
        amount_applied=case.amount_applied, submitted_by=submitted_by.full_name if submitted_by else "–",
        sections=sections, budget=budget, files=names, link=case_link(case))


def local_time(case: Case):
    """When the case was submitted, in the municipality's time zone."""
    return clock.local(case.submitted_at or clock.now())


def case_link(case: Case) -> str:
    """The applicant's case page, as an absolute address for letters and e-mails."""
    return public_url(f"/forening/sager/{case.id}")


def add_receipt(case: Case, submitted_by: User | None) -> Document:
    """Render the receipt and add it as a Document to the current unit of work (the caller commits)."""
    data = receipt_data(case, submitted_by)
    pdf = render_receipt(data, created=case.submitted_at or clock.now())
    key, sha256 = files.store_bytes(pdf)
    document = Document(case_id=case.id, kind=KIND, direction="out", filename=f"kvittering-{data.case_number}.pdf",
                        content_type="application/pdf", size_bytes=len(pdf), sha256=sha256, storage_key=key,
                        description="Kvittering for modtaget ansøgning")
    db.session.add(document)
    return document


def receipt_payload(case: Case) -> dict:
    """What the receipt e-mail says."""
    base = public_base_url()
    return {"case_number": case.number or "", "title": case.title, "association": case.association.name,
            "pool": case.pool.name, "amount": money(case.amount_applied, locale="da") if case.amount_applied is not None else "",
            "received": moment_text(local_time(case)), "link": case_link(case),
            "receipt_link": f"{base}/forening/ansoegninger/{case.id}/kvittering.pdf"}


def make_receipt_notice(case: Case) -> OutboxMessage:
    """Turn the submit transition's status e-mail into the receipt, so the association gets one clear e-mail."""
    payload = receipt_payload(case)
    # The query flushes first, so it finds the row whether or not the transition's effects were flushed yet.
    written = db.session.scalars(db.select(OutboxMessage).where(
        OutboxMessage.template == "case_update", OutboxMessage.status == "pending",
        OutboxMessage.recipient == case.association.contact_email).order_by(OutboxMessage.id.desc()).limit(20))
    pending = next((o for o in written if (o.payload or {}).get("case_number") == case.number), None)
    if pending is None:
        return outbox.enqueue(TEMPLATE, case.association.contact_email, payload,
                              locale=locale_for(case.association.contact_email), dedup_key=f"{TEMPLATE}:{case.id}")
    pending.template, pending.payload, pending.dedup_key = TEMPLATE, payload, f"{TEMPLATE}:{case.id}"
    return pending


@use_case
def ensure_receipt(case_id: int) -> Document | None:
    """The receipt of a submitted case, rendered once if it was submitted before receipts existed."""
    case = db.session.get(Case, case_id)
    if case is None or case.number is None or case.submitted_at is None:
        return None
    found = receipt_document(case_id)
    if found is not None:
        return found
    submitter = db.session.scalar(db.select(User).join(CaseEvent, CaseEvent.actor_id == User.id).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "submit").order_by(CaseEvent.id).limit(1))
    return add_receipt(case, submitter)
