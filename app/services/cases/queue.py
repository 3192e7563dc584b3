"""The caseworker's queue: filters, full-text search, counts per state and keyset pagination.

Ordered pages are read with one ordered index scan per state, merged (see `_phase_keys`): PostgreSQL
cannot return `state IN (...) ORDER BY submitted_at` in order from one index, and sorting every open
case for each page does not stay fast at a million cases.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from sqlalchemy import Date, bindparam, func, literal, literal_column, tuple_, union_all
from sqlalchemy.orm import aliased

from app import clock, keyset
from app.extensions import db
from app.models import Association, Case, Pool, User
from app.services.cases import queue_search
from workflows import registry

SOON_DAYS = 3
PAGE_SIZE = 50
# Counts stop here: a count past it is shown as "1.000+". Counting every open case of a million-case
# municipality (or every match of a common word) for each view would make the view grow with the table.
COUNT_CAP = 1000
FAR_FUTURE = date(9999, 12, 31)

DUE = func.coalesce(Case.reply_deadline, Case.report_due_on)
# The far future is written into the SQL (not bound): ix_cases_state_deadline is built on this very expression,
# and PostgreSQL matches an index expression only against a constant.
DEADLINE_KEY = func.coalesce(Case.reply_deadline, Case.report_due_on, literal(FAR_FUTURE, Date, literal_execute=True))


@dataclass(frozen=True)
class QueueFilter:
    """What the caseworker asked for; every field comes from the URL."""

    status: str = "open"  # "open", "all" or a state name
    pool_id: int | None = None
    workflow: str | None = None
    assignee: str = "any"  # "any", "me", "none" or a user id
    association: str = ""  # a CVR number or part of a name
    submitted_from: date | None = None
    submitted_to: date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    overdue: bool = False
    due_from: date | None = None  # the applicant's deadline, from and to (both days included)
    due_to: date | None = None
    q: str = ""
    sort: str = "oldest"


@dataclass(frozen=True)
class Phase:
    """One ordered run of the list; a sort is one or more phases read one after the other."""

    keys: tuple  # SQL expressions; the last is Case.id, so the order is total
    descending: bool = False
    scope: str = "all"  # which selected states: all, awaiting (the applicant must act) or other
    where: tuple = ()
    per_state: bool = True
    join_association: bool = False


SORTS: dict[str, tuple[Phase, ...]] = {
    "oldest": (Phase((Case.submitted_at, Case.id)),),
    "newest": (Phase((Case.submitted_at, Case.id), descending=True),),
    "deadline": (Phase((DEADLINE_KEY, Case.id), scope="awaiting"),
                 Phase((Case.submitted_at, Case.id), scope="other")),
    "amount": (Phase((Case.amount_applied, Case.id), descending=True, where=(Case.amount_applied.is_not(None),)),
               Phase((Case.id,), descending=True, where=(Case.amount_applied.is_(None),))),
    "association": (Phase((Association.name, Association.id, Case.id), per_state=False, join_association=True),),
}


@dataclass(frozen=True)
class QueuePage:
    """One page of cases and the cursor of the next page (None on the last)."""

    cases: list[ListedCase]
    next_cursor: str | None


@dataclass(frozen=True)
class QueueCounts:
    """Cases per state and overdue cases under the current filters (the state filter aside).

    Each number is exact up to `cap`; a number above it (always cap + 1) means "more than cap".
    """

    by_state: list[tuple[str, int]]
    overdue: int
    cap: int = COUNT_CAP
    partial: bool = False  # a search's matches were counted only up to a limit: numbers are "at least"

    def is_capped(self, n: int) -> bool:
        """True when `n` stands for "more than cap"."""
        return n > self.cap


def open_states() -> tuple[str, ...]:
    """States in which a case still needs the municipality or the applicant."""
    return registry.states_tagged("open", "awaiting_applicant")


def awaiting_states() -> tuple[str, ...]:
    """States in which the applicant must act before a deadline."""
    return registry.states_tagged("awaiting_applicant")


@lru_cache(maxsize=None)
def queue_states() -> tuple[str, ...]:
    """Every state a submitted case can be in (a draft, kept or discarded, never reached the municipality)."""
    unsent = registry.states_tagged("draft", "discarded")
    return tuple(dict.fromkeys(s.name for wf in registry.all() for s in wf.states if s.name not in unsent))


def committee_states() -> tuple[str, ...]:
    """States in which a case waits for the political committee (and so for a meeting's agenda)."""
    return registry.states_tagged("awaiting_committee")


def selected_states(f: QueueFilter) -> tuple[str, ...]:
    """The states the filter asks for (a deadline filter: only those with an applicant deadline)."""
    if f.status == "all":
        states = queue_states()
    elif f.status in queue_states():
        states = (f.status,)
    else:
        states = open_states()
    return tuple(s for s in states if s in awaiting_states()) if _asks_for_deadline(f) else states


def _asks_for_deadline(f: QueueFilter) -> bool:
    # Only a case waiting for the applicant has a deadline the queue shows, so only those can match.
    return f.overdue or f.due_from is not None or f.due_to is not None


def pool_names() -> list:
    """(id, name) of every pool, newest year first: the options of the pool filter."""
    return list(db.session.execute(db.select(Pool.id, Pool.name).order_by(Pool.year.desc(), Pool.name)))


def week_of(day: date) -> tuple[date, date]:
    """Monday and Sunday of the Danish (ISO) week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def due_date(case: Case | ListedCase) -> date | None:
    """The deadline the applicant must meet now (reply or report), if any."""
    if case.state not in awaiting_states():
        return None
    return case.reply_deadline or case.report_due_on


def due_status(case: Case | ListedCase, today: date | None = None) -> str | None:
    """'overdue', 'soon' (within SOON_DAYS) or None."""
    due, today = due_date(case), today or clock.today()
    if due is None:
        return None
    if due < today:
        return "overdue"
    return "soon" if due <= today + timedelta(days=SOON_DAYS) else None


def page(f: QueueFilter, user: User, cursor: str | None = None, limit: int = PAGE_SIZE,
         today: date | None = None) -> QueuePage:
    """One page of the queue after `cursor`; new cases never make a later page skip or repeat one."""
    sort, today = (f.sort if f.sort in SORTS else "oldest"), today or clock.today()
    phases = SORTS[sort]
    start, after = decode_cursor(f.sort, cursor) or (0, None)
    kinds, params = _bound(f, user, today)
    free = _free_conditions(f)
    rows: list[tuple[int, tuple]] = []
    for index in range(start, len(phases)):
        states = _phase_states(phases[index], selected_states(f))
        if states:
            resume = after if index == start else None
            if resume is not None:
                params.update(_after_params(resume))
            shape = (index, states, resume is not None, limit + 1 - len(rows))
            stmt = (_page_statement(sort, kinds, *shape) if not free else
                    _phase_statement(phases[index], [*_bound_conditions(kinds), *free], *shape[1:]))
            rows += [(index, tuple(key)) for key in db.session.execute(stmt, params)]
        if len(rows) > limit:
            break
    more, rows = len(rows) > limit, rows[:limit]
    next_cursor = keyset.encode(f.sort, *rows[-1]) if more else None
    return QueuePage(cases=_load([key[-1] for _, key in rows]), next_cursor=next_cursor)


def counts_come_later(f: QueueFilter) -> bool:
    """True when counting would cost more than the page: a search word has no ordered index to stop early in,
    so the view shows the list first and the counts are fetched after it (see `counts`)."""
    return bool(f.q.strip())


def counts(f: QueueFilter, user: User, today: date | None = None, cap: int = COUNT_CAP) -> QueueCounts:
    """Counts per open state (plus a chosen single state) and the number of overdue cases, each up to cap + 1."""
    today = today or clock.today()
    states = _counted_states(f)
    if counts_come_later(f):
        return _search_counts(f, user, today, states, cap)
    kinds, params = _bound(replace(f, overdue=False), user, today)
    params["f_today"] = today
    free = _free_conditions(f)
    late_states = tuple(s for s in selected_states(f) if s in awaiting_states())
    shape = (states, late_states, f.overdue, cap)
    stmt = (_counts_statement(kinds, *shape) if not free else
            _counting_statement([*_bound_conditions(kinds), *free], *shape))
    found = {state: n for state, n in db.session.execute(stmt, params)}
    return QueueCounts(by_state=[(s, found.get(s, 0)) for s in states], overdue=found.get(_OVERDUE, 0), cap=cap)


@lru_cache(maxsize=128)
def _counts_statement(kinds: tuple[str, ...], states: tuple[str, ...], late_states: tuple[str, ...], overdue: bool,
                      cap: int):
    """The counts' statement for one shape of filters, built once (as `_page_statement`)."""
    return _counting_statement(_bound_conditions(kinds), states, late_states, overdue, cap)


def _counting_statement(no_overdue: list, states: tuple[str, ...], late_states: tuple[str, ...], overdue: bool,
                        cap: int):
    late = DUE < bindparam("f_today", type_=Date())
    base = no_overdue + ([late] if overdue else [])
    parts = [_capped_count(literal(s), [*base, Case.state == s], cap) for s in states]
    if late_states:
        parts.append(_capped_count(literal(_OVERDUE), [*no_overdue, Case.state.in_(late_states), late], cap))
    return union_all(*parts)


_OVERDUE = ""  # the overdue count's label among the states' (no state is named "")


def _counted_states(f: QueueFilter) -> tuple[str, ...]:
    # Counting every case of "all states" would read the whole table; the open ones are what needs work.
    extra = selected_states(f) if f.status != "all" else ()
    return selected_states(f) if _asks_for_deadline(f) else tuple(dict.fromkeys(open_states() + extra))


def _search_counts(f: QueueFilter, user: User, today: date, states: tuple[str, ...], cap: int) -> QueueCounts:
    """One grouped query over at most (cap + 1) × states matches: the full-text index is read once, not per state.

    Under the limit every number is exact; at it the numbers are lower bounds (`partial`)."""
    late_states = [s for s in selected_states(f) if s in awaiting_states()]
    limit = (cap + 1) * len(states)
    late = db.and_(Case.state.in_(late_states), DUE < today) if late_states else literal(False)
    matching = (db.select(Case.state.label("state"), late.label("late"))
                .where(*_conditions(f, user, today), Case.state.in_(states)).limit(limit).subquery())
    stmt = db.select(matching.c.state, func.count(), func.count().filter(matching.c.late)).group_by(matching.c.state)
    found = {state: (n, n_late) for state, n, n_late in db.session.execute(stmt)}
    shown = {s: min(found.get(s, (0, 0))[0], cap + 1) for s in states}
    overdue = min(sum(n_late for _n, n_late in found.values()), cap + 1)
    partial = sum(n for n, _late in found.values()) >= limit > 0
    return QueueCounts(by_state=[(s, shown[s]) for s in states], overdue=overdue, cap=cap, partial=partial)


def _capped_count(label, conditions: list, cap: int):
    """SELECT label, count(*) over at most cap + 1 matching cases: stops reading at cap + 1."""
    matching = db.select(Case.id).where(*conditions).limit(cap + 1).subquery()
    return db.select(label.label("state"), func.count().label("n")).select_from(matching)


def _phase_states(phase: Phase, states: tuple[str, ...]) -> tuple[str, ...]:
    if phase.scope == "awaiting":
        return tuple(s for s in states if s in awaiting_states())
    if phase.scope == "other":
        return tuple(s for s in states if s not in awaiting_states())
    return states


@lru_cache(maxsize=256)
def _page_statement(sort: str, kinds: tuple[str, ...], index: int, states: tuple[str, ...], resumes: bool,
                    limit: int):
    """The statement of one phase of a page for one shape of filters, built once: the values are bound by name.

    Building the statement and its cache key on every view cost ~4 ms of Python for "all states" (a union of 18
    per-state branches); a process sees a few dozen shapes."""
    return _phase_statement(SORTS[sort][index], _bound_conditions(kinds), states, resumes, limit)


def _phase_statement(phase: Phase, base: list, states: tuple[str, ...], resumes: bool, limit: int):
    conditions = [*base, *phase.where]
    if resumes:
        conditions.append(_after(phase.keys, phase.descending))
    labelled = [key.label(f"k{i}") for i, key in enumerate(phase.keys)]

    def branch(state_condition):
        stmt = db.select(*labelled).select_from(Case)
        if phase.join_association:
            stmt = stmt.join(Association, Association.id == Case.association_id)
        return stmt.where(*conditions, state_condition).order_by(*_order(phase.keys, phase.descending)).limit(limit)

    if not phase.per_state or len(states) == 1:
        return branch(Case.state.in_(states) if len(states) > 1 else Case.state == states[0])
    # The branches' columns are named, not proxied: building `.c` of eight subqueries cost more than running them.
    names = [literal_column(f"k{i}", type_=key.type) for i, key in enumerate(phase.keys)]
    parts = [db.select(*names).select_from(branch(Case.state == s).subquery()) for s in states]
    merged = union_all(*parts).subquery()
    columns = [merged.c[f"k{i}"] for i in range(len(phase.keys))]
    return db.select(*columns).order_by(*_order(columns, phase.descending)).limit(limit)


def _order(keys, descending: bool) -> list:
    return [key.desc() if descending else key.asc() for key in keys]


def _after(keys: tuple, descending: bool):
    """Past the cursor's key values, bound by name (`_after_params`)."""
    typed = [bindparam(f"after{i}", type_=key.type) for i, key in enumerate(keys)]
    left, right = (keys[0], typed[0]) if len(keys) == 1 else (tuple_(*keys), tuple_(*typed))
    return left < right if descending else left > right


def _after_params(values: tuple) -> dict:
    return {f"after{i}": value for i, value in enumerate(values)}


# The filters whose condition always has the same shape: its value is bound by name (`f_<kind>`), so a page's
# statement depends only on which of them are set. A search word and an association name are not among them:
# what they become depends on what they match.
_BOUND = {
    "pool": lambda: Case.pool_id == bindparam("f_pool", type_=Case.pool_id.type),
    "workflow": lambda: Case.workflow == bindparam("f_workflow", type_=Case.workflow.type),
    "assignee": lambda: Case.assignee_id == bindparam("f_assignee", type_=Case.assignee_id.type),
    "unassigned": lambda: Case.assignee_id.is_(None),
    "submitted_from": lambda: Case.submitted_at >= bindparam("f_submitted_from", type_=Case.submitted_at.type),
    "submitted_before": lambda: Case.submitted_at < bindparam("f_submitted_before", type_=Case.submitted_at.type),
    "amount_min": lambda: Case.amount_applied >= bindparam("f_amount_min", type_=Case.amount_applied.type),
    "amount_max": lambda: Case.amount_applied <= bindparam("f_amount_max", type_=Case.amount_applied.type),
    "overdue": lambda: DUE < bindparam("f_overdue", type_=Date()),
    "due_from": lambda: DUE >= bindparam("f_due_from", type_=Date()),
    "due_to": lambda: DUE <= bindparam("f_due_to", type_=Date()),
}


def _bound(f: QueueFilter, user: User, today: date) -> tuple[tuple[str, ...], dict]:
    """(which bound filters are set, in a fixed order; their values by parameter name)."""
    values: dict[str, object] = {}
    if f.pool_id is not None:
        values["pool"] = f.pool_id
    if f.workflow:
        values["workflow"] = f.workflow
    if f.assignee == "me":
        values["assignee"] = user.id
    elif f.assignee == "none":
        values["unassigned"] = None
    elif f.assignee.isdigit():
        values["assignee"] = int(f.assignee)
    if f.submitted_from is not None:
        values["submitted_from"] = _start_of(f.submitted_from)
    if f.submitted_to is not None:
        values["submitted_before"] = _start_of(f.submitted_to + timedelta(days=1))
    if f.amount_min is not None:
        values["amount_min"] = f.amount_min
    if f.amount_max is not None:
        values["amount_max"] = f.amount_max
    if f.overdue:
        values["overdue"] = today
    if f.due_from is not None:
        values["due_from"] = f.due_from
    if f.due_to is not None:
        values["due_to"] = f.due_to
    return tuple(values), {f"f_{kind}": value for kind, value in values.items() if kind != "unassigned"}


def _bound_conditions(kinds: tuple[str, ...]) -> list:
    return [_BOUND[kind]() for kind in kinds]


def _free_conditions(f: QueueFilter) -> list:
    """The conditions built from what the words match (values inside them)."""
    out = []
    if f.association.strip():
        out.append(queue_search.among(Case.association_id, queue_search.association_ids(f.association)))
    if f.q.strip():
        out.append(queue_search.search(f.q.strip()))
    return out


def _conditions(f: QueueFilter, user: User, today: date) -> list:
    """Every condition of the filter with its value in it (for statements built per request)."""
    kinds, params = _bound(f, user, today)
    return [condition.params(params) for condition in _bound_conditions(kinds)] + _free_conditions(f)


def _start_of(day: date) -> datetime:
    """Midnight of a Danish calendar day, in UTC (dates typed by people are local)."""
    return datetime.combine(day, time.min, tzinfo=clock.TZ).astimezone(timezone.utc)


@dataclass(frozen=True, slots=True)
class ListedAssociation:
    id: int
    name: str
    cvr: str | None


@dataclass(frozen=True, slots=True)
class ListedPool:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ListedPerson:
    id: int
    full_name: str


@dataclass(frozen=True, slots=True)
class ListedCase:
    """A case as the queue lists it: the listed columns only, read as plain values.

    No application data (JSON), no password hashes, and no ORM instance: building fifty `Case` objects with
    their deferred columns was a fifth of the queue's Python time, for values a row only shows."""

    id: int
    version: int
    number: str | None
    title: str
    workflow: str
    state: str
    submitted_at: datetime | None
    reply_deadline: date | None
    report_due_on: date | None
    amount_applied: int | None
    association: ListedAssociation
    pool: ListedPool
    assignee: ListedPerson | None


_CASE_COLUMNS = ("id", "version", "number", "title", "workflow", "state", "submitted_at", "reply_deadline",
                 "report_due_on", "amount_applied")
_RELATED = ((Association, "association_id", ("id", "name", "cvr"), ListedAssociation),
            (Pool, "pool_id", ("id", "name"), ListedPool),
            (User, "assignee_id", ("id", "full_name"), ListedPerson))


def _load(ids: list[int]) -> list[ListedCase]:
    if not ids:
        return []
    by_id = {}
    for row in db.session.execute(_listed_cases(db.session.get_bind().dialect.name), {"ids": ids}):
        values, at = list(row[:len(_CASE_COLUMNS)]), len(_CASE_COLUMNS)
        for _model, _key, columns, listed in _RELATED:
            part, at = row[at:at + len(columns)], at + len(columns)
            values.append(listed(*part) if part[0] is not None else None)
        by_id[values[0]] = ListedCase(*values)
    return [by_id[i] for i in ids if i in by_id]


@lru_cache(maxsize=None)
def _listed_cases(dialect: str):
    """The listed cases by id (`ids`) with their association, pool and assignee, built once per dialect.

    On PostgreSQL each of them is joined through a LATERAL subquery with LIMIT 1: the planner cannot flatten it,
    so it reads the page's rows by primary key, where a plain join hashed the whole associations table (and
    users, which holds every association member) to show 50 rows. SQLite joins only by nested loops."""
    stmt = db.select(*(getattr(Case, column) for column in _CASE_COLUMNS)).select_from(Case)
    for model, foreign_key, columns, _listed in _RELATED:
        key = getattr(Case, foreign_key)
        if dialect == "postgresql":
            one = db.select(*(getattr(model, c) for c in columns)).where(model.id == key).limit(1).lateral()
            stmt = stmt.outerjoin(one, db.true()).add_columns(*(one.c[c] for c in columns))
        else:
            row = aliased(model)
            stmt = stmt.outerjoin(row, row.id == key).add_columns(*(getattr(row, c) for c in columns))
    return stmt.where(Case.id.in_(db.bindparam("ids", expanding=True)))


def decode_cursor(sort: str, token: str | None) -> tuple[int, tuple] | None:
    """(phase, key values) of a page cursor made for `sort`; None when missing, foreign or tampered with."""
    phases = SORTS.get(sort)
    return keyset.decode(token, sort, [p.keys for p in phases]) if phases else None
