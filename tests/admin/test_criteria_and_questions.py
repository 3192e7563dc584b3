"""Assessment criteria with weights, and the eligibility questions, set up through the pages."""
import pytest

from app.extensions import db
from app.models import AdminEvent, EligibilityQuestion, PoolCriterion


def _criteria(pool_id):
    return db.session.scalars(db.select(PoolCriterion).where(PoolCriterion.pool_id == pool_id)
                              .order_by(PoolCriterion.position)).all()


def test_add_edit_and_delete_criterion(admin_client, pool):
    resp = admin_client.post(f"/admin/puljer/{pool.id}/kriterier",
                             data={"name": "Nye initiativer", "description": "Nyt eller nye målgrupper.",
                                   "weight": "2"})
    assert resp.status_code == 302
    added = _criteria(pool.id)[-1]
    assert (added.name, added.weight, added.position) == ("Nye initiativer", 2, 2)
    body = admin_client.get(f"/admin/puljer/{pool.id}/kriterier").get_data(as_text=True)
    assert "Nye initiativer" in body and "40 %" in body  # 2 of 5
    admin_client.post(f"/admin/puljer/{pool.id}/kriterier/{added.id}",
                      data={"name": "Nye initiativer", "description": "", "weight": "4"})
    db.session.expire_all()
    assert db.session.get(PoolCriterion, added.id).weight == 4
    admin_client.post(f"/admin/puljer/{pool.id}/kriterier/{added.id}/slet")
    assert [c.name for c in _criteria(pool.id)] == ["Samspil", "Synlighed"]
    events = db.session.scalars(db.select(AdminEvent).order_by(AdminEvent.id)).all()
    assert [(e.entity_type, e.action) for e in events] == [("criterion", "create"), ("criterion", "update"),
                                                           ("criterion", "delete")]
    assert events[1].before["weight"] == 2 and events[1].after["weight"] == 4


@pytest.mark.parametrize("weight, message", [("0", "Vægten skal være et helt tal større end 0"),
                                             ("-3", "Vægten skal være et helt tal større end 0"),
                                             ("1,5", "Skriv et helt tal"), ("", "Skriv en vægt")])
def test_weight_must_be_positive(admin_client, pool, weight, message):
    resp = admin_client.post(f"/admin/puljer/{pool.id}/kriterier",
                             data={"name": "Synlighed i lokalområdet", "weight": weight})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body and 'value="Synlighed i lokalområdet"' in body
    assert len(_criteria(pool.id)) == 2


def test_weight_rule_holds_in_the_service_too(admin, pool):
    from app.services.pools import criteria as pool_criteria
    from app.services.journals.audit import SetupError
    with pytest.raises(SetupError):
        pool_criteria.add_criterion(pool.id, admin, "X", "", 0)
    assert len(_criteria(pool.id)) == 2


def test_criterion_of_another_pool_is_404(admin_client, factory, pool):
    other = factory.pool()
    db.session.commit()
    assert admin_client.get(f"/admin/puljer/{pool.id}/kriterier/{other.criteria[0].id}").status_code == 404


def test_questions_replace_and_journal(admin_client, pool):
    data = {"questions-0-text": "Er I en forening i kommunen?", "questions-0-qualifying_answer": "yes",
            "questions-0-explanation": "Puljen er kun for lokale foreninger.",
            "questions-1-text": "Tjener I penge på aktiviteten?", "questions-1-qualifying_answer": "no",
            "questions-1-explanation": "Puljen støtter ikke kommercielle aktiviteter.",
            "questions-2-text": "", "questions-3-text": ""}
    assert admin_client.post(f"/admin/puljer/{pool.id}/spoergsmaal", data=data).status_code == 302
    questions = db.session.scalars(db.select(EligibilityQuestion).order_by(EligibilityQuestion.position)).all()
    assert [(q.text, q.qualifying_answer) for q in questions] == [
        ("Er I en forening i kommunen?", True), ("Tjener I penge på aktiviteten?", False)]
    body = admin_client.get(f"/admin/puljer/{pool.id}/spoergsmaal").get_data(as_text=True)
    assert 'value="Tjener I penge på aktiviteten?"' in body
    event = db.session.scalar(db.select(AdminEvent).where(AdminEvent.entity_type == "question"))
    assert event.before == {"questions": []} and len(event.after["questions"]) == 2


def test_too_long_question_keeps_input(admin_client, pool):
    resp = admin_client.post(f"/admin/puljer/{pool.id}/spoergsmaal",
                             data={"questions-0-text": "x" * 301, "questions-0-qualifying_answer": "yes"})
    assert resp.status_code == 200 and "Højst 300 tegn" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(EligibilityQuestion)) == 0
