"""The administrator opens one campaign a year, edits and closes it; a second for the same year is refused."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models.yearly import ReportingCampaign
from app.services.yearly import campaigns


def _data(year: int = 2027, **kw) -> campaigns.CampaignInput:
    return campaigns.CampaignInput(year=year, opens_on=kw.get("opens_on", date(2027, 1, 15)),
                                   deadline=kw.get("deadline", date(2027, 4, 1)), intro=kw.get("intro", " Velkommen "))


@pytest.fixture
def admin(factory):
    user = factory.AdministratorFactory()
    db.session.commit()
    return user


def test_open_edit_and_close(admin):
    campaign = campaigns.open_campaign(admin, _data())
    assert (campaign.year, campaign.status, campaign.intro, campaigns.accounts_year(campaign)) == \
        (2027, "open", "Velkommen", 2026)
    campaigns.update_campaign(campaign.id, admin, _data(deadline=date(2027, 4, 15), intro="Ny tekst"))
    campaigns.set_status(campaign.id, admin, "closed")
    db.session.expire_all()
    row = db.session.get(ReportingCampaign, campaign.id)
    assert (row.deadline, row.intro, row.status) == (date(2027, 4, 15), "Ny tekst", "closed")


def test_a_second_campaign_for_the_same_year_is_a_danish_message(admin):
    campaigns.open_campaign(admin, _data())
    with pytest.raises(campaigns.CampaignInvalid) as refused:
        campaigns.open_campaign(admin, _data())
    assert "allerede en indberetning for tilskudsåret 2027" in str(refused.value.errors["year"])


def test_the_database_refuses_the_lost_race(admin, app, monkeypatch):
    """Both see no campaign for 2027; the unique constraint turns the loser's insert into the same message."""
    campaigns.open_campaign(admin, _data())
    real_scalar = db.session.scalar
    monkeypatch.setattr(db.session, "scalar", lambda stmt, *a, **k: None if "reporting_campaigns" in str(stmt)
                        else real_scalar(stmt, *a, **k))
    with pytest.raises(campaigns.CampaignInvalid) as refused:
        campaigns.open_campaign(admin, _data())
    assert "2027" in str(refused.value.errors["year"])
    monkeypatch.undo()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportingCampaign)) == 1


def test_a_deadline_before_the_opening_is_refused(admin):
    with pytest.raises(campaigns.CampaignInvalid) as refused:
        campaigns.open_campaign(admin, _data(deadline=date(2027, 1, 1)))
    assert set(refused.value.errors) == {"deadline"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportingCampaign)) == 0


