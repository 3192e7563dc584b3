"""Build a WTForms form class for one step of a form version, and read the answers back."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from werkzeug.datastructures import FileStorage
from wtforms import (EmailField, RadioField, SelectMultipleField, StringField, TelField, TextAreaField,
                     SelectChoice)
from wtforms.validators import Length, StopValidation

from app.forms_runtime.conditions import YES, NO, is_visible
from app.forms_runtime.fields import BudgetField, DanishDateField, NumberField, WholeNumberField
from app.forms_runtime.spec import FieldSpec, FormSpec
from app.forms_runtime.validate import MAX_LONG, MAX_SHORT, MESSAGES, field_problems, is_blank, required_message

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_TYPES = ("pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "jpg", "jpeg", "png", "txt")
MORE_LINES = "more_lines"


class Shown:
    """First validator of every runtime field: hidden fields are skipped, required is checked when shown."""

    def __init__(self, spec: FormSpec, field: FieldSpec, answers: dict) -> None:
        self.spec, self.field, self.answers = spec, field, answers

    def __call__(self, form: FlaskForm, wtf_field) -> None:
        known = {**self.answers, **step_answers(self.spec, form)}
        if not is_visible(self.spec, self.field, known):
            wtf_field.errors[:] = []
            raise StopValidation()
        if wtf_field.errors:  # the value could not be read (e.g. '12,5' as an amount)
            raise StopValidation()
        if self.field.kind == "budget" and wtf_field.answer()[1]:  # a half-filled line, before 'is it empty'
            wtf_field.errors.extend(wtf_field.answer()[1])
            raise StopValidation()
        value = field_value(self.field, wtf_field)
        if self.field.kind == "file" and not _has_upload(wtf_field):
            value = self.answers.get(self.field.key)
        if is_blank(self.field, value):
            raise StopValidation(required_message(self.field) if self.field.required else None)
        if self.field.kind in ("budget", "yes_no", "single_choice", "multiple_choice"):
            problems = field_problems(self.field, value)
            wtf_field.errors.extend(problems)
            if problems:
                raise StopValidation()


def _has_upload(wtf_field) -> bool:
    return isinstance(wtf_field.data, FileStorage) and bool(wtf_field.data.filename)


def _choices(values: tuple[str, ...]) -> list[SelectChoice]:
    return [SelectChoice(v, v) for v in values]


def make_field(spec: FormSpec, field: FieldSpec, answers: dict):
    """The unbound WTForms field for one FieldSpec."""
    first = [Shown(spec, field, answers)]
    kw = {"label": field.label, "description": field.help_text}
    kind = field.kind
    if kind == "short_text":
        return StringField(validators=first + [Length(max=MAX_SHORT, message=MESSAGES["short_text"])], **kw)
    if kind == "long_text":
        return TextAreaField(validators=first + [Length(max=MAX_LONG, message=MESSAGES["long_text"])], **kw)
    if kind == "email":
        return EmailField(validators=first + [_check(field)], **kw)
    if kind == "phone":
        return TelField(validators=first + [_check(field)], **kw)
    if kind == "yes_no":
        return RadioField(choices=[SelectChoice(YES, _l("Ja")), SelectChoice(NO, _l("Nej"))],
                          validate_choice=False, validators=first, **kw)
    if kind == "single_choice":
        return RadioField(choices=_choices(field.choices), validate_choice=False, validators=first, **kw)
    if kind == "multiple_choice":
        return SelectMultipleField(choices=_choices(field.choices), validate_choice=False, validators=first, **kw)
    if kind == "file":
        return FileField(validators=first + [
            FileAllowed(FILE_TYPES, message=_l("Filtypen kan ikke bruges. Brug PDF, Word, Excel, billeder (JPG, PNG) "
                                               "eller tekst.")),
            FileSize(MAX_FILE_BYTES, message=_l("Filen er for stor. Den må højst fylde 10 MB."))], **kw)
    return {"number": NumberField, "amount": WholeNumberField, "date": DanishDateField,
            "budget": BudgetField}[kind](validators=first, **kw)


def _check(field: FieldSpec):
    def check(form, wtf_field) -> None:
        problems = field_problems(field, field_value(field, wtf_field))
        if problems:
            raise StopValidation(problems[0])
    return check


def step_form_class(spec: FormSpec, index: int, answers: dict | None = None) -> type[FlaskForm]:
    """A FlaskForm class with one field per question on step `index`."""
    answers = answers or {}
    attrs = {f.key: make_field(spec, f, answers) for f in spec.steps[index].fields}
    return type("ApplicationStepForm", (FlaskForm,), attrs)


def initial_data(spec: FormSpec, index: int, answers: dict) -> dict:
    """Stored answers turned into the data the step's fields show."""
    data = {}
    for f in spec.steps[index].fields:
        value = answers.get(f.key)
        if value is None or f.kind == "file":
            continue
        if f.kind == "yes_no":
            value = YES if value is True else NO if value is False else None
        elif f.kind == "date" and isinstance(value, str):
            value = _iso(value)
        data[f.key] = value
    return data


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


FROM_REQUEST = object()


def step_form(spec: FormSpec, index: int, answers: dict | None = None, formdata=FROM_REQUEST) -> FlaskForm:
    """The step's form filled from stored answers; on a POST it reads the request unless `formdata` says
    otherwise (pass None to show the next step fresh within the same POST)."""
    answers = answers or {}
    cls = step_form_class(spec, index, answers)
    data = initial_data(spec, index, answers)
    return cls(data=data) if formdata is FROM_REQUEST else cls(formdata=formdata, data=data)


def field_value(field: FieldSpec, wtf_field) -> object:
    """A field's current value in the stored form (bools for yes/no, ISO dates, budget dicts)."""
    data = wtf_field.data
    if field.kind == "yes_no":
        return True if data == YES else False if data == NO else None
    if field.kind == "date":
        return data.isoformat() if isinstance(data, date) else None
    if field.kind == "multiple_choice":
        return list(data or [])
    if field.kind == "budget":
        answer, _ = wtf_field.answer()
        return answer
    if field.kind == "file":
        return {"document_id": None, "filename": data.filename} if _has_upload(wtf_field) else None
    if isinstance(data, str):
        return data.strip()
    return data


def step_answers(spec: FormSpec, form: FlaskForm) -> dict:
    """The values of the condition-carrying fields on this form (for same-step conditions)."""
    out = {}
    for f in spec.all_fields():
        if f.kind in ("yes_no", "single_choice", "multiple_choice") and f.key in form._fields:
            out[f.key] = field_value(f, form[f.key])
    return out


def answers_from_form(spec: FormSpec, index: int, form: FlaskForm, answers: dict) -> tuple[dict, dict]:
    """(answers updated with this step, {key: FileStorage} of new uploads for the caller to store)."""
    updated, uploads = dict(answers), {}
    for f in spec.steps[index].fields:
        wtf_field = form[f.key]
        if f.kind == "file":
            if _has_upload(wtf_field):
                uploads[f.key] = wtf_field.data
            continue
        value = field_value(f, wtf_field)
        if is_blank(f, value):
            updated.pop(f.key, None)
        else:
            updated[f.key] = value
    return updated, uploads


def wants_more_lines(form: FlaskForm, formdata) -> bool:
    """True when the 'Flere linjer' button was pressed; adds blank lines to that budget table."""
    key = (formdata or {}).get(MORE_LINES) if formdata is not None else None
    if not key or key not in form._fields or not isinstance(form[key], BudgetField):
        return False
    form[key].add_rows()
    return True
