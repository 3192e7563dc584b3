"""The association member's pages: our cases, a case, replying with files, downloading documents."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.access import get_or_404, on_board
from app.auth.access import require_member
from app.cases_views import handle_action
from app.extensions import db
from app.formatting import file_size
from app.forms_runtime.reading import type_label
from app.main.errors import render_error
from app.models import Association, Case, Document, Membership
from app.portal import bp
from app.portal.case_page import outcome, timeline
from app.portal.forms import ReplyForm
from app.portal.presenters import case_deadline, case_documents, seat_label
from app.services.files import attachments
from app.services.cases import replies, transitions
from app.services.committee import letters as decision_letters
from app.services.money import repayment
from app.services.applying.eligibility import declaration_valid_on
from workflows import TransitionNotAllowed

INVITATION_KEY = "invitation_token"


@bp.context_processor
def portal_helpers() -> dict:
    return {"seat_label": seat_label}


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    limit = attachments.size_label(current_app.config["MAX_ATTACHMENT_BYTES"])
    return render_error(413, _("Det, du sendte, fylder for meget. Hver fil må højst fylde %(size)s, og I kan sende "
                               "%(files)s ad gangen. Gå tilbage, og vælg mindre eller færre filer.", size=limit,
                               files=ngettext("højst %(num)s fil", "højst %(num)s filer",
                                              current_app.config["MAX_ATTACHMENTS_PER_UPLOAD"])))


@bp.route("/")
@require_member
def home():
    token = session.pop(INVITATION_KEY, None)
    if token:  # came back from log-in or sign-up after opening an invitation link
        return redirect(url_for("portal.invitation", token=token))
    memberships = db.session.scalars(
        db.select(Membership).where(Membership.user_id == current_user.id)
        .options(db.selectinload(Membership.association).selectinload(Association.approvals))
        .order_by(Membership.id)
    ).all()
    association_ids = [m.association_id for m in memberships]
    cases = db.session.scalars(
        db.select(Case).where(Case.association_id.in_(association_ids), ~Case.state_has("discarded"))
        .options(db.joinedload(Case.pool), db.joinedload(Case.association), db.joinedload(Case.assignee))
        .order_by(Case.created_at.desc(), Case.id.desc()).limit(200)
    ).all() if association_ids else []
    today = clock.today()
    return render_template("portal/home.html", memberships=memberships, cases=cases, deadline=case_deadline,
                           declaration_valid=lambda a: declaration_valid_on(a, today))


def _render_case(case: Case, form: ReplyForm | None = None, file_problems: list | None = None):
    actions, blocked = transitions.offered_actions(case, current_user)
    can_reply = any(t.action == "answer_information" for t in actions)
    if can_reply and form is None:
        form = ReplyForm(version=case.version)
    return render_template(
        "portal/case.html", case=case, timeline=timeline(case, transitions.journal(case)), blocked=blocked,
        outcome=outcome(case) if case.decided_at else None, file_type=type_label, file_size=file_size,
        # The reply form and the report page carry these actions with their own fields and files,
        # so their bare buttons are not repeated here.
        actions=[t for t in actions if t.action not in ("answer_information", "submit_report")
                 and not (t.action == "submit" and case.form_version_id)],
        can_report=any(t.action == "submit_report" for t in actions),
        reply_form=form if can_reply else None, file_problems=file_problems or [],
        unsent_text=form.text.data if form is not None and not can_reply else None,
        information_request=(replies.latest_information_request(case)
                             if case.state_has("information_requested") else None),
        documents=case_documents(case), deadline=case_deadline(case),
        max_files=current_app.config["MAX_ATTACHMENTS_PER_UPLOAD"],
        max_size=attachments.size_label(current_app.config["MAX_ATTACHMENT_BYTES"]),
        max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"])


@bp.route("/sager/<int:case_id>")
@require_member
def case(case_id: int):
    return _render_case(get_or_404(Case, case_id, on_board))


@bp.route("/sager/<int:case_id>/handling", methods=["POST"])
@require_member
def case_action(case_id: int):
    case = get_or_404(Case, case_id, on_board)
    if request.form.get("action") == "submit" and case.form_version_id:
        # An application form is submitted from its summary page: validated, with a receipt.
        return redirect(url_for("applying.resume", case_id=case.id))
    return handle_action(case, url_for("portal.case", case_id=case.id))


@bp.route("/sager/<int:case_id>/svar", methods=["POST"])
@require_member
def case_reply(case_id: int):
    case = get_or_404(Case, case_id, on_board)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_case(case, form)
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    limit = current_app.config["MAX_ATTACHMENTS_PER_UPLOAD"]
    try:
        replies.answer_information(case.id, current_user, expected_version=version, text=form.text.data,
                                   uploads=request.files.getlist(form.files.name), max_files=limit)
    except replies.TooManyFiles:
        form.files.errors = [ngettext("I kan sende højst %(num)s fil ad gangen.", "I kan sende højst %(num)s filer ad gangen.",
                                      limit)]
    except replies.FilesRejected as exc:
        form.files.errors = [_("En eller flere filer kunne ikke bruges. Vælg filerne igen.")]
        return _render_case(case, form, exc.problems)
    except transitions.StaleCase:
        form.version.data = str(db.session.get(Case, case.id).version)
        flash(_("Sagen er blevet ændret, mens I skrev. Se den nye status, og send svaret igen."), "error")
    except TransitionNotAllowed:
        flash(_("Sagen venter ikke længere på jeres svar, så svaret blev ikke sendt. Kontakt sagsbehandleren."),
              "error")
    else:
        flash(_("Tak! Jeres svar er sendt til kommunen."), "success")
        return redirect(url_for("portal.case", case_id=case.id))
    return _render_case(db.session.get(Case, case.id), form)


@bp.route("/sager/<int:case_id>/breve/<int:letter_id>")
@require_member
def letter(case_id: int, letter_id: int):
    """A sent letter as an accessible web page, with the same content as its PDF (404 for anyone else's)."""
    case = get_or_404(Case, case_id, on_board)
    document = db.session.get(Document, letter_id)
    if document is None or document.case_id != case.id or document.kind != "letter":
        abort(404)
    content = decision_letters.letter_content(document.id) or repayment.letter_content(document.id)
    if content is None:
        abort(404)
    return render_template("portal/letter.html", case=case, document=document, letter=content)


@bp.route("/dokumenter/<int:document_id>")
@require_member
def document(document_id: int):
    return attachments.serve(document_id, current_user)
