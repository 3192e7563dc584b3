"""The application renderer shows any shape of case.data without failing."""
from dataclasses import dataclass

from app.staff.application_view import sections


@dataclass
class F:
    key: str
    label: str
    kind: str = "short_text"


@dataclass
class S:
    title: str
    fields: tuple


@dataclass
class Spec:
    steps: tuple


def _flat(section):
    return {row.label: row.text for row in section.rows}


def test_flat_data_key_by_key(app):
    with app.test_request_context():
        [section] = sections({"description": "Sommerlejr", "participants": 40, "seasonal": False})
    assert section.title is None
    assert _flat(section) == {"Beskrivelse": "Sommerlejr", "Deltagere": "40", "Sæsonansøgning": "Nej"}


def test_steps_with_answers(app):
    data = {"steps": [{"title": "Om aktiviteten", "answers": {"formaal": "Fodbold"}},
                      {"title": "Budget", "answers": [{"label": "Udgifter", "value": 5000}]}]}
    with app.test_request_context():
        out = sections(data)
    assert [s.title for s in out] == ["Om aktiviteten", "Budget"]
    assert _flat(out[0]) == {"Formaal": "Fodbold"} and _flat(out[1]) == {"Udgifter": "5000"}


def test_form_spec_gives_steps_and_labels_and_keeps_unknown_answers(app):
    spec = Spec(steps=(S("Aktiviteten", (F("what", "Hvad skal I lave?"), F("cost", "Pris", "amount"))),))
    with app.test_request_context():
        out = sections({"answers": {"what": "Lejr", "cost": 12500, "old_key": "x"}}, spec)
    assert out[0].title == "Aktiviteten"
    assert _flat(out[0]) == {"Hvad skal I lave?": "Lejr", "Pris": "12.500 kr."}
    assert out[1].title == "Andre oplysninger" and _flat(out[1]) == {"Old key": "x"}


def test_nested_and_odd_values_do_not_fail(app):
    deep = {"a": {"b": {"c": {"d": {"e": {"f": 1}}}}}}
    with app.test_request_context():
        assert sections(None) == []
        assert sections({"steps": "not a list", "x": [1, 2, 3]})[0].rows[-1].text == "1, 2, 3"
        [section] = sections(deep)
    row = section.rows[0]
    for _ in range(4):
        row = row.rows[0]
    assert row.text == "…"
