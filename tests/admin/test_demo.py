"""The demo: every grant pool has a published form and eligibility questions; seeding is all or nothing."""
from app.extensions import db
from app.forms_runtime import load_spec, validate_answers
from app.models import AdminEvent, Case, FormVersion, Location, OutboxMessage, Pool, User


def test_demo_grant_pools_have_published_forms_and_questions(app, client):
    from app.demo import seed
    seed()
    grant_pools = db.session.scalars(db.select(Pool).where(Pool.workflow.in_(("subsidy", "new_initiative")))).all()
    assert len(grant_pools) == 5
    for pool in grant_pools:
        version = db.session.scalar(db.select(FormVersion).where(FormVersion.pool_id == pool.id))
        assert (version.status, version.number) == ("published", 1), pool.name
        spec = load_spec(version.id)
        assert [s.title for s in spec.steps] == ["Om aktiviteten", "Budget", "Bilag"]
        assert any(f.kind == "budget" for f in spec.all_fields())
        assert spec.field("hvem_samarbejder_i_med").condition_key == "samarbejder_i_med_andre"
        assert "hvad_vil_i_lave" in validate_answers(spec, {})
        assert 2 <= len(pool.questions) <= 4
        body = client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
        assert "Sådan ser ansøgningen ud" in body and "Skal vi søge?" in body
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminEvent)) > 20


def test_a_seed_that_fails_half_way_leaves_the_database_as_it_was(app, runner):
    """The demo's premises come last and collide with a school already there: users, cases, a meeting's
    decisions and their letters in the outbox were all made by then."""
    db.session.add(Location(name="Nordskolen", address="Skolevej 10, 9999 Eksempelby"))
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 1
    assert "Demodata kunne ikke lægges ind" in result.output and "Intet er gemt" in result.output
    db.session.remove()
    for model in (User, Case, OutboxMessage, AdminEvent):
        assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0, model.__name__
    assert db.session.scalar(db.select(db.func.count()).select_from(Pool)) == 0
    assert db.session.scalars(db.select(Location.name)).all() == ["Nordskolen"]


def test_seed_demo_refuses_a_database_in_use_and_skips_when_asked(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 1 and "Databasen er ikke tom" in again.output
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0 and "Demodata findes allerede" in skipped.output


def test_demo_pools_use_the_library_and_its_letters_are_one_lawful_whole(app, client):
    """Every demo pool has chosen a library entry; every demo decision and letter pairs that entry's basis
    with that entry's guidance and speaks to the association as I/jer (issue 19)."""
    import re
    from app.demo import seed
    from app.models import Decision, LegalBasis
    from app.services.committee import letters
    seed()
    pools = db.session.scalars(db.select(Pool)).all()
    assert pools and all(p.basis is not None for p in pools)
    assert {p.basis.code for p in pools} >= {"servicelov-18", "folkeoplysning-25", "folkeoplysning-21-22"}
    entries = {(e.name, e.appeal_text) for e in db.session.scalars(db.select(LegalBasis))}
    decisions = db.session.scalars(db.select(Decision)).all()
    assert decisions
    for decision in decisions:
        assert (decision.legal_basis, decision.appeal_text) == (decision.case.pool.legal_basis,
                                                                decision.case.pool.appeal_text)
        assert (decision.legal_basis, decision.appeal_text) in entries
        if decision.letter_document_id is not None:
            text = letters.letter_content(decision.letter_document_id).text()
            assert f"efter {decision.legal_basis}." in text and decision.appeal_text.split("\n\n")[0] in text
            assert not re.search(r"\b(du|dig|din|dit|dine)\b", text, re.IGNORECASE), text
            assert "indstil" not in text.lower()
