"""The form runtime: pure validation, conditions, budget, WTForms step forms and the step template."""
from datetime import date

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from app.forms_runtime import (FieldSpec, FormSpec, StepSpec, answers_from_form, applied_amount, step_form,
                               step_view, validate_answers, visible_fields, wants_more_lines, without_hidden)
from app.forms_runtime.budget import budget_answer
from app.forms_runtime.values import parse_amount, parse_date

SPEC = FormSpec(version_id=1, number=1, steps=(
    StepSpec("Om aktiviteten", "Fortæl kort.", (
        FieldSpec("titel", "Titel", "short_text", required=True),
        FieldSpec("dato", "Dato", "date", required=True),
        FieldSpec("samarbejde", "Samarbejder I med andre?", "yes_no", required=True),
        FieldSpec("partnere", "Hvem?", "long_text", required=True, condition_key="samarbejde", condition_value="yes"),
        FieldSpec("type", "Type", "single_choice", required=True, choices=("Idræt", "Kultur")),
        FieldSpec("maalgrupper", "Målgrupper", "multiple_choice", choices=("Børn", "Unge", "Ældre")),
        FieldSpec("email", "Kontakt", "email"),
        FieldSpec("telefon", "Telefon", "phone"),
    )),
    StepSpec("Budget", "", (
        FieldSpec("budget", "Budget", "budget", required=True),
        FieldSpec("egen", "Egenfinansiering", "amount"),
        FieldSpec("deltagere", "Deltagere", "number"),
        FieldSpec("kultur_note", "Om kulturen", "short_text", required=True, condition_key="type",
                  condition_value="Kultur"),
    )),
    StepSpec("Bilag", "", (FieldSpec("bilag", "Bilag", "file", required=True),)),
))

GOOD = {"titel": "Sommerlejr", "dato": "2027-07-01", "samarbejde": False, "type": "Idræt",
        "budget": {"expenses": [{"text": "Leje", "amount": 10000}], "income": []},
        "bilag": {"document_id": 7, "filename": "budget.pdf"}}


@pytest.mark.parametrize("text, value", [("12.500 kr.", 12500), ("12500", 12500), ("12 500", 12500),
                                         ("12500,00", 12500), ("", None), (7, 7)])
def test_parse_amount(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["12,5", "-1", "abc", "1.2.3", "2000000000"])
def test_parse_amount_refuses(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize("text", ["24.12.2026", "24-12-2026", "24/12/2026", "2026-12-24"])
def test_parse_date(text):
    assert parse_date(text) == date(2026, 12, 24)


def test_complete_answers_validate():
    assert validate_answers(SPEC, GOOD) == {}


def test_missing_and_wrong_answers():
    errors = validate_answers(SPEC, {"titel": "x" * 301, "dato": "31.02.2027", "samarbejde": "ja", "type": "Musik",
                                     "maalgrupper": ["Børn", "Katte"], "email": "ikke-en-mail", "telefon": "12",
                                     "egen": -5, "budget": "garbage"})
    assert set(errors) == {"titel", "dato", "samarbejde", "type", "maalgrupper", "email", "telefon", "egen",
                           "budget", "bilag"}
    assert str(errors["bilag"][0]) == "Vedhæft en fil."


def test_hidden_fields_are_not_required_and_not_checked():
    assert "partnere" not in validate_answers(SPEC, {**GOOD, "samarbejde": False, "partnere": 42})
    errors = validate_answers(SPEC, {**GOOD, "samarbejde": True})
    assert str(errors["partnere"][0]) == "Udfyld feltet."
    assert "kultur_note" in validate_answers(SPEC, {**GOOD, "type": "Kultur"})
    assert without_hidden(SPEC, {**GOOD, "partnere": "Skolen"}).get("partnere") is None


def test_visible_fields_follow_conditions_through_chains():
    spec = FormSpec(None, None, (StepSpec("A", "", (
        FieldSpec("a", "A", "yes_no"), FieldSpec("b", "B", "yes_no", condition_key="a", condition_value="yes"),
        FieldSpec("c", "C", "short_text", condition_key="b", condition_value="yes"))),))
    assert [f.key for f in visible_fields(spec, {"a": False, "b": True})] == ["a"]
    assert [f.key for f in visible_fields(spec, {"a": True, "b": True})] == ["a", "b", "c"]


def test_budget_totals_and_problems():
    answer, problems = budget_answer([{"text": "Leje", "amount": "10.000"}, {"text": "", "amount": ""}],
                                     [{"text": "Kontingent", "amount": "2500"}])
    assert problems == []
    assert (answer["total_expenses"], answer["total_income"], answer["applied"]) == (10000, 2500, 7500)
    _, problems = budget_answer([{"text": "Leje", "amount": ""}], [])
    assert "skriv både en tekst og et beløb" in str(problems[0])
    _, problems = budget_answer([{"text": "Leje", "amount": "100"}], [{"text": "Salg", "amount": "200"}])
    assert "Indtægterne er større end udgifterne" in str(problems[0])
    assert applied_amount(SPEC, GOOD) == 10000


def _post(app, data):
    return app.test_request_context("/", method="POST", data=MultiDict(data))


def test_step_form_validates_with_danish_messages(app):
    with _post(app, {"titel": "", "dato": "i morgen", "samarbejde": "yes", "partnere": "", "type": "Musik",
                     "email": "nej", "telefon": "123"}):
        form = step_form(SPEC, 0, {})
        assert not form.validate()
        messages = {k: [str(m) for m in v] for k, v in form.errors.items()}
        assert messages["titel"] == ["Udfyld feltet."]
        assert messages["dato"] == ["Skriv en dato som dd.mm.åååå, fx 24.12.2026."]
        assert messages["partnere"] == ["Udfyld feltet."]  # shown: the same step said yes
        assert messages["type"] == ["Vælg et af svarene på listen."]
        assert "email" in messages and "telefon" in messages


def test_conditional_field_not_required_when_hidden_on_the_same_step(app):
    with _post(app, {"titel": "Lejr", "dato": "01.07.2027", "samarbejde": "no", "partnere": "", "type": "Idræt",
                     "email": "", "telefon": ""}):
        form = step_form(SPEC, 0, {})
        assert form.validate(), form.errors
        answers, uploads = answers_from_form(SPEC, 0, form, {"gammelt": 1})
        assert answers == {"gammelt": 1, "titel": "Lejr", "dato": "2027-07-01", "samarbejde": False, "type": "Idræt"}
        assert uploads == {}


def test_condition_on_an_earlier_step(app):
    with _post(app, {"budget-expenses-0-text": "Leje", "budget-expenses-0-amount": "500", "egen": "",
                     "deltagere": "", "kultur_note": ""}):
        assert step_form(SPEC, 1, {"type": "Idræt"}).validate()
        form = step_form(SPEC, 1, {"type": "Kultur"})
        assert not form.validate() and list(form.errors) == ["kultur_note"]
        view = step_view(SPEC, 1, step_form(SPEC, 1, {"type": "Idræt"}), {"type": "Idræt"})
        assert [fv.spec.key for fv in view.fields] == ["budget", "egen", "deltagere"]


def test_budget_field_reads_lines_and_computes_server_side(app):
    with _post(app, {"budget-expenses-0-text": "Leje", "budget-expenses-0-amount": "10.000",
                     "budget-expenses-1-text": "Mad", "budget-expenses-1-amount": "2500",
                     "budget-income-0-text": "Egenbetaling", "budget-income-0-amount": "1500",
                     "budget-total": "999999", "egen": "12.500 kr.", "deltagere": "30", "kultur_note": ""}):
        form = step_form(SPEC, 1, {})
        assert form.validate(), form.errors
        answers, _ = answers_from_form(SPEC, 1, form, {})
        assert answers["budget"]["applied"] == 11000 and answers["budget"]["total_expenses"] == 12500
        assert answers["egen"] == 12500 and answers["deltagere"] == 30


def test_budget_bad_line_is_an_error_and_input_kept(app):
    with _post(app, {"budget-expenses-0-text": "Leje", "budget-expenses-0-amount": "ti tusind"}):
        form = step_form(SPEC, 1, {})
        assert not form.validate()
        assert "Linje 1: skriv beløbet i hele kroner" in str(form.errors["budget"][0])
        html = render_template_string('{% from "forms_runtime/_step.html" import render_step %}{{ render_step(v) }}',
                                      v=step_view(SPEC, 1, form, {}))
        assert 'value="ti tusind"' in html and 'id="error-summary"' in html


def test_more_lines_button(app):
    data = {f"budget-expenses-{i}-{p}": "" for i in range(3) for p in ("text", "amount")}
    with _post(app, {**data, "more_lines": "budget"}):
        form = step_form(SPEC, 1, {})
        assert wants_more_lines(form, {"more_lines": "budget"})
        assert len(form["budget"].rows("expenses")) == 6
        assert not wants_more_lines(form, {"more_lines": "titel"})


def test_stored_answers_fill_the_form_on_get(app):
    with app.test_request_context("/"):
        form = step_form(SPEC, 0, {"titel": "Lejr", "dato": "2027-07-01", "samarbejde": True,
                                   "maalgrupper": ["Unge"]})
        html = render_template_string('{% from "forms_runtime/_step.html" import render_step %}{{ render_step(v) }}',
                                      v=step_view(SPEC, 0, form, {}))
        assert 'value="Lejr"' in html and 'value="01.07.2027"' in html
        assert 'value="yes" checked' in html and 'value="Unge" checked' in html
        assert 'data-show-if="samarbejde"' in html and "Besvares kun, hvis du har svaret »Ja«" in html
        form = step_form(SPEC, 1, {"budget": GOOD["budget"], "egen": 2000})
        html = render_template_string('{% from "forms_runtime/_step.html" import render_step %}{{ render_step(v) }}',
                                      v=step_view(SPEC, 1, form, {}))
        assert 'value="Leje"' in html and 'value="10000"' in html and 'value="2000"' in html
        assert 'name="budget-expenses-3-text"' in html  # the stored line plus three blank ones


def test_file_field(app):
    from io import BytesIO
    with app.test_request_context("/", method="POST", data={"bilag": (BytesIO(b"%PDF-1.4"), "regnskab.pdf")},
                                  content_type="multipart/form-data"):
        form = step_form(SPEC, 2, {})
        assert form.validate(), form.errors
        answers, uploads = answers_from_form(SPEC, 2, form, {})
        assert "bilag" not in answers and uploads["bilag"].filename == "regnskab.pdf"
    with app.test_request_context("/", method="POST", data={"bilag": (BytesIO(b"MZ"), "virus.exe")},
                                  content_type="multipart/form-data"):
        form = step_form(SPEC, 2, {})
        assert not form.validate() and "Filtypen kan ikke bruges" in str(form.errors["bilag"][0])
    with _post(app, {}):
        assert not step_form(SPEC, 2, {}).validate()
        assert step_form(SPEC, 2, {"bilag": {"document_id": 3, "filename": "a.pdf"}}).validate()
