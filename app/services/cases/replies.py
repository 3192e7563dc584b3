"""The applicant answers a request for information: text and files, one commit with the transition."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import Case, CaseEvent, User
from app.services.cases import transitions
from app.services.files import attachments
from app.services.unit_of_work import use_case
from workflows import Outcome


class FilesRejected(Exception):
    """One or more files failed the checks; `problems` holds (file name, Danish message) pairs."""

    def __init__(self, problems: list[tuple[str, object]]) -> None:
        super().__init__(f"{len(problems)} file(s) rejected")
        self.problems = problems


class TooManyFiles(Exception):
    """More files than a reply may carry."""


def latest_information_request(case: Case) -> CaseEvent | None:
    """The caseworker's latest request for information on `case` (its comment is the question)."""
    return db.session.scalar(db.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "request_information")
        .order_by(CaseEvent.id.desc()).limit(1))


def check_files(uploads: list[FileStorage], limit: int) -> list[attachments.CheckedFile]:
    """Every chosen file checked, or FilesRejected listing each bad one; nothing is stored yet."""
    chosen = attachments.chosen_files(uploads)
    if len(chosen) > limit:
        raise TooManyFiles()
    checked, problems = [], []
    for upload in chosen:
        try:
            checked.append(attachments.check(upload))
        except attachments.AttachmentRejected as exc:
            problems.append((exc.filename, exc.message))
    if problems:
        raise FilesRejected(problems)
    return checked


@use_case
def answer_information(case_id: int, user: User, *, expected_version: int | None, text: str,
                       uploads: list[FileStorage], max_files: int) -> Outcome:
    """Save the reply's files as Documents (kind 'reply') and perform 'answer_information', in one unit of work.

    The documents, their journal lines, the state change, its journal line and its outbox rows commit
    together; when perform refuses (stale form, action not allowed) the documents vanish with the rest.
    """
    checked = check_files(uploads, max_files)
    case = db.session.get(Case, case_id)
    if case is None:
        raise transitions.CaseNotFound()
    for item in checked:
        document = attachments.add_document(item, kind="reply", uploaded_by=user, case_id=case.id,
                                            association_id=case.association_id)
        db.session.add(CaseEvent(case_id=case.id, actor_id=user.id, kind="document",
                                 action="document_received", comment=document.filename))
    return transitions.perform(case.id, "answer_information", user, expected_version=expected_version,
                               given=transitions.ActionInput(comment=text))
