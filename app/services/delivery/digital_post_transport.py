"""Where a MeMo message goes: Serviceplatformen's SF1601 (KombiPostAfsend) or a provider's file drop.

Chosen by DIGITAL_POST ("sf1601", "filedrop"; "" is off). A transport's `send(xml, message_uuid)` returns when the
message is accepted, raises RecipientExempt when the recipient does not receive Digital Post (fritaget), and
raises an OSError for anything that may pass (the outbox tries again on its schedule).
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Protocol

from flask import current_app

from app import clock
from app.services.delivery import serviceplatformen_sts as sts

MODES = ("", "sf1601", "filedrop")
TOKEN_SETTINGS = ("DIGITAL_POST_STS_URL", "DIGITAL_POST_ACCESS_TOKEN_URL", "DIGITAL_POST_SERVICE_ENTITY_ID")
# SF1601 answers a recipient who is exempt from Digital Post (or not subscribed, for a company without a
# mailbox) with a refusal that names it; we read these words in the answer (see README, Digital Post).
EXEMPT_WORDS = re.compile(rb"fritaget|ikke tilmeldt|not subscribed|exempt", re.IGNORECASE)
TRANSIENT_STATUSES = {408, 425, 429}
REFUSED_TOKEN_STATUSES = {401, 403}


class RecipientExempt(Exception):
    """The recipient does not receive Digital Post: the letter goes by e-mail and the portal instead."""


class DigitalPostUnavailable(OSError):
    """The service did not accept the message this time (down, overloaded, refused for now)."""


class Transport(Protocol):
    def send(self, xml: bytes, message_uuid: str) -> None: ...


def check_configuration(config) -> None:
    """Refuse to start on a DIGITAL_POST the app cannot use (called when the app is wired)."""
    mode = config["DIGITAL_POST"]
    if mode not in MODES:
        raise RuntimeError(f"DIGITAL_POST must be one of {', '.join(repr(m) for m in MODES)}, not {mode!r}.")
    if mode and not re.fullmatch(r"[0-9]{8}", config["DIGITAL_POST_SENDER_CVR"] or ""):
        raise RuntimeError("DIGITAL_POST_SENDER_CVR must be the municipality's CVR number (8 digits).")
    if mode == "sf1601" and not (config["DIGITAL_POST_CERT_FILE"] and config["DIGITAL_POST_KEY_FILE"]):
        raise RuntimeError("DIGITAL_POST=sf1601 needs DIGITAL_POST_CERT_FILE and DIGITAL_POST_KEY_FILE "
                           "(the municipality's certificate for Serviceplatformen).")
    if mode == "sf1601" and not all(config[key] for key in TOKEN_SETTINGS):
        raise RuntimeError(f"DIGITAL_POST=sf1601 needs {', '.join(TOKEN_SETTINGS)} (Serviceplatformen's token step).")
    if mode == "filedrop" and not config["DIGITAL_POST_FILEDROP_FOLDER"]:
        raise RuntimeError("DIGITAL_POST=filedrop needs DIGITAL_POST_FILEDROP_FOLDER.")


def is_enabled() -> bool:
    """Whether decision letters go by Digital Post."""
    return bool(current_app.config["DIGITAL_POST"])


def configured() -> Transport:
    """The transport DIGITAL_POST names."""
    config = current_app.config
    if config["DIGITAL_POST"] == "sf1601":
        return Sf1601(config["DIGITAL_POST_SF1601_URL"], token_settings(config))
    if config["DIGITAL_POST"] == "filedrop":
        return FileDrop(Path(config["DIGITAL_POST_FILEDROP_FOLDER"]))
    raise RuntimeError("Digital Post is off (DIGITAL_POST is empty)")


def token_settings(config) -> sts.Settings:
    """Where SF1601's tokens come from, and the certificate that asks for them and calls the service."""
    return sts.Settings(sts_url=config["DIGITAL_POST_STS_URL"], access_token_url=config["DIGITAL_POST_ACCESS_TOKEN_URL"],
                        entity_id=config["DIGITAL_POST_SERVICE_ENTITY_ID"], cvr=config["DIGITAL_POST_SENDER_CVR"],
                        cert=(config["DIGITAL_POST_CERT_FILE"], config["DIGITAL_POST_KEY_FILE"]),
                        verify=config["DIGITAL_POST_CA_FILE"] or True,
                        timeout=config["DIGITAL_POST_TIMEOUT_SECONDS"])


def kombi_request(xml: bytes) -> bytes:
    """KombiPostAfsend's request body: the choice "Digital Post" (no physical fallback: ours is e-mail) and the
    MeMo message."""
    memo = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    return (b'<?xml version="1.0" encoding="UTF-8"?><kombi_request><KombiValgKode>Digital Post</KombiValgKode>'
            + memo.strip() + b"</kombi_request>")


class Sf1601:
    """POST to KombiPostAfsend over TLS with the municipality's client certificate and an access token from
    Serviceplatformen's token step (app/services/delivery/serviceplatformen_sts.py).

    The transaction id is the message's UUID, the same on every attempt, so the service can tell a retry
    from a new letter. A refused token (401/403) is forgotten, and the outbox's next attempt fetches a new one.
    """

    def __init__(self, url: str, tokens: sts.Settings) -> None:
        self.url, self.tokens = url, tokens

    def send(self, xml: bytes, message_uuid: str) -> None:
        authorization = sts.authorization(self.tokens)  # TokenUnavailable (an OSError): the outbox tries again
        import requests  # on first use: ~40 ms less for every process's start
        try:
            response = requests.post(
                self.url, data=kombi_request(xml), cert=self.tokens.cert, verify=self.tokens.verify,
                timeout=self.tokens.timeout, allow_redirects=False,
                headers={"Content-Type": "application/xml", "Accept": "application/xml",
                         "Authorization": authorization, "x-transaktionsid": message_uuid,
                         "x-transaktionstid": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")})
        except requests.RequestException as exc:  # its text may quote the request (and the token): the kind only
            raise DigitalPostUnavailable(f"SF1601 did not answer ({type(exc).__name__})") from None
        if 200 <= response.status_code < 300:
            return
        if response.status_code in REFUSED_TOKEN_STATUSES:
            sts.forget(self.tokens)
            raise DigitalPostUnavailable(f"SF1601 refused the access token ({response.status_code})")
        answer = response.content[:2000]
        if response.status_code < 500 and response.status_code not in TRANSIENT_STATUSES \
                and EXEMPT_WORDS.search(answer):
            raise RecipientExempt(answer.decode("utf-8", "replace"))
        raise DigitalPostUnavailable(f"SF1601 answered {response.status_code}: "
                                     f"{answer.decode('utf-8', 'replace')[:300]}")


class FileDrop:
    """Write the MeMo file to the folder a print/post provider collects: `<uuid>.xml`, whole or not at all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, xml: bytes, message_uuid: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{message_uuid}.xml"
        partial = self.folder / f".{message_uuid}.xml.partial"  # the provider never sees half a file
        partial.write_bytes(xml)
        os.replace(partial, final)  # the same name on a retry: the provider gets one letter
