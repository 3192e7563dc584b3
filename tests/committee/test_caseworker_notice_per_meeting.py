"""A closed meeting tells each caseworker of their decided cases in one e-mail, not one e-mail per case."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import OutboxMessage
from app.services.committee import decisions
from app.services.delivery import mail


def _staff_mails() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(
        OutboxMessage.template.in_(("case_update_staff", "meeting_decided_staff"))).order_by(OutboxMessage.id)))


def test_each_caseworker_gets_one_email_listing_the_cases_decided(world, factory):
    mine = [world.committee_case(amount=30_000 + n, title=f"Aktivitet {n}") for n in range(3)]
    other = world.committee_case(title="Nye kajakker")
    nobodys = world.committee_case(title="Lejrtur")
    other.assignee_id = factory.user(role="caseworker", email="ole@kommune.dk", locale="en").id
    nobodys.assignee_id = None
    db.session.commit()
    meeting = world.meeting(mine + [other, nobodys])
    for case in mine + [other, nobodys]:
        world.decide(meeting, case, "grant")
    before = {m.id for m in _staff_mails()}

    assert decisions.close_meeting(meeting.id, world.chair)

    sent = [m for m in _staff_mails() if m.id not in before]
    assert {m.template for m in sent} == {"meeting_decided_staff"}
    by_recipient = {m.recipient: m for m in sent}
    assert sorted(by_recipient) == sorted(["mette@kommune.dk", "ole@kommune.dk",
                                           current_app.config["MUNICIPALITY_EMAIL"]])
    mette = by_recipient["mette@kommune.dk"]
    assert mette.payload["count"] == 3
    assert [c["case_number"] for c in mette.payload["cases"]] == [c.number for c in mine]

    body = mail.render_notice(mette).get_content()
    assert "har på mødet den" in body and "afgjort 3 sager, som du har." in body
    for case in mine:
        assert f"Sag {case.number} »{case.title}«" in body and f"/sagsbehandling/sager/{case.id}" in body
    assert "Status: Bevilget" in body
    subject = mail.render_notice(mette)["Subject"]
    assert subject.startswith(f"{world.committee.name} har afgjort 3 af dine sager")

    ole = mail.render_notice(by_recipient["ole@kommune.dk"])  # in the caseworker's own language, one case
    assert ole["Subject"].startswith(f"{world.committee.name} decided one of your cases")
    assert "decided 1 case of yours" in ole.get_content() and other.number in ole.get_content()


def test_a_close_that_is_refused_writes_no_email(world):
    case = world.committee_case()
    meeting = world.meeting([case])  # no proposal recorded: the close is refused
    before = len(_staff_mails())
    with pytest.raises(decisions.CloseRefused):
        decisions.close_meeting(meeting.id, world.chair)
    assert len(_staff_mails()) == before


def test_a_staff_account_on_the_shared_inbox_gets_one_email_with_the_unassigned_cases(world, factory):
    """The department's shared inbox (cases without a caseworker) may also be a staff account with its own
    language: still one e-mail to that address, not two rows with the same key that would fail the close."""
    inbox = current_app.config["MUNICIPALITY_EMAIL"]
    theirs, nobodys = world.committee_case(title="Nye kajakker"), world.committee_case(title="Lejrtur")
    theirs.assignee_id = factory.user(role="caseworker", email=inbox, locale="en").id
    nobodys.assignee_id = None
    db.session.commit()
    meeting = world.meeting([theirs, nobodys])
    for case in (theirs, nobodys):
        world.decide(meeting, case, "grant")

    assert decisions.close_meeting(meeting.id, world.chair)

    [sent] = [m for m in _staff_mails() if m.recipient == inbox and m.template == "meeting_decided_staff"]
    assert sent.payload["count"] == 2
