"""Where stored files live: a local folder (the embedded default) or an S3-compatible bucket.

Both stores hold opaque hex keys (storage.py decides them) and speak in file-like objects, so no
caller ever needs a whole file in memory. A missing key is FileNotFoundError in both.
"""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from botocore.exceptions import BotoCoreError, ClientError

CHUNK = 1024 * 1024
_NOT_FOUND = ("404", "NoSuchKey", "NotFound")


class LocalStore:
    """Files under a folder, fanned out by the key's first two characters (the layout of every old key)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / key

    def put(self, key: str, source: BinaryIO, sha256: str | None = None) -> None:
        """Write the file whole or not at all: a temporary name, then an atomic rename."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{key}.{os.getpid()}.partial")
        with partial.open("wb") as target:
            shutil.copyfileobj(source, target, CHUNK)
        partial.replace(path)

    def open(self, key: str) -> BinaryIO:
        """The file opened for reading; FileNotFoundError when it is not there."""
        return self._path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        """Every stored key (temporary files of interrupted writes are not keys)."""
        if not self.root.is_dir():
            return
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            for path in sorted(folder.iterdir()):
                if path.is_file() and not path.name.startswith("."):
                    yield path.name

    def reachable(self, timeout_seconds: float) -> bool:
        """The folder exists (or can be made) and this process may write to it."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        return os.access(self.root, os.W_OK | os.X_OK)

    def describe(self) -> str:
        return f"mappen {self.root}"


class S3Store:
    """Objects in one bucket of an S3-compatible store (AWS, Ceph, MinIO), with server-side encryption."""

    def __init__(self, bucket: str, *, endpoint_url: str | None = None, region: str = "eu-north-1",
                 access_key_id: str | None = None, secret_access_key: str | None = None,
                 server_side_encryption: str = "AES256"):
        self.bucket = bucket
        self.sse = server_side_encryption
        self._client_args = {"endpoint_url": endpoint_url or None, "region_name": region,
                             "aws_access_key_id": access_key_id or None,
                             "aws_secret_access_key": secret_access_key or None}
        # A session of our own (boto3's default session is not safe to share between threads), kept for the readiness
        # probe's client: made from the same session it reuses the loaded service model, a few milliseconds where a
        # new session takes most of a second on a busy machine, more than the probe's whole time limit.
        import boto3  # imported with the first S3 store: a deployment on the local folder never pays for it

        self._session = boto3.session.Session()
        self._session_lock = threading.Lock()
        self.client = self._client(retries={"mode": "standard", "max_attempts": 3})

    def _client(self, **config):
        from botocore.config import Config  # see __init__

        with self._session_lock:
            return self._session.client("s3", config=Config(**config), **self._client_args)

    def with_bucket(self, bucket: str) -> S3Store:
        """The same store and credentials, another bucket (backups copy between two)."""
        other = S3Store.__new__(S3Store)
        other.bucket, other.sse, other._client_args, other.client = bucket, self.sse, self._client_args, self.client
        other._session, other._session_lock = self._session, self._session_lock
        return other

    def put(self, key: str, source: BinaryIO, sha256: str | None = None) -> None:
        """Upload in parts (boto3's managed transfer), encrypted at rest where configured."""
        extra: dict = {"ContentType": "application/octet-stream"}
        if self.sse:
            extra["ServerSideEncryption"] = self.sse
        if sha256:
            extra["Metadata"] = {"sha256": sha256}
        self.client.upload_fileobj(source, self.bucket, key, ExtraArgs=extra)

    def open(self, key: str) -> BinaryIO:
        """The object's body as a stream; FileNotFoundError when there is no such object."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _NOT_FOUND:
                raise FileNotFoundError(key) from None
            raise

    def head(self, key: str) -> dict | None:
        """The object's headers, None when it is not there."""
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _NOT_FOUND:
                return None
            raise

    def exists(self, key: str) -> bool:
        return self.head(key) is not None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def keys(self) -> Iterator[str]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                yield item["Key"]

    def reachable(self, timeout_seconds: float) -> bool:
        """The bucket answers within the limit: one try, no retries, both socket waits bounded."""
        try:
            self._probe(timeout_seconds).head_bucket(Bucket=self.bucket)
            return True
        except (BotoCoreError, ClientError):
            return False

    def _probe(self, timeout_seconds: float):
        """A client for readiness checks, built once (building one costs more than the check itself)."""
        probes = self.__dict__.setdefault("_probes", {})
        if timeout_seconds not in probes:
            probes[timeout_seconds] = self._client(connect_timeout=timeout_seconds, read_timeout=timeout_seconds,
                                                   retries={"total_max_attempts": 1})
        return probes[timeout_seconds]

    def describe(self) -> str:
        return f"bucket {self.bucket}"
