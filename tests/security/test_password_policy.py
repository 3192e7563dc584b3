"""The password policy: length from config, leaked and guessable passwords, the person's own name and address."""
from __future__ import annotations

import pytest

from app.extensions import db
from app.models import User
from app.services.accounts.password_policy import problem

GOOD = "en-god-adgangskode-42"


def _problem(password, **kw):
    message = problem(password, min_length=kw.pop("min_length", 12), **kw)
    return None if message is None else str(message)


@pytest.mark.parametrize("password", ["demo-adgangskode", GOOD, "hest-lampe-sky-blyant", "Tv3-sofa-pizza-1987"])
def test_good_passwords_pass(app, password):
    assert _problem(password, email="karen@example.dk", name="Karen Holm") is None


@pytest.mark.parametrize("password, reason", [
    ("kort-kode", "mindst 12 tegn"),
    ("password1234", "for almindelig"),         # leaked list, and the word with digits added
    ("qwertyuiop123", "for almindelig"),
    ("Adgangskode2024!", "for almindelig"),     # the Danish favourite with the year and a sign
    ("Velkommen12345", "for almindelig"),
    ("iloveyou1234", "for almindelig"),
    ("aaaaaaaaaaaaaa", "for let at gætte"),      # repeats, sequences and keyboard walks
    ("123412341234", "for let at gætte"),
    ("abcdefghijklmn", "for let at gætte"),
    ("karen-er-sej-2024", "e-mailadresse eller dit navn"),
    ("holm.familien.99", "e-mailadresse eller dit navn"),
    ("KarenHolm-kodeord", "e-mailadresse eller dit navn"),
])
def test_bad_passwords_are_refused_with_the_reason(app, password, reason):
    assert reason in (_problem(password, email="karen@example.dk", name="Karen Holm") or "")


def test_minimum_length_comes_from_config(app, client):
    app.config["PASSWORD_MIN_LENGTH"] = 20
    resp = client.post("/konto/opret", data={"full_name": "Karen Holm", "email": "karen@example.dk",
                                             "password": GOOD[:19], "password_again": GOOD[:19]})
    assert "mindst 20 tegn" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_local_part_of_email_counts_as_personal(app):
    assert "e-mailadresse" in _problem("bornholmer-77-xyz", email="bornholmer@example.dk", name="Ib")
    assert _problem("ib-har-en-god-kode", email="x@example.dk", name="Ib") is None  # short names are ignored


@pytest.mark.parametrize("password, message", [
    ("password1234", "Adgangskoden er for almindelig"),
    ("karen-holm-kode-1", "Adgangskoden må ikke indeholde din e-mailadresse eller dit navn"),
])
def test_signup_form_shows_the_message_next_to_the_field(client, password, message):
    resp = client.post("/konto/opret", data={"full_name": "Karen Holm", "email": "karen@example.dk",
                                             "password": password, "password_again": password})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body
    assert 'id="password-error"' in body or "form-error-message" in body
    assert 'value="karen@example.dk"' in body  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_reset_form_checks_against_the_accounts_own_name(client, factory):
    from app.services.accounts.tokens import make_token
    from app.services.accounts.accounts import password_fingerprint
    user = factory.user(email="ole.berg@example.dk", name="Ole Berg")
    db.session.commit()
    token = make_token("reset", {"uid": user.id, "fp": password_fingerprint(user)})
    resp = client.post(f"/konto/ny-adgangskode/{token}", data={"password": "berg-er-bedst-99",
                                                               "password_again": "berg-er-bedst-99"})
    assert resp.status_code == 200
    assert "må ikke indeholde din e-mailadresse eller dit navn" in resp.get_data(as_text=True)
    resp = client.post(f"/konto/ny-adgangskode/{token}", data={"password": GOOD, "password_again": GOOD})
    assert resp.status_code == 302


def test_invitation_accept_goes_through_the_same_sign_up_policy(client, factory):
    """An invited person without a user signs up on the sign-up form; the policy holds there too."""
    resp = client.post("/konto/opret", data={"full_name": "Nye Bestyrelsesmedlem", "email": "ny@example.dk",
                                             "password": "sommer2024!", "password_again": "sommer2024!"})
    assert "mindst 12 tegn" in resp.get_data(as_text=True)
    resp = client.post("/konto/opret", data={"full_name": "Nye Bestyrelsesmedlem", "email": "ny@example.dk",
                                             "password": "Sommer2024!!!", "password_again": "Sommer2024!!!"})
    assert "for almindelig" in resp.get_data(as_text=True)
