"""An S3-compatible server on loopback (moto in server mode), reached by the real boto3 client."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_SESSION_TOKEN": "testing"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3StandIn:
    """A moto S3 server that can be stopped and started again on the same port (an outage)."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server_class = ThreadedMotoServer
        self._server: Any = None

    def start(self) -> None:
        self._server = self._server_class(ip_address="127.0.0.1", port=self.port, verbose=False)
        self._server.start()

    def stop(self) -> None:
        self._server.stop()

    def client(self) -> Any:
        import boto3

        return boto3.client("s3", endpoint_url=self.url)

    def objects(self, bucket: str) -> dict[str, dict[str, Any]]:
        """Key → head of every object (body, content type, cache control, last modified)."""
        client = self.client()
        found = {}
        for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
            got = client.get_object(Bucket=bucket, Key=item["Key"])
            found[item["Key"]] = {"body": got["Body"].read(), "type": got.get("ContentType"),
                                  "cache": got.get("CacheControl"), "modified": item["LastModified"]}
        return found


@contextmanager
def s3_standin(monkeypatch: pytest.MonkeyPatch, bucket: str = "site") -> Iterator[S3StandIn]:
    pytest.importorskip("moto.server", reason="needs moto[server] (the test extras)")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    standin = S3StandIn()
    standin.start()
    # moto keeps its buckets in the process, across servers: start every test from nothing.
    requests.post(f"{standin.url}/moto-api/reset", timeout=10).raise_for_status()
    try:
        standin.client().create_bucket(Bucket=bucket)
        yield standin
    finally:
        standin.stop()
