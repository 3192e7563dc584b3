"""The demo gives every grant pool a published form and eligibility questions the portal can build on."""
from app.extensions import db
from app.forms_runtime import load_spec, validate_answers
from app.models import AdminEvent, FormVersion, Pool


def test_demo_grant_pools_have_published_forms_and_questions(app, client):
    from app.demo import seed
    seed()
    grant_pools = db.session.scalars(db.select(Pool).where(Pool.workflow.in_(("subsidy", "new_initiative")))).all()
    assert len(grant_pools) == 4
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
