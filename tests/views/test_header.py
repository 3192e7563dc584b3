"""The page header: who is logged in and in what role, a favicon, and a Menu button for phones (no inline script)."""
from __future__ import annotations

import re

from app.extensions import db
from tests.factories import AssociationFactory, CaseworkerFactory, UserFactory


def _user_line(body: str) -> str:
    return re.sub(r"<[^>]+>", "", re.search(r'<p class="user">(.*?)</p>', body, re.S).group(1)).strip()


def test_a_chair_is_shown_as_chair_of_the_association(client, auth):
    sofie = UserFactory(email="sofie@example.dk", full_name="Sofie Kragh")
    AssociationFactory(name="Fjordens Kajakklub", members=(sofie,))
    db.session.commit()
    auth.login("sofie@example.dk")
    line = _user_line(client.get("/").get_data(as_text=True))
    assert line == "Sofie Kragh, Formand for Fjordens Kajakklub"
    assert "Foreningsmedlem" not in line


def test_a_board_member_of_two_associations_gets_no_role_word(client, auth):
    ole = UserFactory(email="ole@example.dk", full_name="Ole Bak")
    AssociationFactory(name="A-klubben", members=(UserFactory(), ole))
    AssociationFactory(name="B-klubben", members=(UserFactory(), ole))
    db.session.commit()
    auth.login("ole@example.dk")
    assert _user_line(client.get("/").get_data(as_text=True)) == "Ole Bak"


def test_staff_keep_their_role(client, auth):
    CaseworkerFactory(email="mette@kommune.dk", full_name="Mette Holm")
    db.session.commit()
    auth.login("mette@kommune.dk")
    assert _user_line(client.get("/").get_data(as_text=True)) == "Mette Holm, Sagsbehandler"


def test_favicon_is_linked_and_served(client):
    body = client.get("/").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', body).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and b"<svg" in icon.data


def test_the_phone_menu_is_a_real_button_controlling_both_parts_and_no_inline_script(client):
    body = client.get("/").get_data(as_text=True)
    button = re.search(r'<button type="button" class="[^"]*app-menu-button"[^>]*>', body).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="app-user app-nav"' in button
    assert 'id="app-user"' in body and 'id="app-nav"' in body
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)  # every script is a file (the CSP forbids inline)
    assert ' style="' not in body and " onclick=" not in body


def test_flash_messages_carry_their_icon(client, auth):
    UserFactory(email="karen@example.dk")
    db.session.commit()
    body = auth.login("karen@example.dk") and client.post("/konto/log-ud", follow_redirects=True).get_data(as_text=True)
    assert re.search(r'<div class="alert alert-\w+ mb-5" role="\w+">\s*<svg class="icon-svg alert-icon"', body)
