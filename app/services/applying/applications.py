"""Applying for a grant: start a draft on the pool's published form, save it step by step, submit it.

The draft's answers live in case.data = {"answers": {field key: answer}, "step": where to resume}; a file
answer is {"document_id", "filename"} of a Document stored on the draft. Every save checks the case version
(optimistic locking), so a board member never overwrites what another one saved in the meantime.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.forms_runtime import FormSpec, load_spec, without_hidden
from app.models import Association, Case, Document, Pool, User
from app.services.applying import receipt as application_receipt
from app.services.applying.eligibility import eligibility_problems
from app.services.applying.receipt import answers_of
from app.services.applying.rules import amount_from, application_problems, title_from
from app.services.cases.core import accepts_applications
from app.services.cases.transitions import apply_transition
from app.services.files import attachments, storage as files
from app.services.pools import forms as form_setup
from app.services.unit_of_work import flush, in_unit_of_work, use_case
from workflows import registry


class NotEligible(Exception):
    """The association may not apply to the pool; `problems` are Danish reasons."""

    def __init__(self, problems: list) -> None:
        super().__init__("not eligible")
        self.problems = problems


class NoForm(Exception):
    """The pool has no published application form (yet)."""


class NotADraft(Exception):
    """The case is no longer a draft (submitted, or the draft was deleted)."""

    def __init__(self, case: Case) -> None:
        super().__init__("not a draft")
        self.case = case


class AlreadySubmitted(NotADraft):
    """The draft was submitted already (e.g. by a double click): show the receipt."""


class StaleDraft(Exception):
    """Someone changed the draft since the page was shown."""


class Incomplete(Exception):
    """The application has problems: {field key: messages}."""

    def __init__(self, problems: dict) -> None:
        super().__init__("incomplete")
        self.problems = problems


class DeadlinePassed(Exception):
    """The pool's deadline has passed and it does not take late applications."""

    def __init__(self, pool: Pool) -> None:
        super().__init__("deadline passed")
        self.pool = pool


@dataclass(frozen=True)
class Started:
    """The draft to continue, and whether it was created now."""

    case: Case
    created: bool


@dataclass
class StepSave:
    """One press of 'Gem og fortsæt' (or 'Tilbage') on a step."""

    version: int | None
    index: int
    values: dict | None  # this step's answers (None for a blank one); None when the form had errors
    uploads: dict[str, FileStorage] = field(default_factory=dict)
    resume_at: int = 0  # the step to continue at next time (len(steps) = the summary)


@dataclass(frozen=True)
class Saved:
    """The draft after a save; `stale` when the typed answers were not saved because someone else saved first."""

    case: Case
    stale: bool = False
    file_problems: dict = field(default_factory=dict)


def open_draft(association_id: int, pool_id: int) -> Case | None:
    """The association's unfinished application to the pool, if any."""
    return db.session.scalar(db.select(Case).where(Case.association_id == association_id, Case.pool_id == pool_id,
                                                   Case.state_has("draft")).order_by(Case.id).limit(1))


@use_case
def start(pool_id: int, association_id: int, user: User, today: date) -> Started:
    """Start a draft on the pool's published form, or return the association's existing draft."""
    # Locking the association makes two board members pressing 'Søg' at once get the same draft.
    association = db.session.get(Association, association_id, with_for_update=True)
    pool = db.session.get(Pool, pool_id)
    existing = open_draft(association_id, pool_id)
    if existing is not None:
        return Started(existing, False)
    problems = eligibility_problems(association, pool, today)
    version = form_setup.latest_published(pool.id)
    if not registry.applied_for(pool.workflow):  # a calculated subsidy begins granted: never by application
        raise NoForm()
    if problems or version is None:
        raise NotEligible(problems) if problems else NoForm()
    workflow = registry.get(pool.workflow)
    case = Case(pool_id=pool.id, association_id=association.id, workflow=workflow.name, state=workflow.start,
                title=title_from(load_spec(version.id), {}, pool.name, association.name),
                data={"answers": {}, "step": 0}, created_by_id=user.id, form_version_id=version.id)
    db.session.add(case)
    return Started(case, True)


def _locked(case_id: int) -> Case:
    case = db.session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise LookupError(case_id)
    return case


def _locked_draft(case_id: int) -> Case:
    case = _locked(case_id)
    if not case.state_has("draft"):
        raise (AlreadySubmitted if case.number else NotADraft)(case)
    return case


def _already_saved(answers: dict, values: dict | None) -> bool:
    """True when `values` are what the draft holds already (the same form sent twice)."""
    return values is not None and all(answers.get(k) == v if v is not None else k not in answers
                                      for k, v in values.items())


def _document(case: Case, answer: object) -> Document | None:
    if not isinstance(answer, dict) or not isinstance(answer.get("document_id"), int):
        return None
    found = db.session.get(Document, answer["document_id"])
    return found if found is not None and found.case_id == case.id and found.kind == "attachment" else None


def _attach(case: Case, user: User, spec: FormSpec, answers: dict, uploads: dict) -> tuple[dict, list[str]]:
    """Store each upload on the draft; returns ({key: Danish problem}, storage keys of replaced files)."""
    problems, replaced = {}, []
    for key, upload in uploads.items():
        if spec.field(key) is None or spec.field(key).kind != "file":
            continue
        try:
            checked = attachments.check(upload)
        except attachments.AttachmentRejected as exc:
            problems[key] = exc.message
            continue
        old = _document(case, answers.get(key))
        if old is not None and old.sha256 == hashlib.sha256(checked.data).hexdigest():
            continue  # the same file sent again (a double click)
        document = attachments.add_document(checked, kind="attachment", uploaded_by=user, case_id=case.id,
                                            description=spec.field(key).label[:200])
        db.session.flush()
        answers[key] = {"document_id": document.id, "filename": document.filename}
        if old is not None:
            replaced.append(old.storage_key)
            db.session.delete(old)
    return problems, replaced


def _store(case: Case, spec: FormSpec, answers: dict, resume_at: int | None = None) -> None:
    data = dict(case.data or {})
    data["answers"] = answers
    if resume_at is not None:
        data["step"] = max(0, min(resume_at, len(spec.steps)))
        data["reached"] = max(int(data.get("reached") or 0), data["step"])
    case.data = data
    case.title = title_from(spec, answers, case.pool.name, case.association.name)
    case.amount_applied = amount_from(spec, answers)


def _forget_files(storage_keys: list[str]) -> None:
    """Delete the bytes of files replaced or removed (after the commit that dropped their rows)."""
    try:
        files.delete_unreferenced(storage_keys)
    except Exception:  # noqa: BLE001 - an orphaned file is harmless and `flask files check` lists it
        current_app.logger.exception("could not delete replaced files %s", storage_keys)


def _forget_files_after_commit(storage_keys: list[str]) -> None:
    """Delete the bytes once the unit of work that dropped their rows is committed; never when it rolls back."""
    if not storage_keys:
        return
    session, waiting = db.session(), [list(storage_keys)]

    def committed(_session) -> None:
        if waiting:
            _forget_files(waiting.pop())

    def rolled_back(_session, _previous) -> None:
        waiting.clear()  # the rows still point to the files: keep the bytes
    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_soft_rollback", rolled_back, once=True)


def _flush_draft(storage_keys: list[str]) -> None:
    """Write the draft now, so a lost version race surfaces here as StaleDraft; old files go after the commit."""
    try:
        flush()
    except StaleDataError as exc:  # SQLite has no row lock: the version check catches the race
        raise StaleDraft() from exc
    _forget_files_after_commit(storage_keys)


@use_case
def save_step(case_id: int, user: User, change: StepSave) -> Saved:
    """Save one step: new files always (nothing uploaded is lost), the answers unless the form was stale."""
    case = _locked_draft(case_id)
    spec = load_spec(case.form_version_id)
    answers = answers_of(case)
    stale = change.version != case.version and not _already_saved(answers, change.values)
    problems, replaced = _attach(case, user, spec, answers, change.uploads)
    save_answers = change.values is not None and not stale
    if save_answers:
        for key, value in change.values.items():
            if value is None:
                answers.pop(key, None)
            else:
                answers[key] = value
    if not save_answers and answers == answers_of(case):
        return Saved(case=case, stale=stale, file_problems=problems)  # nothing changed: nothing to write
    _store(case, spec, answers, change.resume_at if save_answers else None)
    _flush_draft(replaced)
    return Saved(case=case, stale=stale, file_problems=problems)


@use_case
def remove_file(case_id: int, user: User, version: int | None, key: str) -> Saved:
    """Take a file off the draft (its stored bytes are deleted: the municipality never received it)."""
    case = _locked_draft(case_id)
    if version != case.version:
        return Saved(case=case, stale=True)
    spec, answers = load_spec(case.form_version_id), answers_of(case)
    document = _document(case, answers.get(key))
    if key not in answers or spec.field(key) is None or spec.field(key).kind != "file":
        return Saved(case=case)
    answers.pop(key)
    replaced = [document.storage_key] if document is not None else []
    if document is not None:
        db.session.delete(document)
    _store(case, spec, answers)
    _flush_draft(replaced)
    return Saved(case=case)


def _check_submission(case: Case, spec: FormSpec, answers: dict, today: date) -> None:
    problems = application_problems(spec, answers, today)
    if problems:
        raise Incomplete(problems)
    if not accepts_applications(case.pool, today):
        raise DeadlinePassed(case.pool)
    reasons = eligibility_problems(case.association, case.pool, today)
    if reasons:
        raise NotEligible(reasons)


def _drop_hidden_files(case: Case, before: dict, after: dict) -> list[str]:
    """Files answering questions that no longer apply are not sent with the application."""
    dropped = []
    for key in set(before) - set(after):
        document = _document(case, before[key])
        if document is not None:
            dropped.append(document.storage_key)
            db.session.delete(document)
    return dropped


def submit(case_id: int, user: User, expected_version: int | None, today: date) -> Case:
    """Validate the whole application and send it: case number, journal, receipt PDF and e-mail, one commit."""
    try:
        return _submit(case_id, user, expected_version, today)
    except StaleDraft:
        if in_unit_of_work():  # inside a caller's unit of work the session waits for its rollback: no reading
            raise
        # Not a use case itself: only after the rollback can it read whether a double click's twin won.
        fresh = db.session.get(Case, case_id, populate_existing=True)
        if fresh is not None and fresh.number:
            raise AlreadySubmitted(fresh) from None
        raise


@use_case
def _submit(case_id: int, user: User, expected_version: int | None, today: date) -> Case:
    """The submission's unit of work: every check before any change, then number, journal, receipt and e-mail."""
    case = _locked_draft(case_id)
    if expected_version is not None and expected_version != case.version:
        raise StaleDraft()
    spec = load_spec(case.form_version_id)
    before = answers_of(case)
    answers = without_hidden(spec, before)
    _check_submission(case, spec, answers, today)
    dropped = _drop_hidden_files(case, before, answers)
    _store(case, spec, answers, len(spec.steps))
    apply_transition(case, "submit", user)
    application_receipt.add_receipt(case, user)
    application_receipt.make_receipt_notice(case)
    _flush_draft(dropped)
    return case
