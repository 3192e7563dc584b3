"""Workflow effects are declared once (workflows.EFFECTS) and the app binds a handler to each at start-up."""
import pytest

from app import create_app, wiring
from app.services.cases import transitions
from config import TestingConfig
from workflows import EFFECTS, registry


def test_every_declared_effect_has_a_handler_and_every_handler_an_effect():
    bound = {**transitions.OWN_EFFECT_HANDLERS, **wiring.EFFECT_HANDLERS}
    assert set(bound) == EFFECTS
    transitions.check_effect_handlers(bound)


def test_every_declared_effect_is_named_by_a_workflow():
    named = {effect for wf in registry.all() for t in wf.transitions for effect in t.effects}
    assert named == EFFECTS


def test_the_app_does_not_start_with_an_effect_left_unhandled(monkeypatch, tmp_path):
    monkeypatch.delitem(wiring.EFFECT_HANDLERS, "notify_committee")
    with pytest.raises(RuntimeError, match="effect 'notify_committee' has no handler"):
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite")


def test_the_app_does_not_start_with_a_handler_for_no_effect(monkeypatch, tmp_path):
    # publish_story was named by a definition once and silently did nothing; a stray binding is refused too.
    monkeypatch.setitem(wiring.EFFECT_HANDLERS, "publish_story", lambda case, user, given: None)
    with pytest.raises(RuntimeError, match="'publish_story', which is no workflow effect"):
        create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.sqlite")
