"""Why an association may not start an application in a pool: pure rules, no database, no request."""
from __future__ import annotations

from datetime import date

from flask_babel import LazyString, lazy_gettext as _l

from app import clock
from app.formatting import day_in_words
from app.models import Association, Pool
from app.services.cases.core import accepts_applications
from app.services.pools.status import Phase, phase_on
from workflows import registry

# A yearly subsidy (aktivitetstilskud, lokaletilskud § 25) is calculated from the association's annual report.
CALCULATED_TEXT = _l("Tilskuddet søges ikke. Det beregnes ud fra foreningens årlige indberetning af medlemmer, "
                     "aktivitetstimer og lokaleudgifter.")


def one_year_after(day: date) -> date:
    """The same date next year (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def declaration_due_on(association: Association) -> date | None:
    """The day the børneattest declaration must be renewed (None when never declared)."""
    declared = association.child_certificate_declared_at  # dated in Denmark: "12 months" is the Danish calendar
    return one_year_after(clock.local(declared).date()) if declared else None


def declaration_valid_on(association: Association, today: date) -> bool:
    """True when a declaration was made within the last 12 months."""
    due = declaration_due_on(association)
    return due is not None and today < due


def pool_accepts_informal(pool: Pool) -> bool:
    """Informal groups may apply only to new-initiative pools."""
    return pool.workflow == registry.NEW_INITIATIVE or pool.applicants == "informal"


def pool_requires_approval(pool: Pool) -> bool:
    """Pools for approved associations only (folkeoplysningsloven)."""
    return pool.requires_approval or pool.applicants == "approved"


def _lazy_day(day: date) -> LazyString:
    return LazyString(lambda: day_in_words(day))


def eligibility_problems(association: Association, pool: Pool, today: date) -> list:
    """Danish (lazy) reasons the association may not start an application in `pool` on `today`; [] when ready."""
    problems = []
    if not pool.is_published or not accepts_applications(pool, today):
        problems.append(closed_reason(pool, today))
    if association.is_informal and not pool_accepts_informal(pool):
        problems.append(_l("Uformelle grupper kan kun søge puljer til nye initiativer. "
                           "Registrér gruppen som forening med CVR-nummer for at søge denne pulje."))
    if pool_requires_approval(pool) and not association.approved_for(pool.year):
        problems.append(_l("Puljen kræver, at foreningen er godkendt som folkeoplysende forening for %(year)s. "
                           "Bed om godkendelse på foreningens side.", year=pool.year))
    if pool.requires_child_certificate and association.works_with_children \
            and not declaration_valid_on(association, today):
        problems.append(_l("Puljen kræver en børneattest-erklæring fra de seneste 12 måneder. "
                           "Afgiv erklæringen på foreningens side."))
    return problems


def closed_reason(pool: Pool, today: date) -> LazyString:
    """Why nobody can apply to `pool` on `today` (when it opens, or when the deadline was)."""
    phase = phase_on(pool, today)
    if phase is Phase.CALCULATED:
        return CALCULATED_TEXT
    if pool.is_published and phase is Phase.UPCOMING:
        return _l("Puljen åbner for ansøgninger %(day)s.", day=_lazy_day(pool.opens_on))
    if pool.is_published and phase is Phase.CLOSED:
        return _l("Ansøgningsfristen var %(day)s.", day=_lazy_day(pool.deadline))
    return _l("Puljen er ikke åben for ansøgninger.")
