"""Integrations (API clients): list, register (the secret is shown once) and revoke."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import SCOPE_LABELS, ApiClientForm
from app.admin.helpers import show_error
from app.auth.access import require_admin
from app.services.integrations import api_clients
from app.services.journals.audit import SetupError


@bp.route("/integrationer", methods=["GET", "POST"])
@require_admin
def api_clients_index():
    """The clients, and a form to register one; after registering, the page shows the secret this once."""
    form = ApiClientForm()
    registered = None
    if form.validate_on_submit():
        try:
            registered = api_clients.register_client(current_user, form.name.data, form.scopes.data or [],
                                                      form.rate_per_minute.data)
        except SetupError as exc:
            show_error(form, exc)
        else:
            form = ApiClientForm(formdata=None)
    return render_template("admin/api_clients.html", form=form, clients=api_clients.clients(),
                           registered=registered, scope_labels=SCOPE_LABELS)


@bp.route("/integrationer/<int:client_id>/spaer", methods=["POST"])
@require_admin
def api_client_revoke(client_id: int):
    """Revoke a client: its tokens stop working at once."""
    try:
        client = api_clients.revoke_client(current_user, client_id)
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("»%(name)s« er spærret. Dens tokens virker ikke længere.", name=client.name), "success")
    return redirect(url_for("admin.api_clients_index"))
