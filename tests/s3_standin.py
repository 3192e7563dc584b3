"""moto's S3 server on loopback, standing in for the municipality's object store (AWS S3, Ceph, MinIO).

One server per test session (ThreadedMotoServer, in this process); each test takes a bucket of its own, so
nothing one test stores is seen by another. `config(bucket)` is what FILE_STORAGE=s3 needs to reach it;
`unreachable_config()` points at a loopback port nobody listens on, for the failures the store must survive.
"""
from __future__ import annotations

import socket
import uuid

import boto3
from moto.server import ThreadedMotoServer

ACCESS_KEY, SECRET_KEY, REGION = "test-adgang", "test-hemmelighed", "eu-north-1"


def _closed_port() -> int:
    """A loopback port that was free a moment ago (nothing listens on it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class S3Standin:
    """A running moto S3 server and a client to set up and inspect its buckets."""

    def __init__(self) -> None:
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.url = ""

    def start(self) -> S3Standin:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def client(self):
        return boto3.session.Session().client("s3", endpoint_url=self.url, region_name=REGION,
                                              aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)

    def new_bucket(self) -> str:
        """An empty bucket of its own for one test."""
        name = f"test-{uuid.uuid4().hex[:16]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def config(self, bucket: str) -> dict:
        """The app settings that put files in `bucket` on this server."""
        return {"FILE_STORAGE": "s3", "S3_BUCKET": bucket, "S3_ENDPOINT_URL": self.url, "S3_REGION": REGION,
                "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
                "S3_SERVER_SIDE_ENCRYPTION": "AES256"}

    def unreachable_config(self) -> dict:
        return {**self.config("nowhere"), "S3_ENDPOINT_URL": f"http://127.0.0.1:{_closed_port()}"}
