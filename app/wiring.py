"""The one place where the app's parts are bound together; create_app calls `wire(app)`.

Services do not import the areas they hand work to: a transition does not know who sends its notices or
renders its letter, the outbox does not know its channels' adapters or the task that delivers, the unit of
work does not know the outbox. They expose a `bind`/`install` seam and this module binds them, once per
app, with objects (no strings to import). Reading this file tells what happens when a case changes state.
"""
from __future__ import annotations

from flask import Flask

from app.services import unit_of_work
from app.services.cases import transitions
from app.services.committee import decisions, digital_post, letters
from app.services.delivery import digital_post_transport, mail, notices, outbox
from app.services.integrations import esdh, events, webhooks
from app.services.premises import booking_effects
from app.tasks import notices as notice_tasks, schedule, signals as task_signals

# Workflow effects handled outside the case itself (transitions handles its own; see workflows.EFFECTS).
EFFECT_HANDLERS = {
    "notify_applicant": notices.notify_applicant,
    "notify_caseworker": notices.notify_caseworker,
    "notify_committee": notices.notify_committee,
    "render_decision_letter": letters.request_decision_letter,
    "create_bookings": booking_effects.create_bookings,
    "release_bookings": booking_effects.release_bookings,
}
# Letters the letter channel renders beyond decision letters.
LETTER_RENDERERS = {"meeting_minutes": decisions.render_minutes_letter}


def channels() -> dict[str, outbox.Adapter]:
    """The outbox's delivery channels."""
    return {"email": mail.EmailAdapter(), "letter": letters.LetterAdapter(), "webhook": webhooks.WebhookAdapter(),
            "digital_post": digital_post.DigitalPostAdapter(), esdh.CHANNEL: esdh.EsdhAdapter()}


def _dispatch(ids: list[int]) -> None:
    outbox.dispatch(ids)  # looked up per call, so a test can replace outbox.dispatch


def wire(app: Flask) -> None:
    """Bind effects, letter renderers, outbox channels, the after-commit dispatch and the beat schedule."""
    digital_post_transport.check_configuration(app.config)  # refuses to start on a Digital Post it cannot use
    transitions.bind_effects(EFFECT_HANDLERS)  # refuses to start if an effect has no handler
    letters.bind_renderers(LETTER_RENDERERS)
    transitions.bind_observers([events.on_transition])  # case.submitted, case.decided for the API and webhooks
    events.bind_listeners([esdh.on_event])  # journalisation in the ESDH (off unless ESDH is configured)
    outbox.bind(channels(), notice_tasks.deliver_notice, notice_tasks.deliver_batch)
    unit_of_work.install(after_commit=_dispatch)
    schedule.install(app)
    task_signals.connect(app)  # the request id into tasks, task durations, the worker's JSON logs
