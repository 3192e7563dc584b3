"""eligibility_problems: one test per rule, on unsaved objects (a pure function of its inputs)."""
from datetime import date, datetime, timezone

import pytest

from app.models import Association, AssociationApproval, Pool
from app.services.applying.eligibility import declaration_due_on, eligibility_problems, one_year_after

TODAY = date(2026, 5, 10)


def _pool(**kw) -> Pool:
    values = dict(name="Pulje", workflow="subsidy", applicants="associations", year=2026, is_published=True,
                  opens_on=date(2026, 1, 1), deadline=date(2026, 12, 1), is_rolling=False, accepts_late=False,
                  requires_approval=False, requires_child_certificate=False)
    values.update(kw)
    return Pool(**values)


def _association(**kw) -> Association:
    values = dict(name="Klubben", cvr="12345674", is_informal=False, works_with_children=False,
                  child_certificate_declared_at=None)
    values.update(kw)
    return Association(**values)


def _texts(problems) -> list[str]:
    return [str(p) for p in problems]


def test_ready_when_nothing_is_missing(app):
    assert eligibility_problems(_association(), _pool(), TODAY) == []


def test_pool_requires_approval_for_its_year(app):
    pool = _pool(requires_approval=True)
    association = _association()
    [problem] = _texts(eligibility_problems(association, pool, TODAY))
    assert "godkendt som folkeoplysende forening for 2026" in problem
    association.approvals = [AssociationApproval(year=2025)]  # last year's approval does not count
    assert eligibility_problems(association, pool, TODAY)
    association.approvals = [AssociationApproval(year=2026)]
    assert eligibility_problems(association, pool, TODAY) == []


def test_applicants_approved_means_approval_required(app):
    assert eligibility_problems(_association(), _pool(applicants="approved"), TODAY)


def test_child_certificate_needed_only_when_working_with_children(app):
    pool = _pool(requires_child_certificate=True)
    assert eligibility_problems(_association(works_with_children=False), pool, TODAY) == []
    [problem] = _texts(eligibility_problems(_association(works_with_children=True), pool, TODAY))
    assert "børneattest" in problem


@pytest.mark.parametrize("declared, ready", [
    (datetime(2025, 5, 11, 10, 0, tzinfo=timezone.utc), True),   # 12 months minus a day ago
    (datetime(2025, 5, 10, 10, 0, tzinfo=timezone.utc), False),  # exactly 12 months ago: due today
    (datetime(2024, 1, 1, 10, 0, tzinfo=timezone.utc), False),
])
def test_child_certificate_must_be_from_the_last_12_months(app, declared, ready):
    association = _association(works_with_children=True, child_certificate_declared_at=declared)
    problems = eligibility_problems(association, _pool(requires_child_certificate=True), TODAY)
    assert (problems == []) is ready


def test_declaration_date_is_danish_local_date():
    # 23:30 UTC on 31 Dec is already 1 January in Denmark.
    association = _association(child_certificate_declared_at=datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc))
    assert declaration_due_on(association) == date(2027, 1, 1)
    assert one_year_after(date(2024, 2, 29)) == date(2025, 3, 1)


def test_informal_group_only_for_new_initiatives(app):
    group = _association(cvr=None, is_informal=True, contact_person="Anna")
    [problem] = _texts(eligibility_problems(group, _pool(), TODAY))
    assert "Uformelle grupper kan kun søge puljer til nye initiativer" in problem
    assert eligibility_problems(group, _pool(workflow="new_initiative"), TODAY) == []
    assert eligibility_problems(group, _pool(applicants="informal"), TODAY) == []


def test_pool_not_open(app):
    assert "åbner for ansøgninger" in _texts(eligibility_problems(_association(), _pool(opens_on=date(2026, 6, 1)), TODAY))[0]
    assert "Ansøgningsfristen var" in _texts(eligibility_problems(_association(), _pool(deadline=date(2026, 5, 1)), TODAY))[0]
    assert "ikke åben" in _texts(eligibility_problems(_association(), _pool(is_published=False), TODAY))[0]
    assert eligibility_problems(_association(), _pool(deadline=None, is_rolling=True), TODAY) == []
    late = _pool(deadline=date(2026, 5, 1), accepts_late=True)
    assert eligibility_problems(_association(), late, TODAY) == []


def test_every_reason_at_once(app):
    group = _association(cvr=None, is_informal=True, contact_person="Anna", works_with_children=True)
    pool = _pool(requires_approval=True, requires_child_certificate=True, is_published=False)
    assert len(eligibility_problems(group, pool, TODAY)) == 4

