"""S3-compatible targets (``s3://bucket/prefix``) through boto3.

One client for both jobs: the full deploy (upload what differs from the bucket, by MD5; delete
what the build no longer has) and the push of the few files an approval changed. boto3 runs in the
process that moderates, so a push is a handful of PUTs on one connection with no tool to start,
and every object gets its own ``Content-Type`` and ``Cache-Control`` (:mod:`.caching`).
Credentials come from the usual places (environment, profile, instance role); the endpoint of an
S3-compatible store (MinIO, R2, Spaces…) from ``ENGAGEMENT_DEPLOY_S3_ENDPOINT_URL``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.deploy.caching import cache_control, content_type
from pelican.plugins.engagement.deploy.errors import DeployError

#: A stuck store must not hold a moderation worker for long: every call is bounded.
TIMEOUTS = {"connect_timeout": 5, "read_timeout": 20, "retries": {"max_attempts": 2}}


class S3Target:
    """Copies to ``s3://bucket/prefix``."""

    def __init__(self, url: str, *, endpoint_url: str = "", delete: bool = True) -> None:
        bucket, _, prefix = url.removeprefix("s3://").partition("/")
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.endpoint_url = endpoint_url or None
        self.delete = delete
        self._client: Any = None

    @property
    def client(self) -> Any:
        if self._client is None:
            try:
                import boto3
                from botocore.config import Config
            except ImportError:
                raise DeployError("s3:// targets need boto3: pip install 'pelican-engagement[s3]'") from None
            self._client = boto3.client("s3", endpoint_url=self.endpoint_url, config=Config(**TIMEOUTS))
        return self._client

    def deploy_all(self, output: Path, *, dry_run: bool = False) -> list[str]:
        """Upload new and changed files, delete files the build no longer has; one line per change."""
        local = {path: _md5(output / path) for path in _files(output)}
        remote = self._remote_md5s()
        upload = sorted(p for p, digest in local.items() if remote.get(p) != digest)
        delete = sorted(set(remote) - set(local)) if self.delete else []
        if not dry_run:
            self._guarded(lambda: self._put(output, upload))
            self._guarded(lambda: self._delete(delete))
        return [f"upload {self._key(p)}" for p in upload] + [f"delete {self._key(p)}" for p in delete]

    def push(self, output: Path, paths: Iterable[str]) -> None:
        """Upload ``paths`` that exist in ``output`` and delete those that no longer do."""
        listed = sorted(set(paths))
        present = [p for p in listed if (output / p).is_file()]
        gone = [p for p in listed if not (output / p).exists()]
        self._guarded(lambda: self._put(output, present))
        self._guarded(lambda: self._delete(gone))

    def _key(self, path: str) -> str:
        return self.prefix + path

    def _put(self, output: Path, paths: list[str]) -> None:
        for path in paths:
            with open(output / path, "rb") as body:
                self.client.put_object(Bucket=self.bucket, Key=self._key(path), Body=body,
                                       ContentType=content_type(path), CacheControl=cache_control(path))

    def _delete(self, paths: list[str]) -> None:
        """Delete in chunks; a key the store refused (its answer's ``Errors``) fails the push.

        DeleteObjects answers 200 even when it refused some keys (a policy denying
        ``s3:DeleteObject``, an object lock): taken as done, the target would keep serving a page
        the site removed, and nothing would retry it.
        """
        for start in range(0, len(paths), 1000):  # DeleteObjects takes at most 1,000 keys
            chunk = [{"Key": self._key(p)} for p in paths[start:start + 1000]]
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": chunk, "Quiet": True})
            refused = answer.get("Errors") or []
            if refused:
                first = refused[0]
                raise DeployError(f"s3://{self.bucket}/{self.prefix}: {len(refused)} deletion(s) refused, "
                                  f"e.g. {first.get('Key')}: {first.get('Code')} ({first.get('Message')})")

    def _remote_md5s(self) -> dict[str, str]:
        found: dict[str, str] = {}

        def list_all() -> None:
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket,
                                                                          Prefix=self.prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    found[item["Key"][len(self.prefix):]] = item["ETag"].strip('"')

        self._guarded(list_all)
        return found

    def _guarded(self, action: Any) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            action()
        except (BotoCoreError, ClientError) as error:
            raise DeployError(f"s3://{self.bucket}/{self.prefix}: {error}") from None


def _files(output: Path) -> Iterator[str]:
    for path in sorted(output.rglob("*")):
        if path.is_file():
            yield path.relative_to(output).as_posix()


def _md5(path: Path) -> str:
    # A single-part upload's ETag is the MD5 of its bytes; multipart ETags differ and re-upload.
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
