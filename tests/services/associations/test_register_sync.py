"""The nightly CVR register sync against the stand-in: it flags, never overwrites, runs twice to the same result,
and a caseworker applies (journalised) or dismisses what it found."""
import pytest

from app.extensions import db
from app.models import AssociationConflict, AssociationEvent, RegisterChange
from app.services.associations import register_sync
from app.tasks import register as register_task
from tests import cvr_standin as standin


@pytest.fixture
def associations(factory, cvr_register):
    nordstjernen = factory.association(cvr=standin.CHANGING_CVR, name="Boldklubben Nordstjernen",
                                       street="Stadionvej 12", postcode="2730", city="Herlev")
    springeren = factory.association(cvr=standin.ACTIVE_CVR, name="Skakklubben Springer",
                                     street="Torvet 3", postcode="2730", city="Herlev")
    roklub = factory.association(cvr=standin.CEASED_CVR, name="Gamle Roklub", street="Havnen 1", postcode="2730",
                                 city="Herlev")
    unknown = factory.association(cvr=standin.UNKNOWN_CVR, name="Ukendt", street="Vej 1", postcode="2730",
                                  city="Herlev")
    db.session.commit()
    return nordstjernen, springeren, roklub, unknown


def _changes() -> dict[int, RegisterChange]:
    return {c.association_id: c for c in db.session.scalars(db.select(RegisterChange))}


def test_first_sync_flags_name_and_ceased_status_and_overwrites_nothing(associations):
    nordstjernen, springeren, roklub, unknown = associations
    counts = register_sync.sync_all()
    assert counts == {"checked": 3, "flagged": 2, "missing": 1}
    changes = _changes()
    assert set(changes) == {springeren.id, roklub.id}
    assert changes[springeren.id].changes == {"name": ["Skakklubben Springer", "Skakklubben Springeren"]}
    assert changes[roklub.id].changes == {"status": [None, "OPLØSTEFTERFRIVILLIGLIKVIDATION"]}
    db.session.expire_all()
    assert springeren.name == "Skakklubben Springer" and nordstjernen.register_snapshot["status"] == "Aktiv"
    assert springeren.register_checked_at is not None and unknown.register_checked_at is None


def test_a_second_run_changes_nothing(associations):
    register_sync.sync_all()
    before = {(c.id, c.detected_at) for c in db.session.scalars(db.select(RegisterChange))}
    assert register_task.sync_cvr_register() == {"checked": 3, "missing": 1}
    assert {(c.id, c.detected_at) for c in db.session.scalars(db.select(RegisterChange))} == before


def test_changed_board_and_address_are_flagged_and_applied(associations, factory, cvr_register):
    nordstjernen = associations[0]
    register_sync.sync_all()
    cvr_register.changed = True
    assert register_sync.sync_all()["flagged"] == 1
    change = _changes()[nordstjernen.id]
    assert change.changes["street"] == ["Stadionvej 12", "Idrætsvej 4"]
    assert change.changes["board"][1] == [["Karen Holm", "BESTYRELSESMEDLEM"], ["Sofie Dahl", "FORMAND"]]
    db.session.expire_all()
    assert nordstjernen.street == "Stadionvej 12"
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    register_sync.apply_change(change.id, caseworker)
    db.session.expire_all()
    assert (nordstjernen.street, change.status, change.decided_by_id) == ("Idrætsvej 4", "applied", caseworker.id)
    event = db.session.scalar(db.select(AssociationEvent).where(AssociationEvent.association_id == nordstjernen.id))
    assert event.action == "register_change_applied" and event.actor_id == caseworker.id
    assert "flagged" not in register_sync.sync_all()
    with pytest.raises(register_sync.ChangeNotPending):
        register_sync.dismiss_change(change.id, caseworker)


def test_dismissed_change_is_not_flagged_again(associations, factory):
    springeren = associations[1]
    register_sync.sync_all()
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.commit()
    register_sync.dismiss_change(_changes()[springeren.id].id, caseworker)
    db.session.expire_all()
    assert springeren.name == "Skakklubben Springer" and _changes()[springeren.id].status == "dismissed"
    assert "flagged" not in register_sync.sync_all()
    assert [e.action for e in db.session.scalars(db.select(AssociationEvent))] == ["register_change_dismissed"]


def test_inhabil_caseworker_neither_sees_nor_decides(associations, factory):
    springeren = associations[1]
    register_sync.sync_all()
    caseworker = factory.user(role="caseworker", email="mette@kommune.dk")
    db.session.add(AssociationConflict(association_id=springeren.id, user_id=caseworker.id, reason="Min bror"))
    db.session.commit()
    assert springeren.id not in [c.association_id for c in register_sync.pending_changes(caseworker)]
    with pytest.raises(register_sync.Inhabil):
        register_sync.apply_change(_changes()[springeren.id].id, caseworker)


def test_register_down_stops_the_run_without_harm(associations, cvr_register):
    cvr_register.mode = "error"
    assert register_sync.sync_all() == {"unavailable": 1}
    assert _changes() == {}


def test_without_a_register_the_sync_does_nothing(app, factory):
    assert register_sync.sync_all() == {"skipped": 1}


def test_beat_runs_the_sync_daily(app):
    entry = app.extensions["celery"].conf.beat_schedule["sync-cvr-register"]
    assert entry["task"] == register_task.sync_cvr_register.name and entry["schedule"] == 24 * 3600
