"""Decision letters by Digital Post: MeMo built and validated, sent to the SF1601 stand-in exactly once (also after an
outage), the time it became available shown and counted from, and e-mail + portal with the caseworker told when the
recipient is exempt or the service never answers."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask import current_app

from app import clock
from app.extensions import db
from app.formatting import day_at, day_only
from app.models import CaseEvent, Decision, Document, OutboxMessage
from app.services.committee import decisions
from app.services.committee.digital_post import appeal_deadline
from app.services.delivery import digital_post_transport, mail, memo
from app.services.files import storage
from app.tasks.notices import sweep_outbox
from tests.sf1601_standin import Sf1601Standin

PDF = b"%PDF-1.7\n% a letter\n"


def _letter(**changes) -> memo.MemoLetter:
    fields = dict(message_uuid=str(uuid.uuid4()), sender_cvr="29189838", sender_label="Eksempel Kommune",
                  recipient_id="12345674", recipient_type="CVR", recipient_label="Boldklubben Nordstjernen",
                  title="Afgørelse i sag 2026-0007: Lokaletilskud", case_number="2026-0007",
                  main_document=memo.Attachment(PDF, "application/pdf", "afgoerelse.pdf"),
                  additional_documents=(memo.Attachment(b"<html lang='da'></html>", "text/html", "afgoerelse.html"),),
                  created=datetime(2026, 12, 2, 9, 14, tzinfo=timezone.utc))
    fields.update(changes)
    return memo.MemoLetter(**fields)


def test_a_built_message_is_valid_and_reads_back():
    letter = _letter()
    back = memo.read(memo.build(letter))
    assert (back.title, back.recipient_id, back.recipient_type) == (letter.title, "12345674", "CVR")
    assert (back.sender_id, back.case_number, back.reply_allowed) == ("29189838", "2026-0007", False)
    assert back.files == (("afgoerelse.pdf", "application/pdf", PDF),
                          ("afgoerelse.html", "text/html", b"<html lang='da'></html>"))


@pytest.mark.parametrize("changes", [{"recipient_id": "1234"}, {"message_uuid": "not-a-uuid"}, {"title": ""},
                                     {"sender_cvr": ""}])
def test_the_schema_refuses_a_bad_message(changes):
    with pytest.raises(memo.InvalidMemo):
        memo.build(_letter(**changes))


def test_the_schema_refuses_a_message_without_its_sender():
    xml = memo.build(_letter()).replace(b"<memo:Sender>", b"<memo:Nobody>").replace(b"</memo:Sender>", b"</memo:Nobody>")
    with pytest.raises(memo.InvalidMemo):
        memo.validate(xml)


def test_moment_in_words():
    assert day_at(datetime(2026, 12, 2, 9, 14, tzinfo=timezone.utc), "da") == "2. dec. kl. 10.14"
    assert day_at(datetime(2026, 7, 2, 9, 14, tzinfo=timezone.utc), "da") == "2. jul. kl. 11.14"


@pytest.mark.parametrize("settings", [{"DIGITAL_POST": "eboks"}, {"DIGITAL_POST": "sf1601", "DIGITAL_POST_SENDER_CVR": "123"},
                                      {"DIGITAL_POST": "sf1601", "DIGITAL_POST_SENDER_CVR": "29189838"},
                                      {"DIGITAL_POST": "filedrop", "DIGITAL_POST_SENDER_CVR": "29189838"}])
def test_a_configuration_it_cannot_use_is_refused(app, settings):
    config = {**app.config, "DIGITAL_POST_CERT_FILE": None, "DIGITAL_POST_KEY_FILE": None,
              "DIGITAL_POST_FILEDROP_FOLDER": None, **settings}
    with pytest.raises(RuntimeError):
        digital_post_transport.check_configuration(config)


@pytest.fixture
def sf1601(app, tmp_path):
    standin = Sf1601Standin().up()
    app.config.update(standin.config(tmp_path))
    yield standin
    standin.down()


def _decide(world, count: int = 1) -> list[int]:
    """`count` cases granted at a meeting that is then closed (letters go out at once, tasks run in process)."""
    cases = [world.committee_case(amount=30_000 + n, title=f"Aktivitet {n}") for n in range(count)]
    meeting = world.meeting(cases)
    for case in cases:
        world.decide(meeting, case, "grant")
    assert decisions.close_meeting(meeting.id, world.chair)
    db.session.expire_all()
    return [c.id for c in cases]


def _decision(case_id: int) -> Decision:
    db.session.expire_all()
    return db.session.scalar(sa.select(Decision).where(Decision.case_id == case_id))


def _mails(template: str) -> list:
    ids = {i: r for i, r in db.session.execute(sa.select(OutboxMessage.id, OutboxMessage.recipient)
                                                 .where(OutboxMessage.template == template)).all()}
    return [m for m in mail.read_log(current_app.config["MAIL_LOG_PATH"])
            if m["X-Outbox-Id"] is not None and int(m["X-Outbox-Id"]) in ids]


def test_a_decision_reaches_digital_post_once_and_shows_when(world, sf1601, client, auth):
    [case_id] = _decide(world)
    decision = _decision(case_id)
    assert len(sf1601.received) == 1
    got = sf1601.received[0]
    letter = db.session.get(Document, decision.letter_document_id)
    assert got.choice == "Digital Post" and got.transaction_id == got.message.message_uuid
    assert (got.message.recipient_id, got.message.recipient_type) == ("12345674", "CVR")
    assert got.message.case_number in got.message.title and got.message.sender_id == "29189838"
    (pdf_name, pdf_type, pdf), (html_name, html_type, html) = got.message.files
    assert (pdf_name, pdf_type, pdf) == (letter.filename, "application/pdf", storage.read_bytes(letter.storage_key))
    assert html_type == "text/html" and b"Klagevejledning" in html and html_name.endswith(".html")
    assert decision.digital_post_status == "sent" and decision.digital_post_at is not None
    [notice] = _mails("decision_notice")
    assert "Digital Post" in notice.get_content()
    sent_words = f"Sendt med Digital Post {day_at(decision.digital_post_at, 'da')}"
    auth.login("mette@kommune.dk")
    page = client.get(f"/udvalg/sager/{case_id}/afgoerelser")
    assert page.status_code == 200 and sent_words in page.get_data(as_text=True)
    page = client.get(f"/sagsbehandling/sager/{case_id}")  # the case page, beside the letter
    assert page.status_code == 200 and sent_words in page.get_data(as_text=True)
    auth.logout()
    auth.login("karen@example.dk")
    page = client.get(f"/forening/sager/{case_id}").get_data(as_text=True)
    assert sent_words in page and f"Klagefrist {day_only(appeal_deadline(decision), 'da')}" in page
    sweep_outbox()  # nothing more goes out
    assert len(sf1601.received) == 1


def _sweep_until(predicate, step=timedelta(minutes=5), limit: int = 200) -> None:
    for _ in range(limit):
        if predicate():
            return
        clock.move_to(clock.now() + step)
        sweep_outbox()
    raise AssertionError("the outbox did not finish")


def test_letters_sent_during_an_outage_arrive_exactly_once_after(world, sf1601):
    sf1601.down()
    case_ids = _decide(world, 3)
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.channel == "digital_post")).all()
    assert len(rows) == 3 and {r.status for r in rows} == {"pending"} and all(r.attempts == 1 for r in rows)
    decided_on = clock.local(_decision(case_ids[0]).decided_at).date()
    clock.move_to(clock.now() + timedelta(hours=30))  # down for 30 hours (the window is 48): into another day
    sweep_outbox()
    sf1601.up()
    sf1601.fail_next(2)  # and not quite back at first
    _sweep_until(lambda: len(sf1601.received) == 3 and _all_digital_post_delivered())
    for _ in range(3):
        clock.move_to(clock.now() + timedelta(hours=1))
        sweep_outbox()
    ids = [r.transaction_id for r in sf1601.received]
    assert len(ids) == len(set(ids)) == 3
    for case_id in case_ids:
        decision = _decision(case_id)
        notified_on = clock.local(decision.digital_post_at).date()
        assert decision.digital_post_status == "sent" and notified_on > decided_on
        assert appeal_deadline(decision) == notified_on + timedelta(weeks=4)  # counts from Digital Post
    assert len(_mails("decision_notice")) == 3


def _all_digital_post_delivered() -> bool:
    statuses = set(db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.channel == "digital_post")))
    db.session.rollback()
    return statuses == {"delivered"}


def test_an_exempt_recipient_gets_email_and_the_portal_and_the_caseworker_is_told(world, sf1601, client, auth):
    sf1601.exempt.add(world.association.cvr)
    [case_id] = _decide(world)
    decision = _decision(case_id)
    assert sf1601.received == [] and decision.digital_post_status == "exempt" and decision.digital_post_at is None
    assert decision.letter_available_at is not None  # in the portal
    [notice] = _mails("decision_notice")
    assert notice["To"] == world.association.contact_email and "Digital Post" not in notice.get_content()
    [told] = _mails("digital_post_fallback")
    assert told["To"] == "mette@kommune.dk" and "fritaget" in told.get_content()
    assert db.session.scalar(sa.select(CaseEvent.action).where(CaseEvent.case_id == case_id,
                                                               CaseEvent.kind == "digital_post")) == "exempt"
    assert appeal_deadline(decision) == clock.local(decision.letter_available_at).date() + timedelta(weeks=4)
    auth.login("mette@kommune.dk")
    page = client.get(f"/udvalg/sager/{case_id}/afgoerelser").get_data(as_text=True)
    assert "foreningen er fritaget" in page
    page = client.get(f"/sagsbehandling/sager/{case_id}").get_data(as_text=True)
    assert '<li id="digital-post"><strong>Ikke sendt med Digital Post: foreningen er fritaget' in page  # by the letter
    assert "Sendt med Digital Post" not in page


def test_a_letter_never_accepted_falls_back_when_the_window_ends(world, sf1601):
    sf1601.down()
    [case_id] = _decide(world)
    _sweep_until(lambda: _decision(case_id).digital_post_status is not None, step=timedelta(hours=1))
    decision = _decision(case_id)
    row = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.channel == "digital_post"))
    assert decision.digital_post_status == "failed" and row.status == "failed"
    assert len(_mails("decision_notice")) == 1 and len(_mails("digital_post_fallback")) == 1
    sf1601.up()
    clock.move_to(clock.now() + timedelta(hours=1))
    sweep_outbox()
    assert sf1601.received == []  # the e-mail went instead: no letter twice


def test_the_file_drop_gets_one_valid_memo_file(world, app, tmp_path):
    folder = tmp_path / "drop"
    app.config.update(DIGITAL_POST="filedrop", DIGITAL_POST_SENDER_CVR="29189838",
                      DIGITAL_POST_FILEDROP_FOLDER=str(folder))
    [case_id] = _decide(world)
    [dropped] = list(folder.iterdir())
    xml = dropped.read_bytes()
    memo.validate(xml)
    assert memo.read(xml).recipient_id == "12345674" and dropped.name == f"{memo.read(xml).message_uuid}.xml"
    assert _decision(case_id).digital_post_status == "sent"


def test_without_digital_post_letters_go_as_before(world):
    [case_id] = _decide(world)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.channel == "digital_post")) == 0
    assert _decision(case_id).digital_post_status is None and len(_mails("decision_notice")) == 1
