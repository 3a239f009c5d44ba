"""What each build wrote: a manifest of every output file's digest, and the difference to another.

A site that deploys (``ENGAGEMENT_DEPLOY_TARGET`` set) gets, at the end of every build, a build id
and a manifest (path → MD5, the digest S3 reports as a single-part ETag) kept in Pelican's cache
folder. ``output/engagement/build.json`` names the build and lists exactly which files it changed
or removed against the previous build, and ``engagement deploy --changed-since ID`` pushes only
what differs from build ``ID``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.deploy.errors import DeployError
from pelican.plugins.engagement.files import write_file

BUILD_FILE = "engagement/build.json"
KEEP = 20  # manifests kept in the cache folder (the newest)


def file_digests(output: Path) -> dict[str, str]:
    """Path (relative, with /) → MD5 of every file in ``output`` (the build's own record excluded)."""
    digests = {}
    for path in sorted(output.rglob("*")):
        if path.is_file():
            relative = path.relative_to(output).as_posix()
            if relative != BUILD_FILE:
                digests[relative] = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
    return digests


def difference(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(written: new or changed paths, removed: paths ``new`` no longer has)."""
    written = sorted(path for path, digest in new.items() if old.get(path) != digest)
    removed = sorted(set(old) - set(new))
    return written, removed


def manifests_dir(cache_path: Path) -> Path:
    return cache_path / "engagement-builds"


def save(cache_path: Path, build_id: str, digests: Mapping[str, str]) -> None:
    folder = manifests_dir(cache_path)
    text = json.dumps(digests, sort_keys=True, separators=(",", ":"))
    # Whole or not at all: a build killed here must not leave a manifest that ``load`` chokes on.
    write_file(folder / f"{build_id}.json.gz", gzip.compress(text.encode("utf-8")))
    for stale in sorted(folder.glob("*.json.gz"))[:-KEEP]:
        stale.unlink()


def load(cache_path: Path, build_id: str) -> dict[str, str]:
    path = manifests_dir(cache_path) / f"{build_id}.json.gz"
    if not build_id.replace("-", "").isalnum() or not path.is_file():
        known = ", ".join(_ids(cache_path))
        raise DeployError(f"no manifest of build {build_id!r} in {manifests_dir(cache_path)} "
                          f"(known: {known or 'none'}); run a full deploy instead")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _ids(cache_path: Path) -> list[str]:
    return [p.name.removesuffix(".json.gz") for p in sorted(manifests_dir(cache_path).glob("*.json.gz"))]


def latest_id(cache_path: Path) -> str | None:
    found = _ids(cache_path)
    return found[-1] if found else None


def new_build_id() -> str:
    """Sortable by time (manifests are pruned oldest first), unique across hosts."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def record_build(pelican: Any) -> None:
    """``finalized`` (connected last): the build's id, manifest and changed-file set."""
    from pelican.plugins.engagement.build import state

    if not state(pelican.settings).settings.DEPLOY_TARGET:
        return  # nothing deploys this site: don't read the whole output for nothing
    output, cache = Path(pelican.output_path), Path(pelican.settings["CACHE_PATH"])
    previous = latest_id(cache)
    digests = file_digests(output)
    written, removed = difference(load(cache, previous) if previous else {}, digests)
    build_id = new_build_id()
    save(cache, build_id, digests)
    record = {"id": build_id, "previous": previous, "written": written, "removed": removed}
    write_file(output / BUILD_FILE, json.dumps(record, indent=1, sort_keys=True) + "\n")
