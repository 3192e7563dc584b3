"""Webhooks per Standard Webhooks: subscriptions of API clients, signing, and the outbox's "webhook" channel.

Each delivery is one outbox row, so it has the outbox's retries (backoff up to OUTBOX_RETRY_MAX_SECONDS, for
OUTBOX_RETRY_HOURS) and its exactly-once ledger: the row is marked delivered in the commit that records the
receiver's 2xx. A receiver may still see a message twice (a crash between its 2xx and our commit), which is
why `webhook-id` is the event's id: Standard Webhooks receivers drop an id they have seen.

Order per case is kept: a delivery is not tried while an earlier delivery of the same case to the same subscription
is unfinished (pending, held, or failed and not skipped). It is held by the outbox instead (`waiting_for`): no
attempt counted, no backoff, nothing in the delivery log; however long the outage, it waits untouched. A delivered
message releases the next one of its case at once, so after an outage a case's queue drains at the receiver's
pace. A failed one (its window over) keeps holding the later ones until the administrator sends it again (its
row gets a new window; they follow once it is delivered) or skips it (`skip`: they are released in order).
Other cases, and other subscriptions, are never held by it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

from app import clock
from app.extensions import db
from app.models import ApiClient, OutboxMessage, User, WebhookAttempt, WebhookDelivery, WebhookSubscription
from app.models.webhook import EVENT_TYPES
from app.services.delivery import outbox
from app.services.integrations import events
from app.services.journals import audit
from app.services.journals.audit import SetupError
from app.services.unit_of_work import flush, use_case

SECRET_PREFIX = "whsec_"  # nosec B105 # the Standard Webhooks prefix of a secret, not a secret
KEPT_BYTES = 1024  # of a receiver's answer or an error, in the delivery log
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_SNAPSHOT = ("client_id", "url", "event_types", "ended_at")


class WebhookNotDelivered(OSError):
    """The receiver did not take the message (no answer, or not a 2xx); tried again later like a lost connection."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Subscribed:
    subscription: WebhookSubscription
    secret: str  # shown to the administrator once


# --- signing (https://www.standardwebhooks.com/) -------------------------------------------------------

def new_secret() -> str:
    """whsec_ + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def signature(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """The webhook-signature header: "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{message_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def message_id(delivery: WebhookDelivery) -> str:
    return f"msg_{delivery.event_id}"


def body_of(delivery: WebhookDelivery) -> str:
    """The JSON body: type, timestamp, data (the event as the feed shows it)."""
    event = delivery.event
    values = events.event_values(event)
    values["occurred_at"] = event.occurred_at.isoformat()
    return json.dumps({"type": event.type, "timestamp": values["occurred_at"], "data": values},
                      separators=(",", ":"), ensure_ascii=False)


# --- subscriptions -------------------------------------------------------------------------------------

def check_url(url: str) -> str:
    """The URL stripped, or SetupError: https, or http to this machine when WEBHOOK_ALLOW_LOOPBACK_HTTP is on."""
    url = (url or "").strip()
    parts = urlsplit(url)
    loopback_http = (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
                     and current_app.config["WEBHOOK_ALLOW_LOOPBACK_HTTP"])
    if len(url) > 500 or not parts.hostname or not (parts.scheme == "https" or loopback_http):
        raise SetupError(_l("Adressen skal begynde med https:// og nævne en server."), "url")
    return url


@use_case
def subscribe(actor: User, client_id: int, url: str, event_types: list[str]) -> Subscribed:
    """Subscribe a URL of an active client to the chosen event types; the signing secret is returned once."""
    client = db.session.get(ApiClient, client_id)
    if client is None or client.is_revoked:
        raise SetupError(_l("Integrationen findes ikke eller er spærret."))
    url = check_url(url)
    if not event_types or not set(event_types) <= set(EVENT_TYPES):
        raise SetupError(_l("Vælg mindst én hændelse fra listen."), "event_types")
    secret = new_secret()
    subscription = WebhookSubscription(client_id=client.id, url=url, secret=secret, created_by_id=actor.id,
                                       event_types=" ".join(t for t in EVENT_TYPES if t in event_types))
    db.session.add(subscription)
    flush()
    audit.record(actor, "webhook", subscription.id, "create", None, audit.snapshot(subscription, _SNAPSHOT))
    return Subscribed(subscription, secret)


@use_case
def end_subscription(actor: User, subscription_id: int) -> WebhookSubscription:
    """Stop sending to a subscription (what is pending is dropped when its turn comes)."""
    subscription = db.session.get(WebhookSubscription, subscription_id, with_for_update=True)
    if subscription is None or subscription.ended_at is not None:
        raise SetupError(_l("Abonnementet findes ikke eller er allerede stoppet."))
    before = audit.snapshot(subscription, _SNAPSHOT)
    subscription.ended_at = clock.now()
    audit.record(actor, "webhook", subscription.id, "end", before, audit.snapshot(subscription, _SNAPSHOT))
    return subscription


def send_again(actor: User, delivery_id: int) -> WebhookDelivery:
    """Send an event to the subscription once more (the administrator asked; journaled); the delivery that sends it.

    A failed delivery that still holds its case is tried again in its place, with a new retry window: the later
    ones of the case follow once it is delivered. Any other (delivered, or failed and skipped) gets a new delivery,
    which comes after what is unfinished of its case.
    """
    sent = _send_again(actor, delivery_id)
    if sent.id == delivery_id:
        outbox.dispatch([sent.outbox_message_id])  # committed and pending: the task finds it due
    return sent


@use_case
def _send_again(actor: User, delivery_id: int) -> WebhookDelivery:
    delivery, subscription = _delivery_and_subscription(delivery_id)
    if subscription.ended_at is not None or subscription.client.is_revoked:
        raise SetupError(_l("Abonnementet er stoppet; der sendes ikke mere til det."))
    if is_holding(delivery) and outbox.reopen(delivery.outbox_message_id) is not None:
        sent = delivery
    else:
        again = db.session.scalar(db.select(db.func.count(WebhookDelivery.id)).where(
            WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.event_id == delivery.event_id))
        sent = events.add_delivery(subscription, delivery.event, again=again)
        flush()
    audit.record(actor, "webhook", subscription.id, "send_again", None,
                 {"event_id": delivery.event_id, "delivery_id": sent.id, "of_delivery_id": delivery.id})
    return sent


def skip(actor: User, delivery_id: int) -> WebhookDelivery:
    """Give up a failed delivery that holds its case (the administrator decided; journaled): the later ones of
    the case go out in order, starting now."""
    delivery, following = _skip(actor, delivery_id)
    if following is not None:
        outbox.dispatch([following])  # committed: the task finds it due
    return delivery


@use_case
def _skip(actor: User, delivery_id: int) -> tuple[WebhookDelivery, int | None]:
    delivery, subscription = _delivery_and_subscription(delivery_id)
    # The row lock orders this against "Send igen" on the notices page, which reopens the same row.
    msg = db.session.get(OutboxMessage, delivery.outbox_message_id, with_for_update=True, populate_existing=True)
    if not is_holding(delivery):
        raise SetupError(_l("Kun en fejlet levering, der ikke er sprunget over, kan springes over."))
    delivery.skipped_at = clock.now()
    audit.record(actor, "webhook", subscription.id, "skip", None,
                 {"event_id": delivery.event_id, "delivery_id": delivery.id, "outbox_message_id": msg.id})
    flush()
    return delivery, _release_next(delivery)


def _delivery_and_subscription(delivery_id: int) -> tuple[WebhookDelivery, WebhookSubscription]:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        raise SetupError(_l("Leverancen findes ikke."))
    # The subscription's lock serialises the administrators' actions on its deliveries.
    return delivery, db.session.get(WebhookSubscription, delivery.subscription_id, with_for_update=True)


def is_holding(delivery: WebhookDelivery) -> bool:
    """Whether a failed delivery holds the later ones of its case (it has not been skipped)."""
    return delivery.outbox_message.status == "failed" and delivery.skipped_at is None


def subscriptions(client_id: int) -> list[WebhookSubscription]:
    return list(db.session.scalars(db.select(WebhookSubscription).where(WebhookSubscription.client_id == client_id)
                                   .order_by(WebhookSubscription.ended_at.is_not(None), WebhookSubscription.id)))


def delivery_of_client(delivery_id: int, client_id: int) -> bool:
    """Whether the delivery went to one of the client's subscriptions."""
    return db.session.scalar(db.select(WebhookDelivery.id).join(
        WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id).where(
        WebhookDelivery.id == delivery_id, WebhookSubscription.client_id == client_id)) is not None


def deliveries(client_id: int, limit: int = 100) -> list[WebhookDelivery]:
    """The client's latest deliveries with their outbox rows and attempts, newest first."""
    return list(db.session.scalars(
        db.select(WebhookDelivery).join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
        .where(WebhookSubscription.client_id == client_id)
        .options(db.joinedload(WebhookDelivery.event), db.joinedload(WebhookDelivery.outbox_message),
                 db.selectinload(WebhookDelivery.attempts))
        .order_by(WebhookDelivery.id.desc()).limit(limit)))


# --- the outbox channel --------------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx is the receiver's answer, not a new address to send our signed body to


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> tuple[int, str]:
    """POST and return (status, the first KEPT_BYTES of the answer); no answer raises WebhookNotDelivered."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.read(KEPT_BYTES).decode("utf-8", "replace")
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, answer.read(KEPT_BYTES).decode("utf-8", "replace")
    except (OSError, ValueError) as exc:  # refused, timed out, TLS, a bad address
        raise WebhookNotDelivered(f"{type(exc).__name__}: {exc}"[:KEPT_BYTES]) from exc


class WebhookAdapter:
    """The outbox's "webhook" channel: a delivery is done when the receiver answers 2xx."""

    def deliver(self, msg: OutboxMessage, on_accepted: Callable[[], None]) -> None:
        delivery = db.session.scalar(db.select(WebhookDelivery).where(WebhookDelivery.outbox_message_id == msg.id))
        subscription = db.session.get(WebhookSubscription, delivery.subscription_id)
        if subscription.ended_at is not None or subscription.client.is_revoked:
            db.session.add(WebhookAttempt(delivery_id=delivery.id, ok=False, detail="not sent: subscription ended"))
            on_accepted()  # nothing more to do for this row
            return
        body, timestamp = body_of(delivery), int(clock.now().timestamp())
        headers = {"Content-Type": "application/json", "User-Agent": "Foreningsstoette-Webhooks/1",
                   "webhook-id": message_id(delivery), "webhook-timestamp": str(timestamp),
                   "webhook-signature": signature(subscription.secret, message_id(delivery), timestamp, body)}
        status, answer = post(subscription.url, body.encode(), headers, current_app.config["WEBHOOK_TIMEOUT_SECONDS"])
        if not 200 <= status < 300:
            raise WebhookNotDelivered(f"HTTP {status}: {answer}"[:KEPT_BYTES], status)
        db.session.add(WebhookAttempt(delivery_id=delivery.id, status_code=status, ok=True, detail=answer or None))
        following = _release_next(delivery)
        on_accepted()
        if following is not None:
            outbox.dispatch([following])  # committed: the task finds it due

    def record_failure(self, msg: OutboxMessage, exc: Exception) -> None:
        """The outbox's failure record calls this in its own commit: the attempt stays in the log."""
        delivery_id = db.session.scalar(db.select(WebhookDelivery.id)
                                        .where(WebhookDelivery.outbox_message_id == msg.id))
        if delivery_id is not None:
            db.session.add(WebhookAttempt(delivery_id=delivery_id, status_code=getattr(exc, "status_code", None),
                                          ok=False, detail=str(exc)[:KEPT_BYTES]))


    def waiting_for(self, msg: OutboxMessage) -> str | None:
        """Why the row must wait before it is tried (the outbox holds it then), or None: an earlier delivery of the
        same case to the same subscription is unfinished. An ended subscription's rows go through (and are dropped)."""
        delivery = db.session.scalar(db.select(WebhookDelivery).where(WebhookDelivery.outbox_message_id == msg.id))
        if delivery is None or delivery.case_id is None:
            return None
        subscription = db.session.get(WebhookSubscription, delivery.subscription_id)
        if subscription.ended_at is not None or subscription.client.is_revoked:
            return None
        earlier, earlier_msg = _earlier()
        blocking = db.session.scalar(db.select(earlier.id).where(_blocks(earlier, earlier_msg, delivery))
                                     .order_by(earlier.id).limit(1))
        return None if blocking is None else f"waiting for delivery {blocking} of the same case"

    def unheld_ids(self) -> list[int]:
        """Held rows nothing holds any more: no unfinished earlier delivery of their case, or their subscription
        ended (for the sweep, should a release have been lost). Only a case's first held row qualifies."""
        earlier, earlier_msg = _earlier()
        stopped = db.or_(WebhookSubscription.ended_at.is_not(None), ApiClient.revoked_at.is_not(None))
        return list(db.session.scalars(
            db.select(OutboxMessage.id).join(WebhookDelivery, WebhookDelivery.outbox_message_id == OutboxMessage.id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .join(ApiClient, ApiClient.id == WebhookSubscription.client_id)
            .where(OutboxMessage.status == "held",
                   db.or_(stopped, ~db.exists().where(_blocks(earlier, earlier_msg, WebhookDelivery))))
            .order_by(OutboxMessage.id).limit(1000)))


def _earlier():
    return db.aliased(WebhookDelivery), db.aliased(OutboxMessage)


def _blocks(earlier, earlier_msg, delivery):
    """`earlier` is an unfinished delivery before `delivery` (a row or the entity) of its case and subscription."""
    return db.and_(earlier.subscription_id == delivery.subscription_id, earlier.case_id == delivery.case_id,
                   earlier.id < delivery.id, earlier_msg.id == earlier.outbox_message_id,
                   db.or_(earlier_msg.status.in_(("pending", "held")),
                          db.and_(earlier_msg.status == "failed", earlier.skipped_at.is_(None))))


def _release_next(delivery: WebhookDelivery) -> int | None:
    """Release the next unfinished delivery of the case to this subscription (its outbox id; the caller dispatches
    it after the commit), so a queue of a case's events drains at the receiver's pace after an outage, not one
    step per retry interval. Held later ones follow one by one, each released by the one before."""
    if delivery.case_id is None:
        return None
    following = db.session.scalar(
        db.select(OutboxMessage.id).join(WebhookDelivery, WebhookDelivery.outbox_message_id == OutboxMessage.id)
        .where(WebhookDelivery.subscription_id == delivery.subscription_id, WebhookDelivery.case_id == delivery.case_id,
               WebhookDelivery.id > delivery.id, OutboxMessage.status.in_(("pending", "held")))
        .order_by(WebhookDelivery.id).limit(1))
    if following is not None:
        outbox.release([following])
    return following
