"""Preview a pool's form exactly as applicants meet it: the runtime's steps, nothing saved."""
from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.access import get_or_404
from app.models import Pool
from app.admin import bp
from app.auth.access import require_admin
from app.forms_runtime import (answers_from_form, spec_from_version, step_form, step_view, validate_answers,
                               visible_fields, wants_more_lines)
from app.services.pools import forms as form_setup

MAX_ANSWERS_BYTES = 200_000


def _answers() -> dict:
    """The earlier steps' answers carried in a hidden field (preview only: never stored)."""
    raw = (request.form.get("svar") or "")[:MAX_ANSWERS_BYTES]
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _index(count: int) -> int:
    index = request.values.get("trin", type=int) or 0
    return min(max(index, 0), count - 1)


@bp.route("/puljer/<int:pool_id>/skema/forhaandsvisning", methods=["GET", "POST"])
@require_admin
def form_preview(pool_id: int):
    pool = get_or_404(Pool, pool_id)
    version = form_setup.current(pool.id)
    spec = spec_from_version(form_setup.load(version.id)) if version else None
    if spec is None or not spec.steps:
        flash(_("Skemaet har ingen trin endnu. Tilføj et trin og nogle felter først."), "error")
        return redirect(url_for("admin.form_builder", pool_id=pool.id))
    index, answers = _index(len(spec.steps)), _answers()
    form = step_form(spec, index, answers)
    summary = None
    if request.method == "POST" and request.form.get("tilbage") and index > 0:
        index -= 1
        form = step_form(spec, index, answers, formdata=None)
    elif request.method == "POST" and not wants_more_lines(form, request.form) and form.validate_on_submit():
        answers, uploads = answers_from_form(spec, index, form, answers)
        answers.update({key: {"document_id": None, "filename": f.filename} for key, f in uploads.items()})
        if index + 1 < len(spec.steps):
            index += 1
            form = step_form(spec, index, answers, formdata=None)
        else:
            summary = {"errors": validate_answers(spec, answers), "fields": visible_fields(spec, answers)}
    return render_template("admin/form_preview.html", pool=pool, version=version, spec=spec, summary=summary,
                           view=step_view(spec, index, form, answers, preview=True), answers=answers,
                           answers_json=json.dumps(answers, ensure_ascii=False))
