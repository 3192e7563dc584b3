"""Retention rules: personal data in records past their retention period is anonymised, the record stays.

A case keeps its pool, association (a legal entity: name and CVR stay), amounts, states, dates, decisions
and letters (the archive copy, arkivloven); the applicant's contact data, incoming files and receipts go.
Each rule counts whole years after the end of the calendar year in which the record ended (bogføringsloven
§ 10 counts from the end of the financial year). Idempotent: an anonymised record is never selected again.

A run is not one unit of work, on purpose: each case and each user is anonymised in a unit (one commit)
of its own, each chunk of invitations in another, and each chunk of candidates is read in a short unit
too. A run over years of records then holds no lock for long, and what it has done stays done if it
stops half-way (the next run carries on, since it only selects what is left).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import (AgendaItem, AllocationWish, Assessment, Booking, BookingCancellation, BookingRequest, Case,
                        CaseEvent, CaseReport, Document, FormField, Invitation, PaymentBatchLine, PaymentInstalment,
                        RepaymentClaim, User)
from app.models.user import find_user_by_email
from app.services.cases import contact_cpr
from app.services.files import storage as files
from app.services.journals import audit as admin_audit
from app.services.privacy.account_deletion import blocking_associations
from app.services.privacy.anonymise import (_forget_messages, anonymise_case_data, anonymise_user, placeholder_email,
                                            scrub_text)
from app.services.unit_of_work import in_unit_of_work, transaction, use_case
from workflows import registry

CASE_RULES = ("grant_case", "rejected_application", "premises_case")
# After these nothing more happens on a case; a booked premises case ends with its last booking (_case_rule).
ENDED_TAGS = ("finished", "booked")


@dataclass(frozen=True)
class Expired:
    """One record past its retention period."""

    kind: str  # case, user, invitation
    id: int
    rule: str
    ended_at: datetime
    label: str


@dataclass
class RetentionRun:
    """What a run anonymised (or, in a dry run, would anonymise)."""

    dry_run: bool
    items: list[Expired] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Number of records per kind."""
        out = {"case": 0, "user": 0, "invitation": 0}
        for item in self.items:
            out[item.kind] += 1
        return out


RULE_LABELS = {
    "grant_case": (_l("Sager med tilskud"), _l("Bogføringsloven § 10: 5 år efter regnskabsårets udløb")),
    "rejected_application": (_l("Afslag, tilbagetrukne og slettede ansøgninger"),
                             _l("Klagefrist og ny ansøgning; kommunens arkivregler")),
    "premises_case": (_l("Lån af lokaler"), _l("Efter sidste booking; kommunens arkivregler")),
    "invitation": (_l("Invitationer til bestyrelsen"), _l("Kun til brug, mens invitationen gælder")),
    "inactive_user": (_l("Foreningsbrugere uden log-ind"), _l("Dataminimering, GDPR art. 5, stk. 1, litra e")),
}


def rule_table() -> list[tuple[str, object, int, object]]:
    """(rule, label, years, legal basis) for the administrators' page."""
    return [(rule, label, years(rule), basis) for rule, (label, basis) in RULE_LABELS.items()]


def years(rule: str) -> int:
    """The configured retention period of `rule` in years."""
    return int(current_app.config["RETENTION_YEARS"][rule])


def cutoff(rule: str, now: datetime) -> datetime:
    """Records of `rule` that ended before this moment have expired: Danish New Year, `years` back.

    The calendar year is Denmark's: a record that ended at 00:30 on 1 January (23:30 UTC the day before)
    ended in the new year, and the period runs out at Danish midnight, not an hour later at UTC's.
    """
    year = clock.local(now).year - years(rule)
    return datetime(year, 1, 1, tzinfo=clock.TZ).astimezone(timezone.utc)


def _batch() -> int:
    return int(current_app.config.get("RETENTION_BATCH", 200))


def anonymise_expired(now: datetime, actor: User | None = None, dry_run: bool = False) -> RetentionRun:
    """Anonymise (or with dry_run only list) every expired case, inactive member and old invitation.

    Called from a task, a command or a view, never inside a use case: each record is its own unit of work.
    """
    if in_unit_of_work():
        raise RuntimeError("the retention run commits record by record; call it outside a use case")
    run = RetentionRun(dry_run=dry_run)
    for expired in _expired_cases(now):
        if dry_run or _anonymise_case(expired, now, actor):
            run.items.append(expired)
    for expired in _expired_users(now):
        if dry_run or _anonymise_inactive_user(expired, now, actor):
            run.items.append(expired)
    run.items.extend(_expired_invitations(now, actor, dry_run))
    if actor is not None or (run.items and not dry_run):
        _audit_run(actor, now, run)
    return run


@use_case
def _audit_run(actor: User | None, now: datetime, run: RetentionRun) -> None:
    _audit(actor, "retention", None, "dry_run" if run.dry_run else "run", {"now": now.isoformat(), **run.counts()})


# --- cases -----------------------------------------------------------------------------------------------

def _expired_cases(now: datetime):
    """Expired cases, found in chunks by keyset on id (the latest transition is when the case ended)."""
    ended = (db.select(CaseEvent.case_id, func.max(CaseEvent.created_at).label("ended_at"))
             .where(CaseEvent.kind == "transition").group_by(CaseEvent.case_id).subquery())
    latest = max(cutoff(rule, now) for rule in CASE_RULES)  # a necessary condition for every case rule
    after, ended_states = 0, registry.states_tagged(*ENDED_TAGS)
    while True:
        with transaction():  # a short unit of its own: nothing held open while the caller works through the chunk
            rows = db.session.execute(
                db.select(Case.id, Case.workflow, Case.state, Case.granted_amount, Case.number, Case.title,
                          ended.c.ended_at).join(ended, ended.c.case_id == Case.id)
                .where(Case.id > after, Case.anonymised_at.is_(None), Case.state.in_(ended_states),
                       ended.c.ended_at < latest)
                .order_by(Case.id).limit(_batch())).all()
            found = []
            for row in rows:
                rule, end = _case_rule(row)
                if end < cutoff(rule, now):
                    found.append(Expired("case", row.id, rule, end, f"{row.number or '–'} {row.title}"))
        if not rows:
            return
        yield from found
        after = rows[-1].id


def _case_rule(row) -> tuple[str, datetime]:
    """(rule, when the case really ended): a premises case ends with its last booking."""
    if row.workflow == registry.PREMISES_LOAN:
        last_booking = db.session.scalar(db.select(func.max(Booking.ends_at)).where(Booking.case_id == row.id))
        return "premises_case", max(row.ended_at, last_booking) if last_booking else row.ended_at
    paid = db.session.scalar(db.select(func.count()).select_from(PaymentInstalment)
                             .where(PaymentInstalment.case_id == row.id))
    return ("grant_case" if paid or row.granted_amount else "rejected_application"), row.ended_at


def _anonymise_case(expired: Expired, now: datetime, actor: User | None) -> bool:
    """Remove the personal data of one case in one commit; the files go after the commit."""
    keys = _anonymise_case_rows(expired, now, actor)
    if keys is None:
        return False
    _delete_files(keys)
    return True


@use_case
def _anonymise_case_rows(expired: Expired, now: datetime, actor: User | None) -> list[str] | None:
    """The case's rows (outermost: committed on return); the storage keys of the files to delete after."""
    case = db.session.get(Case, expired.id, with_for_update=True, populate_existing=True)
    if case is None or case.anonymised_at is not None:
        return None
    kinds = dict(db.session.execute(db.select(FormField.key, FormField.kind)
                                    .where(FormField.version_id == case.form_version_id)).all()) \
        if case.form_version_id else {}
    case.data, removed = anonymise_case_data(case.data, kinds)
    case.title = scrub_text(case.title) or case.title
    keys = _drop_personal_documents(case.id)
    _scrub_related(case.id)
    cpr_deleted = contact_cpr.erase(case.id)  # the contact person's CPR number for Digital Post, if given
    case.anonymised_at = now
    summary = {"rule": expired.rule, "years": years(expired.rule), "ended_at": expired.ended_at.isoformat(),
               "fields_removed": removed + (["cpr"] if cpr_deleted else []), "files_deleted": len(keys)}
    db.session.add(CaseEvent(case_id=case.id, actor_id=actor.id if actor else None, kind="anonymised",
                             action="anonymise", visibility="public", comment=_journal_text(summary)))
    _audit(actor, "case", case.id, "anonymise", summary)
    return keys


def _journal_text(summary: dict) -> str:
    # Stored in the append-only journal: Danish, like every journal line, and free of personal data.
    fields_text = ", ".join(summary["fields_removed"]) or "ingen"
    return (f"Personoplysninger anonymiseret efter sletteregel '{summary['rule']}' ({summary['years']} år efter "
            f"sagens afslutning). Felter fjernet: {fields_text}. Filer slettet: {summary['files_deleted']}.")


def _drop_personal_documents(case_id: int) -> list[str]:
    """Delete incoming files and receipts (copies of the application); letters stay in the archive."""
    documents = db.session.scalars(db.select(Document).where(
        Document.case_id == case_id, (Document.direction == "in") | (Document.kind == "receipt"))).all()
    ids = [d.id for d in documents]
    if ids:
        for report in db.session.scalars(db.select(CaseReport).where(CaseReport.accounts_document_id.in_(ids))):
            report.accounts_document_id = None
        db.session.flush()
    keys = [d.storage_key for d in documents]
    for document in documents:
        db.session.delete(document)
    return keys


def _scrub_related(case_id: int) -> None:
    """Free text about the case elsewhere: reports, bookings, wishes, payments, claims, assessments, agendas.

    CaseEvent.comment is not scrubbed: the journal is append-only (a database trigger refuses UPDATE) and
    stays as the case record. Outbox messages have no link to a case, so e-mails are not touched here
    (they lose their contents when the recipient's account is anonymised).
    """
    for report in db.session.scalars(db.select(CaseReport).where(CaseReport.case_id == case_id)):
        report.activity_text, report.story_text = scrub_text(report.activity_text) or "", None
    for request in db.session.scalars(db.select(BookingRequest).where(BookingRequest.case_id == case_id)):
        request.purpose = scrub_text(request.purpose) or ""
    for booking in db.session.scalars(db.select(Booking).where(Booking.case_id == case_id)):
        booking.title = scrub_text(booking.title) or booking.title
    for wish in db.session.scalars(db.select(AllocationWish).where(AllocationWish.case_id == case_id)):
        wish.note = scrub_text(wish.note) or ""
    for cancellation in db.session.scalars(db.select(BookingCancellation)
                                           .where(BookingCancellation.case_id == case_id)):
        cancellation.reason = scrub_text(cancellation.reason) or ""
    for line in db.session.scalars(db.select(PaymentBatchLine).where(PaymentBatchLine.case_id == case_id)):
        # An informal group's contact person was the payee; the line must still name someone or a CVR.
        line.contact_person = None if line.cvr else "Anonymiseret"
        line.text = scrub_text(line.text) or ""
    for claim in db.session.scalars(db.select(RepaymentClaim).where(RepaymentClaim.case_id == case_id)):
        claim.reason = scrub_text(claim.reason) or claim.reason  # the reason is required (check constraint)
    for assessment in db.session.scalars(db.select(Assessment).where(Assessment.case_id == case_id)):
        assessment.recommendation = scrub_text(assessment.recommendation) or ""
        for score in assessment.scores:
            score.comment = scrub_text(score.comment) or ""
    for item in db.session.scalars(db.select(AgendaItem).where(AgendaItem.case_id == case_id)):
        item.reason, item.comment = scrub_text(item.reason) or "", scrub_text(item.comment) or ""


def _delete_files(keys: list[str]) -> None:
    """Remove the bytes once the rows are gone; a failure is logged (the rows no longer point to them)."""
    try:
        files.delete_unreferenced(keys)
    except Exception as exc:  # noqa: BLE001 - store trouble; the rows are gone, the log and `flask files check` say which
        current_app.logger.error("retention: could not delete files %s: %s", keys, exc)


# --- users and invitations ---------------------------------------------------------------------------------

def _expired_users(now: datetime):
    """Members who have not logged in for `inactive_user` years (staff accounts are the administrators')."""
    last_seen = func.coalesce(User.last_login_at, User.created_at)
    after = 0
    while True:
        with transaction():  # a short unit of its own, as for the cases
            rows = db.session.execute(db.select(User.id, last_seen.label("last_seen")).where(
                User.id > after, User.role == "member", User.anonymised_at.is_(None),
                last_seen < cutoff("inactive_user", now)).order_by(User.id).limit(_batch())).all()
            # The last chair of an association with open cases stays until someone takes over.
            found = [Expired("user", row.id, "inactive_user", row.last_seen, f"#{row.id}")
                     for row in rows if not blocking_associations(row.id)]
        if not rows:
            return
        yield from found
        after = rows[-1].id


@use_case
def _anonymise_inactive_user(expired: Expired, now: datetime, actor: User | None) -> bool:
    """One member in one commit, unless someone logged in or became the last chair since the chunk was read."""
    user = db.session.get(User, expired.id, with_for_update=True, populate_existing=True)
    if user is None or user.anonymised_at is not None or blocking_associations(user.id, lock=True):
        return False
    anonymise_user(user, now, actor)
    _audit(actor, "user", user.id, "anonymise", {"rule": expired.rule, "years": years(expired.rule)})
    return True


def _expired_invitations(now: datetime, actor: User | None, dry_run: bool) -> list[Expired]:
    """Invitations that died more than `invitation` years ago lose the invited address, a chunk per commit."""
    found: list[Expired] = []
    while chunk := _invitation_chunk(now, actor, dry_run, found[-1].id if found else 0):
        found.extend(chunk)
    return found


@use_case
def _invitation_chunk(now: datetime, actor: User | None, dry_run: bool, after: int) -> list[Expired]:
    rows = db.session.scalars(db.select(Invitation).where(
        Invitation.expires_at < cutoff("invitation", now), ~Invitation.email.like("%@slettet.invalid"),
        Invitation.id > after).order_by(Invitation.id).limit(_batch())).all()
    found = [Expired("invitation", i.id, "invitation", i.expires_at, f"#{i.id}") for i in rows]
    if rows and not dry_run:
        for invitation in rows:
            if find_user_by_email(invitation.email) is None:  # an account's e-mails go with the account
                _forget_messages(invitation.email)  # the invitation e-mail sent to the address
            invitation.email = placeholder_email("invitation", invitation.id)
        _audit(actor, "retention", None, "anonymise_invitations", {"ids": [i.id for i in rows]})
    return found


def _audit(actor: User | None, entity_type: str, entity_id: int | None, action: str, after: dict) -> None:
    """An admin-journal row; the nightly job has no actor (actor_id stays empty)."""
    admin_audit.record(actor, entity_type, entity_id, action, None, after)
