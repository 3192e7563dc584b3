"""The whole journey through the views: a visitor registers, invites a board member, both work on one draft,
submit it, get the receipt e-mail and PDF, answer an information request, and follow the case to its decision."""
import re

from app.extensions import db
from app.models import Association, CaseEvent, Document, OutboxMessage
from app.services.cases import transitions
from app.services.delivery.mail import read_log
from tests.applying.conftest import budget, fresh, post_step, step1, upload, version_of

GOOD = "en-god-adgangskode-42"
ASSOCIATION = {"kind": "association", "cvr": "25063783", "name": "Skakklubben Springeren", "street": "Torvet 3",
               "postcode": "2730", "city": "Herlev", "contact_email": "skak@example.dk", "phone": "12 34 56 78",
               "website": "", "description": "Skak for børn og voksne.", "works_with_children": "yes",
               "declares_child_certificate": "y"}


def _sign_up(client, name, email):
    """Sign up and use the confirmation link, which logs the new person in."""
    resp = client.post("/konto/opret", data={"full_name": name, "email": email, "password": GOOD,
                                             "password_again": GOOD})
    assert resp.status_code == 302
    msg = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "confirm_email",
                                                           OutboxMessage.recipient == email))
    assert client.get(re.sub(r"^https?://[^/]+", "", msg.payload["link"])).status_code == 302


def _invite_treasurer(client, auth, association_id):
    resp = client.post(f"/forening/foreninger/{association_id}/inviter", data={"email": "per@example.dk",
                                                                              "role": "treasurer"})
    assert resp.status_code == 302
    auth.logout()
    msg = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "association_invite"))
    link = re.sub(r"^https?://[^/]+", "", msg.payload["link"])
    client.get(link)
    _sign_up(client, "Per Bo", "per@example.dk")
    assert client.post(link).status_code == 302


def test_from_registration_to_decision(client, auth, open_pool, app):
    pool = open_pool["pool"]
    page = client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
    assert "Log ind for at søge" in page and "Søg nu" not in page
    _sign_up(client, "Anna Lund", "anna@example.dk")
    resp = client.post("/forening/ny", data=ASSOCIATION)
    association = db.session.scalar(db.select(Association).where(Association.cvr == "25063783"))
    assert resp.status_code == 302
    assert f"/forening/ansoegninger/ny/{pool.slug}" in client.get(resp.location).get_data(as_text=True)
    _invite_treasurer(client, auth, association.id)
    auth.logout()

    # Anna starts from the pool page and saves the first step.
    auth.login("anna@example.dk", GOOD)
    assert f"/forening/ansoegninger/ny/{pool.slug}" in client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
    resp = client.post(f"/forening/ansoegninger/ny/{pool.slug}")
    case_id = int(re.search(r"/ansoegninger/(\d+)/trin/1", resp.location).group(1))
    assert post_step(client, case_id, 1, step1()).location.endswith(f"/{case_id}/trin/2")
    auth.logout()

    # Per sees the draft, resumes where Anna stopped and finishes the budget and the attachment.
    auth.login("per@example.dk", GOOD)
    home = client.get("/forening/").get_data(as_text=True)
    assert "Fortsæt ansøgningen" in home and "Sommerlejr for børn" in home
    assert client.get(f"/forening/ansoegninger/{case_id}").location.endswith(f"/{case_id}/trin/2")
    assert post_step(client, case_id, 2, budget()).status_code == 302
    assert post_step(client, case_id, 3, {"nav": "next", "tilbud": upload()}).location.endswith("/oversigt")
    auth.logout()

    # Anna reads the summary and submits.
    auth.login("anna@example.dk", GOOD)
    summary = client.get(f"/forening/ansoegninger/{case_id}/oversigt").get_data(as_text=True)
    for text in ("Sommerlejr for børn", "Skolen og spejderne", "Telte", "18.000 kr.", "15.000 kr.", "tilbud.pdf"):
        assert text in summary, text
    version = version_of(client, f"/forening/ansoegninger/{case_id}/oversigt")
    resp = client.post(f"/forening/ansoegninger/{case_id}/indsend", data={"case_version": version})
    receipt = client.get(resp.location).get_data(as_text=True)
    case = fresh(case_id)
    assert case.state == "submitted" and case.number in receipt and case.amount_applied == 15_000
    assert case.created_by_id is not None and case.form_version_id == open_pool["version"].id

    # One e-mail to the association: the receipt, with the case number and the PDF link.
    mails = [m for m in read_log(app.config["MAIL_LOG_PATH"]) if m["To"] == "skak@example.dk"]
    assert len(mails) == 1 and "Kvittering" in mails[0]["Subject"] and case.number in mails[0]["Subject"]
    assert f"/forening/ansoegninger/{case_id}/kvittering.pdf" in mails[0].get_content()
    pdf = client.get(f"/forening/ansoegninger/{case_id}/kvittering.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    case_page = client.get(f"/forening/sager/{case_id}").get_data(as_text=True)
    assert f"/forening/ansoegninger/{case_id}/kvittering.pdf" in case_page

    # The caseworker asks; Anna answers through the case page; the caseworker decides.
    cw = open_pool["caseworker"]
    transitions.perform(case_id, "start_screening", cw)
    transitions.perform(case_id, "request_information", cw,
                        given=transitions.ActionInput(comment="Hvor mange børn deltager?"))
    page = client.get(f"/forening/sager/{case_id}").get_data(as_text=True)
    assert "Hvor mange børn deltager?" in page
    version = int(re.search(r'name="version"[^>]*value="(\d+)"', page).group(1))
    resp = client.post(f"/forening/sager/{case_id}/svar", data={"text": "Vi forventer 40 børn.", "version": version})
    assert resp.status_code == 302 and fresh(case_id).state == "screening"
    for action in ("start_assessment", "recommend", "decide_grant"):
        transitions.perform(case_id, action, cw)
    assert "Bevilget" in client.get(f"/forening/sager/{case_id}").get_data(as_text=True)
    actions = [e.action for e in db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case_id))]
    assert actions[0] == "submit" and "answer_information" in actions and actions[-1] == "decide_grant"
    kinds = {d.kind for d in db.session.scalars(db.select(Document).where(Document.case_id == case_id))}
    assert {"attachment", "receipt"} <= kinds
