"""The retention job: expired cases lose their personal data, keep amounts and history; re-runs do nothing."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from app import clock
from app.extensions import db
from app.models import AdminEvent, Case, CaseEvent, Decision, Document, Invitation, User
from app.services.privacy import retention
from tests.privacy_data.conftest import ATTACHMENT, stored_path


def years_later(n: int) -> datetime:
    now = clock.now()
    return now.replace(year=now.year + n, month=6, day=15)


def _events(case_id: int) -> list[tuple]:
    return [(e.id, e.kind, e.comment) for e in db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id))]


def test_expired_rejected_case_is_anonymised_and_keeps_the_record(world, app):
    case, doc_id = world.case("decide_reject")
    path = stored_path(db.session.get(Document, doc_id))
    assert path.read_bytes() == ATTACHMENT
    before_events = _events(case.id)
    decisions_before = [(d.id, d.outcome, d.reason) for d in db.session.scalars(db.select(Decision))]

    run = retention.anonymise_expired(years_later(4))

    assert [(i.id, i.rule) for i in run.items if i.kind == "case"] == [(case.id, "rejected_application")]
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    answers = case.data["answers"]
    assert answers["kontakt_email"] is None and answers["telefon"] is None and answers["kontaktperson"] is None
    assert "010190-1234" not in answers["beskrivelse"] and "22334455" not in answers["beskrivelse"]
    assert "Sommerlejr for 30 børn" in answers["beskrivelse"] and answers["antal"] == 30
    assert (case.state, case.amount_applied, case.association_id, case.pool_id) == ("rejected", 10_000,
                                                                                   world.association.id, world.pool.id)
    assert case.anonymised_at is not None
    assert db.session.get(Document, doc_id) is None and not path.exists()
    assert [(d.id, d.outcome, d.reason) for d in db.session.scalars(db.select(Decision))] == decisions_before
    after_events = _events(case.id)
    assert after_events[:len(before_events)] == before_events  # the old journal is untouched
    added = after_events[len(before_events):]
    assert [kind for _id, kind, _c in added] == ["anonymised"]
    assert "rejected_application" in added[0][2] and "kontakt_email" in added[0][2]
    audit = db.session.scalar(db.select(AdminEvent).where(AdminEvent.entity_type == "case",
                                                          AdminEvent.entity_id == case.id))
    assert audit.action == "anonymise" and audit.actor_id is None and audit.after["files_deleted"] == 1

    again = retention.anonymise_expired(years_later(4))
    assert again.items == []  # cases, users and invitations: everything was done the first time
    assert _events(case.id) == after_events


def test_case_within_retention_is_untouched(world):
    case, doc_id = world.case("decide_reject")
    run = retention.anonymise_expired(years_later(3))  # ended this year: kept through year + 3
    assert [i for i in run.items if i.kind == "case"] == []
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.data["answers"]["kontakt_email"] == "jens@example.dk" and case.anonymised_at is None
    assert db.session.get(Document, doc_id) is not None


def test_grant_case_follows_the_five_year_rule_and_open_cases_never_expire(world):
    closed, _doc = world.case("decide_grant", "Lejr")
    closed = world.close_grant(closed)
    still_granted, _doc2 = world.case("decide_grant", "Stævne")
    assert [i for i in retention.anonymise_expired(years_later(5)).items if i.kind == "case"] == []
    run = retention.anonymise_expired(years_later(6))
    assert [(i.id, i.rule) for i in run.items if i.kind == "case"] == [(closed.id, "grant_case")]
    db.session.expire_all()
    assert db.session.get(Case, closed.id).granted_amount == 10_000
    assert db.session.get(Case, still_granted.id).anonymised_at is None


def test_dry_run_changes_nothing(world):
    case, doc_id = world.case("decide_reject")
    events = _events(case.id)
    run = retention.anonymise_expired(years_later(10), dry_run=True)
    assert ("case", case.id) in [(i.kind, i.id) for i in run.items]
    db.session.expire_all()
    assert db.session.get(Case, case.id).anonymised_at is None and db.session.get(Document, doc_id) is not None
    assert _events(case.id) == events
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminEvent)) == 0


def test_inactive_member_is_anonymised_but_not_the_last_chair_with_open_cases(world):
    world.case("decide_grant")  # an open case: the chair must stay
    long_ago = datetime(2015, 1, 1, tzinfo=timezone.utc)
    for user in (world.chair, world.treasurer):
        user.last_login_at = long_ago
    db.session.commit()
    run = retention.anonymise_expired(clock.now())
    assert [(i.kind, i.id) for i in run.items] == [("user", world.treasurer.id)]
    db.session.expire_all()
    treasurer = db.session.get(User, world.treasurer.id)
    assert treasurer.email == f"deleted-{treasurer.id}@slettet.invalid" and not treasurer.is_active
    assert db.session.get(User, world.chair.id).email == "formand@example.dk"


def test_old_invitation_loses_its_address(world):
    invitation = Invitation(association_id=world.association.id, email="ny@example.dk", role="member",
                            expires_at=clock.now() - timedelta(days=3 * 366))
    db.session.add(invitation)
    db.session.commit()
    retention.anonymise_expired(clock.now())
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).email == f"invitation-{invitation.id}@slettet.invalid"
    assert retention.anonymise_expired(clock.now()).items == []


def test_beat_schedule_runs_the_job_daily(app):
    celery_app = app.extensions["celery"]
    entry = celery_app.conf.beat_schedule["anonymise-expired"]
    assert entry["task"] == "app.tasks.retention.anonymise_expired" and entry["schedule"] == 24 * 3600
    assert entry["task"] in celery_app.tasks


def test_task_runs_the_job(world, app):
    db.session.add(Invitation(association_id=world.association.id, email="gammel@example.dk", role="member",
                              expires_at=clock.now() - timedelta(days=3 * 366)))
    db.session.commit()
    from app.tasks.retention import anonymise_expired
    assert anonymise_expired.apply().get() == {"case": 0, "user": 0, "invitation": 1}
    assert anonymise_expired.apply().get() == {"case": 0, "user": 0, "invitation": 0}


def test_cli_dry_run_lists_and_changes_nothing(world, runner):
    world.case("decide_reject")
    result = runner.invoke(args=["anonymise-expired", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "0 sager, 0 brugere og 0 invitationer ville blive anonymiseret." in result.output


@pytest.mark.parametrize("env, expected", [({"RETENTION_YEARS_GRANT_CASE": "10"}, 10), ({}, 5)])
def test_rules_are_configuration(env, expected):
    from config import settings_from_env
    assert settings_from_env(env).get("RETENTION_YEARS", {"grant_case": 5})["grant_case"] == expected


def test_unknown_rule_name_is_refused():
    from config import settings_from_env
    with pytest.raises(RuntimeError):
        settings_from_env({"RETENTION_YEARS_GRANT_CAES": "10"})


UTC = timezone.utc


def test_the_cutoff_is_danish_new_year(app):
    """Whole years after the *Danish* calendar year the record ended in: New Year is 23:00 UTC (winter)."""
    summer = datetime(2030, 6, 15, 10, 0, tzinfo=UTC)
    assert retention.cutoff("rejected_application", summer) == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    new_years_night = datetime(2030, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January 2031 in Copenhagen
    assert retention.cutoff("rejected_application", new_years_night) == datetime(2027, 12, 31, 23, 0, tzinfo=UTC)


def _case_ended_at(world, moment: datetime, title: str) -> Case:
    world.pool.opens_on, world.pool.deadline = date(2020, 1, 1), date(2031, 12, 31)  # open whenever the case is
    db.session.commit()
    with clock.frozen_at(moment):
        case, _doc = world.case("decide_reject", title)
    return case


def test_a_case_ended_on_danish_new_years_night_counts_in_the_new_year(world):
    """Rejected at 00:30 on 1 January 2027 in Copenhagen (still 2026 in UTC): kept through 2030, gone in 2031."""
    case = _case_ended_at(world, datetime(2027, 1, 1, 0, 30), "Nytårslejr")
    kept = retention.anonymise_expired(datetime(2030, 12, 31, 22, 59, tzinfo=UTC), dry_run=True)
    assert [i for i in kept.items if i.kind == "case"] == []
    run = retention.anonymise_expired(datetime(2030, 12, 31, 23, 0, tzinfo=UTC), dry_run=True)  # Danish midnight
    assert [(i.id, i.rule) for i in run.items if i.kind == "case"] == [(case.id, "rejected_application")]


def test_a_case_expires_at_danish_midnight_not_utc_midnight(world):
    """Rejected in June 2027: at 00:30 on 1 January 2031 in Copenhagen (23:30 UTC on 31 December) it has expired."""
    case = _case_ended_at(world, datetime(2027, 6, 15, 12, 0), "Sommerlejr")
    run = retention.anonymise_expired(datetime(2030, 12, 31, 23, 30, tzinfo=UTC))
    assert [(i.id, i.rule) for i in run.items if i.kind == "case"] == [(case.id, "rejected_application")]
    db.session.expire_all()
    assert db.session.get(Case, case.id).anonymised_at is not None


def test_cli_lists_the_danish_date_a_record_ended(world, runner):
    _case_ended_at(world, datetime(2027, 1, 1, 0, 30), "Nytårslejr")  # 31 December 2026 in UTC
    with clock.frozen_at(datetime(2031, 6, 1, 12, 0)):
        result = runner.invoke(args=["anonymise-expired", "--dry-run"])
    assert result.exit_code == 0, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("case")]
    assert line.split()[-2:] == ["rejected_application", "2027-01-01"], line


def test_each_case_is_its_own_unit_so_a_failure_keeps_what_was_done(world, monkeypatch):
    """On purpose: a run stopped half-way keeps the cases it finished; the next run does the rest."""
    first, _doc = world.case("decide_reject", "Lejr")
    second, doc_id = world.case("decide_reject", "Stævne")
    real, done = retention._scrub_related, []

    def fail_on_the_second(case_id: int) -> None:
        if case_id == second.id:
            raise RuntimeError("disk full")
        done.append(case_id)
        real(case_id)
    monkeypatch.setattr(retention, "_scrub_related", fail_on_the_second)
    with pytest.raises(RuntimeError):
        retention.anonymise_expired(years_later(4))
    db.session.expire_all()
    assert done == [first.id] and db.session.get(Case, first.id).anonymised_at is not None
    assert db.session.get(Case, second.id).anonymised_at is None  # nothing of the failed case is left behind
    assert db.session.get(Document, doc_id) is not None and stored_path(db.session.get(Document, doc_id)).exists()
    monkeypatch.undo()
    assert [i.id for i in retention.anonymise_expired(years_later(4)).items if i.kind == "case"] == [second.id]


def test_a_run_inside_a_use_case_is_refused(world):
    from app.services.unit_of_work import transaction
    with pytest.raises(RuntimeError), transaction():
        retention.anonymise_expired(years_later(4))
