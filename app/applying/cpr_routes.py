"""The contact person's CPR number for Digital Post: asked of an informal group where the pool allows it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.applying import bp
from app.applying.forms import ContactCprForm
from app.applying.progress import draft_or_redirect, progress
from app.auth.access import require_member
from app.services.cases import contact_cpr


@bp.route("/<int:case_id>/digital-post", methods=["GET", "POST"])
@require_member
def contact_cpr_page(case_id: int):
    case, spec = draft_or_redirect(case_id)
    if spec is None:
        return case
    if not contact_cpr.asks_for_cpr(case):
        abort(404)
    form = ContactCprForm()
    if request.method == "POST" and form.validate_on_submit():
        if _store(case.id, form):
            return redirect(url_for("applying.summary", case_id=case.id))
    # The number is never shown again, not even to the one who typed it: the page says only whether it is given.
    return render_template("applying/contact_cpr.html", case=case, form=form, given=contact_cpr.has_cpr(case.id),
                           steps=progress(case, spec, len(spec.steps)))


def _store(case_id: int, form: ContactCprForm) -> bool:
    """Save, remove or keep; False when the page must be shown again (the field's message set)."""
    try:
        if request.form.get("remove"):
            contact_cpr.remove_cpr(case_id)
            flash(_("CPR-nummeret er slettet. Afgørelsen sendes med e-mail og vises her i selvbetjeningen."), "success")
        elif (form.cpr.data or "").strip():
            contact_cpr.save_cpr(case_id, form.cpr.data)
            flash(_("CPR-nummeret er gemt."), "success")
    except contact_cpr.InvalidCpr as exc:
        form.cpr.errors = [str(exc.message)]
        return False
    except contact_cpr.CprNotAsked:
        abort(404)
    return True
