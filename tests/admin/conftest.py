"""Fixtures for the administration tests: an administrator who is logged in, and a pool to set up."""
import pytest

from app.extensions import db

ADMIN_EMAIL = "anne@kommune.dk"


@pytest.fixture
def admin(factory):
    user = factory.user(role="administrator", email=ADMIN_EMAIL, name="Anne Administrator")
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, auth, admin):
    auth.login(ADMIN_EMAIL)
    return client


@pytest.fixture
def pool(factory):
    committee = factory.committee(name="Kultur- og Fritidsudvalget")
    p = factory.pool(committee=committee, slug="frivillighedspuljen-2026", name="Frivillighedspuljen 2026",
                     is_published=False)
    db.session.commit()
    return p
