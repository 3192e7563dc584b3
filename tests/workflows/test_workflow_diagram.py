"""The generated SVG and its text alternative."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from workflows import registry, to_outline, to_svg

SVG = "{http://www.w3.org/2000/svg}"
WORKFLOWS = registry.all()


def state_texts(root: ET.Element) -> dict[str, str]:
    return {g.get("data-state"): " ".join(t.text for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if g.get("data-state")}


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_svg_parses_and_is_accessible(wf):
    root = ET.fromstring(to_svg(wf))
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == wf.label
    assert root.find(f"{SVG}desc").text == wf.description
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id and root.find(f"{SVG}desc").get("id") == desc_id


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_svg_shows_every_state_label(wf):
    texts = state_texts(ET.fromstring(to_svg(wf)))
    assert texts == {s.name: s.staff_label for s in wf.states}


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_svg_mentions_every_action_label(wf):
    svg = to_svg(wf)
    for t in wf.transitions:
        assert t.label in svg


def test_label_callable_translates_everything_shown():
    wf = registry.get("subsidy")
    root = ET.fromstring(to_svg(wf, label=str.upper))
    assert root.find(f"{SVG}title").text == wf.label.upper()
    assert state_texts(root)["granted"] == "BEVILGET"


def test_text_is_escaped():
    wf = registry.get("subsidy")
    odd = replace(wf, label="<Tilskud & co>", states=tuple(
        replace(s, staff_label='"Kladde" <ny>') if s.name == "draft" else s for s in wf.states))
    root = ET.fromstring(to_svg(odd))
    assert root.find(f"{SVG}title").text == "<Tilskud & co>"
    assert state_texts(root)["draft"] == '"Kladde" <ny>'


@pytest.mark.parametrize("wf", WORKFLOWS, ids=lambda wf: wf.name)
def test_outline_lists_every_state_and_exit(wf):
    outline = to_outline(wf)
    assert [row["state"] for row in outline][0] == wf.start
    assert sorted(row["state"] for row in outline) == sorted(s.name for s in wf.states)
    for row in outline:
        state = wf.state(row["state"])
        assert row["label"] == state.staff_label and row["public_label"] == state.public_label
        assert len(row["exits"]) == len(wf.transitions_from(state.name))
        assert (row["exits"] == []) == wf.is_terminal(state.name)
        for action_label, target_label, roles in row["exits"]:
            assert action_label and target_label and roles
