"""The public pool page: what an association sees before it applies."""
from datetime import date

from app.extensions import db
from app.models import EligibilityQuestion, PoolRound


def _publish(pool, factory):
    pool.is_published, pool.rules_text = True, '<p>Husk <strong>forsikring</strong>.</p><script>x()</script>'
    pool.rounds = [PoolRound(deadline=date(2026, 3, 1)), PoolRound(deadline=date(2026, 12, 31))]
    db.session.add_all([
        EligibilityQuestion(pool_id=pool.id, position=0, text="Er I en forening i kommunen?", qualifying_answer=True,
                            explanation="Puljen er for lokale foreninger."),
        EligibilityQuestion(pool_id=pool.id, position=1, text="Tjener I penge på aktiviteten?",
                            qualifying_answer=False, explanation="Kommercielle aktiviteter støttes ikke.")])
    factory.form_version(pool, steps=[("Om aktiviteten", [
        dict(key="samarbejde", label="Samarbejder I med andre?", kind="yes_no", required=True),
        dict(key="partnere", label="Hvem samarbejder I med?", kind="short_text", condition_key="samarbejde",
             condition_value="yes")]), ("Budget", [dict(key="budget", label="Budget", kind="budget")])])
    db.session.commit()


def test_pool_page_shows_everything(client, factory, pool):
    _publish(pool, factory)
    body = client.get(f"/puljer/{pool.slug}").get_data(as_text=True)
    for text in ("Frivillighedspuljen 2026", "Støtte til foreninger", "Alle foreninger", "500.000 kr.",
                 "Samspil", "Synlighed", "67 %", "<strong>forsikring</strong>", "/sagsgange/subsidy",
                 "Er I en forening i kommunen?", "Sådan ser ansøgningen ud", "Samarbejder I med andre?",
                 "Besvares kun, hvis du har svaret »Ja« til »Samarbejder I med andre?«", "Budgetskema",
                 "Kultur- og Fritidsudvalget"):
        assert text in body, text
    assert "<script>x()" not in body


def test_rolling_pool_says_loebende(client, factory):
    pool = factory.pool(is_rolling=True, deadline=None)
    db.session.commit()
    assert "Løbende" in client.get(f"/puljer/{pool.slug}").get_data(as_text=True)


def test_eligibility_answers(client, factory, pool):
    _publish(pool, factory)
    q1, q2 = pool.questions
    body = client.get(f"/puljer/{pool.slug}?q{q1.id}=ja&q{q2.id}=nej").get_data(as_text=True)
    assert "Ja, I kan søge puljen." in body
    body = client.get(f"/puljer/{pool.slug}?q{q1.id}=ja&q{q2.id}=ja").get_data(as_text=True)
    assert "Puljen passer nok ikke til jer." in body and "Kommercielle aktiviteter støttes ikke." in body
    body = client.get(f"/puljer/{pool.slug}?q{q1.id}=ja").get_data(as_text=True)
    assert "Svar på alle spørgsmålene" in body
    assert client.get(f"/puljer/{pool.slug}?q{q1.id}=<b>&q999=ja").status_code == 200


def test_unpublished_and_unknown_pools_are_404(client, pool):
    assert client.get(f"/puljer/{pool.slug}").status_code == 404
    assert client.get("/puljer/findes-ikke").status_code == 404


def test_new_pool_appears_in_public_list(client, factory, pool):
    _publish(pool, factory)
    assert "Frivillighedspuljen 2026" in client.get("/puljer").get_data(as_text=True)
