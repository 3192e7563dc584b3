"""Counts take their noun in the right number ('1 sag', '2 sager'): through ngettext, in Danish and English."""
from __future__ import annotations

import pytest
from flask import render_template
from flask_babel import force_locale

from app.extensions import db
from app.indicators.routes import _days
from app.privacy.data_routes import anonymised_counts
from app.services.premises.messages import describe


def test_premises_problems_count_people_hours_and_times(app):
    with app.test_request_context():
        assert describe("over_capacity", capacity=1, participants=1) == \
            "Lokalet har plads til 1 person. I har skrevet 1 deltager."
        assert describe("over_capacity", capacity=20, participants=25) == \
            "Lokalet har plads til 20 personer. I har skrevet 25 deltagere."
        assert "fristen er 1 time før" in describe("deadline_passed", when="i dag", hours=1)
        assert "aflyst 1 gang i denne sæson" in describe("too_many_cancellations", count=1)
        assert "aflyst 3 gange i denne sæson" in describe("too_many_cancellations", count=3)


def test_anonymised_counts_and_processing_days(app):
    with app.test_request_context():
        assert anonymised_counts({"case": 1, "user": 2, "invitation": 0}) == "1 sag, 2 brugere og 0 invitationer"
        assert anonymised_counts({"case": 2, "user": 1, "invitation": 1}) == "2 sager, 1 bruger og 1 invitation"
        assert (_days(1), _days(2.5), _days(None)) == ("1 dag", "2,5 dage", "–")


@pytest.mark.parametrize("count, text", [(1, "Der er 1 sag på dagsordenen."), (3, "Der er 3 sager på dagsordenen.")])
def test_agenda_notice_counts_cases(app, count, text):
    with app.test_request_context(), force_locale("da"):
        body = render_template("email/meeting_agenda.txt", name="Ole", committee="KFU", date_text="1. dec. 2026",
                               title="Møde", count=count, location="", link="x", municipality="Kommunen")
    assert text in body


def test_pool_page_says_one_day(client, factory):
    factory.pool(slug="een-dag", report_due_days=1, is_rolling=True, deadline=None)
    db.session.commit()
    body = client.get("/puljer/een-dag").get_data(as_text=True)
    assert "Senest 1 dag efter udbetalingen" in body and "efter bevillingen" not in body and "1 dage" not in body


def test_space_page_says_one_hour_and_one_time(client, factory):
    location = factory.premises_location(name="Skolen")
    space = factory.premises_space(location, name="Lokale 1", cancel_deadline_hours=1, max_cancellations=1,
                                   capacity=1)
    db.session.commit()
    body = client.get(f"/lokaler/{space.id}").get_data(as_text=True)
    assert "Senest 1 time før" in body and "højst 1 gang pr. sæson" in body and "1 person<" in body

