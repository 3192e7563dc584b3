"""Why an association may not start an application in a pool: pure rules, no database, no request."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import LazyString, format_date, lazy_gettext as _l

from app.models import Association, Pool
from app.services.cases import accepts_applications

# Declarations are dated in the municipality's time zone, so "12 months" means the local calendar.
LOCAL_TZ = ZoneInfo("Europe/Copenhagen")


def one_year_after(day: date) -> date:
    """The same date next year (29 February becomes 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 3, 1)


def local_day(moment: datetime) -> date:
    """The calendar date of an aware UTC datetime in Denmark."""
    return moment.astimezone(LOCAL_TZ).date()


def declaration_due_on(association: Association) -> date | None:
    """The day the børneattest declaration must be renewed (None when never declared)."""
    declared = association.child_certificate_declared_at
    return one_year_after(local_day(declared)) if declared else None


def declaration_valid_on(association: Association, today: date) -> bool:
    """True when a declaration was made within the last 12 months."""
    due = declaration_due_on(association)
    return due is not None and today < due


def pool_accepts_informal(pool: Pool) -> bool:
    """Informal groups may apply only to new-initiative pools."""
    return pool.workflow == "new_initiative" or pool.applicants == "informal"


def pool_requires_approval(pool: Pool) -> bool:
    """Pools for approved associations only (folkeoplysningsloven)."""
    return pool.requires_approval or pool.applicants == "approved"


def _lazy_day(day: date) -> LazyString:
    return LazyString(lambda: format_date(day, "d. MMMM y"))


def eligibility_problems(association: Association, pool: Pool, today: date) -> list:
    """Danish (lazy) reasons the association may not start an application in `pool` on `today`; [] when ready."""
    problems = []
    if not pool.is_published or not accepts_applications(pool, today):
        problems.append(_closed_reason(pool, today))
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


def _closed_reason(pool: Pool, today: date) -> LazyString:
    if pool.is_published and pool.opens_on and today < pool.opens_on:
        return _l("Puljen åbner for ansøgninger %(day)s.", day=_lazy_day(pool.opens_on))
    if pool.is_published and pool.deadline and today > pool.deadline:
        return _l("Ansøgningsfristen var %(day)s.", day=_lazy_day(pool.deadline))
    return _l("Puljen er ikke åben for ansøgninger.")
