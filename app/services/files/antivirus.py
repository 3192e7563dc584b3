"""Every upload passes a virus scanner chosen by configuration (ANTIVIRUS_SCANNER = "module:Class").

The default, NoopScanner, finds nothing: a municipality plugs in its own scanner (ClamAV's clamd,
an ICAP gateway, ...) by writing a small class with a `scan` method and naming it in the setting.
"""
from __future__ import annotations

import importlib
from typing import Protocol, runtime_checkable

from flask import current_app
from flask_babel import LazyString, lazy_gettext as _l

DEFAULT_SCANNER = "app.services.files.antivirus:NoopScanner"


class ScannerUnavailable(Exception):
    """The scanner could not give an answer (down, timed out); the upload is refused, never let through."""


@runtime_checkable
class Scanner(Protocol):
    """What a scanner class provides; it is created once per app without arguments."""

    def scan(self, data: bytes, filename: str) -> str | None:
        """The name of what was found, or None when the file is clean; raises ScannerUnavailable."""


class NoopScanner:
    """Finds nothing: the default where no scanner is installed."""

    def scan(self, data: bytes, filename: str) -> str | None:
        return None


def load(spec: str) -> Scanner:
    """Create the scanner named by "module:Class"; a wrong name stops with a clear error."""
    module_name, _, class_name = (spec or DEFAULT_SCANNER).partition(":")
    try:
        scanner = getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, TypeError) as exc:
        raise RuntimeError(f"ANTIVIRUS_SCANNER={spec!r} is not an importable 'module:Class'") from exc
    if not isinstance(scanner, Scanner):
        raise RuntimeError(f"ANTIVIRUS_SCANNER={spec!r} has no scan(data, filename) method")
    return scanner


def configured_scanner() -> Scanner:
    """The app's scanner, created on first use."""
    spec = current_app.config.get("ANTIVIRUS_SCANNER") or DEFAULT_SCANNER
    cache = current_app.extensions.setdefault("antivirus", {})
    if spec not in cache:
        cache[spec] = load(spec)
    return cache[spec]


def problem(data: bytes, filename: str) -> LazyString | None:
    """The Danish reason to refuse the file, or None when the scanner found nothing."""
    try:
        found = configured_scanner().scan(data, filename)
    except ScannerUnavailable:
        current_app.logger.error("antivirus: scanner unavailable, upload refused")
        return _l("Vi kan ikke tjekke filen for virus lige nu, så den er ikke gemt. Prøv igen om lidt.")
    if found:
        current_app.logger.warning("antivirus: %s found in an upload; refused", found)
        return _l("Virusscanneren fandt skadelig kode i filen (%(name)s). Filen er ikke gemt. "
                  "Tjek din computer, og send en ren kopi.", name=found)
    return None
