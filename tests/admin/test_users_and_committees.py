"""Users (create, search, disable, enable) and committees (members, chair), journalised."""
from app.extensions import db
from app.models import AdminEvent, Committee, CommitteeMember, OutboxMessage, User
from tests.admin.conftest import ADMIN_EMAIL


def test_create_staff_journals_and_sends_welcome(admin_client, admin):
    resp = admin_client.post("/admin/brugere", data={"full_name": "Mette Sørensen", "email": "Mette@Kommune.dk",
                                                     "role": "caseworker"})
    assert resp.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "mette@kommune.dk"))
    assert user.role == "caseworker"
    assert db.session.scalar(db.select(OutboxMessage.template).where(OutboxMessage.recipient == user.email)) \
        == "staff_welcome"
    event = db.session.scalar(db.select(AdminEvent))
    assert (event.entity_type, event.entity_id, event.action, event.after["role"]) == ("user", user.id, "create",
                                                                                       "caseworker")


def test_create_staff_duplicate_and_bad_role(admin_client, admin):
    resp = admin_client.post("/admin/brugere", data={"full_name": "Anne", "email": ADMIN_EMAIL, "role": "caseworker"})
    assert "Der findes allerede en bruger" in resp.get_data(as_text=True)
    resp = admin_client.post("/admin/brugere", data={"full_name": "Anne", "email": "a@b.dk", "role": "member"})
    assert "Vælg en af mulighederne på listen" in resp.get_data(as_text=True)


def test_disable_and_enable(client, auth, admin_client, factory):
    caseworker = factory.user(role="caseworker", email="jonas@kommune.dk", name="Jonas Bæk")
    db.session.commit()
    resp = admin_client.post(f"/admin/brugere/{caseworker.id}/aktiv", data={"aktiv": "0"}, follow_redirects=True)
    assert "Jonas Bæk er deaktiveret" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, caseworker.id).is_active
    auth.logout()
    assert "Din bruger er spærret" in auth.login("jonas@kommune.dk").get_data(as_text=True)
    assert client.get("/sagsbehandling/").status_code == 302
    auth.login(ADMIN_EMAIL)
    client.post(f"/admin/brugere/{caseworker.id}/aktiv", data={"aktiv": "1"})
    db.session.expire_all()
    assert db.session.get(User, caseworker.id).is_active
    actions = db.session.scalars(db.select(AdminEvent.action).order_by(AdminEvent.id)).all()
    assert actions == ["disable", "enable"]


def test_a_logged_in_user_who_is_disabled_is_logged_out(client, auth, factory, admin):
    from app.services.admin import users as admin_users
    caseworker = factory.user(role="caseworker", email="jonas@kommune.dk")
    db.session.commit()
    auth.login("jonas@kommune.dk")
    assert client.get("/sagsbehandling/").status_code == 200
    admin_users.set_active(caseworker.id, admin, False)
    assert client.get("/sagsbehandling/").status_code == 302


def test_cannot_disable_yourself(admin_client, admin):
    resp = admin_client.post(f"/admin/brugere/{admin.id}/aktiv", data={"aktiv": "0"}, follow_redirects=True)
    assert "Du kan ikke deaktivere din egen bruger" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_active


def test_user_search_and_pages(admin_client, factory):
    for i in range(105):
        factory.user(role="member", email=f"medlem{i:03d}@example.dk", name=f"Medlem {i:03d}")
    db.session.commit()
    body = admin_client.get("/admin/brugere?q=medlem").get_data(as_text=True)
    assert "Medlem 000" in body and "Medlem 099" in body and "Medlem 100" not in body and "Vis flere" in body
    last = db.session.scalar(db.select(User).where(User.full_name == "Medlem 099"))
    body = admin_client.get(f"/admin/brugere?q=medlem&efter={last.id}").get_data(as_text=True)
    assert "Medlem 100" in body and "Medlem 104" in body and "Medlem 099" not in body
    assert "Medlem" not in admin_client.get("/admin/brugere?q=zzz").get_data(as_text=True).split("Alle brugere")[1]


def test_create_committee_with_members_and_chair(admin_client, admin, factory):
    lise = factory.user(role="committee_member", email="lise@kommune.dk", name="Lise Dahl")
    ahmed = factory.user(role="committee_member", email="ahmed@kommune.dk", name="Ahmed Hansen")
    db.session.commit()
    resp = admin_client.post("/admin/udvalg/ny", data={"name": "Kultur- og Fritidsudvalget", "description": "",
                                                       "members": [lise.id, ahmed.id], "chair": lise.id})
    assert resp.status_code == 302
    committee = db.session.scalar(db.select(Committee))
    seats = {m.user_id: m.is_chair for m in committee.members}
    assert seats == {lise.id: True, ahmed.id: False}
    # Change the chair and drop a member in one go.
    admin_client.post(f"/admin/udvalg/{committee.id}", data={"name": "Kultur- og Fritidsudvalget",
                                                            "members": [ahmed.id], "chair": ahmed.id})
    db.session.expire_all()
    seats = db.session.scalars(db.select(CommitteeMember).where(CommitteeMember.committee_id == committee.id)).all()
    assert [(s.user_id, s.is_chair) for s in seats] == [(ahmed.id, True)]
    events = db.session.scalars(db.select(AdminEvent).where(AdminEvent.entity_type == "committee")
                                .order_by(AdminEvent.id)).all()
    assert events[1].before["chair"] == lise.id and events[1].after == {
        "name": "Kultur- og Fritidsudvalget", "description": "", "members": [ahmed.id], "chair": ahmed.id}
    body = admin_client.get("/admin/udvalg").get_data(as_text=True)
    assert "Ahmed Hansen" in body


def test_chair_must_be_member_and_name_unique(admin_client, factory):
    lise = factory.user(role="committee_member", email="lise@kommune.dk")
    ahmed = factory.user(role="committee_member", email="ahmed@kommune.dk")
    factory.committee(name="Socialudvalget")
    db.session.commit()
    resp = admin_client.post("/admin/udvalg/ny", data={"name": "Kulturudvalget", "members": [lise.id],
                                                       "chair": ahmed.id})
    assert "Formanden skal også være medlem" in resp.get_data(as_text=True)
    resp = admin_client.post("/admin/udvalg/ny", data={"name": "Socialudvalget", "members": [lise.id]})
    assert "Der findes allerede et udvalg med det navn" in resp.get_data(as_text=True)
    resp = admin_client.post("/admin/udvalg/ny", data={"name": "Kulturudvalget", "members": ["999"]})
    assert resp.status_code == 200 and "Vælg en af mulighederne" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Committee)) == 1
