"""The journal of administrator changes, with filters and keyset pagination."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from app.admin import bp
from app.auth.access import require_admin
from app.models.admin_event import ENTITY_TYPES
from app.services.journals import audit as admin_audit

ENTITY_LABELS = {"pool": _l("Pulje"), "criterion": _l("Kriterium"), "question": _l("Spørgsmål"),
                 "form": _l("Ansøgningsskema"), "committee": _l("Udvalg"), "user": _l("Bruger"),
                 "settings": _l("Brevpapir"), "case": _l("Sag"), "retention": _l("Sletteregler"),
                 "legal_basis": _l("Lovgrundlag"), "subsidy_scheme": _l("Tilskudsordning"),
                 "api_client": _l("Integration"), "webhook": _l("Webhook")}
ACTION_LABELS = {"create": _l("oprettet"), "update": _l("ændret"), "delete": _l("slettet"),
                 "publish": _l("offentliggjort"), "unpublish": _l("skjult"), "copy": _l("kopieret til nyt år"),
                 "replace": _l("ændret"), "start_draft": _l("ny kladde"), "discard_draft": _l("kladde kasseret"),
                 "add_step": _l("trin tilføjet"), "update_step": _l("trin ændret"), "delete_step": _l("trin slettet"),
                 "move_step": _l("trin flyttet"), "add_field": _l("felt tilføjet"), "update_field": _l("felt ændret"),
                 "delete_field": _l("felt slettet"), "move_field": _l("felt flyttet"), "enable": _l("genaktiveret"),
                 "disable": _l("deaktiveret"), "reset_two_factor": _l("to-faktor nulstillet"),
                 "anonymise": _l("anonymiseret"), "run": _l("kørt"), "dry_run": _l("prøvekørt"),
                 "anonymise_invitations": _l("invitationer anonymiseret"), "export": _l("data udleveret"),
                 "delete_account": _l("bruger slettet af brugeren selv"), "revoke": _l("spærret"),
                 "sso_created": _l("oprettet ved log-in gennem kommunens log-in"),
                 "sso_role": _l("rolle ændret af kommunens log-in"),
                 "sso_refused": _l("log-in gennem kommunens log-in afvist"),
                 "sso_logout": _l("logget ud af kommunens log-in")}


@bp.route("/journal")
@require_admin
def journal():
    entity = request.args.get("emne") or None
    entity = entity if entity in ENTITY_TYPES else None
    actor_id = request.args.get("person", type=int)
    entity_id = request.args.get("id", type=int)
    events, next_before = admin_audit.list_events(entity_type=entity, actor_id=actor_id, entity_id=entity_id,
                                                  before_id=request.args.get("foer", type=int))
    return render_template("admin/journal.html", events=events, next_before=next_before, entity=entity,
                           actor_id=actor_id, entity_id=entity_id, actors=admin_audit.actors(),
                           labels=ENTITY_LABELS, action_labels=ACTION_LABELS, changes=admin_audit.changes)
