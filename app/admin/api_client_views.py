"""Integrations (API clients): list, register (the secret is shown once), revoke; a client's webhooks and deliveries."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import bp
from app.admin.forms import EVENT_TYPE_LABELS, SCOPE_LABELS, ApiClientForm, WebhookForm
from app.admin.helpers import show_error
from app.auth.access import require_admin
from app.services.integrations import api_clients, webhooks
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


def _client_or_404(client_id: int):
    client = api_clients.client(client_id)
    if client is None:
        abort(404)
    return client


@bp.route("/integrationer/<int:client_id>", methods=["GET", "POST"])
@require_admin
def api_client_detail(client_id: int):
    """One client: its webhooks (subscribe one; the signing secret is shown this once), the delivery log and its
    latest refused calls."""
    client = _client_or_404(client_id)
    form = WebhookForm()
    subscribed = None
    if form.validate_on_submit():
        try:
            subscribed = webhooks.subscribe(current_user, client.id, form.url.data, form.event_types.data or [])
        except SetupError as exc:
            show_error(form, exc)
        else:
            form = WebhookForm(formdata=None)
    return render_template("admin/api_client.html", client=client, form=form, subscribed=subscribed,
                           subscriptions=webhooks.subscriptions(client.id), deliveries=webhooks.deliveries(client.id),
                           holding=webhooks.is_holding, refused=api_clients.refused_calls(client.id),
                           scope_labels=SCOPE_LABELS, event_labels=EVENT_TYPE_LABELS)


@bp.route("/integrationer/<int:client_id>/webhooks/<int:subscription_id>/stop", methods=["POST"])
@require_admin
def webhook_end(client_id: int, subscription_id: int):
    """Stop a subscription; nothing more is sent to it."""
    client = _client_or_404(client_id)
    if subscription_id not in {s.id for s in webhooks.subscriptions(client.id)}:
        abort(404)
    try:
        webhooks.end_subscription(current_user, subscription_id)
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Abonnementet er stoppet."), "success")
    return redirect(url_for("admin.api_client_detail", client_id=client.id))


@bp.route("/integrationer/<int:client_id>/leverancer/<int:delivery_id>/send-igen", methods=["POST"])
@require_admin
def webhook_send_again(client_id: int, delivery_id: int):
    """Send an event to the subscription once more (a new delivery in the log; journaled)."""
    return _on_delivery(client_id, delivery_id, webhooks.send_again, _("Hændelsen sendes igen."))


@bp.route("/integrationer/<int:client_id>/leverancer/<int:delivery_id>/spring-over", methods=["POST"])
@require_admin
def webhook_skip(client_id: int, delivery_id: int):
    """Give up a failed delivery that holds its case; the later ones of the case go out in order (journaled)."""
    return _on_delivery(client_id, delivery_id, webhooks.skip,
                        _("Leverancen er sprunget over. Sagens senere hændelser sendes nu i rækkefølge."))


def _on_delivery(client_id: int, delivery_id: int, action, done: str):
    """An administrator's action on one of the client's deliveries: 404 for another client's, its refusal or `done`."""
    client = _client_or_404(client_id)
    if not webhooks.delivery_of_client(delivery_id, client.id):
        abort(404)
    try:
        action(current_user, delivery_id)
    except SetupError as exc:
        flash(str(exc.message), "error")
    else:
        flash(done, "success")
    return redirect(url_for("admin.api_client_detail", client_id=client.id))
