"""The library of legal bases: the administrator lists, adds and changes entries; bad input is refused next
to the field; a pool's decisions take the basis and its guidance from the entry the pool chose."""
from __future__ import annotations

from app.extensions import db
from app.models import AdminEvent, LegalBasis
from tests.factories import LegalBasisFactory

APPEAL = "I kan ikke klage over afgørelsen til en anden administrativ myndighed.\n\nSkriv til os, hvis I har spørgsmål."


def _count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(LegalBasis))


def test_list_shows_the_entries_and_the_pools_that_use_them(admin_client, factory):
    entry = LegalBasisFactory(name="servicelovens § 18", note="Frivilligt socialt arbejde.")
    factory.pool(name="Frivillighedspuljen", basis=entry)
    db.session.commit()
    body = admin_client.get("/admin/lovgrundlag").get_data(as_text=True)
    assert "servicelovens § 18" in body and "Frivilligt socialt arbejde." in body and "Frivillighedspuljen" in body
    assert f'href="/admin/lovgrundlag/{entry.id}"' in body


def test_add_and_change_an_entry_journalised(admin_client, admin):
    before = _count()
    resp = admin_client.post("/admin/lovgrundlag/ny", data={"name": " folkeoplysningslovens  § 24 ",
                                                            "appeal_text": APPEAL, "note": "Udviklingspuljer"})
    assert resp.status_code == 302
    entry = db.session.scalar(db.select(LegalBasis).order_by(LegalBasis.id.desc()).limit(1))
    assert _count() == before + 1
    assert (entry.name, entry.appeal_text, entry.note) == ("folkeoplysningslovens § 24", APPEAL, "Udviklingspuljer")
    resp = admin_client.post(f"/admin/lovgrundlag/{entry.id}", data={"name": entry.name, "appeal_text": "I kan klage.",
                                                                     "note": ""})
    assert resp.status_code == 302, resp.get_data(as_text=True)[-3000:]
    db.session.expire_all()
    assert db.session.get(LegalBasis, entry.id).appeal_text == "I kan klage."
    events = db.session.scalars(db.select(AdminEvent).where(AdminEvent.entity_type == "legal_basis")
                                .order_by(AdminEvent.id)).all()
    assert [(e.action, e.entity_id, e.actor_id) for e in events] == [("create", entry.id, admin.id),
                                                                      ("update", entry.id, admin.id)]
    assert events[1].before["appeal_text"] == APPEAL and events[1].after["appeal_text"] == "I kan klage."


def test_bad_input_is_refused_next_to_the_field(admin_client):
    LegalBasisFactory(name="servicelovens § 18")
    db.session.commit()
    before = _count()
    for data, message in (({"name": "", "appeal_text": APPEAL}, "Skriv lovgrundlaget, som det skal stå i brevet."),
                          ({"name": "testlov", "appeal_text": "  "}, "Skriv klagevejledningen."),
                          ({"name": "Servicelovens § 18", "appeal_text": APPEAL}, "findes allerede"),
                          ({"name": "x" * 301, "appeal_text": APPEAL}, "Højst 300 tegn.")):
        resp = admin_client.post("/admin/lovgrundlag/ny", data=data)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200 and message in body and "form-error-message" in body, message
    assert _count() == before
    resp = admin_client.post("/admin/lovgrundlag/ny", data={"name": " servicelovens   § 18", "appeal_text": APPEAL})
    assert "findes allerede" in resp.get_data(as_text=True) and _count() == before  # spaces don't make it new
    assert admin_client.get("/admin/lovgrundlag/999999").status_code == 404
