"""Who read our data (members, any user, staff per case) and the whole case as a ZIP (aktindsigt)."""
from __future__ import annotations

from flask import abort, render_template, request, send_file
from flask_login import current_user, login_required

from app.access import get_membership_or_404, get_or_404, on_board, staff_may_see
from app.models import Case
from app.auth.access import require_caseworker, require_member
from app.main.errors import render_error
from app.privacy import bp
from app.services.cases import export as case_export
from app.services.journals import read_log


@bp.app_errorhandler(read_log.ReadNotLogged)
def read_not_logged(error):
    """A read that could not be logged is not shown (see app/services/journals/read_log.py)."""
    return render_error(503, str(read_log.NOT_LOGGED))


def _cursor() -> str | None:
    return (request.args.get("efter") or "")[:1000] or None


@bp.route("/forening/foreninger/<int:association_id>/laesninger")
@require_member
def association_reads(association_id: int):
    """'Hvem har set vores oplysninger': board members of the association only (404 for the rest)."""
    membership = get_membership_or_404(association_id)
    page = read_log.reads_of_association(association_id, _cursor())
    return render_template("privacy/association_reads.html", association=membership.association, page=page,
                           describe=read_log.describe)


@bp.route("/konto/mine-laesninger")
@login_required
def my_reads():
    """Who among staff read data about me (any logged-in user, only their own)."""
    page = read_log.reads_of_person(current_user.id, _cursor())
    return render_template("privacy/my_reads.html", page=page, describe=read_log.describe)


@bp.route("/sagsbehandling/sager/<int:case_id>/laesninger")
@require_caseworker
def case_reads(case_id: int):
    """The read log of one case, for caseworkers and administrators."""
    case = get_or_404(Case, case_id, staff_may_see)
    page = read_log.reads_of_case(case.id, _cursor())
    return render_template("privacy/case_reads.html", case=case, page=page,
                           describe=lambda rows: read_log.describe(rows, party=False))


def send_zip(export):
    """A finished export (a temporary file and a name) as a download nobody caches; also used by data_routes."""
    response = send_file(export.file, mimetype="application/zip", as_attachment=True,
                         download_name=export.download_name, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/sagsbehandling/sager/<int:case_id>/aktindsigt", methods=["POST"])
@require_caseworker
def staff_export(case_id: int):
    """The whole case as a ZIP; with 'interne=1' also the internal notes (an internal copy)."""
    case = get_or_404(Case, case_id, staff_may_see)
    with_internal = request.form.get("interne") == "1"
    return send_zip(case_export.export_case(case, current_user, with_internal=with_internal))


@bp.route("/forening/sager/<int:case_id>/aktindsigt", methods=["POST"])
@require_member
def member_export(case_id: int):
    """The whole case as a ZIP for a board member of the case's association (404 for everyone else)."""
    case = get_or_404(Case, case_id, on_board)
    if case.state_has("draft"):
        abort(404)  # a draft is not yet a case at the municipality; its page has the form itself
    return send_zip(case_export.export_case(case, current_user))
