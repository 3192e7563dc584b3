"""The form builder through its pages: steps, fields, conditions, preview and publication."""
import pytest

from app.extensions import db
from app.models import AdminEvent, FormField, FormStep, FormVersion


def add_step(client, pool, title):
    return client.post(f"/admin/puljer/{pool.id}/skema/trin", data={"step-title": title, "step-intro": ""})


def add_field(client, pool, step_title, label, kind, required=True, choices="", condition=""):
    step = db.session.scalar(db.select(FormStep).join(FormVersion).where(
        FormVersion.pool_id == pool.id, FormVersion.status == "draft", FormStep.title == step_title))
    data = {"field-step_id": step.id, "field-label": label, "field-kind": kind, "field-help_text": "",
            "field-choices": choices, "field-condition": condition}
    if required:
        data["field-required"] = "y"
    return client.post(f"/admin/puljer/{pool.id}/skema/felter", data=data)


def field(key):
    return db.session.scalar(db.select(FormField).join(FormVersion)
                             .where(FormField.key == key, FormVersion.status == "draft"))


@pytest.fixture
def drafted(admin_client, pool):
    add_step(admin_client, pool, "Om aktiviteten")
    add_field(admin_client, pool, "Om aktiviteten", "Aktivitetens navn", "short_text")
    add_field(admin_client, pool, "Om aktiviteten", "Samarbejder I med andre?", "yes_no")
    add_field(admin_client, pool, "Om aktiviteten", "Hvem samarbejder I med?", "long_text",
              condition="samarbejder_i_med_andre=yes")
    add_step(admin_client, pool, "Budget")
    add_field(admin_client, pool, "Budget", "Budget", "budget")
    return pool


def test_build_a_form_through_the_pages(admin_client, drafted):
    version = db.session.scalar(db.select(FormVersion))
    assert version.status == "draft" and version.number is None
    assert [(s.title, [f.key for f in s.fields]) for s in version.steps] == [
        ("Om aktiviteten", ["aktivitetens_navn", "samarbejder_i_med_andre", "hvem_samarbejder_i_med"]),
        ("Budget", ["budget"])]
    conditional = field("hvem_samarbejder_i_med")
    assert (conditional.condition_key, conditional.condition_value) == ("samarbejder_i_med_andre", "yes")
    body = admin_client.get(f"/admin/puljer/{drafted.id}/skema").get_data(as_text=True)
    assert "Kun når »Samarbejder I med andre?« = »Ja«" in body and "Budgetskema" in body
    actions = db.session.scalars(db.select(AdminEvent.action).order_by(AdminEvent.id)).all()
    assert actions == ["start_draft", "add_step", "add_field", "add_field", "add_field", "add_step", "add_field"]


def test_condition_on_a_later_field_is_refused(admin_client, drafted):
    first = field("aktivitetens_navn")
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{first.id}", data={
        "field-label": "Aktivitetens navn", "field-kind": "short_text", "field-required": "y",
        "field-step_id": first.step_id, "field-condition": "samarbejder_i_med_andre=yes"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "som kommer senere i skemaet" in body
    db.session.expire_all()
    assert field("aktivitetens_navn").condition_key is None


def test_condition_on_itself_is_refused(admin_client, drafted):
    own = field("samarbejder_i_med_andre")
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{own.id}", data={
        "field-label": own.label, "field-kind": "yes_no", "field-step_id": own.step_id,
        "field-condition": "samarbejder_i_med_andre=yes"})
    assert "kan ikke afhænge af sig selv" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert field("samarbejder_i_med_andre").condition_key is None


def test_moving_a_condition_before_its_controller_is_refused(admin_client, drafted):
    dependant = field("hvem_samarbejder_i_med")
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{dependant.id}/flyt", data={"retning": "op"},
                             follow_redirects=True)
    assert "som kommer senere i skemaet" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert [f.key for f in field("aktivitetens_navn").step.fields][1:] == ["samarbejder_i_med_andre",
                                                                          "hvem_samarbejder_i_med"]


def test_move_field_and_step(admin_client, drafted):
    name = field("aktivitetens_navn")
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{name.id}/flyt", data={"retning": "ned"})
    db.session.expire_all()
    assert [f.key for f in field("aktivitetens_navn").step.fields] == [
        "samarbejder_i_med_andre", "aktivitetens_navn", "hvem_samarbejder_i_med"]
    budget_step = field("budget").step
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/trin/{budget_step.id}/flyt", data={"retning": "op"})
    db.session.expire_all()
    assert [s.title for s in db.session.scalar(db.select(FormVersion)).steps] == ["Budget", "Om aktiviteten"]


def test_deleting_a_controller_is_refused(admin_client, drafted):
    controller = field("samarbejder_i_med_andre")
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{controller.id}/slet", follow_redirects=True)
    assert "styrer, om »Hvem samarbejder I med?« bliver vist" in resp.get_data(as_text=True)
    assert field("samarbejder_i_med_andre") is not None
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{field('hvem_samarbejder_i_med').id}/slet")
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{controller.id}/slet")
    assert field("samarbejder_i_med_andre") is None


@pytest.mark.parametrize("kind, choices, message", [
    ("single_choice", "Kun én", "Skriv mindst to svarmuligheder"),
    ("budget", "", "Skemaet har allerede et budgetskema"),
])
def test_bad_field_definitions(admin_client, drafted, kind, choices, message):
    resp = add_field(admin_client, drafted, "Om aktiviteten", "Nyt felt", kind, choices=choices)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body and 'value="Nyt felt"' in body
    assert field("nyt_felt") is None


def test_condition_value_must_be_an_answer(admin_client, drafted):
    add_field(admin_client, drafted, "Om aktiviteten", "Størrelse", "single_choice", choices="Lille\nStor")
    resp = add_field(admin_client, drafted, "Om aktiviteten", "Hvorfor stor?", "long_text",
                     condition="stoerrelse=Kæmpe")
    assert resp.status_code == 200 and "Vælg en af mulighederne på listen" in resp.get_data(as_text=True)
    add_field(admin_client, drafted, "Om aktiviteten", "Hvorfor stor?", "long_text", condition="stoerrelse=Stor")
    assert field("hvorfor_stor").condition_value == "Stor"


def test_publish_with_no_fields_is_refused(admin_client, pool):
    add_step(admin_client, pool, "Om aktiviteten")
    resp = admin_client.post(f"/admin/puljer/{pool.id}/skema/offentliggoer", follow_redirects=True)
    assert "Skemaet har ingen felter" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(FormVersion.status)) == "draft"


def test_publish_with_an_empty_step_is_refused(admin_client, drafted):
    add_step(admin_client, drafted, "Bilag")
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/offentliggoer", follow_redirects=True)
    assert "Trinnet »Bilag« har ingen felter" in resp.get_data(as_text=True)


def test_publish_then_edit_makes_a_new_draft(admin_client, drafted):
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/offentliggoer", follow_redirects=True)
    assert "Version 1 af skemaet er offentliggjort" in resp.get_data(as_text=True)
    v1 = db.session.scalar(db.select(FormVersion))
    assert (v1.status, v1.number) == ("published", 1) and v1.published_at is not None
    body = admin_client.get(f"/admin/puljer/{drafted.id}/skema").get_data(as_text=True)
    assert "Ret skemaet" in body and "Tilføj felt" not in body
    # A published field cannot be edited directly.
    published_field = v1.steps[0].fields[0]
    resp = admin_client.post(f"/admin/puljer/{drafted.id}/skema/felter/{published_field.id}", data={
        "field-label": "Ændret", "field-kind": "short_text", "field-step_id": published_field.step_id,
        "field-condition": ""})
    assert "Kun kladden kan ændres" in resp.get_data(as_text=True)
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/ret")
    draft = db.session.scalar(db.select(FormVersion).where(FormVersion.status == "draft"))
    assert [f.key for s in draft.steps for f in s.fields] == [f.key for s in v1.steps for f in s.fields]
    add_field(admin_client, drafted, "Budget", "Antal deltagere", "number")
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/offentliggoer")
    db.session.expire_all()
    numbers = db.session.scalars(db.select(FormVersion.number).order_by(FormVersion.number)).all()
    assert numbers == [1, 2]
    assert len(db.session.get(FormVersion, v1.id).fields) == 4


def test_discard_draft(admin_client, drafted):
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/kasser")
    assert db.session.scalar(db.select(db.func.count()).select_from(FormVersion)) == 0
    assert db.session.scalar(db.select(AdminEvent.action).order_by(AdminEvent.id.desc()).limit(1)) == "discard_draft"


def test_step_edit_and_delete(admin_client, drafted):
    step = field("budget").step
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/trin/{step.id}", data={"title": "Økonomi", "intro": "Tal."})
    db.session.expire_all()
    assert db.session.get(FormStep, step.id).title == "Økonomi"
    admin_client.post(f"/admin/puljer/{drafted.id}/skema/trin/{step.id}/slet")
    assert field("budget") is None


def test_bad_step_title_keeps_page(admin_client, pool):
    resp = add_step(admin_client, pool, "")
    assert resp.status_code == 200 and "Skriv en overskrift" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(FormVersion)) == 0


def test_preview_walks_the_steps_and_validates(admin_client, drafted):
    url = f"/admin/puljer/{drafted.id}/skema/forhaandsvisning"
    body = admin_client.get(url).get_data(as_text=True)
    assert "Forhåndsvisning" in body and "Trin 1 af 2" in body and 'name="aktivitetens_navn"' in body
    assert "Besvares kun, hvis du har svaret »Ja« til »Samarbejder I med andre?«" in body
    resp = admin_client.post(url, data={"trin": "0", "svar": "{}", "samarbejder_i_med_andre": "yes"})
    body = resp.get_data(as_text=True)
    assert "Udfyld feltet." in body and 'id="error-summary"' in body and "Trin 1 af 2" in body
    resp = admin_client.post(url, data={"trin": "0", "svar": "{}", "aktivitetens_navn": "Sommerlejr",
                                        "samarbejder_i_med_andre": "no", "hvem_samarbejder_i_med": ""})
    body = resp.get_data(as_text=True)
    assert "Trin 2 af 2" in body and "Udgifter" in body and "Flere linjer" in body
    assert "Sommerlejr" in body  # carried in the hidden answers
    resp = admin_client.post(url, data={"trin": "1", "svar": '{"aktivitetens_navn": "Sommerlejr", '
                                        '"samarbejder_i_med_andre": false}',
                                        "budget-expenses-0-text": "Leje", "budget-expenses-0-amount": "10.000",
                                        "budget-income-0-text": "Egenbetaling", "budget-income-0-amount": "2000"})
    body = resp.get_data(as_text=True)
    assert "Opsummering" in body and "Alt er udfyldt" in body and "ansøgt 8.000 kr." in body
    assert db.session.scalar(db.select(db.func.count()).select_from(FormVersion)) == 1  # nothing saved


def test_preview_more_lines_adds_rows_without_validating(admin_client, drafted):
    url = f"/admin/puljer/{drafted.id}/skema/forhaandsvisning"
    data = {"trin": "1", "svar": "{}", "more_lines": "budget"}
    for i in range(3):
        data.update({f"budget-expenses-{i}-text": "", f"budget-expenses-{i}-amount": "",
                     f"budget-income-{i}-text": "", f"budget-income-{i}-amount": ""})
    data["budget-expenses-0-text"], data["budget-expenses-0-amount"] = "Leje", "500"
    body = admin_client.post(url, data=data).get_data(as_text=True)
    assert 'name="budget-expenses-5-text"' in body and 'name="budget-expenses-6-text"' not in body
    assert 'value="Leje"' in body and "error-summary" not in body and "500 kr." in body


def test_preview_survives_garbage_answers(admin_client, drafted):
    url = f"/admin/puljer/{drafted.id}/skema/forhaandsvisning"
    assert admin_client.post(url, data={"trin": "x", "svar": "[not json"}).status_code == 200
    assert admin_client.get(url + "?trin=99").status_code == 200
