"""Starting an application: which association applies, eligibility with where to fix it, one draft per pool."""
from datetime import timedelta

from app import clock
from app.extensions import db
from app.models import AssociationApproval, Case, Membership
from tests.applying.conftest import FORM, fresh, post_step, start, step1

URL = "/forening/ansoegninger/ny/frivillighedspuljen"


def _drafts(association):
    return db.session.scalars(db.select(Case).where(Case.association_id == association.id)).all()


def test_pool_page_offers_search_to_members_only(client, auth, world):
    assert "Søg nu" not in client.get("/puljer/frivillighedspuljen").get_data(as_text=True)
    auth.login("karen@example.dk")
    page = client.get("/puljer/frivillighedspuljen").get_data(as_text=True)
    assert "Søg nu" in page and URL in page


def test_start_creates_a_draft_pinned_to_the_published_version(client, auth, world):
    auth.login("karen@example.dk")
    page = client.get(URL).get_data(as_text=True)
    assert "Du søger for Boldklubben Nordstjernen" in page and "Start ansøgningen" in page
    case_id = start(client, "frivillighedspuljen")
    case = fresh(case_id)
    assert (case.state, case.association_id, case.form_version_id) == ("draft", world["a"].id, world["version"].id)
    assert case.title == "Frivillighedspuljen – Boldklubben Nordstjernen" and case.number is None
    assert case.data == {"answers": {}, "step": 0}


def test_second_start_continues_the_same_draft(client, auth, world):
    auth.login("karen@example.dk")
    first = start(client, "frivillighedspuljen")
    auth.logout()
    auth.login("bo@example.dk")
    assert "Fortsæt jeres kladde" in client.get(URL).get_data(as_text=True)
    resp = client.post(URL, follow_redirects=False)
    assert resp.location.endswith(f"/forening/ansoegninger/{first}")
    assert len(_drafts(world["a"])) == 1


def test_member_of_several_associations_chooses(client, auth, world, factory):
    db.session.add(Membership(user_id=world["chair"].id, association_id=world["b"].id, role="member"))
    db.session.commit()
    auth.login("karen@example.dk")
    page = client.get(URL).get_data(as_text=True)
    assert "Hvilken forening søger?" in page and "Svømmeklubben Bølgen" in page
    resp = client.post(URL, data={})
    assert resp.status_code == 200 and "Vælg den forening, der søger." in resp.get_data(as_text=True)
    assert start(client, "frivillighedspuljen", world["b"].id) and len(_drafts(world["b"])) == 1
    assert _drafts(world["a"]) == []


def test_posting_another_associations_id_is_refused(client, auth, world):
    auth.login("karen@example.dk")
    for bad in (str(world["b"].id), "abc", "999999", "-1"):
        resp = client.post(URL, data={"association_id": bad})
        assert resp.status_code == 200 and "Vælg den forening, der søger." in resp.get_data(as_text=True)
    assert _drafts(world["b"]) == []


def test_ineligible_association_gets_reasons_and_where_to_fix_them(client, auth, world, factory):
    pool = factory.pool(year=clock.today().year, opens_on=clock.today() - timedelta(days=3), slug="lokaletilskud",
                        deadline=clock.today() + timedelta(days=30), requires_approval=True,
                        requires_child_certificate=True, name="Lokaletilskud")
    factory.form_version(pool, FORM)
    world["a"].works_with_children = True
    db.session.commit()
    auth.login("karen@example.dk")
    page = client.get("/forening/ansoegninger/ny/lokaletilskud").get_data(as_text=True)
    assert "godkendt som folkeoplysende forening" in page and "børneattest-erklæring" in page
    assert f"/forening/foreninger/{world['a'].id}#godkendelse" in page
    assert f"/forening/foreninger/{world['a'].id}/boerneattest" in page
    assert "Start ansøgningen" not in page
    resp = client.post("/forening/ansoegninger/ny/lokaletilskud", data={"association_id": str(world["a"].id)})
    assert resp.status_code == 200 and _drafts(world["a"]) == []
    db.session.add(AssociationApproval(association_id=world["a"].id, year=pool.year))
    world["a"].child_certificate_declared_at = world["a"].created_at
    db.session.commit()
    assert start(client, "lokaletilskud", world["a"].id)


def test_closed_pool_and_pool_without_form(client, auth, world, factory):
    closed = factory.pool(year=clock.today().year, opens_on=clock.today() - timedelta(days=60), slug="lukket",
                          deadline=clock.today() - timedelta(days=1), name="Lukket pulje")
    factory.form_version(closed, FORM)
    factory.pool(year=clock.today().year, opens_on=clock.today() - timedelta(days=60), slug="uden-skema",
                 deadline=clock.today() + timedelta(days=10), name="Pulje uden skema")
    db.session.commit()
    auth.login("karen@example.dk")
    assert "Ansøgningsfristen var" in client.get("/forening/ansoegninger/ny/lukket").get_data(as_text=True)
    page = client.get("/forening/ansoegninger/ny/uden-skema").get_data(as_text=True)
    assert "har ikke et ansøgningsskema endnu" in page
    resp = client.post("/forening/ansoegninger/ny/uden-skema")
    assert resp.status_code == 200 and _drafts(world["a"]) == []


def test_no_association_yet_is_told_to_register(client, auth, world, factory):
    factory.user(email="ny@example.dk")
    db.session.commit()
    auth.login("ny@example.dk")
    page = client.get(URL).get_data(as_text=True)
    assert "Registrér en forening" in page and "/forening/ny" in page
    assert client.post(URL).status_code == 200


def test_access_rules(client, auth, world):
    assert "/konto/log-ind" in client.get(URL).location
    auth.login("mette@kommune.dk")
    assert client.get(URL).status_code == 403
    auth.logout()
    auth.login("karen@example.dk")
    assert client.get("/forening/ansoegninger/ny/findes-ikke").status_code == 404


def test_draft_stays_on_its_version_after_a_new_one_is_published(client, auth, world, factory):
    auth.login("karen@example.dk")
    case_id = start(client, "frivillighedspuljen")
    v2_form = [("Helt nyt trin", [dict(key="nyt_felt", label="Et nyt spørgsmål", kind="short_text", required=True)])]
    v2 = factory.form_version(world["pool"], v2_form)
    db.session.commit()
    assert v2.number == 2
    page = client.get(f"/forening/ansoegninger/{case_id}/trin/1").get_data(as_text=True)
    assert "Titel på aktiviteten" in page and "Et nyt spørgsmål" not in page
    assert post_step(client, case_id, 1, step1()).status_code == 302
    assert fresh(case_id).form_version_id == world["version"].id
    auth.logout()
    auth.login("bo@example.dk")  # the association's draft is continued, not a new one on v2
    assert client.post(URL).location.endswith(f"/forening/ansoegninger/{case_id}")
    auth.logout()  # a new draft by another association starts on v2
    auth.login("ole@example.dk")
    other = start(client, "frivillighedspuljen")
    assert fresh(other).form_version_id == v2.id
    assert "Et nyt spørgsmål" in client.get(f"/forening/ansoegninger/{other}/trin/1").get_data(as_text=True)
