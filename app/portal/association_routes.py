"""Registering an association, its page, the yearly approval request and the børneattest declaration."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.access import get_membership_or_404
from app.auth.access import require_member
from app.auth.nemlogin import PREFILL_KEY
from app.portal import bp
from app.portal.forms import CHILD_CERTIFICATE_TEXT, ApprovalRequestForm, DeclarationForm, RegisterAssociationForm
from app.portal.presenters import (approval_status, board, declaration_status, journal, journal_line,
                                   readiness)
from app.services.associations import associations
from app.services.applying.eligibility import pool_accepts_informal
from app.services.integrations import cvr_register


def _input(form: RegisterAssociationForm) -> associations.AssociationInput:
    informal = form.kind.data == "informal"
    return associations.AssociationInput(
        name=form.name.data, contact_email=form.contact_email.data, is_informal=informal,
        cvr=None if informal else form.cvr.data, contact_person=form.contact_person.data or None,
        street=form.street.data or None, postcode=form.postcode.data or None, city=form.city.data or None,
        phone=form.phone.data or None, website=form.website.data or None, description=form.description.data,
        works_with_children=form.works_with_children.data == "yes",
        declares_child_certificate=bool(form.declares_child_certificate.data))


def _register_refusal(exc: Exception) -> str:
    """The message next to the CVR field when the register refuses the number."""
    if isinstance(exc, associations.CvrCeased):
        return _("Ifølge CVR-registret er virksomheden med dette CVR-nummer ophørt (%(status)s). En ophørt "
                 "forening kan ikke registreres. Tjek nummeret.", status=cvr_register.status_in_words(exc.entry.status))
    return _("CVR-nummeret findes ikke i CVR-registret. Tjek nummeret.")


def _fetch_from_register(form: RegisterAssociationForm) -> None:
    """"Hent fra CVR-registret": fill the name and address the user left empty; every other field stays."""
    if not (form.csrf_token.validate(form) if hasattr(form, "csrf_token") else True) or not form.cvr.validate(form):
        return
    if not form.cvr.data:
        form.cvr.errors = [_("Skriv foreningens CVR-nummer.")]
        return
    try:
        entry = associations.register_entry(form.cvr.data)
    except (associations.CvrCeased, associations.CvrUnknown) as exc:
        form.cvr.errors = [_register_refusal(exc)]
        return
    except cvr_register.RegisterUnavailable:
        flash(_("CVR-registret svarer ikke lige nu. Udfyld navn og adresse selv – kommunen kontrollerer "
                "CVR-nummeret senere."), "info")
        return
    for name, value in associations.prefill(entry).items():
        if not form[name].data:
            form[name].data = value
    flash(_("Navn og adresse er hentet fra CVR-registret for %(name)s. Tjek dem, og udfyld resten.",
            name=entry.name), "success")


@bp.route("/ny", methods=["GET", "POST"])
@require_member
def register():
    form = RegisterAssociationForm()
    # After a MitID Erhverv log-in the CVR is the assertion's: shown, never taken from the form.
    prefill = session.get(PREFILL_KEY) or {}
    fixed_cvr = prefill.get("cvr")
    if request.method == "GET":
        form.contact_email.data = current_user.email
        for key in ("name", "street", "postcode", "city"):
            getattr(form, key).data = getattr(form, key).data or prefill.get(key)
    if fixed_cvr:
        form.kind.data, form.cvr.data = "association", fixed_cvr
    if request.method == "POST" and request.form.get("action") == "fetch" and cvr_register.is_configured():
        _fetch_from_register(form)
    elif form.validate_on_submit():
        try:
            association = associations.register(current_user, _input(form))
        except associations.CvrTaken:
            form.cvr.errors = list(form.cvr.errors) + [_(
                "Foreningen med dette CVR-nummer er allerede registreret. Bed foreningens bestyrelse om at "
                "invitere dig – så får du adgang til foreningen og dens sager.")]
        except (associations.CvrCeased, associations.CvrUnknown) as exc:
            form.cvr.errors = list(form.cvr.errors) + [_register_refusal(exc)]
        else:
            session.pop(PREFILL_KEY, None)
            flash(_("%(name)s er registreret, og du er formand.", name=association.name), "success")
            if association.cvr and cvr_register.is_configured() and association.register_checked_at is None:
                flash(_("CVR-registret svarede ikke, så CVR-nummeret er ikke kontrolleret endnu. Kommunen "
                        "kontrollerer det senere; I kan bruge foreningen imens."), "info")
            return redirect(url_for("portal.association", association_id=association.id))
    return render_template("portal/register.html", form=form, declaration_text=CHILD_CERTIFICATE_TEXT,
                           register_configured=cvr_register.is_configured(), fixed_cvr=fixed_cvr)


@bp.route("/foreninger/<int:association_id>")
@require_member
def association(association_id: int):
    membership = get_membership_or_404(association_id)
    a, today = membership.association, clock.today()
    return render_template(
        "portal/association.html", association=a, membership=membership, board=board(a.id),
        approval=approval_status(a, today.year), declaration=declaration_status(a, today),
        pools=readiness(a, today), journal=journal(a.id), journal_line=journal_line,
        request_form=ApprovalRequestForm(), accepts_informal=pool_accepts_informal)


@bp.route("/foreninger/<int:association_id>/godkendelse", methods=["POST"])
@require_member
def request_approval(association_id: int):
    membership = get_membership_or_404(association_id)
    form = ApprovalRequestForm()
    if not form.validate_on_submit():
        flash(_("Beskeden er for lang. Skriv højst 2000 tegn."), "error")
        return redirect(url_for("portal.association", association_id=association_id))
    try:
        associations.request_approval(membership.association, current_user, clock.today().year,
                                      form.message.data or None)
    except associations.InformalGroup:
        flash(_("Uformelle grupper kan ikke godkendes som folkeoplysende forening."), "error")
    except associations.AlreadyApproved:
        flash(_("Foreningen er allerede godkendt for i år."), "info")
    except associations.AlreadyRequested:
        flash(_("I har allerede bedt om godkendelse for i år. Kommunen vender tilbage."), "info")
    else:
        flash(_("Tak! Kommunen har fået jeres anmodning om godkendelse og vender tilbage."), "success")
    return redirect(url_for("portal.association", association_id=association_id) + "#godkendelse")


@bp.route("/foreninger/<int:association_id>/boerneattest", methods=["GET", "POST"])
@require_member
def declaration(association_id: int):
    membership = get_membership_or_404(association_id)
    a = membership.association
    form = DeclarationForm()
    if request.method == "GET":
        form.works_with_children.data = "yes" if a.works_with_children else "no"
    if form.validate_on_submit():
        associations.declare_child_certificate(a, current_user, form.works_with_children.data == "yes",
                                               bool(form.declares.data))
        flash(_("Tak! Oplysningerne om børneattest er gemt."), "success")
        return redirect(url_for("portal.association", association_id=a.id) + "#boerneattest")
    return render_template("portal/declaration.html", association=a, form=form, declaration_text=CHILD_CERTIFICATE_TEXT,
                           declaration=declaration_status(a, clock.today()))
