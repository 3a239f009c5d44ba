"""Copying the built site to where it is served: an rsync destination or an S3-compatible bucket.

``engagement deploy`` copies everything (:func:`deploy_all`); after a moderation action only the
files the fast page update changed are pushed (:func:`push`, queued and retried by
:mod:`.publisher`). Each kind of target is one module: :mod:`.rsync` (the ``rsync`` command) and
:mod:`.s3` (boto3); :mod:`.caching` says what each file is served with.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pelican.plugins.engagement.deploy.errors import DeployError
from pelican.plugins.engagement.deploy.rsync import RsyncTarget
from pelican.plugins.engagement.deploy.s3 import S3Target
from pelican.plugins.engagement.settings import EngagementSettings

__all__ = ["DeployError", "deploy_all", "push", "target_for"]

Target = RsyncTarget | S3Target


def target_for(settings: EngagementSettings) -> Target:
    """The configured target; a clear error when none is."""
    target = settings.DEPLOY_TARGET
    if not target:
        raise DeployError(
            "nothing to deploy to: set ENGAGEMENT_DEPLOY_TARGET (in publishconf.py or the "
            "environment) to user@host:/path/ or s3://bucket/prefix"
        )
    if target.startswith("s3://"):
        return S3Target(target, endpoint_url=settings.DEPLOY_S3_ENDPOINT_URL, delete=settings.DEPLOY_DELETE)
    return RsyncTarget(target, delete=settings.DEPLOY_DELETE)


def deploy_all(output: Path, settings: EngagementSettings, *, dry_run: bool = False) -> list[str]:
    """Copy the whole output; returns what was (or, with ``dry_run``, would be) done, line by line."""
    # With deletion on, deploying an empty or half-built folder would empty the live site.
    if not (output / "index.html").is_file():
        raise DeployError(f"refusing to deploy {output}: it has no index.html (build the site first)")
    return target_for(settings).deploy_all(output, dry_run=dry_run)


def push(output: Path, settings: EngagementSettings, paths: Iterable[str]) -> None:
    """Copy ``paths`` (relative to ``output``) and remove from the target those ``output`` lost."""
    target_for(settings).push(output, paths)
