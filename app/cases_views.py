"""The action form shared by the applicant's and the staff's case pages."""
from __future__ import annotations

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_login import current_user

from app.models import Case
from app.services.cases import transitions
from app.services.pools import limits


# Asking someone for something needs the question itself.
COMMENT_REQUIRED = frozenset({"request_information", "request_more_report", "return_to_assessment"})


def handle_action(case: Case, back_to: str):
    """Run the posted workflow action on `case` and redirect back with a clear message."""
    action = (request.form.get("action") or "")[:60]
    version = request.form.get("version", type=int)
    comment = (request.form.get("comment") or "").strip()[:5000] or None
    reason = (request.form.get("reason") or "").strip()[:20000] or None
    amount = request.form.get("amount", type=int)
    if amount is not None and not 0 <= amount <= 1_000_000_000:
        flash(_("Beløbet skal være et helt antal kroner fra 0 og op."), "error")
        return redirect(back_to)
    if action in COMMENT_REQUIRED and not comment:
        flash(_("Skriv en bemærkning: den, du spørger, skal kunne se, hvad du beder om."), "error")
        return redirect(back_to)
    try:
        transitions.perform(case.id, action, current_user, expected_version=version,
                            given=transitions.ActionInput(comment=comment, reason=reason, amount=amount))
    except transitions.StaleCase:
        flash(_("Sagen er blevet ændret af en anden, mens du så på den. Se den nye status, og prøv igen."), "error")
    except transitions.ReasonRequired:
        flash(_("Skriv en begrundelse: et afslag eller en delvis bevilling skal begrundes (forvaltningslovens § 22)."), "error")
    except transitions.AmountRequired:
        flash(_("Skriv det beløb, der bevilges."), "error")
    except limits.AmountRefused as exc:
        flash(str(exc.message), "error")
    except transitions.TransitionNotAllowed as exc:
        flash(_(exc.reason, **{key: _(value) for key, value in exc.params.items()}), "error")
    else:
        flash(_("Handlingen er udført."), "success")
    return redirect(back_to)
