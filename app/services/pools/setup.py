"""Setting up pools: create, change, publish and copy to next year; every change journalised."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, fields as dc_fields
from datetime import date

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.formatting import day, money
from app.models import Committee, EligibilityQuestion, LegalBasis, Pool, PoolCriterion, PoolRound, User
from app.services.files.rich_text import sanitize
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.pools import forms as form_setup, ledger
from app.services.unit_of_work import use_case
from workflows import registry

POOL_FIELDS = ("slug", "name", "purpose", "committee_id", "workflow", "applicants", "year", "budget", "opens_on",
               "deadline", "is_rolling", "accepts_late", "late_reduction_per_month", "delegation_limit",
               "fast_track_limit", "reply_days", "report_due_days", "payment_mode", "instalment_count",
               "instalment_interval", "advance_allowed", "rules_text", "legal_basis_id", "requires_approval",
               "requires_child_certificate", "is_published", "kle_number", "kle_facet", "account_code",
               "cost_centre", "psp_element", "digital_post_to_cpr")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KLE_NUMBER = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")  # emne: hovedgruppe.gruppe.emne, e.g. 20.04.00
KLE_FACET = re.compile(r"^[A-Z]\d{2}$")  # handlingsfacet, e.g. G01
# Kontering as municipal finance systems write it: a kontostreng of digits with separators (0.35.64.1.5), a cost
# centre of letters and digits, an SAP-style PSP element (XG-0001234-01).
ACCOUNT_CODE = re.compile(r"^[0-9][0-9 .\-]{0,39}$")
COST_CENTRE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]{0,19}$")
PSP_ELEMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,39}$")


@dataclass
class PoolValues:
    """What an administrator sets on a pool (the form's cleaned data)."""

    name: str
    slug: str
    committee_id: int
    workflow: str
    applicants: str
    year: int
    budget: int
    purpose: str = ""
    opens_on: date | None = None
    is_rolling: bool = False
    deadlines: list[date] = field(default_factory=list)
    accepts_late: bool = False
    late_reduction_per_month: int = 0
    delegation_limit: int | None = None
    fast_track_limit: int | None = None
    reply_days: int = 14
    report_due_days: int | None = None
    payment_mode: str = "single"
    instalment_count: int = 1
    instalment_interval: int = 1  # months between instalments: 3 is quarterly
    advance_allowed: bool = False
    rules_text: str = ""
    legal_basis_id: int | None = None  # an entry of the library: the basis and its appeal guidance together
    requires_approval: bool = False
    requires_child_certificate: bool = False
    kle_number: str | None = None  # the pool's cases are filed under it in the ESDH
    kle_facet: str | None = None
    account_code: str | None = None  # kontering: artskonto or kontostreng
    cost_centre: str | None = None
    psp_element: str | None = None
    digital_post_to_cpr: bool = False  # letters to informal groups by Digital Post to the contact person's CPR


@dataclass(frozen=True)
class SaveResult:
    """The saved pool and whether unsafe HTML was removed from its rules text."""

    pool: Pool
    sanitized: bool = False


def pool_snapshot(pool: Pool) -> dict:
    """The pool's settings for the journal."""
    out = admin_audit.snapshot(pool, POOL_FIELDS)
    out["deadlines"] = [r.deadline.isoformat() for r in pool.rounds]
    return out


def slugify(text: str) -> str:
    """'Puljen til nye initiativer 2027' -> 'puljen-til-nye-initiativer-2027'."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120]


def granted_total(pool_id: int) -> int:
    """What the pool has granted so far (from the pool ledger)."""
    return ledger.ledger(pool_id).granted


def _check(values: PoolValues, pool: Pool | None) -> None:
    """Cross-field rules; raises SetupError naming the field."""
    if not SLUG.match(values.slug or ""):
        raise SetupError(_l("Adressen må kun have små bogstaver a-z, tal og bindestreger."), "slug")
    clash = db.session.scalar(db.select(Pool.id).where(Pool.slug == values.slug))
    if clash is not None and (pool is None or clash != pool.id):
        raise SetupError(_l("Der findes allerede en pulje med adressen »%(slug)s«.", slug=values.slug), "slug")
    if db.session.get(Committee, values.committee_id) is None:
        raise SetupError(_l("Vælg et udvalg."), "committee_id")
    if values.workflow not in registry.names():
        raise SetupError(_l("Vælg en sagsgang."), "workflow")
    if values.legal_basis_id is None or db.session.get(LegalBasis, values.legal_basis_id) is None:
        raise SetupError(_l("Vælg puljens lovgrundlag."), "legal_basis_id")
    _check_deadlines(values)
    _check_kle(values)
    _check_kontering(values)
    if values.payment_mode == "instalments" and not 2 <= values.instalment_count <= 24:
        raise SetupError(_l("Skriv antallet af rater (2-24)."), "instalment_count")
    if values.payment_mode == "instalments":
        _check_interval(values)
    if pool is not None:
        granted = granted_total(pool.id)
        if values.budget < granted:
            raise SetupError(_l("Puljen har allerede bevilget %(amount)s, så budgettet kan ikke være lavere end det.",
                                amount=money(granted)), "budget")


def _check_kontering(values: PoolValues) -> None:
    """Kontering is optional, but when given it is whole: an account with its cost centre, in their formats."""
    values.account_code, values.cost_centre, values.psp_element = (
        (v or "").strip() or None for v in (values.account_code, values.cost_centre, values.psp_element))
    if values.account_code and not ACCOUNT_CODE.match(values.account_code):
        raise SetupError(_l("Skriv kontoen med tal, evt. delt med punktum, mellemrum eller bindestreg "
                            "(fx 0.35.64.1.5), højst 40 tegn."), "account_code")
    if (values.cost_centre or values.psp_element) and not values.account_code:
        raise SetupError(_l("Skriv kontoen, når omkostningssted eller PSP-element er udfyldt."), "account_code")
    if values.account_code and not values.cost_centre:
        raise SetupError(_l("Skriv omkostningsstedet sammen med kontoen."), "cost_centre")
    if values.cost_centre and not COST_CENTRE.match(values.cost_centre):
        raise SetupError(_l("Skriv omkostningsstedet med bogstaver og tal uden mellemrum, højst 20 tegn."),
                         "cost_centre")
    if values.psp_element and not PSP_ELEMENT.match(values.psp_element):
        raise SetupError(_l("Skriv PSP-elementet med bogstaver, tal, punktum og bindestreg (fx XG-0001234-01), "
                            "højst 40 tegn."), "psp_element")


# The last instalment is due at most this many months after the first one (24 monthly instalments fit).
MAX_PLAN_MONTHS = 24


def _check_interval(values: PoolValues) -> None:
    if not 1 <= values.instalment_interval <= 12:
        raise SetupError(_l("Skriv et antal måneder fra 1 til 12."), "instalment_interval")
    if (values.instalment_count - 1) * values.instalment_interval > MAX_PLAN_MONTHS:
        raise SetupError(_l("%(count)s rater med %(months)s måneders mellemrum strækker sig over mere end "
                            "%(max)s måneder. Vælg færre rater eller et kortere mellemrum.",
                            count=values.instalment_count, months=values.instalment_interval,
                            max=MAX_PLAN_MONTHS), "instalment_interval")


def _check_kle(values: PoolValues) -> None:
    """KLE number like 20.04.00 and facet like G01, both or neither (an ESDH case needs the pair)."""
    values.kle_number = (values.kle_number or "").strip() or None
    values.kle_facet = (values.kle_facet or "").strip().upper() or None
    if values.kle_number is not None and not KLE_NUMBER.match(values.kle_number):
        raise SetupError(_l("Skriv KLE-nummeret som tre tal med to cifre og punktum imellem, fx 20.04.00."),
                         "kle_number")
    if values.kle_facet is not None and not KLE_FACET.match(values.kle_facet):
        raise SetupError(_l("Skriv handlingsfacetten som et bogstav og to cifre, fx G01."), "kle_facet")
    if (values.kle_number is None) != (values.kle_facet is None):
        field_name = "kle_facet" if values.kle_facet is None else "kle_number"
        raise SetupError(_l("Skriv både KLE-nummer og handlingsfacet, eller ingen af dem."), field_name)


def _check_deadlines(values: PoolValues) -> None:
    if values.is_rolling:
        return
    if not values.deadlines:
        raise SetupError(_l("Skriv mindst én ansøgningsfrist, eller vælg løbende ansøgning."), "deadlines")
    early = [d for d in values.deadlines if values.opens_on and d < values.opens_on]
    if early:
        raise SetupError(_l("En ansøgningsfrist (%(day)s) kan ikke ligge før den dato, puljen åbner (%(open)s).",
                            day=day(early[0]), open=day(values.opens_on)),
                         "deadlines")


def _apply(pool: Pool, values: PoolValues) -> bool:
    """Copy the values onto the pool; returns True when the rules text had unsafe HTML removed."""
    for f in dc_fields(PoolValues):
        if f.name not in ("deadlines", "rules_text"):
            setattr(pool, f.name, getattr(values, f.name))
    pool.rules_text, sanitized = sanitize(values.rules_text)
    if pool.payment_mode == "single":
        pool.instalment_count = pool.instalment_interval = 1
    deadlines = [] if values.is_rolling else sorted(set(values.deadlines))
    pool.deadline = deadlines[-1] if deadlines else None
    keep = {r.deadline: r for r in pool.rounds}
    pool.rounds = [keep.get(d) or PoolRound(deadline=d) for d in deadlines]
    return sanitized


@use_case
def create_pool(actor: User, values: PoolValues) -> SaveResult:
    """Create an unpublished pool."""
    _check(values, None)
    pool = Pool(is_published=False)
    sanitized = _apply(pool, values)
    db.session.add(pool)
    db.session.flush()
    admin_audit.record(actor, "pool", pool.id, "create", None, pool_snapshot(pool))
    return SaveResult(pool, sanitized)


@use_case
def update_pool(pool_id: int, actor: User, values: PoolValues) -> SaveResult:
    """Change a pool's settings (all or nothing)."""
    pool = _locked(pool_id)
    before = pool_snapshot(pool)
    _check(values, pool)
    sanitized = _apply(pool, values)
    db.session.flush()
    admin_audit.record(actor, "pool", pool.id, "update", before, pool_snapshot(pool))
    return SaveResult(pool, sanitized)


def _locked(pool_id: int) -> Pool:
    pool = db.session.get(Pool, pool_id, with_for_update=True, populate_existing=True)
    if pool is None:
        raise SetupError(_l("Puljen findes ikke."))
    return pool


@use_case
def set_published(pool_id: int, actor: User, published: bool) -> Pool:
    """Show or hide the pool on the public pages; a pool with a form needs a published version first."""
    pool = _locked(pool_id)
    if published and form_setup.has_form(pool.id) and form_setup.latest_published(pool.id) is None:
        raise SetupError(_l("Offentliggør ansøgningsskemaet, før du offentliggør puljen."))
    before = {"is_published": pool.is_published}
    pool.is_published = published
    admin_audit.record(actor, "pool", pool.id, "publish" if published else "unpublish", before,
                       {"is_published": published})
    return pool


def _next_year(day: date | None) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _next_year_text(text: str, year: int, separator: str) -> str:
    return text.replace(str(year), str(year + 1)) if str(year) in text else f"{text}{separator}{year + 1}"


@use_case
def copy_to_next_year(pool_id: int, actor: User) -> Pool:
    """A copy of the pool for the following year with criteria, rounds, questions and form; unpublished."""
    source = db.session.get(Pool, pool_id)
    if source is None:
        raise SetupError(_l("Puljen findes ikke."))
    slug = _next_year_text(source.slug, source.year, "-")[:120]
    if source.year >= 2100 or db.session.scalar(db.select(Pool.id).where(Pool.slug == slug)) is not None:
        raise SetupError(_l("Der findes allerede en pulje med adressen »%(slug)s«. Er puljen allerede kopieret?",
                            slug=slug))
    copy = Pool(**{c: getattr(source, c) for c in POOL_FIELDS if c not in ("slug", "name", "year", "opens_on",
                                                                            "deadline", "is_published")},
                slug=slug, name=_next_year_text(source.name, source.year, " ")[:200], year=source.year + 1,
                opens_on=_next_year(source.opens_on), deadline=_next_year(source.deadline), is_published=False,
                copied_from_id=source.id)
    copy.rounds = [PoolRound(deadline=_next_year(r.deadline)) for r in source.rounds]
    copy.criteria = [PoolCriterion(position=c.position, name=c.name, description=c.description, weight=c.weight)
                     for c in source.criteria]
    copy.questions = [EligibilityQuestion(position=q.position, text=q.text, qualifying_answer=q.qualifying_answer,
                                          explanation=q.explanation) for q in source.questions]
    db.session.add(copy)
    db.session.flush()
    form = form_setup.current(source.id)
    new_form = form_setup.copy_version(form_setup.load(form.id), copy.id) if form is not None else None
    admin_audit.record(actor, "pool", copy.id, "copy", None,
                       {**pool_snapshot(copy), "copied_from": source.id,
                        "criteria": [c.name for c in copy.criteria], "questions": len(copy.questions),
                        "form_fields": [f.key for f in form_setup.ordered_fields(new_form)] if new_form else []})
    return copy
