"""The board page (invite, roles, remove, leave) and the invitation link."""
from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user

from app.access import get_membership_or_404
from app.auth.access import require_member
from app.extensions import db
from app.models import Membership
from app.portal import bp
from app.portal.forms import ROLE_CHOICES, InviteForm, RoleForm
from app.portal.presenters import board, open_invitations
from app.portal.routes import INVITATION_KEY
from app.services.associations import board as invitations

BOARD_ERRORS = {
    invitations.NotChair: lambda: _("Det er kun formanden, der kan gøre det."),
    invitations.LastChair: lambda: _("Foreningen skal have mindst én formand. Giv en anden rollen som formand først."),
    invitations.MembershipNotFound: lambda: _("Personen er ikke i bestyrelsen længere."),
    invitations.NotClaimed: lambda: _("Invitationen venter ikke længere på en bekræftelse."),
    invitations.InvitationUsed: lambda: _("Invitationen er allerede brugt."),
}


def _board_url(association_id: int) -> str:
    return url_for("portal.board_page", association_id=association_id)


def _render_board(membership: Membership, invite_form: InviteForm | None = None):
    a = membership.association
    return render_template("portal/board.html", association=a, membership=membership, board=board(a.id),
                           invitations=open_invitations(a.id), invite_form=invite_form or InviteForm(),
                           role_choices=ROLE_CHOICES, is_chair=membership.role == "chair")


@bp.route("/foreninger/<int:association_id>/bestyrelse")
@require_member
def board_page(association_id: int):
    return _render_board(get_membership_or_404(association_id))


@bp.route("/foreninger/<int:association_id>/inviter", methods=["POST"])
@require_member
def invite(association_id: int):
    membership = get_membership_or_404(association_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitations.invite(membership.association, current_user, form.email.data, form.role.data)
        except invitations.NotChair:
            form.role.errors = [_("Det er kun formanden, der kan invitere en ny formand.")]
        except invitations.AlreadyMember:
            form.email.errors = [_("Personen er allerede med i bestyrelsen.")]
        except invitations.TooManyInvitations:
            form.email.errors = [_("Der venter allerede mange invitationer. Annullér nogle, før I inviterer flere.")]
        else:
            flash(ngettext("Invitationen er sendt til %(email)s. Linket virker i %(num)s dag.",
                           "Invitationen er sendt til %(email)s. Linket virker i %(num)s dage.",
                           invitations.INVITATION_DAYS, email=form.email.data), "success")
            return redirect(_board_url(association_id))
    return _render_board(membership, form)


def _board_call(association_id: int, action, *args) -> tuple[bool, object]:
    """(done, the use case's result); a refusal is flashed."""
    membership = get_membership_or_404(association_id)
    try:
        return True, action(membership.association, current_user, *args)
    except tuple(BOARD_ERRORS) as exc:  # the use case has rolled back already
        flash(BOARD_ERRORS[type(exc)](), "error")
        return False, None


def _board_action(association_id: int, action, *args) -> bool:
    return _board_call(association_id, action, *args)[0]


@bp.route("/foreninger/<int:association_id>/medlemmer/<int:membership_id>/rolle", methods=["POST"])
@require_member
def change_role(association_id: int, membership_id: int):
    get_membership_or_404(association_id)  # another association's board: 404 before anything else
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Vælg en af rollerne formand, kasserer eller bestyrelsesmedlem."), "error")
    elif _board_action(association_id, invitations.change_role, membership_id, form.role.data):
        flash(_("Rollen er ændret."), "success")
    return redirect(_board_url(association_id))


@bp.route("/foreninger/<int:association_id>/medlemmer/<int:membership_id>/fjern", methods=["POST"])
@require_member
def remove_member(association_id: int, membership_id: int):
    if _board_action(association_id, invitations.remove_member, membership_id):
        flash(_("Personen er fjernet fra bestyrelsen."), "success")
    return redirect(_board_url(association_id))


@bp.route("/foreninger/<int:association_id>/forlad", methods=["POST"])
@require_member
def leave(association_id: int):
    if _board_action(association_id, invitations.leave):
        flash(_("Du har forladt foreningen."), "success")
        return redirect(url_for("portal.home"))
    return redirect(_board_url(association_id))


@bp.route("/foreninger/<int:association_id>/invitationer/<int:invitation_id>/annuller", methods=["POST"])
@require_member
def cancel_invitation(association_id: int, invitation_id: int):
    if _board_action(association_id, invitations.cancel, invitation_id):
        flash(_("Invitationen er annulleret."), "success")
    return redirect(_board_url(association_id))


@bp.route("/foreninger/<int:association_id>/invitationer/<int:invitation_id>/<any(bekraeft, afvis):answer>",
          methods=["POST"])
@require_member
def answer_claim(association_id: int, invitation_id: int, answer: str):
    """The chair confirms or refuses an account that used an invitation meant for another address."""
    if answer == "bekraeft":
        if _board_action(association_id, invitations.confirm_claim, invitation_id):
            flash(_("Personen er nu med i bestyrelsen."), "success")
    else:
        done, invitation_open = _board_call(association_id, invitations.reject_claim, invitation_id)
        if done and invitation_open:
            flash(_("Du har afvist anmodningen. Invitationen kan stadig bruges af den, den blev sendt til."), "success")
        elif done:  # a MitID Erhverv request to join: there was no invitation link to keep
            flash(_("Du har afvist anmodningen. Personen kommer ikke med i bestyrelsen."), "success")
    return redirect(_board_url(association_id))


def _invitation_problem(token: str) -> tuple[object | None, str | None]:
    try:
        return invitations.invitation_for_token(token), None
    except invitations.TokenExpired:
        return None, _("Invitationen er udløbet. Bed bestyrelsen om at sende en ny.")
    except invitations.InvitationCancelled:
        return None, _("Invitationen er annulleret af bestyrelsen.")
    except invitations.TokenInvalid:
        return None, _("Linket er ugyldigt. Tjek at du har kopieret hele linket fra e-mailen.")


@bp.route("/invitation/<token>")
def invitation(token: str):
    found, problem = _invitation_problem(token[:1000])
    member_of = None
    if found is not None and current_user.is_authenticated:
        member_of = db.session.scalar(db.select(Membership.id).where(
            Membership.association_id == found.association_id, Membership.user_id == current_user.id))
    elif found is not None:
        session[INVITATION_KEY] = token  # log-in or sign-up lands on portal.home, which brings them back here
    return render_template("portal/invitation.html", invitation=found, problem=problem, token=token,
                           already_member=member_of is not None)


@bp.route("/invitation/<token>", methods=["POST"])
@require_member
def accept_invitation(token: str):
    session.pop(INVITATION_KEY, None)
    try:
        membership = invitations.accept(token[:1000], current_user)
    except invitations.InvitationUsed:
        flash(_("Invitationen er allerede brugt af en anden. Bed bestyrelsen om en ny."), "error")
        return redirect(url_for("portal.home"))
    except (invitations.TokenExpired, invitations.TokenInvalid, invitations.InvitationCancelled):
        return redirect(url_for("portal.invitation", token=token))
    if membership is None:
        flash(_("Tak. Invitationen blev sendt til en anden e-mailadresse end din, eller den giver rollen som formand. "
                "Foreningens formand skal derfor bekræfte, at du skal med i bestyrelsen. Du får adgang, så snart det "
                "er sket."), "info")
        return redirect(url_for("portal.home"))
    flash(_("Velkommen! Du er nu med i bestyrelsen for %(name)s.", name=membership.association.name), "success")
    return redirect(url_for("portal.association", association_id=membership.association_id))
