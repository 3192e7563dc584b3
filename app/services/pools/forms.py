"""Application form versions: the draft administrators edit, publishing, copying; the rules they must keep."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.forms_runtime.spec import field_spec
from app.forms_runtime.view import value_label
from app.models import FormField, FormStep, FormVersion, Pool, User
from app.models.form import CONDITION_KINDS
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import use_case

FIELD_COLUMNS = ("key", "label", "kind", "required", "help_text", "choices", "condition_key", "condition_value",
                 "position")
STEP_COLUMNS = ("title", "intro", "position")


def versions(pool_id: int) -> list[FormVersion]:
    """Every version of the pool's form, newest first."""
    return list(db.session.scalars(db.select(FormVersion).where(FormVersion.pool_id == pool_id)
                                   .order_by(FormVersion.id.desc())))


def has_form(pool_id: int) -> bool:
    """True when the pool has a form (draft or published)."""
    return db.session.scalar(db.select(FormVersion.id).where(FormVersion.pool_id == pool_id).limit(1)) is not None


def draft(pool_id: int) -> FormVersion | None:
    """The pool's draft version, if any."""
    return db.session.scalar(db.select(FormVersion).where(FormVersion.pool_id == pool_id,
                                                          FormVersion.status == "draft"))


def latest_published(pool_id: int) -> FormVersion | None:
    """The newest published version: the one new applications start on."""
    return db.session.scalar(db.select(FormVersion).where(FormVersion.pool_id == pool_id,
                                                          FormVersion.status == "published")
                             .order_by(FormVersion.number.desc()).limit(1))


def current(pool_id: int) -> FormVersion | None:
    """The draft when there is one, else the latest published version."""
    return draft(pool_id) or latest_published(pool_id)


def load(version_id: int) -> FormVersion | None:
    """A version with its steps and fields loaded (two extra queries)."""
    return db.session.scalar(db.select(FormVersion).where(FormVersion.id == version_id)
                             .options(db.selectinload(FormVersion.steps).selectinload(FormStep.fields)))


def field_snapshot(field: FormField) -> dict:
    """A field's settings for the journal."""
    return {"field_id": field.id, "step_id": field.step_id, **admin_audit.snapshot(field, FIELD_COLUMNS)}


def step_snapshot(step: FormStep) -> dict:
    """A step's settings for the journal."""
    return {"step_id": step.id, **admin_audit.snapshot(step, STEP_COLUMNS)}


def copy_version(source: FormVersion | None, pool_id: int) -> FormVersion:
    """A new draft for `pool_id` with the steps and fields of `source` (added, not committed)."""
    version = FormVersion(pool_id=pool_id, status="draft")
    db.session.add(version)
    for step in (source.steps if source else []):
        new_step = FormStep(position=step.position, title=step.title, intro=step.intro)
        version.steps.append(new_step)
        for f in step.fields:
            new_step.fields.append(FormField(version=version, **{c: getattr(f, c) for c in FIELD_COLUMNS}))
    db.session.flush()
    return version


def draft_for_edit(pool_id: int, actor: User) -> FormVersion:
    """The draft, started from the latest published version when there is none (not committed)."""
    found = draft(pool_id)
    if found is not None:
        return found
    if db.session.get(Pool, pool_id) is None:
        raise SetupError(_l("Puljen findes ikke."))
    source = latest_published(pool_id)
    version = copy_version(source, pool_id)
    admin_audit.record(actor, "form", version.id, "start_draft", None,
                       {"pool_id": pool_id, "copied_from_version": source.number if source else None})
    return version


@use_case
def start_draft(pool_id: int, actor: User) -> FormVersion:
    """Open a draft so the form can be changed; published versions stay as they are."""
    version = draft_for_edit(pool_id, actor)
    return version


def ordered_fields(version: FormVersion) -> list[FormField]:
    """The version's fields in the order an applicant meets them."""
    return [f for step in sorted(version.steps, key=lambda s: s.position)
            for f in sorted(step.fields, key=lambda f: f.position)]


def check_conditions(version: FormVersion) -> None:
    """Every condition must refer to an earlier yes/no or choice field and one of its answers."""
    seen: dict[str, FormField] = {}
    by_key = {f.key: f for f in version.fields}
    for f in ordered_fields(version):
        if f.condition_key:
            _check_one(f, seen, by_key)
        seen[f.key] = f


def _check_one(f: FormField, earlier: dict[str, FormField], by_key: dict[str, FormField]) -> None:
    if f.condition_key == f.key:
        raise SetupError(_l("»%(label)s« kan ikke afhænge af sig selv. Vælg et felt, der kommer før.",
                            label=f.label), "condition")
    controller = earlier.get(f.condition_key)
    if controller is None and f.condition_key in by_key:
        raise SetupError(_l("»%(label)s« kan ikke afhænge af »%(other)s«, som kommer senere i skemaet. Et felt kan "
                            "kun afhænge af et svar, der kommer før det.", label=f.label,
                            other=by_key[f.condition_key].label), "condition")
    if controller is None:
        raise SetupError(_l("Feltet, som »%(label)s« afhænger af, findes ikke længere.", label=f.label), "condition")
    if controller.kind not in CONDITION_KINDS:
        raise SetupError(_l("»%(label)s« kan kun afhænge af et ja/nej-felt eller et valgfelt.", label=f.label),
                         "condition")
    allowed = ("yes", "no") if controller.kind == "yes_no" else tuple(controller.choices or ())
    if f.condition_value not in allowed:
        raise SetupError(_l("»%(value)s« er ikke et af svarene på »%(other)s«.", value=f.condition_value or "",
                            other=controller.label), "condition")


def condition_options(version: FormVersion | None) -> list[tuple[str, str]]:
    """('key=value', words) for every answer a field can be made to depend on."""
    out = []
    for f in ordered_fields(version) if version else []:
        if f.kind not in CONDITION_KINDS:
            continue
        values = ("yes", "no") if f.kind == "yes_no" else tuple(f.choices or ())
        out += [(f"{f.key}={v}", f"»{f.label}« = »{value_label(field_spec(f), v)}«") for v in values]
    return out


@use_case
def publish(pool_id: int, actor: User) -> FormVersion:
    """Freeze the draft as the next numbered version; new applications start on it."""
    version = draft(pool_id)
    if version is None:
        raise SetupError(_l("Der er ingen kladde at offentliggøre."))
    _check_publishable(version)
    last = db.session.scalar(db.select(db.func.max(FormVersion.number)).where(FormVersion.pool_id == pool_id))
    actor_id = actor.id  # may load the user: do it before the version is half-changed (autoflush)
    version.number, version.published_at, version.published_by_id = (last or 0) + 1, clock.now(), actor_id
    version.status = "published"
    admin_audit.record(actor, "form", version.id, "publish", None,
                       {"pool_id": pool_id, "number": version.number,
                        "fields": [f.key for f in ordered_fields(version)]})
    return version


def _check_publishable(version: FormVersion) -> None:
    if not version.fields:
        raise SetupError(_l("Skemaet har ingen felter. Tilføj mindst ét felt, før du offentliggør det."))
    empty = next((s for s in version.steps if not s.fields), None)
    if empty is not None:
        raise SetupError(_l("Trinnet »%(title)s« har ingen felter. Tilføj et felt, eller slet trinnet.",
                            title=empty.title))
    check_conditions(version)


@use_case
def discard_draft(pool_id: int, actor: User) -> None:
    """Throw the draft away; the published versions are untouched."""
    version = draft(pool_id)
    if version is None:
        return
    admin_audit.record(actor, "form", version.id, "discard_draft",
                       {"pool_id": pool_id, "fields": [f.key for f in ordered_fields(version)]}, None)
    db.session.delete(version)
