"""Fixtures for the administration tests: an administrator who is logged in, and a pool to set up."""
import pytest

from app.extensions import db
from tests.factories import AdministratorFactory, PoolFactory

ADMIN_EMAIL = "anne@kommune.dk"


@pytest.fixture
def admin(app):
    user = AdministratorFactory(email=ADMIN_EMAIL, full_name="Anne Administrator")
    db.session.commit()
    return user


@pytest.fixture
def admin_client(client, auth, admin):
    auth.login(ADMIN_EMAIL)
    return client


@pytest.fixture
def pool(app):
    p = PoolFactory(committee__name="Kultur- og Fritidsudvalget", slug="frivillighedspuljen-2026",
                    name="Frivillighedspuljen 2026", is_published=False)
    db.session.commit()
    return p
