"""Table-driven tests of the engine against every registered workflow."""

from __future__ import annotations

import pytest

from workflows import (
    GUARD_REASONS,
    GUARDS,
    ROLES,
    Context,
    ReplayError,
    TransitionNotAllowed,
    apply,
    available_actions,
    blocked_actions,
    registry,
    replay,
)

# Context fields that make each guard pass, and that make it fail.
SATISFY: dict[str, dict] = {
    "within_delegation_limit": {"amount_applied": 10_000, "delegation_limit": 50_000},
    "above_delegation_limit": {"amount_applied": 100_000, "delegation_limit": 50_000},
    "within_fast_track_limit": {"amount_applied": 5_000, "fast_track_limit": 10_000},
    "above_fast_track_limit": {"amount_applied": 20_000, "fast_track_limit": 10_000},
    "hearing_confirmed": {"hearing_confirmed": True},
    "not_inhabil": {"is_inhabil": False},
    "is_seasonal": {"is_seasonal": True},
    "not_seasonal": {"is_seasonal": False},
    "auto_approve_enabled": {"auto_approve": True},
    "before_deadline": {"before_deadline": True},
    "not_informal_group": {"is_informal_group": False},
}
VIOLATE: dict[str, dict] = {
    "within_delegation_limit": {"amount_applied": 100_000, "delegation_limit": 50_000},
    "above_delegation_limit": {"amount_applied": 10_000, "delegation_limit": 50_000},
    "within_fast_track_limit": {"amount_applied": 20_000, "fast_track_limit": 10_000},
    "above_fast_track_limit": {"amount_applied": 5_000, "fast_track_limit": 10_000},
    "hearing_confirmed": {"hearing_confirmed": False},
    "not_inhabil": {"is_inhabil": True},
    "is_seasonal": {"is_seasonal": False},
    "not_seasonal": {"is_seasonal": True},
    "auto_approve_enabled": {"auto_approve": False},
    "before_deadline": {"before_deadline": False},
    "not_informal_group": {"is_informal_group": True},
}


def ctx_for(guards: tuple[str, ...], **extra) -> Context:
    fields: dict = {}
    for g in guards:
        fields.update(SATISFY[g])
    return Context(**{**fields, **extra})


def all_cases():
    for wf in registry.all():
        for t in wf.transitions:
            for source in t.sources:
                yield pytest.param(wf, t, source, id=f"{wf.name}:{source}:{t.action}")


CASES = list(all_cases())


def test_guard_tables_cover_every_guard():
    assert set(SATISFY) == set(VIOLATE) == set(GUARDS) == set(GUARD_REASONS)


@pytest.mark.parametrize("name", sorted(GUARDS))
def test_each_guard_passes_and_fails_as_tabled(name):
    assert GUARDS[name](Context(**SATISFY[name])) is True
    assert GUARDS[name](Context(**VIOLATE[name])) is False


@pytest.mark.parametrize(("wf", "t", "source"), CASES)
def test_every_transition_is_allowed_for_each_of_its_roles(wf, t, source):
    for role in t.roles:
        outcome = apply(wf, source, t.action, [role], ctx_for(t.guards))
        assert (outcome.source, outcome.target, outcome.action) == (source, t.target, t.action)
        assert outcome.effects == t.effects
        assert t.action in {a.action for a in available_actions(wf, source, [role], ctx_for(t.guards))}


@pytest.mark.parametrize(("wf", "t", "source"), CASES)
def test_every_transition_is_refused_to_other_roles(wf, t, source):
    for role in sorted(ROLES - t.roles):
        with pytest.raises(TransitionNotAllowed) as info:
            apply(wf, source, t.action, [role], ctx_for(t.guards))
        assert "adgang" in info.value.message
        assert info.value.guard is None


@pytest.mark.parametrize(("wf", "t", "source"), [c for c in CASES if c.values[1].guards])
def test_every_guard_refusal_names_its_reason(wf, t, source):
    role = sorted(t.roles)[0]
    for g in t.guards:
        with pytest.raises(TransitionNotAllowed) as info:
            apply(wf, source, t.action, [role], ctx_for(t.guards, **VIOLATE[g]))
        assert info.value.guard == g
        assert info.value.reason == GUARD_REASONS[g]
        blocked = {b.action: reason for b, reason in blocked_actions(wf, source, [role], ctx_for(t.guards, **VIOLATE[g]))}
        assert blocked[t.action] == GUARD_REASONS[g]


@pytest.mark.parametrize(("wf", "t", "source"), CASES)
def test_inhabil_blocks_staff_but_never_the_applicant(wf, t, source):
    ctx = ctx_for(t.guards, is_inhabil=True)
    for role in t.roles:
        if role == "applicant":
            assert apply(wf, source, t.action, [role], ctx).target == t.target
        else:
            with pytest.raises(TransitionNotAllowed) as info:
                apply(wf, source, t.action, [role], ctx)
            assert info.value.guard == "not_inhabil"


@pytest.mark.parametrize("wf", registry.all(), ids=lambda wf: wf.name)
def test_actions_missing_from_a_state_are_refused(wf):
    for state in wf.states:
        present = {t.action for t in wf.transitions_from(state.name)}
        for action in sorted(set(wf.actions()) - present) + ["no_such_action"]:
            with pytest.raises(TransitionNotAllowed) as info:
                apply(wf, state.name, action, ROLES, Context())
            assert "ikke mulig" in info.value.message


A, CW, ADM, CH, CM = ["applicant"], ["caseworker"], ["administrator"], ["committee_chair"], ["committee_member"]
DELEGATED = {"recommended_amount": 10_000, "delegation_limit": 50_000}
ABOVE = {"recommended_amount": 90_000, "delegation_limit": 50_000}
HEARD = {"hearing_confirmed": True}

# (workflow, state, action, roles, context, expected target or "!guard" / "!role" / "!action")
TABLE = [
    ("subsidy", "draft", "submit", A, {}, "submitted"),
    ("subsidy", "draft", "submit", A, {"before_deadline": False}, "!before_deadline"),
    ("subsidy", "draft", "submit", A, {"is_informal_group": True}, "!not_informal_group"),
    ("subsidy", "draft", "submit", CW, {}, "!role"),
    ("subsidy", "draft", "discard", A, {}, "discarded"),
    ("subsidy", "submitted", "start_screening", CW, {}, "screening"),
    ("subsidy", "submitted", "start_screening", ADM, {}, "screening"),
    ("subsidy", "submitted", "start_screening", CW, {"is_inhabil": True}, "!not_inhabil"),
    ("subsidy", "submitted", "start_screening", A, {}, "!role"),
    ("subsidy", "submitted", "withdraw", A, {}, "withdrawn"),
    ("subsidy", "screening", "request_information", CW, {}, "needs_information"),
    ("subsidy", "assessment", "request_information", CW, {}, "needs_information"),
    ("subsidy", "needs_information", "answer_information", A, {}, "screening"),
    ("subsidy", "needs_information", "answer_information", CW, {}, "!role"),
    ("subsidy", "needs_information", "resume_processing", CW, {}, "screening"),
    ("subsidy", "needs_information", "withdraw", A, {}, "withdrawn"),
    ("subsidy", "screening", "decide_grant", CW, DELEGATED, "!action"),
    ("subsidy", "assessment", "recommend", CW, {}, "recommended"),
    ("subsidy", "recommended", "decide_grant", CW, DELEGATED, "granted"),
    ("subsidy", "recommended", "decide_grant", CW, ABOVE, "!within_delegation_limit"),
    ("subsidy", "recommended", "decide_grant", CW, {}, "!within_delegation_limit"),
    ("subsidy", "recommended", "decide_partly", CW, DELEGATED, "!hearing_confirmed"),
    ("subsidy", "recommended", "decide_partly", CW, {**DELEGATED, **HEARD}, "partly_granted"),
    ("subsidy", "recommended", "decide_reject", ADM, {**DELEGATED, **HEARD}, "rejected"),
    ("subsidy", "recommended", "send_to_committee", CW, ABOVE, "committee"),
    ("subsidy", "recommended", "send_to_committee", CW, {}, "committee"),
    ("subsidy", "recommended", "send_to_committee", CW, DELEGATED, "!above_delegation_limit"),
    ("subsidy", "recommended", "reopen_assessment", CW, {}, "assessment"),
    ("subsidy", "committee", "decide_grant", CH, {}, "granted"),
    ("subsidy", "committee", "decide_grant", CM, {}, "!role"),
    ("subsidy", "committee", "decide_grant", CW, DELEGATED, "!role"),
    ("subsidy", "committee", "decide_reject", CH, {}, "!hearing_confirmed"),
    ("subsidy", "committee", "decide_reject", CH, HEARD, "rejected"),
    ("subsidy", "committee", "decide_partly", CH, {**HEARD, "is_inhabil": True}, "!not_inhabil"),
    ("subsidy", "committee", "return_to_assessment", CH, {}, "assessment"),
    ("subsidy", "committee", "withdraw", A, {}, "withdrawn"),
    ("subsidy", "granted", "withdraw", A, {}, "!action"),
    ("subsidy", "granted", "mark_paid", CW, {}, "paid"),
    ("subsidy", "partly_granted", "mark_paid", CW, {}, "paid"),
    ("subsidy", "paid", "request_report", CW, {}, "report_due"),
    ("subsidy", "report_due", "submit_report", A, {}, "reported"),
    ("subsidy", "reported", "request_more_report", CW, {}, "report_due"),
    ("subsidy", "reported", "approve_report", CW, {}, "closed"),
    ("subsidy", "rejected", "close", CW, {}, "closed"),
    ("subsidy", "closed", "withdraw", A, {}, "!action"),
    ("subsidy", "withdrawn", "submit", A, {}, "!action"),
    ("new_initiative", "draft", "submit", A, {"is_informal_group": True}, "submitted"),
    ("new_initiative", "screening", "decide_grant", CW, {"amount_applied": 5_000, "fast_track_limit": 10_000}, "granted"),
    ("new_initiative", "screening", "decide_grant", CW, {"amount_applied": 15_000, "fast_track_limit": 10_000}, "!within_fast_track_limit"),
    ("new_initiative", "screening", "decide_grant", CW, {"amount_applied": 5_000}, "!within_fast_track_limit"),
    ("new_initiative", "screening", "decide_reject", CW, {"amount_applied": 5_000, "fast_track_limit": 10_000}, "!hearing_confirmed"),
    ("new_initiative", "screening", "decide_grant", A, {"amount_applied": 5_000, "fast_track_limit": 10_000}, "!role"),
    ("new_initiative", "screening", "start_assessment", CW, {}, "assessment"),
    ("new_initiative", "recommended", "decide_grant", CW, DELEGATED, "granted"),
    ("new_initiative", "reported", "approve_report", CW, {}, "closed"),
    ("premises_loan", "draft", "submit", A, {}, "requested"),
    ("premises_loan", "requested", "approve", CW, {}, "approved"),
    ("premises_loan", "requested", "approve", CW, {"is_seasonal": True}, "!not_seasonal"),
    ("premises_loan", "requested", "partly_approve", CW, {}, "!hearing_confirmed"),
    ("premises_loan", "requested", "reject", CW, HEARD, "rejected"),
    ("premises_loan", "requested", "auto_approve", CW, {"auto_approve": True}, "approved"),
    ("premises_loan", "requested", "auto_approve", CW, {}, "!auto_approve_enabled"),
    ("premises_loan", "requested", "auto_approve", CW, {"auto_approve": True, "is_seasonal": True}, "!not_seasonal"),
    ("premises_loan", "requested", "send_to_committee", CW, {"is_seasonal": True}, "committee"),
    ("premises_loan", "requested", "send_to_committee", CW, {}, "!is_seasonal"),
    ("premises_loan", "requested", "request_information", CW, {}, "needs_information"),
    ("premises_loan", "needs_information", "answer_information", A, {}, "requested"),
    ("premises_loan", "committee", "approve", CH, {"is_seasonal": True}, "approved"),
    ("premises_loan", "committee", "approve", CW, {"is_seasonal": True}, "!role"),
    ("premises_loan", "committee", "partly_approve", CH, HEARD, "partly_approved"),
    ("premises_loan", "approved", "cancel", A, {}, "cancelled"),
    ("premises_loan", "partly_approved", "cancel_by_municipality", CW, HEARD, "cancelled"),
    ("premises_loan", "approved", "cancel_by_municipality", CW, {}, "!hearing_confirmed"),
    ("premises_loan", "approved", "cancel_by_municipality", A, HEARD, "!role"),
    ("premises_loan", "approved", "close", CW, {}, "closed"),
    ("premises_loan", "requested", "withdraw", A, {}, "withdrawn"),
    ("premises_loan", "approved", "withdraw", A, {}, "!action"),
    ("premises_loan", "cancelled", "cancel", A, {}, "!action"),
]


@pytest.mark.parametrize(("name", "state", "action", "roles", "fields", "expected"), TABLE,
                         ids=[f"{r[0]}:{r[1]}:{r[2]}:{r[3][0]}:{r[5]}" for r in TABLE])
def test_table(name, state, action, roles, fields, expected):
    wf = registry.get(name)
    ctx = Context(**fields)
    if not expected.startswith("!"):
        assert apply(wf, state, action, roles, ctx).target == expected
        assert action in {t.action for t in available_actions(wf, state, roles, ctx)}
        return
    with pytest.raises(TransitionNotAllowed) as info:
        apply(wf, state, action, roles, ctx)
    assert action not in {t.action for t in available_actions(wf, state, roles, ctx)}
    kind = expected[1:]
    if kind == "role":
        assert info.value.guard is None and "adgang" in info.value.message
    elif kind == "action":
        assert info.value.guard is None and "ikke mulig" in info.value.message
    else:
        assert info.value.guard == kind
        assert info.value.message == GUARD_REASONS[kind]


def test_effects_of_a_delegated_rejection():
    wf = registry.get("subsidy")
    outcome = apply(wf, "recommended", "decide_reject", {"caseworker"}, Context(**DELEGATED, **HEARD))
    assert outcome.effects == ("record_decision", "render_decision_letter", "notify_applicant")


def test_approve_creates_bookings_and_cancel_releases_them():
    wf = registry.get("premises_loan")
    assert "create_bookings" in apply(wf, "requested", "approve", CW, Context()).effects
    assert "release_bookings" in apply(wf, "approved", "cancel", A, Context()).effects


def test_refusal_params_fill_the_template():
    with pytest.raises(TransitionNotAllowed) as info:
        apply(registry.get("subsidy"), "granted", "submit", A, Context())
    assert info.value.params == {"action": "Indsend ansøgning", "state": "Bevilget"}
    assert str(info.value) == "Handlingen »Indsend ansøgning« er ikke mulig, når sagen er »Bevilget«."


def test_unknown_state_is_refused():
    with pytest.raises(TransitionNotAllowed):
        apply(registry.get("subsidy"), "limbo", "submit", A, Context())


def test_amount_prefers_the_recommendation():
    assert GUARDS["within_delegation_limit"](Context(amount_applied=90_000, recommended_amount=10_000, delegation_limit=50_000))
    assert not GUARDS["within_delegation_limit"](Context(amount_applied=10_000, recommended_amount=90_000, delegation_limit=50_000))
    assert GUARDS["within_delegation_limit"](Context(amount_applied=50_000, delegation_limit=50_000))


def test_replay_follows_a_legal_journal():
    wf = registry.get("subsidy")
    journal = [("submit", "draft", "submitted"), ("start_screening", "submitted", "screening"),
               ("request_information", "screening", "needs_information"),
               ("answer_information", "needs_information", "screening")]
    assert replay(wf, journal) == "screening"
    assert replay(wf, []) == "draft"


@pytest.mark.parametrize("journal", [
    [("start_screening", "submitted", "screening")],  # does not begin at the start
    [("submit", "draft", "screening")],  # wrong target
    [("discard", "draft", "submitted")],  # action leads elsewhere
    [("submit", "draft", "submitted"), ("withdraw", "submitted", "withdrawn"), ("submit", "withdrawn", "submitted")],
])
def test_replay_rejects_an_inconsistent_journal(journal):
    with pytest.raises(ReplayError):
        replay(registry.get("subsidy"), journal)
