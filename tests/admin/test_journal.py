"""The administrators' journal: written with each change, append-only in the database, browsable."""
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AdminEvent
from app.services.journals import audit as admin_audit


def test_journal_rows_cannot_be_updated_or_deleted(admin):
    admin_audit.record(admin, "pool", 1, "update", {"budget": 1}, {"budget": 2})
    db.session.commit()
    for statement in ("UPDATE admin_events SET action = 'x'", "DELETE FROM admin_events"):
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(sa.text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(sa.select(AdminEvent.action)) == "update"


def test_nothing_is_journalised_when_nothing_changed(admin):
    assert admin_audit.record(admin, "pool", 1, "update", {"a": 1}, {"a": 1}) is None


def test_a_refused_change_leaves_no_journal_row(admin_client, pool):
    admin_client.post(f"/admin/puljer/{pool.id}/kriterier", data={"name": "X", "weight": "0"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AdminEvent)) == 0


def test_journal_page_filters_and_pages(admin_client, admin, factory, pool):
    other = factory.user(role="administrator", email="bo@kommune.dk", name="Bo Berg")
    db.session.commit()
    for i in range(55):
        admin_audit.record(admin, "pool", pool.id, "update", {"budget": i}, {"budget": i + 1})
    admin_audit.record(other, "committee", 3, "create", None, {"name": "Kulturudvalget"})
    db.session.commit()
    body = admin_client.get("/admin/journal").get_data(as_text=True)
    assert "Kulturudvalget" in body and "Bo Berg" in body and "Ældre ændringer" in body
    assert body.count("<tr><th scope=\"row\">budget</th>") == 49
    body = admin_client.get(f"/admin/journal?person={other.id}").get_data(as_text=True)
    assert "Kulturudvalget" in body and "<th scope=\"row\">budget</th>" not in body
    body = admin_client.get("/admin/journal?emne=pool").get_data(as_text=True)
    assert "Kulturudvalget" not in body and body.count("<th scope=\"row\">budget</th>") == 50
    events, next_before = admin_audit.list_events(entity_type="pool")
    rest, end = admin_audit.list_events(entity_type="pool", before_id=next_before)
    assert len(events) == 50 and len(rest) == 5 and end is None
    assert {e.id for e in events}.isdisjoint({e.id for e in rest})
    body = admin_client.get(f"/admin/journal?emne=pool&foer={next_before}").get_data(as_text=True)
    assert body.count("<th scope=\"row\">budget</th>") == 5 and "Ældre ændringer" not in body


def test_journal_page_ignores_bad_filters(admin_client, admin):
    assert admin_client.get("/admin/journal?emne=<script>&person=x&foer=y").status_code == 200


def test_journal_of_one_pool_from_its_page(admin_client, pool):
    admin_client.post(f"/admin/puljer/{pool.id}/offentliggoer", data={"offentlig": "1"})
    body = admin_client.get(f"/admin/journal?emne=pool&id={pool.id}").get_data(as_text=True)
    assert "offentliggjort" in body and "is_published" in body


def test_single_sign_on_refusals_show_in_the_journal(admin_client, admin):
    """Issue 23: a refused log-in through the municipality's IdP is a line an administrator can read."""
    from app.services.accounts import single_sign_on
    single_sign_on.record_refusal("no_mapped_group", "pseudonym-7")
    body = admin_client.get("/admin/journal?emne=user").get_data(as_text=True)
    assert "log-in gennem kommunens log-in afvist" in body
