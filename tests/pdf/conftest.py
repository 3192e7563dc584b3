"""Letter data for the pure rendering tests, and Apache PDFBox Preflight as the PDF/A-1b judge."""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from app.pdf.layout import Sender
from app.pdf.letter import GRANT, PARTLY, REJECT, Correction, LetterData
from app.pdf.minutes import MinutesData, MinutesItem, PoolLine

JARS = ("preflight.jar", "pdfbox2.jar", "fontbox2.jar", "xmpbox.jar", "commons-logging.jar", "javax.activation.jar",
        "jaxb-api.jar")
JAVA_DIR = Path("/usr/share/java")
DEBIAN = "default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java"

SENDER = Sender(name="Eksempel Kommune", department="Kultur og Fritid", address="Rådhuspladsen 1, 9999 Eksempelby",
                email="kultur@kommune.example", phone="70 10 20 30",
                signature_lines=("Kultur og Fritid", "Eksempel Kommune"))


def letter(**changes) -> LetterData:
    """A partly granted subsidy decided by the committee; `changes` make the other variants."""
    base = LetterData(
        sender=SENDER, addressee="Boldklubben Nordstjernen", address_lines=("Foreningsvej 1", "9999 Eksempelby"),
        cvr="12345674", contact_person=None, case_number="2026-000042", case_title="Lokaletilskud til klubhuset",
        pool_name="Lokaletilskud 2026", premises=False, outcome=PARTLY, decided_on=date(2026, 12, 3),
        amount_applied=120_000, amount_granted=90_000,
        reason="Vi har lagt vægt på, at huset bruges af børn fire dage om ugen. Udgifter til nyt tag er ikke driftsudgifter.",
        appeal_text="I kan klage til kommunen inden 4 uger efter, at I har modtaget afgørelsen.",
        legal_basis="folkeoplysningslovens § 25", committee="Kultur- og Fritidsudvalget", meeting_on=date(2026, 12, 3),
        report_due_days=90, caseworker_name="Mette Sørensen", caseworker_email="mette@kommune.example",
        caseworker_phone="70 10 20 31")
    return replace(base, **changes)


VARIANTS = {
    "granted": dict(outcome=GRANT, amount_granted=120_000, reason=""),
    "partly_granted": {},
    "rejected": dict(outcome=REJECT, amount_granted=0, reason="Aktiviteten ligger uden for puljens formål."),
    "premises_approved": dict(premises=True, outcome=GRANT, amount_applied=None, amount_granted=None,
                              reason="", committee=None, pool_name="Lån af lokaler og haller"),
    "premises_rejected": dict(premises=True, outcome=REJECT, amount_applied=None, amount_granted=None,
                              reason="Hallen er optaget af skolen på de ønskede tider.", committee=None),
    "correction": dict(correction=Correction(date(2026, 12, 3), "Beløbet var skrevet forkert."), decided_on=date(2026, 12, 10)),
    "calculated": dict(outcome=GRANT, case_title="Aktivitetstilskud 2027", pool_name="Aktivitetstilskud 2027",
                       amount_applied=None, amount_granted=3_758, reason="Tilskuddet er beregnet ...",
                       report_due_days=None, payment_instalments=4,
                       calculation=("20 medlemmer, der tæller med, gange 205 kr. pr. medlem giver 4.100 kr.",
                                    "Indberetningen kom 1 måned for sent, så tilskuddet nedsættes med 1/12 til "
                                    "3.758,33 kr.", "Afrundet til hele kroner: 3.758 kr.")),
    "informal_group": dict(cvr=None, contact_person="Karen Holm", addressee="Pigefodbold i Østerbyen",
                           outcome=GRANT, amount_granted=4_000, amount_applied=4_000, reason="",
                           committee=None, payment_instalments=2),
}


def minutes() -> MinutesData:
    items = (MinutesItem(1, "2026-000042", "Boldklubben Nordstjernen", "Lokaletilskud til klubhuset", "Lokaletilskud 2026",
                         120_000, 100_000, "Delvist bevilget", 90_000, "Nyt tag er ikke en driftsudgift.", "Enstemmigt.",
                         ("Ahmed Hansen",)),
             MinutesItem(2, "2026-000043", "Spejderne i Østerbyen", "Ny hytte", "Lokaletilskud 2026", 50_000, 50_000,
                         None, None))
    return MinutesData(sender=SENDER, committee="Kultur- og Fritidsudvalget", meeting_date=date(2026, 12, 3),
                       title="Ordinært møde", location="Rådhuset, mødelokale 2", closed_on=date(2026, 12, 3),
                       chair="Lise Dahl", members=("Ahmed Hansen", "Lise Dahl"), items=items,
                       pools=(PoolLine("Lokaletilskud 2026", 500_000, 120_000, 90_000),))


@pytest.fixture(scope="session")
def preflight():
    """Run PDFBox Preflight (PDF/A-1b) on a file; returns (ok, output)."""
    missing = [jar for jar in JARS if not (JAVA_DIR / jar).is_file()]
    if shutil.which("java") is None or missing:
        message = f"java or PDFBox Preflight is missing ({', '.join(missing) or 'java'}); apt-get install {DEBIAN}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    classpath = ":".join(str(JAVA_DIR / jar) for jar in JARS)

    def run(path: Path) -> tuple[bool, str]:
        done = subprocess.run(["java", "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)],
                              capture_output=True, text=True, timeout=120)
        return done.returncode == 0, done.stdout + done.stderr
    return run
