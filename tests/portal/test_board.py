"""The board: an invitation through the e-mailed link, roles, removing and leaving, the last-chair rule."""
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AssociationEvent, Invitation, Membership, OutboxMessage
from app.services.associations import board as invitations
from app.services.cases import core as case_service
from app.services.accounts.tokens import make_token
from tests.portal.conftest import path_of

GOOD = "en-god-adgangskode-42"


def _invite(client, auth, world, email="bo@example.dk", role="treasurer"):
    auth.login("karen@example.dk")
    resp = client.post(f"/forening/foreninger/{world['a'].id}/inviter", data={"email": email, "role": role})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    auth.logout()
    msg = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.template == "association_invite")
                             .order_by(OutboxMessage.id.desc())).first()
    return msg


def _seats(association):
    return {m.user.email: m.role for m in db.session.scalars(
        db.select(Membership).where(Membership.association_id == association.id))}


def test_invitation_round_trip_for_a_new_user(client, auth, world, app):
    case = case_service.create_draft(world["pool"], world["a"], world["chair"], "Sommerlejr", 5_000)
    msg = _invite(client, auth, world)
    assert msg.recipient == "bo@example.dk" and msg.status == "delivered", msg.last_error
    from app.services.delivery.mail import read_log
    mail = read_log(app.config["MAIL_LOG_PATH"])[-1]
    assert "Boldklubben Nordstjernen" in mail["Subject"] and msg.payload["link"] in mail.get_content()
    link = path_of(msg.payload["link"])
    # Not logged in: the page explains and remembers the link through sign-up.
    body = client.get(link).get_data(as_text=True)
    assert "Boldklubben Nordstjernen" in body and "kasserer" in body and "Opret en bruger" in body
    resp = client.post("/konto/opret", data={"full_name": "Bo Nielsen", "email": "bo@example.dk",
                                             "password": GOOD, "password_again": GOOD})
    confirm = db.session.scalar(db.select(OutboxMessage).where(OutboxMessage.template == "confirm_email"))
    resp = client.get(path_of(confirm.payload["link"]))  # the confirmation link logs them in
    resp = client.get(resp.location)  # the portal home sends them back to the invitation
    assert resp.status_code == 302 and resp.location == link
    # The link alone is not enough: the address must be confirmed as the invited one (issue 18).
    confirm = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.template == "confirm_email")
                                 .order_by(OutboxMessage.id.desc())).first()
    client.get(path_of(confirm.payload["link"]))
    assert "Tag imod invitationen" in client.get(link).get_data(as_text=True)
    resp = client.post(link)
    assert resp.status_code == 302 and resp.location.endswith(f"/forening/foreninger/{world['a'].id}")
    assert _seats(world["a"])["bo@example.dk"] == "treasurer"
    # The new board member sees the association and its cases.
    assert "Boldklubben Nordstjernen" in client.get(resp.location).get_data(as_text=True)
    assert "Sommerlejr" in client.get("/forening/").get_data(as_text=True)
    assert client.get(f"/forening/sager/{case.id}").status_code == 200
    actions = [e.action for e in db.session.scalars(db.select(AssociationEvent).order_by(AssociationEvent.id))]
    assert actions[-2:] == ["member_invited", "member_joined"]


def _confirmed(email: str) -> None:
    from app import clock
    from app.models import User
    db.session.scalar(db.select(User).where(User.email == email)).email_confirmed_at = clock.now()
    db.session.commit()


def test_existing_user_logs_in_and_accepts(client, auth, world):
    _confirmed("ole@example.dk")
    msg = _invite(client, auth, world, email="ole@example.dk", role="member")
    link = path_of(msg.payload["link"])
    body = client.get(link).get_data(as_text=True)
    assert "/konto/log-ind?next=" in body
    resp = client.post("/konto/log-ind", data={"email": "ole@example.dk", "password": "demo-adgangskode", "next": link})
    assert resp.location == link
    client.post(link)
    assert _seats(world["a"])["ole@example.dk"] == "member"


def test_accepting_twice_is_harmless_and_a_used_link_is_refused_for_others(client, auth, world, factory):
    factory.user(email="third@example.dk")
    db.session.commit()
    link = path_of(_invite(client, auth, world, email="ole@example.dk", role="chair").payload["link"])
    _confirmed("ole@example.dk")
    auth.login("ole@example.dk")
    client.post(link)
    client.post(link)  # a double click or a second tab
    assert _seats(world["a"]) == {"karen@example.dk": "chair"}  # a chair's seat only by the chair's confirmation
    auth.logout()
    auth.login("karen@example.dk")
    invitation = db.session.scalar(db.select(Invitation))
    client.post(f"/forening/foreninger/{world['a'].id}/invitationer/{invitation.id}/bekraeft")
    assert _seats(world["a"]) == {"karen@example.dk": "chair", "ole@example.dk": "chair"}
    auth.logout()
    auth.login("third@example.dk")
    body = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "allerede brugt" in body and "third@example.dk" not in _seats(world["a"])


def test_token_for_another_association_does_nothing(client, auth, world):
    _invite(client, auth, world, email="someone@example.dk")
    invitation = db.session.scalar(db.select(Invitation))
    forged = make_token(invitations.TOKEN_PURPOSE, {"iid": invitation.id, "aid": world["b"].id})
    auth.login("ole@example.dk")
    body = client.post(f"/forening/invitation/{forged}", follow_redirects=True).get_data(as_text=True)
    assert "Linket er ugyldigt" in body
    assert client.get("/forening/invitation/not-a-token").status_code == 200
    assert "ole@example.dk" not in _seats(world["a"]) and _seats(world["b"]) == {"ole@example.dk": "chair"}
    assert db.session.scalar(db.select(Invitation.accepted_at)) is None


def test_expired_and_cancelled_invitations(client, auth, world):
    link = path_of(_invite(client, auth, world, email="ole@example.dk").payload["link"])
    invitation = db.session.scalar(db.select(Invitation))
    invitation.expires_at = invitation.created_at - timedelta(seconds=1)
    db.session.commit()
    auth.login("ole@example.dk")
    assert "udløbet" in client.post(link, follow_redirects=True).get_data(as_text=True)
    auth.logout()
    link = path_of(_invite(client, auth, world, email="ole@example.dk").payload["link"])
    second = db.session.scalars(db.select(Invitation).order_by(Invitation.id.desc())).first()
    auth.login("karen@example.dk")
    client.post(f"/forening/foreninger/{world['a'].id}/invitationer/{second.id}/annuller")
    auth.logout()
    auth.login("ole@example.dk")
    assert "annulleret" in client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "ole@example.dk" not in _seats(world["a"])


def test_invite_form_errors(client, auth, world):
    auth.login("karen@example.dk")
    url = f"/forening/foreninger/{world['a'].id}/inviter"
    body = client.post(url, data={"email": "ikke-en-mail", "role": "member"}).get_data(as_text=True)
    assert "gyldig e-mailadresse" in body and 'value="ikke-en-mail"' in body
    body = client.post(url, data={"email": "karen@example.dk", "role": "member"}).get_data(as_text=True)
    assert "allerede med i bestyrelsen" in body
    assert client.post(url, data={"email": "x@example.dk", "role": "king"}).status_code == 200
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


def test_only_a_chair_may_invite_a_chair(client, auth, world, factory):
    treasurer = factory.user(email="kasserer@example.dk")
    db.session.add(Membership(user_id=treasurer.id, association_id=world["a"].id, role="treasurer"))
    db.session.commit()
    auth.login("kasserer@example.dk")
    url = f"/forening/foreninger/{world['a'].id}/inviter"
    body = client.post(url, data={"email": "ny@example.dk", "role": "chair"}).get_data(as_text=True)
    assert "kun formanden" in body
    assert client.post(url, data={"email": "ny@example.dk", "role": "member"}).status_code == 302


@pytest.fixture
def board(world, factory):
    bo = factory.user(email="bo@example.dk", name="Bo Nielsen")
    db.session.add(Membership(user_id=bo.id, association_id=world["a"].id, role="member"))
    db.session.commit()
    seats = {m.user.email: m.id for m in db.session.scalars(db.select(Membership))}
    return seats


def test_chair_changes_roles_and_removes(client, auth, world, board):
    auth.login("karen@example.dk")
    base = f"/forening/foreninger/{world['a'].id}/medlemmer"
    client.post(f"{base}/{board['bo@example.dk']}/rolle", data={"role": "treasurer"})
    assert _seats(world["a"])["bo@example.dk"] == "treasurer"
    client.post(f"{base}/{board['bo@example.dk']}/fjern")
    assert "bo@example.dk" not in _seats(world["a"])
    actions = [e.action for e in db.session.scalars(db.select(AssociationEvent).order_by(AssociationEvent.id))]
    assert actions == ["member_role_changed", "member_removed"]


def test_last_chair_cannot_go(client, auth, world, board):
    auth.login("karen@example.dk")
    base = f"/forening/foreninger/{world['a'].id}"
    body = client.post(f"{base}/medlemmer/{board['karen@example.dk']}/rolle", data={"role": "member"},
                       follow_redirects=True).get_data(as_text=True)
    assert "mindst én formand" in body
    body = client.post(f"{base}/forlad", follow_redirects=True).get_data(as_text=True)
    assert "mindst én formand" in body
    body = client.post(f"{base}/medlemmer/{board['karen@example.dk']}/fjern", follow_redirects=True).get_data(as_text=True)
    assert "mindst én formand" in body
    assert _seats(world["a"])["karen@example.dk"] == "chair"
    # Hand over first, then leave.
    client.post(f"{base}/medlemmer/{board['bo@example.dk']}/rolle", data={"role": "chair"})
    resp = client.post(f"{base}/forlad")
    assert resp.status_code == 302 and resp.location.endswith("/forening/")
    assert _seats(world["a"]) == {"bo@example.dk": "chair"}


def test_member_can_leave_but_not_remove_others(client, auth, world, board):
    auth.login("bo@example.dk")
    base = f"/forening/foreninger/{world['a'].id}"
    body = client.post(f"{base}/medlemmer/{board['karen@example.dk']}/fjern", follow_redirects=True).get_data(as_text=True)
    assert "kun formanden" in body and "karen@example.dk" in _seats(world["a"])
    client.post(f"{base}/forlad")
    assert "bo@example.dk" not in _seats(world["a"])
    assert client.get(base).status_code == 404  # gone means gone


def test_other_association_gets_404_everywhere(client, auth, world, board):
    auth.login("ole@example.dk")
    base = f"/forening/foreninger/{world['a'].id}"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}/bestyrelse").status_code == 404
    assert client.get(f"{base}/boerneattest").status_code == 404
    assert client.post(f"{base}/inviter", data={"email": "x@example.dk", "role": "chair"}).status_code == 404
    assert client.post(f"{base}/medlemmer/{board['bo@example.dk']}/fjern").status_code == 404
    assert client.post(f"{base}/godkendelse").status_code == 404
    # A seat id from A used through B's address is not found in B.
    resp = client.post(f"/forening/foreninger/{world['b'].id}/medlemmer/{board['bo@example.dk']}/fjern",
                       follow_redirects=True)
    assert "ikke i bestyrelsen" in resp.get_data(as_text=True) and "bo@example.dk" in _seats(world["a"])


def test_board_page_shows_members_and_pending_invitations(client, auth, world, board):
    _invite(client, auth, world, email="venter@example.dk")
    auth.login("karen@example.dk")
    body = client.get(f"/forening/foreninger/{world['a'].id}/bestyrelse").get_data(as_text=True)
    assert "Bo Nielsen" in body and "venter@example.dk" in body and "Gem rolle" in body


@pytest.mark.postgres
def test_two_chairs_demoting_each_other_at_once_keep_a_chair(app, world, board):
    """Row locks serialise the two changes: one wins, the other sees it would leave no chair."""
    import threading
    from app.models import User
    bo = db.session.get(Membership, board["bo@example.dk"])
    bo.role = "chair"
    db.session.commit()
    aid, seats = world["a"].id, dict(board)
    barrier, results = threading.Barrier(2), []

    def demote(actor_email, target_email):
        with app.app_context():
            from app.models import Association
            actor = db.session.scalar(db.select(User).where(User.email == actor_email))
            association = db.session.get(Association, aid)
            barrier.wait()
            try:
                invitations.change_role(association, actor, seats[target_email], "member")
                results.append("ok")
            except (invitations.LastChair, invitations.NotChair) as exc:
                results.append(type(exc).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=demote, args=args) for args in
               (("karen@example.dk", "bo@example.dk"), ("bo@example.dk", "karen@example.dk"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["NotChair", "ok"]
    db.session.expire_all()
    assert list(_seats(world["a"]).values()).count("chair") == 1


def test_a_link_used_with_another_address_waits_for_the_chair(client, auth, world, factory):
    """Issue 18: holding the link is not enough; another address's account asks the chair, who decides."""
    factory.user(email="mallory@example.dk", name="Mallory Holm")
    db.session.commit()
    link = path_of(_invite(client, auth, world, email="ole@example.dk", role="member").payload["link"])
    auth.login("mallory@example.dk")
    body = client.post(link, follow_redirects=True).get_data(as_text=True)
    assert "formand skal derfor bekræfte" in body
    assert "mallory@example.dk" not in _seats(world["a"])
    assert client.get(f"/forening/foreninger/{world['a'].id}").status_code == 404
    auth.logout()
    auth.login("ole@example.dk")  # the invited person's own link is now taken until the chair answers
    assert "allerede brugt" in client.post(link, follow_redirects=True).get_data(as_text=True)
    auth.logout()
    auth.login("karen@example.dk")
    board_url = f"/forening/foreninger/{world['a'].id}/bestyrelse"
    assert "Linket er brugt af Mallory Holm (mallory@example.dk)" in client.get(board_url).get_data(as_text=True)
    invitation = db.session.scalar(db.select(Invitation))
    refused = client.post(f"/forening/foreninger/{world['a'].id}/invitationer/{invitation.id}/afvis",
                          follow_redirects=True).get_data(as_text=True)
    assert "Invitationen kan stadig bruges af den, den blev sendt til" in refused
    assert "mallory@example.dk" not in _seats(world["a"])
    auth.logout()
    _confirmed("ole@example.dk")
    auth.login("ole@example.dk")  # after the refusal, the invited address joins by the link
    client.post(link)
    assert _seats(world["a"])["ole@example.dk"] == "member"


def test_only_a_chair_confirms_a_claim(client, auth, world, factory, board):
    factory.user(email="mallory@example.dk", name="Mallory Holm")
    db.session.commit()
    link = path_of(_invite(client, auth, world, email="ole@example.dk", role="chair").payload["link"])
    auth.login("mallory@example.dk")
    client.post(link)
    auth.logout()
    invitation = db.session.scalar(db.select(Invitation))
    auth.login("bo@example.dk")  # a board member, not the chair
    client.post(f"/forening/foreninger/{world['a'].id}/invitationer/{invitation.id}/bekraeft")
    assert "mallory@example.dk" not in _seats(world["a"])
