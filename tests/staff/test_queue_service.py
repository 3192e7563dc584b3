"""The queue service: filters, search, counts, deadlines and keyset pagination."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Case
from app.services.cases import queue, queue_search
from app.services.cases.queue import QueueFilter
from app.services.cases.transitions import ActionInput, perform


def ids(f, user, **kw):
    """Every case id the queue lists, page by page."""
    out, cursor = [], None
    while True:
        result = queue.page(f, user, cursor, **kw)
        out += [c.id for c in result.cases]
        cursor = result.next_cursor
        if cursor is None:
            return out


def test_default_view_lists_open_cases_oldest_first(world):
    a = world.submitted()
    b = world.submitted("start_screening")
    decided = world.submitted("start_screening", "start_assessment", "recommend", "decide_grant")
    world.draft("Kladde")
    assert ids(QueueFilter(), world.caseworker) == [a.id, b.id]
    assert ids(QueueFilter(sort="newest"), world.caseworker) == [b.id, a.id]
    assert ids(QueueFilter(status="all"), world.caseworker) == [a.id, b.id, decided.id]
    assert ids(QueueFilter(status="granted"), world.caseworker) == [decided.id]


def test_a_page_statement_built_once_takes_each_requests_own_values(world, factory):
    """The page and count statements are built once per shape of filters with their values bound by name:
    the same shape with other values must find other cases, and counts must count those."""
    other_pool = factory.pool(committee=world.committee)
    db.session.commit()
    first = world.submitted(amount=2_000)
    second = world.submitted(amount=50_000, pool=other_pool)
    me = world.caseworker
    for _round in range(2):  # the second round reads the statements the first one built
        assert ids(QueueFilter(pool_id=first.pool_id), me) == [first.id]
        assert ids(QueueFilter(pool_id=other_pool.id), me) == [second.id]
        assert ids(QueueFilter(amount_min=1_000, amount_max=3_000), me) == [first.id]
        assert ids(QueueFilter(amount_min=40_000, amount_max=60_000), me) == [second.id]
        assert queue.counts(QueueFilter(amount_min=40_000), me).by_state[0] == ("submitted", 1)
        assert queue.counts(QueueFilter(amount_min=1), me).by_state[0] == ("submitted", 2)


def test_filters(world, factory):
    other_member = factory.user(email="ole@example.dk")
    other = factory.association(name="Eksempelby Svømmeklub", cvr="29403473", members=(other_member,))
    other_pool = factory.pool(committee=world.committee)
    db.session.commit()
    small = world.submitted(amount=2_000)
    big = world.submitted("start_screening", amount=50_000, pool=other_pool)
    swim = world.submitted(amount=8_000, association=other, applicant=other_member)
    db.session.get(Case, big.id).assignee_id = world.caseworker.id
    db.session.commit()
    me = world.caseworker
    assert ids(QueueFilter(pool_id=other_pool.id), me) == [big.id]
    assert ids(QueueFilter(status="screening"), me) == [big.id]
    assert ids(QueueFilter(assignee="me"), me) == [big.id]
    assert ids(QueueFilter(assignee="none"), me) == [small.id, swim.id]
    assert ids(QueueFilter(assignee=str(world.colleague.id)), me) == []
    assert ids(QueueFilter(association="svømme"), me) == [swim.id]
    assert ids(QueueFilter(association="29403473"), me) == [swim.id]
    assert ids(QueueFilter(amount_min=5_000, amount_max=10_000), me) == [swim.id]
    assert ids(QueueFilter(workflow="premises_loan"), me) == []
    today = clock.today()
    assert ids(QueueFilter(submitted_from=today, submitted_to=today), me) == [small.id, big.id, swim.id]
    assert ids(QueueFilter(submitted_to=today - timedelta(days=1)), me) == []


def test_sorts(world, factory):
    other_member = factory.user(email="ole@example.dk")
    other = factory.association(name="Aabenraa Atletik", cvr="29403473", members=(other_member,))
    db.session.commit()
    a = world.submitted(amount=2_000)
    b = world.submitted(amount=None)
    c = world.submitted(amount=9_000, association=other, applicant=other_member)
    d = world.submitted("start_screening", amount=5_000)
    perform(d.id, "request_information", world.caseworker, given=ActionInput(comment="?", reply_deadline=clock.today()))
    assert ids(QueueFilter(sort="amount"), world.caseworker) == [c.id, d.id, a.id, b.id]
    assert ids(QueueFilter(sort="deadline"), world.caseworker) == [d.id, a.id, b.id, c.id]
    assert ids(QueueFilter(sort="association"), world.caseworker) == [c.id, a.id, b.id, d.id]


def test_search_by_number_cvr_name_title_and_text(world, factory):
    other_member = factory.user(email="ole@example.dk")
    other = factory.association(name="Eksempelby Svømmeklub", cvr="29403473", members=(other_member,))
    db.session.commit()
    camp = world.submitted(title="Sommerlejr", data={"beskrivelse": "En uge ved søen med kanoer"})
    swim = world.submitted(title="Nye svømmebriller", association=other, applicant=other_member)
    me = world.caseworker
    assert ids(QueueFilter(q=camp.number), me) == [camp.id]
    assert ids(QueueFilter(q="29403473"), me) == [swim.id]
    assert ids(QueueFilter(q="Svømmeklub"), me) == [swim.id]
    assert ids(QueueFilter(q="sommerlejr"), me) == [camp.id]
    assert ids(QueueFilter(q="kanoer"), me) == [camp.id]
    assert ids(QueueFilter(q="søen"), me) == [camp.id]  # non-ASCII inside the JSON data
    assert ids(QueueFilter(q="fodbold"), me) == []
    assert ids(QueueFilter(q="100% _x\\"), me) == []  # LIKE wildcards are literal


def test_counts_per_state_and_overdue(world):
    world.submitted()
    world.submitted()
    asked = world.submitted("start_screening")
    perform(asked.id, "request_information", world.caseworker,
            given=ActionInput(comment="Budget?", reply_deadline=clock.today()))
    db.session.execute(sa.update(Case).where(Case.id == asked.id).values(reply_deadline=clock.today() - timedelta(days=2)))
    db.session.commit()
    counts = queue.counts(QueueFilter(), world.caseworker)
    by_state = dict(counts.by_state)
    assert by_state["submitted"] == 2 and by_state["needs_information"] == 1 and by_state["screening"] == 0
    assert counts.overdue == 1
    assert ids(QueueFilter(overdue=True), world.caseworker) == [asked.id]
    [case] = queue.page(QueueFilter(overdue=True), world.caseworker).cases
    assert queue.due_status(case) == "overdue"


def test_counts_stop_after_the_cap(world):
    """Past the cap a count is cap + 1 ("more than cap"), so a view never reads every open case to count them."""
    for _ in range(3):
        world.submitted()
    asked = world.submitted("start_screening")
    perform(asked.id, "request_information", world.caseworker,
            given=ActionInput(comment="Budget?", reply_deadline=clock.today()))
    db.session.execute(sa.update(Case).where(Case.id == asked.id).values(reply_deadline=clock.today() - timedelta(days=2)))
    db.session.commit()
    capped = queue.counts(QueueFilter(), world.caseworker, cap=2)
    by_state = dict(capped.by_state)
    assert by_state["submitted"] == 3 and capped.is_capped(by_state["submitted"])
    assert by_state["needs_information"] == 1 and not capped.is_capped(1) and by_state["screening"] == 0
    assert capped.overdue == 1
    exact = queue.counts(QueueFilter(), world.caseworker, cap=3)
    assert dict(exact.by_state)["submitted"] == 3 and not exact.is_capped(3)
    assert dict(queue.counts(QueueFilter(), world.caseworker, cap=0).by_state)["needs_information"] == 1
    assert queue.counts(QueueFilter(overdue=True), world.caseworker, cap=0).overdue == 1


def test_a_page_loads_only_the_listed_columns(world):
    """The list needs no application data (JSON) and no caseworker's password hash."""
    case = world.submitted()
    me = world.caseworker
    db.session.get(Case, case.id).assignee_id = me.id
    db.session.commit()
    name, number, pool, association = me.full_name, case.number, case.pool.name, case.association.name
    db.session.expunge_all()
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        [listed] = queue.page(QueueFilter(), me).cases
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    assert listed.number == number and listed.assignee.full_name == name
    assert listed.association.name == association and listed.pool.name == pool
    # Plain values, not ORM objects: nothing more can be loaded from them later, and nothing more was read.
    assert sa.inspect(listed, raiseerr=False) is None
    read = " ".join(statements)
    assert "cases.data" not in read and "password_hash" not in read and "cases.created_at" not in read, read


def test_dates_are_danish_on_new_years_night(new_years_night, world):
    """00:30 on 1 January 2031 in Copenhagen, 23:30 on 31 December in UTC: the queue's days are Denmark's."""
    world.pool.deadline = date(2031, 1, 31)
    db.session.commit()
    case = world.submitted("start_screening")
    assert case.submitted_at.date() == date(2030, 12, 31)  # stored in UTC
    me = world.caseworker
    assert ids(QueueFilter(submitted_from=date(2031, 1, 1), submitted_to=date(2031, 1, 1)), me) == [case.id]
    assert ids(QueueFilter(submitted_to=date(2030, 12, 31)), me) == []
    perform(case.id, "request_information", me, given=ActionInput(comment="?", reply_deadline=date(2031, 1, 1)))
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(reply_deadline=date(2030, 12, 31)))
    db.session.commit()
    assert ids(QueueFilter(overdue=True), me) == [case.id] and queue.counts(QueueFilter(), me).overdue == 1
    assert queue.due_status(db.session.get(Case, case.id)) == "overdue"  # yesterday's deadline, in Denmark


def test_due_status():
    today = date(2026, 5, 1)
    case = Case(state="needs_information", reply_deadline=date(2026, 5, 3))
    assert queue.due_status(case, today) == "soon"
    assert queue.due_status(Case(state="needs_information", reply_deadline=date(2026, 4, 30)), today) == "overdue"
    assert queue.due_status(Case(state="needs_information", reply_deadline=date(2026, 6, 1)), today) is None
    assert queue.due_status(Case(state="screening", reply_deadline=date(2026, 4, 1)), today) is None
    assert queue.due_status(Case(state="report_due", report_due_on=date(2026, 4, 1)), today) == "overdue"


@pytest.mark.parametrize("sort", list(queue.SORTS))
def test_keyset_pages_never_skip_or_repeat_while_cases_arrive(world, sort):
    originals = [world.submitted(amount=(n * 1_000) % 7_000 or None).id for n in range(13)]
    seen, cursor, added = [], None, []
    while True:
        result = queue.page(QueueFilter(sort=sort), world.caseworker, cursor, limit=4)
        seen += [c.id for c in result.cases]
        added.append(world.submitted(amount=3_000).id)  # a new case arrives between two pages
        cursor = result.next_cursor
        if cursor is None:
            break
    assert len(seen) == len(set(seen)), "a case was repeated"
    assert set(originals) <= set(seen), "a case was skipped"


def test_many_states_merge_in_one_order(world):
    made = []
    for actions in ((), ("start_screening",), ("start_screening", "start_assessment"), ()):
        made.append(world.submitted(*actions).id)
    assert ids(QueueFilter(), world.caseworker, limit=1) == made
    assert ids(QueueFilter(sort="newest"), world.caseworker, limit=2) == made[::-1]


@pytest.mark.parametrize("token", ["", "garbage", "W10", "WyJvbGRlc3QiLDAsWzEsMl1d", "x" * 2000,
                                   "WyJvbGRlc3QiLDUsWyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwxXV0"])
def test_bad_cursor_starts_from_the_top(world, token):
    case = world.submitted()
    assert [c.id for c in queue.page(QueueFilter(), world.caseworker, token).cases] == [case.id]


def test_page_loads_in_a_fixed_number_of_queries(world):
    for _ in range(6):
        world.submitted()
    db.session.expire_all()
    statements = []

    def count(conn, cursor, statement, *rest):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = queue.page(QueueFilter(), world.caseworker)
        shown = [(c.association.name, c.pool.name, c.assignee) for c in result.cases]
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(shown) == 6 and len(statements) == 2, statements


@pytest.mark.postgres
def test_search_uses_the_full_text_index_on_postgres(world):
    world.submitted(title="Sommerlejr")
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    stmt = sa.select(Case.id).where(queue_search.search("sommerlejr"))
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    plan = "\n".join(db.session.scalars(sa.text("EXPLAIN " + sql)))
    assert "ix_cases_search" in plan, plan


@pytest.mark.postgres
def test_queue_pages_read_the_state_indexes_on_postgres(world):
    world.submitted()
    # With one row every index costs the same; with sorting off the planner must pick the one that gives the order.
    db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "k0" in statement:
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        queue.page(QueueFilter(), world.caseworker)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    statement, parameters = statements[0]
    plan = "\n".join(row[0] for row in db.session.connection().exec_driver_sql("EXPLAIN " + statement, parameters))
    assert "ix_cases_state_submitted" in plan and "Seq Scan" not in plan, plan


def _plans(call, wanted) -> list[str]:
    """EXPLAIN of every SELECT that `call` runs and `wanted(statement)` picks, in this transaction."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and wanted(statement):
            statements.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", capture)
    connection = db.session.connection()
    return ["\n".join(row[0] for row in connection.exec_driver_sql("EXPLAIN " + s, p)) for s, p in statements]


@pytest.mark.postgres
def test_listed_cases_read_their_association_and_assignee_by_primary_key_on_postgres(world):
    world.submitted("start_screening")
    # Even told not to, the planner must loop: a hash or merge join would read every association and user.
    db.session.execute(sa.text("SET LOCAL enable_nestloop = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))  # one row: a bitmap scan costs the same
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # nor may a tiny table be read whole
    [plan] = _plans(lambda: queue.page(QueueFilter(), world.caseworker), lambda s: "associations" in s)
    assert "Hash" not in plan and "Merge Join" not in plan and "Seq Scan" not in plan, plan
    # The cases themselves are read by id through whichever index the planner likes for one row; the point is
    # that association, pool and assignee are each found by their primary key.
    for key in ("pk_associations", "pk_pools", "pk_users"):
        assert f"Index Scan using {key}" in plan, plan


@pytest.mark.postgres
def test_an_amount_range_reads_only_cases_with_an_amount_on_postgres(world):
    world.submitted(amount=50_000)
    db.session.execute(sa.text("SET LOCAL enable_sort = off"))
    db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    db.session.execute(sa.text("SET LOCAL enable_bitmapscan = off"))
    # In submitted order among the cases with an amount: a state without any (premises loans) is not read through.
    f = QueueFilter(amount_min=40_000, amount_max=60_000)
    [page] = _plans(lambda: queue.page(f, world.caseworker), lambda s: "k0" in s)
    assert "ix_cases_amount_state_submitted" in page and "ix_cases_state_submitted " not in page, page
    assert [c.amount_applied for c in queue.page(f, world.caseworker).cases] == [50_000]


def test_search_counts_are_one_grouped_query_with_the_same_numbers(world):
    """With a search word the counts come from one query over the matches, and agree with the list."""
    for title in ("Kanoer til søen", "Kanoer igen", "Fodboldmål"):
        world.submitted(title=title)
    asked = world.submitted("start_screening", title="Kanoer og veste")
    perform(asked.id, "request_information", world.caseworker,
            given=ActionInput(comment="Budget?", reply_deadline=clock.today()))
    db.session.execute(sa.update(Case).where(Case.id == asked.id).values(reply_deadline=clock.today() - timedelta(days=2)))
    db.session.commit()
    f = QueueFilter(q="kanoer")
    assert queue.counts_come_later(f) and not queue.counts_come_later(QueueFilter(pool_id=1))
    counts = queue.counts(f, world.caseworker)
    by_state = dict(counts.by_state)
    assert by_state["submitted"] == 2 and by_state["needs_information"] == 1 and by_state["screening"] == 0
    assert counts.overdue == 1 and not counts.partial
    assert sum(by_state.values()) == len(ids(f, world.caseworker))
    assert dict(queue.counts(QueueFilter(q="kanoer", overdue=True), world.caseworker).by_state) == {
        s: int(s == "needs_information") for s in queue.awaiting_states()}


def test_search_counts_past_their_limit_say_they_are_lower_bounds(world):
    states = len(queue.counts(QueueFilter(q="kanoer"), world.caseworker).by_state)
    for _ in range(states + 1):
        world.submitted(title="Kanoer")
    # (cap + 1) × states matches at most are read: past them the numbers are lower bounds, and the page says so.
    capped = queue.counts(QueueFilter(q="kanoer"), world.caseworker, cap=0)
    assert capped.partial and capped.is_capped(dict(capped.by_state)["submitted"])
    exact = queue.counts(QueueFilter(q="kanoer"), world.caseworker, cap=1)
    assert exact.partial is False and exact.is_capped(dict(exact.by_state)["submitted"])
    assert dict(queue.counts(QueueFilter(q="kanoer"), world.caseworker).by_state)["submitted"] == states + 1
