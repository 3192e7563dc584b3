"""Under /privatliv: Mine data (export, delete my account), association exports, the administrators' retention page."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required, logout_user

from app import clock
from app.access import get_or_404
from app.auth.access import require_admin, require_member, require_role
from app.auth.nemlogin import confirm_deletion_redirect
from app.extensions import db
from app.models import Association, Membership
from app.models.user import find_user_by_email
from app.privacy import bp
from app.privacy.forms import (AssociationLookupForm, ConfirmDeletionForm, DeleteAccountForm, RunRetentionForm,
                               UserLookupForm)
from app.privacy.routes import send_zip
from app.services.privacy import data_export, retention
from app.services.privacy.account_deletion import (DeletionRefused, confirms_with_mitid, delete_own_account,
                                                   refuse_if_sole_chair)

PREVIEW_LIMIT = 200


def _chair_seats() -> list[Membership]:
    return list(db.session.scalars(db.select(Membership).where(
        Membership.user_id == current_user.id, Membership.role == "chair")
        .options(db.joinedload(Membership.association))))


def _page(delete_form: ConfirmDeletionForm | None = None, lookup: AssociationLookupForm | None = None,
          user_lookup: UserLookupForm | None = None, status: int = 200):
    with_mitid = current_user.role == "member" and confirms_with_mitid(current_user)
    delete_form = delete_form or (ConfirmDeletionForm() if with_mitid else DeleteAccountForm())
    return render_template("privacy/mine.html", delete_form=delete_form, delete_with_mitid=with_mitid,
                           lookup=lookup or AssociationLookupForm(), user_lookup=user_lookup or UserLookupForm(),
                           chair_seats=_chair_seats()), status


@bp.route("/privatliv/")
@login_required
def mine():
    """Mine data: any logged-in user; staff also get the look-up forms."""
    return _page()


@bp.route("/privatliv/eksport", methods=["POST"])
@login_required
def export_mine():
    """Everything about the logged-in user as a ZIP."""
    return send_zip(data_export.export_user_for(current_user, current_user))


@bp.route("/privatliv/foreninger/<int:association_id>/eksport", methods=["POST"])
@login_required
def export_association(association_id: int):
    """An association's ZIP: its chairs, caseworkers, administrators; other members 404, committee 403."""
    if current_user.role == "member":
        seat = db.session.scalar(db.select(Membership).where(
            Membership.association_id == association_id, Membership.user_id == current_user.id))
        if seat is None:
            abort(404)
        if seat.role != "chair":
            abort(403)
    elif current_user.role not in ("caseworker", "administrator"):
        abort(403)
    association = get_or_404(Association, association_id)
    return send_zip(data_export.export_association_for(current_user, association))


@bp.route("/privatliv/foreninger/eksport", methods=["POST"])
@require_role("caseworker", "administrator")
def export_association_lookup():
    """Caseworkers and administrators: an association by number or CVR."""
    form = AssociationLookupForm()
    if not form.validate_on_submit():
        return _page(lookup=form, status=400)
    text = form.association.data.strip().replace(" ", "")
    association = None
    # ASCII digits only ("12²" passes str.isdigit but not int()); at most 9 digits fits every integer column.
    if re.fullmatch(r"[0-9]{8}", text):
        association = db.session.scalar(db.select(Association).where(Association.cvr == text))
    elif re.fullmatch(r"[0-9]{1,9}", text):
        association = db.session.get(Association, int(text))
    else:
        form.association.errors.append(_("Skriv foreningens nummer eller et CVR-nummer på 8 cifre."))
        return _page(lookup=form, status=400)
    if association is None:
        form.association.errors.append(_("Der findes ingen forening med det nummer eller CVR-nummer."))
        return _page(lookup=form, status=400)
    return send_zip(data_export.export_association_for(current_user, association))


@bp.route("/privatliv/brugere/eksport", methods=["POST"])
@require_admin
def export_user_lookup():
    """Administrators: everything about any user, found by e-mail (journalised)."""
    form = UserLookupForm()
    if not form.validate_on_submit():
        return _page(user_lookup=form, status=400)
    user = find_user_by_email(form.email.data)
    if user is None:
        form.email.errors.append(_("Der findes ingen bruger med den e-mailadresse."))
        return _page(user_lookup=form, status=400)
    return send_zip(data_export.export_user_for(current_user, user))


@bp.route("/privatliv/slet", methods=["POST"])
@require_member
def delete_account():
    """'Slet min bruger': members, confirmed with the password (or a fresh MitID log-in, account_deletion.py);
    staff accounts are the administrators'."""
    if confirms_with_mitid(current_user):
        return _delete_with_mitid()
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _page(delete_form=form, status=400)
    try:
        delete_own_account(current_user.id, form.password.data)
    except DeletionRefused as exc:
        if exc.field == "password":
            form.password.errors.append(str(exc.message))
        else:
            flash(str(exc.message), "error")
        return _page(delete_form=form, status=400)
    logout_user()
    flash(_("Din bruger er slettet. Foreningens sager er bevaret."), "success")
    return redirect(url_for("main.index"))


def _delete_with_mitid():
    """The tick here, then NemLog-in: auth.nemlogin_acs deletes the account when she is back within minutes."""
    form = ConfirmDeletionForm()
    if not form.validate_on_submit():
        return _page(delete_form=form, status=400)
    try:
        refuse_if_sole_chair(current_user.id)  # said before the trip to NemLog-in, not after it
    except DeletionRefused as exc:
        flash(str(exc.message), "error")
        return _page(delete_form=form, status=400)
    return redirect(confirm_deletion_redirect(current_user.id))


def anonymised_counts(counts: dict) -> str:
    """'2 sager, 1 bruger og 0 invitationer' with each noun in its right number."""
    return _("%(cases)s, %(users)s og %(invitations)s",
             cases=ngettext("%(num)s sag", "%(num)s sager", counts["case"]),
             users=ngettext("%(num)s bruger", "%(num)s brugere", counts["user"]),
             invitations=ngettext("%(num)s invitation", "%(num)s invitationer", counts["invitation"]))


@bp.route("/privatliv/sletteregler")
@require_admin
def retention_rules():
    """The rules and what the job would anonymise now (a dry run: nothing is changed or logged)."""
    run = retention.anonymise_expired(clock.now(), dry_run=True)
    return render_template("privacy/retention.html", run=run, items=run.items[:PREVIEW_LIMIT],
                           rules=retention.rule_table(), form=RunRetentionForm(),
                           anonymised_counts=anonymised_counts)


@bp.route("/privatliv/sletteregler/koer", methods=["POST"])
@require_admin
def run_retention():
    """Run the job now; the run and each anonymisation are in the administrators' journal."""
    if not RunRetentionForm().validate_on_submit():
        abort(400)
    counts = retention.anonymise_expired(clock.now(), actor=current_user).counts()
    flash(_("Anonymiseret: %(what)s.", what=anonymised_counts(counts)), "success")
    return redirect(url_for("privacy.retention_rules"))
