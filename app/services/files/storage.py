"""File storage outside the static folder: bytes under UPLOAD_FOLDER, named by a random key."""
from __future__ import annotations

import hashlib
import secrets
import threading
from pathlib import Path

from flask import current_app


def _root() -> Path:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def store_bytes(data: bytes) -> tuple[str, str]:
    """Save `data`; returns (storage_key, sha256). The key never comes from a user's file name."""
    key = secrets.token_hex(16)
    path = _root() / key[:2] / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return key, hashlib.sha256(data).hexdigest()


def path_for(storage_key: str) -> Path:
    """The file behind a storage key (keys are hex, so no path traversal is possible)."""
    if not storage_key or any(c not in "0123456789abcdef" for c in storage_key):
        raise ValueError("bad storage key")
    return _root() / storage_key[:2] / storage_key


def read_bytes(storage_key: str) -> bytes:
    """The stored bytes."""
    return path_for(storage_key).read_bytes()


def reachable(timeout_seconds: float) -> bool:
    """True when the upload folder takes a small file and gives it back within `timeout_seconds`."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    answers: list[bool] = []

    def probe() -> None:
        try:
            with app.app_context():
                path = _root() / f".reachable-{secrets.token_hex(8)}"
                data = secrets.token_bytes(16)
                path.write_bytes(data)
                try:
                    answers.append(path.read_bytes() == data)
                finally:
                    path.unlink(missing_ok=True)
        except OSError as exc:
            app.logger.warning("file storage not reachable: %s", exc)
            answers.append(False)

    thread = threading.Thread(target=probe, daemon=True, name="storage-probe")
    thread.start()
    thread.join(timeout_seconds)
    return bool(answers) and answers[0]
