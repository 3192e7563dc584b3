"""Access: only the association's own board sees its drafts, files and receipts; everyone else gets 404/403."""
import pytest

from app.extensions import db
from app.models import Case, Document
from tests.applying.conftest import fill_all, fresh, start, step1

ROUTES = [("get", "/forening/ansoegninger/{id}"), ("get", "/forening/ansoegninger/{id}/trin/1"),
          ("post", "/forening/ansoegninger/{id}/trin/1"), ("get", "/forening/ansoegninger/{id}/oversigt"),
          ("post", "/forening/ansoegninger/{id}/indsend"), ("get", "/forening/ansoegninger/{id}/kvittering"),
          ("get", "/forening/ansoegninger/{id}/kvittering.pdf"), ("get", "/forening/sager/{id}")]


@pytest.fixture
def draft(client, auth, world):
    """A complete draft of association A with an uploaded file; nobody logged in afterwards."""
    auth.login("karen@example.dk")
    case_id = start(client, "frivillighedspuljen")
    fill_all(client, case_id)
    auth.logout()
    return case_id


def _call(client, method, url, case_id):
    url = url.format(id=case_id)
    return client.post(url, data={**step1(), "case_version": 1}) if method == "post" else client.get(url)


@pytest.mark.parametrize("method, url", ROUTES)
def test_member_of_another_association_gets_404(client, auth, draft, method, url):
    auth.login("ole@example.dk")
    assert _call(client, method, url, draft).status_code == 404
    assert fresh(draft).state == "draft" and fresh(draft).data["answers"]["titel"] == "Sommerlejr for børn"


@pytest.mark.parametrize("method, url", ROUTES[:-1])
def test_staff_get_403_and_visitors_are_sent_to_log_in(client, auth, draft, method, url):
    resp = _call(client, method, url, draft)
    assert resp.status_code == 302 and "/konto/log-ind" in resp.location
    auth.login("mette@kommune.dk")
    assert _call(client, method, url, draft).status_code == 403


def test_draft_files_are_for_the_board_only(client, auth, draft):
    document = db.session.scalar(db.select(Document).where(Document.case_id == draft))
    auth.login("ole@example.dk")
    assert client.get(f"/forening/dokumenter/{document.id}").status_code == 404
    auth.logout()
    auth.login("mette@kommune.dk")  # the municipality sees the files once the application is sent
    assert client.get(f"/sagsbehandling/dokumenter/{document.id}").status_code == 404
    auth.logout()
    auth.login("bo@example.dk")
    assert client.get(f"/forening/dokumenter/{document.id}").status_code == 200


def test_another_associations_receipt_is_404(client, auth, draft):
    auth.login("karen@example.dk")
    version = fresh(draft).version
    client.post(f"/forening/ansoegninger/{draft}/indsend", data={"case_version": version})
    receipt = db.session.scalar(db.select(Document).where(Document.kind == "receipt"))
    auth.logout()
    auth.login("ole@example.dk")
    assert client.get(f"/forening/dokumenter/{receipt.id}").status_code == 404
    assert client.get(f"/forening/ansoegninger/{draft}/kvittering.pdf").status_code == 404
    auth.logout()
    auth.login("mette@kommune.dk")
    assert client.get(f"/sagsbehandling/dokumenter/{receipt.id}").status_code == 200


def test_another_association_cannot_start_for_association_a(client, auth, world):
    auth.login("ole@example.dk")
    resp = client.post("/forening/ansoegninger/ny/frivillighedspuljen", data={"association_id": str(world["a"].id)})
    assert resp.status_code == 200 and "Vælg den forening, der søger." in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0
