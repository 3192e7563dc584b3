"""Letter settings: stored by administrators, used by get_letterhead(), configuration as the fallback."""
from io import BytesIO

from app.extensions import db
from app.models import AdminEvent, MunicipalitySettings
from app.services.delivery.letterhead import get_letterhead, sender
from app.services.files import storage as files

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _post(client, **overrides):
    data = {"name": "Herlev Kommune", "department": "Kultur og Fritid", "address": "Herlev Bygade 90, 2730 Herlev",
            "email": "kultur@herlev.dk", "phone": "44 52 70 00",
            "signature_lines": "Med venlig hilsen\nKultur og Fritid"}
    data.update(overrides)
    return client.post("/admin/brevpapir", data=data, content_type="multipart/form-data")


def test_config_values_until_settings_are_saved(app):
    head = get_letterhead()
    assert head.name == app.config["MUNICIPALITY_NAME"] and head.logo_path is None
    assert head.signature_lines == (app.config["MUNICIPALITY_DEPARTMENT"], app.config["MUNICIPALITY_NAME"])


def test_saved_settings_win_and_blanks_fall_back(app, admin_client):
    assert _post(admin_client, phone="", logo=(BytesIO(PNG), "logo.png")).status_code == 302
    head = get_letterhead()
    assert (head.name, head.address, head.email) == ("Herlev Kommune", "Herlev Bygade 90, 2730 Herlev",
                                                    "kultur@herlev.dk")
    assert head.phone == app.config["MUNICIPALITY_PHONE"]
    assert head.signature_lines == ("Med venlig hilsen", "Kultur og Fritid")
    assert head.logo_content_type == "image/png" and files.read_bytes(head.logo_key) == PNG
    assert sender().logo == PNG
    event = db.session.scalar(db.select(AdminEvent))
    assert event.entity_type == "settings" and event.before is None and event.after["name"] == "Herlev Kommune"


def test_logo_type_is_checked_from_content(admin_client):
    resp = _post(admin_client, logo=(BytesIO(b"<svg onload='x'>"), "logo.png"))
    assert resp.status_code == 200 and "Logoet skal være et PNG- eller JPEG-billede" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(MunicipalitySettings)) is None
    assert _post(admin_client, logo=(BytesIO(JPEG), "logo.bin")).status_code == 302
    assert get_letterhead().logo_content_type == "image/jpeg"


def test_remove_logo_and_bad_email(admin_client):
    _post(admin_client, logo=(BytesIO(PNG), "logo.png"))
    _post(admin_client, remove_logo="y")
    assert get_letterhead().logo_path is None
    resp = _post(admin_client, email="ikke en mail")
    assert "Skriv en gyldig e-mailadresse" in resp.get_data(as_text=True)
