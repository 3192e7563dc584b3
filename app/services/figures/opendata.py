"""Open data: every decided grant as a 360Giving Data Standard package, checked against the schema.

No personal data leaves here: recipients are organisations identified by CVR (DK-CVR-<number>) and
their name only (no address, contact person or e-mail). Grants to informal groups are left out: they
have no CVR, and their only identity is a named contact person. Titles are the applicant's own
words, so e-mail addresses and long digit runs (phone or CPR numbers) are removed from them.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func

from app import clock
from app.extensions import db
from app.models import Association, Case, Committee, PaymentInstalment, Pool
from app.services.delivery.links import public_base_url
from app.services.figures.indicators import year_bounds
from workflows import registry

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
GRANT_SCHEMA, PACKAGE_SCHEMA = "360-giving-schema.json", "360-giving-package-schema.json"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
TITLE_LIMIT = 140
_EMAIL = re.compile(r"\S+@\S+")
_DIGITS = re.compile(r"\+?\d[\d \-]{6,}\d")


@lru_cache(maxsize=1)
def package_validator() -> Draft202012Validator:
    """A validator for the package schema, with the grant schema resolved from the local copy."""
    # jsonschema is imported here, when a package is first validated, not on every process's start.
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
    schemas = [json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")) for name in (GRANT_SCHEMA, PACKAGE_SCHEMA)]
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012)) for schema in schemas)
    return Draft202012Validator(schemas[1], registry=registry, format_checker=FormatChecker())


def validation_errors(package: dict) -> list[str]:
    """Every way `package` breaks the 360Giving schema ([] when valid)."""
    errors = sorted(package_validator().iter_errors(package), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(pakken)'}: {error.message}" for error in errors]


def slug(text: str) -> str:
    """'Eksempel Kommune' -> 'eksempel-kommune'."""
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "kommune"


def identifier_prefix() -> str:
    """The publisher's 360Giving prefix (config OPENDATA_PREFIX, else 360G- and the municipality's name)."""
    config = current_app.config
    return config.get("OPENDATA_PREFIX") or "360G-" + slug(config["MUNICIPALITY_NAME"])


def funder_id() -> str:
    """DK-CVR-<number> when MUNICIPALITY_CVR is configured, else the publisher prefix."""
    cvr = current_app.config.get("MUNICIPALITY_CVR")
    return f"DK-CVR-{cvr}" if cvr else identifier_prefix()


def scrub(text: str) -> str:
    """Free text without e-mail addresses and phone-like digit runs."""
    return _DIGITS.sub("…", _EMAIL.sub("…", text or "")).strip()


def _grants_query():
    disbursed = (db.select(PaymentInstalment.case_id, func.sum(PaymentInstalment.amount).label("paid"))
                 .where(PaymentInstalment.paid_at.is_not(None)).group_by(PaymentInstalment.case_id).subquery())
    return (db.select(Case, Pool, Committee, Association, disbursed.c.paid)
            .join(Pool, Pool.id == Case.pool_id).join(Committee, Committee.id == Pool.committee_id)
            .join(Association, Association.id == Case.association_id)
            .outerjoin(disbursed, disbursed.c.case_id == Case.id)
            .where(Case.workflow.in_(registry.GRANT_WORKFLOWS), Case.decided_at.is_not(None), Case.granted_amount > 0,
                   Association.cvr.is_not(None))
            .order_by(Case.decided_at, Case.id))


def excluded_informal_count() -> int:
    """Decided grants to informal groups (not in the file)."""
    return db.session.scalar(db.select(func.count(Case.id)).join(Association, Association.id == Case.association_id)
                             .where(Case.workflow.in_(registry.GRANT_WORKFLOWS), Case.decided_at.is_not(None),
                                    Case.granted_amount > 0, Association.cvr.is_(None))) or 0


def grant_record(case: Case, pool: Pool, committee: Committee, association: Association, paid: int | None,
                 base_url: str) -> dict:
    """One grant in the 360Giving shape."""
    config = current_app.config
    record = {
        "id": f"{identifier_prefix()}-{case.number or case.id}",
        "title": scrub(case.title)[:TITLE_LIMIT] or pool.name,
        "description": scrub(pool.purpose) or pool.name,
        "currency": "DKK",
        "amountAwarded": case.granted_amount,
        "awardDate": clock.local(case.decided_at).date().isoformat(),
        "dateModified": case.updated_at.isoformat(),
        "recipientOrganization": [{"id": f"DK-CVR-{association.cvr}", "name": association.name,
                                   "addressCountry": "DK"}],
        "fundingOrganization": [{"id": funder_id(), "name": config["MUNICIPALITY_NAME"],
                                 "department": committee.name}],
        "grantProgramme": [{"code": pool.slug, "title": pool.name}],
        "beneficiaryLocation": [{"name": config["MUNICIPALITY_NAME"], "countryCode": "DK"}],
        "fromOpenCall": "Yes",
        "dataSource": base_url + "/aabne-data/360giving.json",
    }
    if case.amount_applied is not None:
        record["amountAppliedFor"] = case.amount_applied
    if paid:
        record["amountDisbursed"] = int(paid)
    return record


def build_package(now: datetime | None = None) -> dict:
    """Every decided grant to an organisation, as a 360Giving package."""
    config = current_app.config
    base_url = public_base_url()
    grants = [grant_record(*row, base_url=base_url) for row in db.session.execute(_grants_query())]
    return {
        "grants": grants,
        "version": "1.4",
        "title": f"Tilskud givet af {config['MUNICIPALITY_NAME']}",
        "description": "Alle afgjorte bevillinger til foreninger med CVR-nummer. Uformelle grupper er ikke med.",
        "modified": (now or clock.now()).isoformat(),
        "publisher": {"name": config["MUNICIPALITY_NAME"], "identifier": funder_id()},
        "license": LICENSE,
        "downloadURL": base_url + "/aabne-data/360giving.json",
    }


# --- the public page "Støtte givet" --------------------------------------------------------------

@dataclass
class GivenGrant:
    """One line on the public page (an informal group is not named)."""

    recipient: str | None  # None: an informal group
    title: str
    amount: int
    decided_on: date


@dataclass
class PoolGrants:
    """A pool's grants in a year and their total."""

    pool: str
    committee: str
    grants: list[GivenGrant] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.amount for g in self.grants)


def grant_years(today: date) -> list[int]:
    """Years with decided grants, newest first (the current year always)."""
    first = db.session.scalar(db.select(func.min(Case.decided_at)).where(
        Case.workflow.in_(registry.GRANT_WORKFLOWS), Case.granted_amount > 0))
    low = min(clock.local(first).year, today.year) if first else today.year
    return list(range(today.year, low - 1, -1))


def grants_given(year: int, limit: int = 2000) -> list[PoolGrants]:
    """The year's grants per pool (by decision date in Danish time), largest pools first."""
    start, end = year_bounds(year)
    rows = db.session.execute(
        db.select(Case.title, Case.granted_amount, Case.decided_at, Pool.id, Pool.name, Committee.name,
                  Association.name, Association.cvr)
        .join(Pool, Pool.id == Case.pool_id).join(Committee, Committee.id == Pool.committee_id)
        .join(Association, Association.id == Case.association_id)
        .where(Case.workflow.in_(registry.GRANT_WORKFLOWS), Case.granted_amount > 0, Case.decided_at >= start,
               Case.decided_at < end)
        .order_by(Pool.name, Pool.id, Case.decided_at, Case.id).limit(limit))
    pools: dict[int, PoolGrants] = {}
    for title, amount, decided_at, pool_id, pool, committee, name, cvr in rows:
        group = pools.setdefault(pool_id, PoolGrants(pool, committee))
        group.grants.append(GivenGrant(name if cvr else None, scrub(title)[:TITLE_LIMIT], amount,
                                       clock.local(decided_at).date()))
    return sorted(pools.values(), key=lambda g: -g.total)
