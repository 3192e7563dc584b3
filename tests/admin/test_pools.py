"""Setting up pools through the pages: create, change, publish, copy to next year; bad input refused."""
from datetime import date

import pytest

from app.extensions import db
from app.models import AdminEvent, Case, EligibilityQuestion, FormVersion, LegalBasis, Pool, PoolCriterion
from app.services.cases import core as case_service
from tests.factories import LegalBasisFactory


def _basis_id() -> int:
    """An entry of the library of legal bases (the migration's seed, or one made here)."""
    entry = db.session.scalar(db.select(LegalBasis).order_by(LegalBasis.id).limit(1)) or LegalBasisFactory()
    db.session.commit()
    return entry.id


def pool_form(committee_id: int, **overrides) -> dict:
    data = {"name": "Idrætspuljen", "slug": "", "purpose": "Tilskud til idrætsforeninger.",
            "committee_id": committee_id, "workflow": "subsidy", "applicants": "associations", "year": "2027",
            "budget": "250.000", "opens_on": "01.01.2027", "deadline_mode": "rounds", "deadlines-0": "01.03.2027",
            "deadlines-1": "01.09.2027", "late_reduction_per_month": "1", "delegation_limit": "20000",
            "reply_days": "14", "report_due_days": "90", "payment_mode": "single",
            "rules_text": "<p>Husk forsikring.</p>", "legal_basis_id": str(_basis_id())}
    data.update(overrides)
    return data


@pytest.fixture
def committee(factory):
    c = factory.committee(name="Kultur- og Fritidsudvalget")
    db.session.commit()
    return c


def test_create_pool_through_the_page(admin_client, admin, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool))
    assert (pool.slug, pool.year, pool.budget, pool.is_published) == ("idraetspuljen-2027", 2027, 250_000, False)
    assert [r.deadline for r in pool.rounds] == [date(2027, 3, 1), date(2027, 9, 1)]
    assert pool.deadline == date(2027, 9, 1) and pool.opens_on == date(2027, 1, 1)
    assert pool.late_reduction_per_month == 1 and pool.report_due_days == 90
    event = db.session.scalar(db.select(AdminEvent))
    assert (event.actor_id, event.entity_type, event.entity_id, event.action) == (admin.id, "pool", pool.id, "create")
    assert event.before is None and event.after["deadlines"] == ["2027-03-01", "2027-09-01"]


def test_rolling_pool_has_no_deadline(admin_client, committee):
    admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, deadline_mode="rolling", **{"deadlines-0": "",
                                                                                                   "deadlines-1": ""}))
    pool = db.session.scalar(db.select(Pool))
    assert pool.is_rolling and pool.deadline is None and pool.rounds == []


def test_deadline_before_opening_is_refused_and_input_kept(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, **{"deadlines-0": "15.12.2026"}))
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "kan ikke ligge før den dato, puljen åbner" in body and 'id="error-summary"' in body
    assert 'value="15.12.2026"' in body and 'value="Idrætspuljen"' in body
    assert db.session.scalar(db.select(db.func.count()).select_from(Pool)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AdminEvent)) == 0


@pytest.mark.parametrize("field, value, message", [
    ("budget", "mange penge", "Skriv beløbet i hele kroner"),
    ("budget", "-5", "Skriv beløbet i hele kroner"),
    ("year", "1999", "Skriv et år mellem 2000 og 2100"),
    ("opens_on", "31.02.2027", "Datoen findes ikke"), ("opens_on", "1. marts", "Skriv en dato som dd.mm.åååå"),
    ("reply_days", "0", "Skriv et antal dage fra 1 til 365"),
    ("slug", "Ikke Gyldig!", "Adressen må kun have små bogstaver"),
    ("name", "", "Skriv puljens navn"),
    ("legal_basis_id", "", "Vælg puljens lovgrundlag"),
    ("legal_basis_id", "999999", "Vælg en af mulighederne på listen"),
])
def test_bad_pool_input(admin_client, committee, field, value, message):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, **{field: value}))
    assert resp.status_code == 200 and message in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Pool)) == 0


def test_no_deadline_without_rolling(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, **{"deadlines-0": "", "deadlines-1": ""}))
    assert "Skriv mindst én ansøgningsfrist" in resp.get_data(as_text=True)


def test_instalments_need_a_count(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, payment_mode="instalments",
                                                                instalment_count="1"))
    assert "Skriv antallet af rater" in resp.get_data(as_text=True)
    admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, payment_mode="instalments",
                                                         instalment_count="3", advance_allowed="y"))
    pool = db.session.scalar(db.select(Pool))
    assert (pool.payment_mode, pool.instalment_count, pool.advance_allowed) == ("instalments", 3, True)


def test_duplicate_slug_refused(admin_client, pool):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(pool.committee_id, slug=pool.slug))
    assert "Der findes allerede en pulje med adressen" in resp.get_data(as_text=True)


def test_budget_below_granted_is_refused(admin_client, factory, pool):
    member = factory.user()
    association = factory.association(members=(member,))
    db.session.commit()
    case = case_service.create_draft(pool, association, member, "Sommerlejr", 40_000)
    case.granted_amount = 40_000
    db.session.commit()
    data = pool_form(pool.committee_id, name=pool.name, slug=pool.slug, year="2026", opens_on="01.01.2026",
                     **{"deadlines-0": "31.12.2026", "deadlines-1": ""}, budget="39.999")
    resp = admin_client.post(f"/admin/puljer/{pool.id}", data=data)
    body = resp.get_data(as_text=True)
    assert "Puljen har allerede bevilget 40.000 kr., så budgettet kan ikke være lavere" in body
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).budget == 500_000
    resp = admin_client.post(f"/admin/puljer/{pool.id}", data={**data, "budget": "40000"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).budget == 40_000


def test_unsafe_rules_text_is_sanitised_and_said(admin_client, committee):
    rules = '<p onclick="steal()">Husk <strong>forsikring</strong></p><script>alert(1)</script>'
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, rules_text=rules), follow_redirects=True)
    assert "indeholdt HTML, som ikke er tilladt" in resp.get_data(as_text=True)
    pool = db.session.scalar(db.select(Pool))
    assert pool.rules_text == "<p>Husk <strong>forsikring</strong></p>"


def test_safe_rules_text_is_not_flagged(admin_client, committee):
    resp = admin_client.post("/admin/puljer/ny", data=pool_form(committee.id, rules_text="<p>Kultur &amp; fritid</p>"),
                             follow_redirects=True)
    assert "ikke er tilladt" not in resp.get_data(as_text=True)


def test_update_journals_before_and_after(admin_client, admin, pool):
    data = pool_form(pool.committee_id, name="Frivillighedspuljen 2026", slug=pool.slug, year="2026",
                     opens_on="01.01.2026", budget="600000", **{"deadlines-0": "31.12.2026", "deadlines-1": ""})
    assert admin_client.post(f"/admin/puljer/{pool.id}", data=data).status_code == 302
    event = db.session.scalars(db.select(AdminEvent).where(AdminEvent.action == "update")).one()
    assert event.before["budget"] == 500_000 and event.after["budget"] == 600_000
    assert event.before["rules_text"] == "" and event.after["rules_text"] == "<p>Husk forsikring.</p>"


def test_publish_and_hide(admin_client, pool):
    resp = admin_client.post(f"/admin/puljer/{pool.id}/offentliggoer", data={"offentlig": "1"}, follow_redirects=True)
    assert "vises nu på siden" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Pool, pool.id).is_published
    admin_client.post(f"/admin/puljer/{pool.id}/offentliggoer", data={"offentlig": "0"})
    db.session.expire_all()
    assert not db.session.get(Pool, pool.id).is_published
    actions = db.session.scalars(db.select(AdminEvent.action).order_by(AdminEvent.id)).all()
    assert actions == ["publish", "unpublish"]


def test_pool_with_only_a_draft_form_cannot_be_published(admin_client, factory, pool):
    factory.form_version(pool, published=False)
    db.session.commit()
    resp = admin_client.post(f"/admin/puljer/{pool.id}/offentliggoer", data={"offentlig": "1"}, follow_redirects=True)
    assert "Offentliggør ansøgningsskemaet, før du offentliggør puljen" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Pool, pool.id).is_published


def test_copy_to_next_year_with_everything(admin_client, admin, factory, pool):
    pool.rules_text, pool.accepts_late, pool.late_reduction_per_month = "<p>Regler</p>", True, 1
    pool.rounds = []
    db.session.add(EligibilityQuestion(pool_id=pool.id, position=0, text="Er I en forening?", qualifying_answer=True,
                                       explanation="Puljen er for foreninger."))
    factory.form_version(pool, steps=[("Om aktiviteten", [
        dict(key="samarbejde", label="Samarbejder I med andre?", kind="yes_no", required=True),
        dict(key="partnere", label="Hvem?", kind="short_text", condition_key="samarbejde", condition_value="yes")]),
        ("Budget", [dict(key="budget", label="Budget", kind="budget", required=True)])])
    db.session.commit()
    resp = admin_client.post(f"/admin/puljer/{pool.id}/kopier", follow_redirects=True)
    assert "Puljen er kopieret til 2027" in resp.get_data(as_text=True)
    copy = db.session.scalar(db.select(Pool).where(Pool.year == 2027))
    assert (copy.slug, copy.name) == ("frivillighedspuljen-2027", "Frivillighedspuljen 2027")
    assert (copy.opens_on, copy.deadline) == (date(2027, 1, 1), date(2027, 12, 31))
    assert not copy.is_published and copy.copied_from_id == pool.id
    assert (copy.rules_text, copy.accepts_late, copy.budget) == ("<p>Regler</p>", True, pool.budget)
    assert [(c.name, c.weight) for c in copy.criteria] == [("Samspil", 2), ("Synlighed", 1)]
    assert [q.text for q in copy.questions] == ["Er I en forening?"]
    [draft] = db.session.scalars(db.select(FormVersion).where(FormVersion.pool_id == copy.id)).all()
    assert draft.status == "draft"
    assert [[f.key for f in s.fields] for s in draft.steps] == [["samarbejde", "partnere"], ["budget"]]
    assert draft.steps[0].fields[1].condition_key == "samarbejde"
    event = db.session.scalar(db.select(AdminEvent).where(AdminEvent.action == "copy"))
    assert event.entity_id == copy.id and event.after["copied_from"] == pool.id
    assert event.after["form_fields"] == ["samarbejde", "partnere", "budget"]
    # The source is untouched, and copying twice is refused with a clear message.
    assert db.session.scalar(db.select(db.func.count()).select_from(PoolCriterion)
                             .where(PoolCriterion.pool_id == pool.id)) == 2
    resp = admin_client.post(f"/admin/puljer/{pool.id}/kopier", follow_redirects=True)
    assert "Er puljen allerede kopieret?" in resp.get_data(as_text=True)


def test_copy_leap_day_deadline(admin_client, factory):
    p = factory.pool(slug="pulje-2028", year=2028, opens_on=date(2028, 1, 1), deadline=date(2028, 2, 29))
    db.session.commit()
    admin_client.post(f"/admin/puljer/{p.id}/kopier")
    copy = db.session.scalar(db.select(Pool).where(Pool.slug == "pulje-2029"))
    assert copy.deadline == date(2029, 2, 28)


def test_pool_list_shows_pools(admin_client, pool):
    body = admin_client.get("/admin/puljer").get_data(as_text=True)
    assert "Frivillighedspuljen 2026" in body and "Kopiér til 2027" in body


def test_granted_amount_is_case_sum(pool, factory):
    from app.services.pools.setup import granted_total
    member = factory.user()
    association = factory.association(members=(member,))
    db.session.commit()
    for amount in (1000, 2500, None):
        case = case_service.create_draft(pool, association, member, "x", 5000)
        case.granted_amount = amount
    db.session.commit()
    assert granted_total(pool.id) == 3500
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 3
