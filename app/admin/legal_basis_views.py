"""Administrator pages for the library of legal bases and their appeal guidance."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import get_or_404
from app.admin import bp
from app.admin.forms import LegalBasisForm
from app.admin.helpers import show_error
from app.auth.access import require_admin
from app.extensions import db
from app.models import LegalBasis, Pool
from app.services.admin import legal_bases as library
from app.services.journals.audit import SetupError


@bp.route("/lovgrundlag")
@require_admin
def legal_bases():
    rows = library.entries()
    pools = db.session.execute(db.select(Pool.legal_basis_id, Pool.name).where(Pool.legal_basis_id.is_not(None))
                               .order_by(Pool.name)).all()
    used: dict[int, list[str]] = {}
    for basis_id, name in pools:
        used.setdefault(basis_id, []).append(name)
    return render_template("admin/legal_bases.html", entries=rows, used=used)


@bp.route("/lovgrundlag/ny", methods=["GET", "POST"], defaults={"entry_id": None})
@bp.route("/lovgrundlag/<int:entry_id>", methods=["GET", "POST"])
@require_admin
def legal_basis_edit(entry_id: int | None):
    entry = get_or_404(LegalBasis, entry_id) if entry_id else None
    form = LegalBasisForm(obj=entry)
    if form.validate_on_submit():
        try:
            library.save_legal_basis(current_user, entry_id, form.name.data or "", form.appeal_text.data or "",
                                     form.note.data or "")
        except SetupError as exc:
            show_error(form, exc)
        else:
            flash(_("Lovgrundlaget er gemt. Nye afgørelser i puljerne bruger teksterne; afgørelser, der allerede "
                    "er truffet, beholder deres tekster."), "success")
            return redirect(url_for("admin.legal_bases"))
    return render_template("admin/legal_basis_form.html", form=form, entry=entry)
