"""The committed snapshot of fetched embeds (``content/embeds.json``) and its media folder.

The snapshot is what makes a build reproducible and offline-safe, and what keeps a card after the
original post is deleted: each entry holds the raw payload the platform sent, when it was fetched,
and the local file names of the images the card shows. It is written with sorted keys and a stable
layout so a refresh produces a readable diff in review.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.files import write_file

FORMAT_VERSION = 1


class SnapshotError(ValueError):
    """The snapshot file exists but cannot be used; the message names the file."""


class Snapshot:
    """URL → entry, loaded once per build and written back only when something changed."""

    def __init__(self, path: Path, media_dir: Path) -> None:
        self.path = path
        self.media_dir = media_dir
        self.entries: dict[str, dict[str, Any]] = {}
        self.changed = False
        if path.is_file():
            self.entries = _read(path)

    def get(self, url: str) -> dict[str, Any] | None:
        return self.entries.get(url)

    def put(self, url: str, entry: dict[str, Any]) -> None:
        self.entries[url] = entry
        self.changed = True

    def remove(self, url: str) -> None:
        if self.entries.pop(url, None) is not None:
            self.changed = True

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.entries))

    def __len__(self) -> int:
        return len(self.entries)

    def media_files(self) -> set[str]:
        """Every media file name some entry refers to."""
        return {name for entry in self.entries.values() for name in entry.get("media", {}).values()}

    def orphan_media(self) -> list[Path]:
        """Files in the media folder that no entry refers to (left by refreshed or pruned posts)."""
        if not self.media_dir.is_dir():
            return []
        keep = self.media_files()
        return sorted(path for path in self.media_dir.iterdir() if path.is_file() and path.name not in keep)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        document = {"version": FORMAT_VERSION, "embeds": self.entries}
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_file(self.path, text)
        self.changed = False


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise SnapshotError(f"{path}: cannot read the embeds snapshot: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("embeds"), dict):
        raise SnapshotError(f"{path}: not an embeds snapshot (expected {{'version', 'embeds'}})")
    if document.get("version") != FORMAT_VERSION:
        raise SnapshotError(f"{path}: snapshot version {document.get('version')!r} is not "
                            f"{FORMAT_VERSION}; refresh it with `engagement embeds refresh`")
    return document["embeds"]


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
