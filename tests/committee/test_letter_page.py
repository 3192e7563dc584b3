"""The letter as a web page in the portal: the same content as the PDF, from the same decision (or claim),
for the association's own members only; and the decision takes basis and guidance from the pool's one entry."""
from __future__ import annotations

import html
import io
import re
import sqlalchemy as sa
from pypdf import PdfReader

from app.extensions import db
from app.models import Decision, Document
from app.models.legal_basis import SEED
from app.services.committee import decisions
from app.services.files import storage as files
from tests.factories import AssociationFactory, DocumentFactory, LegalBasisFactory, UserFactory

SERVICELOV = next(row for row in SEED if row[0] == "servicelov-18")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(document: Document) -> str:
    reader = PdfReader(io.BytesIO(files.read_bytes(document.storage_key)))
    return _flat(" ".join(page.extract_text() for page in reader.pages))


def _page_text(body: str) -> str:
    return _flat(html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _decided(world) -> Decision:
    """A partly granted case under servicelovens § 18, its meeting closed and its letter sent."""
    _, name, appeal, _ = SERVICELOV
    world.pool.basis = LegalBasisFactory(code="test-servicelov", name=name, appeal_text=appeal)
    db.session.commit()
    case = world.committee_case(amount=60_000, recommended=45_000)
    meeting = world.meeting([case])
    world.decide(meeting, case, "partly", amount=40_000, reason="Vi har lagt vægt på antallet af børn.")
    decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return db.session.scalar(sa.select(Decision).where(Decision.case_id == case.id))


def test_decision_stores_the_basis_and_guidance_of_the_pools_one_entry(world):
    decision = _decided(world)
    assert (decision.legal_basis, decision.appeal_text) == SERVICELOV[1:3]


def test_the_association_reads_its_letter_as_a_page_with_the_pdfs_words(world, client, auth):
    decision = _decided(world)
    url = f"/forening/sager/{decision.case_id}/breve/{decision.letter_document_id}"
    auth.login(world.applicant.email)
    resp = client.get(url)
    assert resp.status_code == 200
    page = _page_text(resp.get_data(as_text=True))
    printed = _pdf_text(db.session.get(Document, decision.letter_document_id))
    for piece in ("Afgørelse om tilskud", "Kære Boldklubben Nordstjernen",
                  "besluttet at bevilge jer 40.000 kr. af de 60.000 kr., I har søgt om",
                  "Vi har lagt vægt på antallet af børn.", "Afgørelsen er truffet efter servicelovens § 18.",
                  *(_flat(p) for p in SERVICELOV[2].split("\n\n")), "Med venlig hilsen"):
        assert piece in page, piece
        assert piece in printed, piece
    assert f'href="/forening/dokumenter/{decision.letter_document_id}"' in resp.get_data(as_text=True)
    case_page = client.get(f"/forening/sager/{decision.case_id}").get_data(as_text=True)
    assert f'href="{url}"' in case_page


def test_the_letter_page_is_404_for_another_association_and_for_what_is_not_a_sent_letter(world, client, auth):
    decision = _decided(world)
    url = f"/forening/sager/{decision.case_id}/breve/{decision.letter_document_id}"
    stranger = UserFactory(email="ole@example.dk")
    AssociationFactory(name="Skakklubben Løberen", members=(stranger,))
    attachment = DocumentFactory(case=db.session.get(Decision, decision.id).case, filename="budget.pdf")
    db.session.commit()
    auth.login(stranger.email)
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(world.applicant.email)
    assert client.get(f"/forening/sager/{decision.case_id}/breve/{attachment.id}").status_code == 404
    assert client.get(f"/forening/sager/{decision.case_id}/breve/999999").status_code == 404
    auth.logout()
    auth.login(world.caseworker.email)
    assert client.get(url).status_code == 403  # staff read letters on the case page, not the portal
