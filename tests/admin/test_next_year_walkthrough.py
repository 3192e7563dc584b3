"""The issue's 'done when', through the pages on the demo data: copy a pool to next year, add a criterion and a
conditional field, preview and publish the form, publish the pool, and an association sees it."""
from app.extensions import db
from app.models import FormStep, FormVersion, Pool


def test_administrator_sets_up_next_year_and_an_association_sees_it(app, client, auth):
    from app.demo import seed
    seed()
    source = db.session.scalar(db.select(Pool).where(Pool.slug.like("frivillighedspulje-%")))
    year = source.year
    auth.login("admin@demo.dk")

    resp = client.post(f"/admin/puljer/{source.id}/kopier", follow_redirects=True)
    assert f"Puljen er kopieret til {year + 1}" in resp.get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool).where(Pool.slug == f"frivillighedspulje-{year + 1}"))

    client.post(f"/admin/puljer/{pool.id}/kriterier", data={"name": "Frivillige unge", "weight": "1",
                                                           "description": "Unge frivillige er med."})
    step = db.session.scalar(db.select(FormStep).join(FormVersion).where(
        FormVersion.pool_id == pool.id, FormStep.title == "Om aktiviteten"))
    resp = client.post(f"/admin/puljer/{pool.id}/skema/felter", data={
        "field-step_id": step.id, "field-label": "Hvor mange unge frivillige er med?", "field-kind": "number",
        "field-required": "y", "field-condition": "hvem_er_aktiviteten_for=Unge (13-24 år)"})
    assert resp.status_code == 302

    preview = client.get(f"/admin/puljer/{pool.id}/skema/forhaandsvisning").get_data(as_text=True)
    assert "Forhåndsvisning" in preview and "Hvor mange unge frivillige er med?" in preview
    resp = client.post(f"/admin/puljer/{pool.id}/skema/offentliggoer", follow_redirects=True)
    assert "Version 1 af skemaet er offentliggjort" in resp.get_data(as_text=True)
    resp = client.post(f"/admin/puljer/{pool.id}/offentliggoer", data={"offentlig": "1"}, follow_redirects=True)
    assert "vises nu på siden" in resp.get_data(as_text=True)
    auth.logout()

    auth.login("forening@demo.dk")
    assert f"Frivillighedspuljen {year + 1}" in client.get("/puljer").get_data(as_text=True)
    page = client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
    for text in ("Frivillige unge", "Sådan ser ansøgningen ud", "Hvor mange unge frivillige er med?",
                 "Besvares kun, hvis du har svaret »Unge (13-24 år)« til »Hvem er aktiviteten for?«",
                 "Skal vi søge?", "/sagsgange/subsidy", "Budgetskema"):
        assert text in page, text
