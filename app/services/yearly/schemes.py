"""Setting up subsidy schemes: the administrator names the inputs, the formula and the pool; every change journalised.

The formula is checked by formula.parse, and each problem goes back to the form field it concerns, together with
the scheme's own checks (the pool must be a calculated-subsidy pool not used by another scheme).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Pool, User
from app.models.yearly import SCHEME_KINDS, ReportingCampaign, SubsidyBatch, SubsidyScheme
from app.services.journals import audit as admin_audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import use_case
from app.services.yearly import formula as formulas
from app.services.yearly.formula import Figures, Formula, FormulaError
from workflows.definitions.yearly_subsidy import WORKFLOW as YEARLY_WORKFLOW

SCHEME_FIELDS = ("name", "kind", "campaign_id", "pool_id", "formula")


class SchemeError(Exception):
    """The scheme cannot be saved; `problems` maps form fields to Danish messages."""

    def __init__(self, problems: dict[str, object]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


@dataclass
class SchemeValues:
    """What the administrator sets on a scheme; `formula` is the formula's JSON as typed (checked by parse)."""

    name: str
    kind: str
    campaign_id: int | None
    pool_id: int | None
    formula: dict = field(default_factory=dict)


def eligible_pools() -> list[Pool]:
    """The pools a scheme can pay from: those whose cases are calculated subsidies."""
    return list(db.session.scalars(db.select(Pool).where(Pool.workflow == YEARLY_WORKFLOW.name)
                                   .order_by(Pool.year.desc(), Pool.name)))


def _problems(values: SchemeValues, scheme: SubsidyScheme | None) -> tuple[dict[str, object], Formula | None]:
    problems: dict[str, object] = {}
    try:
        parsed = formulas.parse(values.formula)
    except FormulaError as exc:
        parsed = None
        problems.update({name: formulas.MESSAGES[code] for name, code in exc.problems.items()})
    if not values.name.strip():
        problems["name"] = _l("Skriv ordningens navn.")
    if values.kind not in SCHEME_KINDS:
        problems["kind"] = _l("Vælg om det er aktivitetstilskud eller lokaletilskud.")
    if values.campaign_id is None or db.session.get(ReportingCampaign, values.campaign_id) is None:
        problems["campaign_id"] = _l("Vælg den årlige indberetning, ordningen regner på.")
    problems.update(_pool_problems(values, scheme))
    if scheme is not None and _has_batches(scheme.id):
        if values.pool_id != scheme.pool_id:
            problems["pool_id"] = _l("Ordningen er allerede beregnet, så puljen kan ikke skiftes.")
        if values.campaign_id != scheme.campaign_id:
            problems["campaign_id"] = _l("Ordningen er allerede beregnet, så indberetningen kan ikke skiftes.")
    return problems, parsed


def _pool_problems(values: SchemeValues, scheme: SubsidyScheme | None) -> dict[str, object]:
    pool = db.session.get(Pool, values.pool_id) if values.pool_id is not None else None
    if pool is None or pool.workflow != YEARLY_WORKFLOW.name:
        return {"pool_id": _l("Vælg en pulje med sagsgangen »Beregnet tilskud«.")}
    taken = db.session.scalar(db.select(SubsidyScheme.id).where(SubsidyScheme.pool_id == pool.id))
    if taken is not None and (scheme is None or taken != scheme.id):
        return {"pool_id": _l("Puljen bruges allerede af en anden tilskudsordning.")}
    return {}


def _has_batches(scheme_id: int) -> bool:
    return db.session.scalar(db.select(SubsidyBatch.id).where(SubsidyBatch.scheme_id == scheme_id).limit(1)) \
        is not None


def _apply(scheme: SubsidyScheme, values: SchemeValues, parsed: Formula, actor: User) -> None:
    scheme.name, scheme.kind = values.name.strip(), values.kind
    scheme.campaign_id, scheme.pool_id = values.campaign_id, values.pool_id
    scheme.formula = parsed.as_dict()
    scheme.updated_by_id = actor.id


@use_case
def create_scheme(actor: User, values: SchemeValues) -> SubsidyScheme:
    """Create a scheme whose formula parses; refuses with every problem at once."""
    problems, parsed = _problems(values, None)
    if problems:
        raise SchemeError(problems)
    scheme = SubsidyScheme()
    _apply(scheme, values, parsed, actor)
    db.session.add(scheme)
    db.session.flush()
    admin_audit.record(actor, "subsidy_scheme", scheme.id, "create", None, admin_audit.snapshot(scheme, SCHEME_FIELDS))
    return scheme


@use_case
def update_scheme(scheme_id: int, actor: User, values: SchemeValues) -> SubsidyScheme:
    """Change a scheme (all or nothing). Batches already calculated keep the formula they were calculated with."""
    scheme = db.session.get(SubsidyScheme, scheme_id, with_for_update=True, populate_existing=True)
    if scheme is None:
        raise SetupError(_l("Tilskudsordningen findes ikke."))
    before = admin_audit.snapshot(scheme, SCHEME_FIELDS)
    problems, parsed = _problems(values, scheme)
    if problems:
        raise SchemeError(problems)
    _apply(scheme, values, parsed, actor)
    db.session.flush()
    admin_audit.record(actor, "subsidy_scheme", scheme.id, "update", before, admin_audit.snapshot(scheme, SCHEME_FIELDS))
    return scheme


# The worked example on the editor: one made-up association of 40 members, the same for every scheme.
EXAMPLE_MEMBERS = {"0_6": {"in": 4, "out": 0}, "7_12": {"in": 12, "out": 2}, "13_17": {"in": 10, "out": 0},
                   "18_24": {"in": 4, "out": 0}, "25_59": {"in": 6, "out": 0}, "60_plus": {"in": 2, "out": 0}}
EXAMPLE = Figures(association_id=0, members=EXAMPLE_MEMBERS, paying_members=36, fee_income=18_000,
                  activity_hours=300, costs={"rent": 30_000, "utilities": 8_000, "cleaning": 4_000, "insurance": 2_000},
                  months_late=1)
EXAMPLE_TOTAL_POINTS = 20_000  # all associations' points together, when the point value is budget ÷ points


@dataclass(frozen=True)
class WorkedExample:
    figures: Figures
    steps: tuple[formulas.Step, ...]
    amount: int
    budget: int
    total_points: int | None  # the assumed total, when the point value shares the budget


def worked_example(formula: Formula, budget: int) -> WorkedExample:
    """The formula applied to EXAMPLE, with the pool's budget (pure)."""
    shared = formula.basis == "points" and formula.point_value == "budget_share"
    total_points = EXAMPLE_TOTAL_POINTS if shared else None
    result = formulas.calculate(formula, [EXAMPLE], budget, points_in_total=total_points)
    line = result.lines[0]
    return WorkedExample(EXAMPLE, tuple(line.steps), line.amount, budget, total_points)
