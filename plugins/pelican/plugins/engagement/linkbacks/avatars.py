"""Mention authors' photos: downloaded once, kept beside the content, served from our own site.

A remote ``<img src>`` in our pages would tell the photo's host about every reader (and can change
into anything later), so a photo named by a mention's h-card is fetched through the guarded client,
checked to really be a small PNG, JPEG, GIF or WebP image, and stored under a name derived from its
bytes. The entry keeps only that file name; the build copies the folder to
``OUTPUT_PATH/engagement/avatars/``, and the fast page update copies the photos the threads it
renders show (:func:`publish`), so a page never points at a photo the output lacks.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pelican.plugins.engagement import net
from pelican.plugins.engagement.build import state
from pelican.plugins.engagement.files import write_file

log = logging.getLogger(__name__)

MAX_AVATAR_BYTES = 256 * 1024
OUTPUT_FOLDER = "engagement/avatars"
#: Leading bytes of each accepted format, and the extension it is stored with.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"\xff\xd8\xff", ".jpg"),
    (b"GIF87a", ".gif"),
    (b"GIF89a", ".gif"),
)


def image_extension(content: bytes) -> str | None:
    """The file extension for an image we accept, judged by its bytes (not its Content-Type)."""
    for signature, extension in _SIGNATURES:
        if content.startswith(signature):
            return extension
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp"
    return None


def store_avatar(url: str, folder: Path | str, *, settings: Any) -> str | None:
    """Download ``url`` into ``folder``; the stored file name, or None when it is not usable."""
    policy = net.FetchPolicy.from_settings(settings, max_bytes=MAX_AVATAR_BYTES)
    try:
        result = net.fetch(url, policy=policy, headers={"Accept": "image/*"})
    except net.FetchError as error:
        log.info("avatar %s not stored: %s", url, error.reason)
        return None
    extension = image_extension(result.content) if result.ok else None
    if extension is None:
        log.info("avatar %s not stored: not a PNG, JPEG, GIF or WebP image", url)
        return None
    name = hashlib.sha256(result.content).hexdigest()[:32] + extension
    path = Path(folder) / name
    if not path.exists():
        write_file(path, result.content)
    return name


def avatars_dir(pelican_settings: Any, settings: Any) -> Path:
    """Where downloaded photos live: ``ENGAGEMENT_AVATARS_PATH`` under the content folder."""
    folder = Path(settings.AVATARS_PATH)
    return folder if folder.is_absolute() else Path(pelican_settings.get("PATH", ".")) / folder


def publish(names: Iterable[str | None], source: Path, output: Path) -> list[str]:
    """Copy the photos ``names`` from ``source`` into the output; the output paths written.

    The fast page update calls this with the photos of the entries it renders: a like approved
    since the last full build has a photo the output does not have yet. A name that is not a plain
    file name of an accepted image in ``source`` is skipped (the entry keeps no photo then).
    """
    written: list[str] = []
    target = Path(output) / OUTPUT_FOLDER
    for name in sorted({n for n in names if n}):
        path = Path(source) / name
        if Path(name).name != name or not path.is_file():
            continue
        if _publish_file(path, target / name):
            written.append(f"{OUTPUT_FOLDER}/{name}")
    return written


def _publish_file(path: Path, destination: Path) -> bool:
    """Copy one photo unless the output has it already (names derive from the bytes); False when
    it is not an accepted image or is already there. Replaced whole, never seen half-written."""
    content = path.read_bytes()
    if image_extension(content[:16]) is None:
        return False
    try:
        if destination.read_bytes() == content:
            return False
    except FileNotFoundError:
        destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(f".{destination.name}.part")
    temporary.write_bytes(content)
    os.chmod(temporary, 0o644)
    temporary.replace(destination)
    shutil.copystat(path, destination)
    return True


def copy_to_output(pelican: Any) -> None:
    """``finalized``: publish the stored photos with the site."""
    settings = state(pelican.settings).settings
    source = avatars_dir(pelican.settings, settings)
    if not source.is_dir():
        return
    target = Path(pelican.settings["OUTPUT_PATH"]) / OUTPUT_FOLDER
    for path in source.iterdir():
        if path.is_file():
            _publish_file(path, target / path.name)
