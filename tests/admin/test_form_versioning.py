"""Applications keep the form version they were started on: a new version never breaks a draft or a case."""
from app.extensions import db
from app.forms_runtime import load_spec, validate_answers
from app.models import Case, FormVersion
from app.services.cases import core as case_service
from app.services.pools import form_builder, forms as form_setup
from app.services.cases import transitions

V1_STEPS = [("Om aktiviteten", [dict(key="titel", label="Titel", kind="short_text", required=True),
                                dict(key="deltagere", label="Antal deltagere", kind="number", required=True)])]


def test_draft_on_version_1_survives_version_2_and_is_submitted_on_it(admin, factory, pool):
    member = factory.user(email="karen@example.dk")
    association = factory.association(members=(member,))
    v1 = factory.form_version(pool, steps=V1_STEPS)
    db.session.commit()
    answers = {"titel": "Sommerlejr", "deltagere": 25}
    case = case_service.create_draft(pool, association, member, "Sommerlejr", 10_000, data={"answers": answers})
    case.form_version_id = v1.id
    db.session.commit()

    # The administrator changes the form: a new required field, and the old one is removed.
    draft = form_setup.start_draft(pool.id, admin)
    step_id = draft.steps[0].id
    form_builder.add_field(step_id, admin, form_builder.FieldValues(label="Formål", kind="long_text", required=True))
    deltagere = next(f for f in draft.fields if f.key == "deltagere")
    form_builder.delete_field(deltagere.id, admin)
    v2 = form_setup.publish(pool.id, admin)
    assert (v1.number, v2.number) == (1, 2) and form_setup.latest_published(pool.id).id == v2.id

    # Version 1 is exactly as it was, and the draft still validates against it.
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.form_version_id == v1.id
    spec_v1 = load_spec(case.form_version_id)
    assert [f.key for f in spec_v1.all_fields()] == ["titel", "deltagere"]
    assert validate_answers(spec_v1, case.data["answers"]) == {}
    assert "formaal" in validate_answers(load_spec(v2.id), case.data["answers"])

    transitions.perform(case.id, "submit", member)
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "submitted" and case.form_version_id == v1.id and case.number
    assert db.session.get(FormVersion, v1.id).status == "published"


def test_published_version_referenced_by_a_case_cannot_be_deleted(factory, pool):
    import pytest
    from sqlalchemy.exc import IntegrityError
    member = factory.user()
    association = factory.association(members=(member,))
    v1 = factory.form_version(pool)
    db.session.commit()
    case = case_service.create_draft(pool, association, member, "x")
    case.form_version_id = v1.id
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("PRAGMA foreign_keys=ON"))
    with pytest.raises(IntegrityError):
        db.session.execute(db.delete(FormVersion).where(FormVersion.id == v1.id))
        db.session.flush()
    db.session.rollback()
