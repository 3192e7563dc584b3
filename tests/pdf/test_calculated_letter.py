"""The letter of a calculated subsidy: the amount, the calculation step by step, payment and appeal guidance."""
from __future__ import annotations

from app.pdf.letter import compose, render_decision_letter
from tests.pdf.conftest import VARIANTS, letter
from tests.pdf.test_letters import CREATED, flat, text_of


def test_calculated_letter_explains_the_amount_step_by_step():
    text = flat(text_of(render_decision_letter(letter(**VARIANTS["calculated"]), CREATED)))
    for expected in ("Afgørelse om tilskud", "Kære Boldklubben Nordstjernen",
                     "Kultur- og Fritidsudvalget har på sit møde den 3. december 2026 besluttet at bevilge jer "
                     "3.758 kr. i »Aktivitetstilskud 2027«. Beløbet er beregnet ud fra jeres årlige indberetning",
                     "Beregnet tilskud 3.758 kr.", "Sådan har vi beregnet tilskuddet",
                     "20 medlemmer, der tæller med, gange 205 kr. pr. medlem giver 4.100 kr.",
                     "Indberetningen kom 1 måned for sent, så tilskuddet nedsættes med 1/12 til 3.758,33 kr.",
                     "Afrundet til hele kroner: 3.758 kr.", "Vi udbetaler tilskuddet i 4 rater",
                     "Afgørelsen er truffet efter folkeoplysningslovens § 25.", "Klagevejledning", "inden 4 uger"):
        assert expected in text, expected
    # Nobody applied: no "applied for" row, no report deadline, and one form of address (I/jer) throughout.
    for absent in ("Ansøgt beløb", "afrapportering", "Begrundelse", " du ", " dig ", " De "):
        assert absent not in text, absent


def test_the_steps_come_in_the_order_they_were_calculated():
    body = compose(letter(**VARIANTS["calculated"])).text()
    steps = VARIANTS["calculated"]["calculation"]
    assert [body.index(s) for s in steps] == sorted(body.index(s) for s in steps)
