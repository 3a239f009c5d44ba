"""A site as the CLI and the endpoint see it: its settings file, Pelican settings and ours.

Also the documentation table (``engagement settings`` and the README's reference) and where the
store and the threads manifest live for a given settings file.
"""

from __future__ import annotations

import dataclasses
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.settings.schema import PREFIX, EngagementSettings, SettingsError
from pelican.plugins.engagement.settings.validate import _FIELDS, _type_of, from_pelican


def database_url(settings: EngagementSettings, base_dir: str | Path) -> str:
    """The store URL with a relative SQLite path made absolute against the settings' folder."""
    url = settings.DATABASE_URL
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != "sqlite:///:memory:":
        path = Path(url[len(prefix):])
        if not path.is_absolute():
            return prefix + str((Path(base_dir) / path).resolve())
    return url


def documentation() -> list[tuple[str, str, str, str]]:
    """(name, type, default, description) for every setting, for the CLI and the README."""
    rows = []
    for name, spec in _FIELDS.items():
        default = spec.default
        if default is dataclasses.MISSING:
            default = spec.default_factory()  # type: ignore[misc]
        type_name = _type_of(name)
        shown_type = type_name.__name__ if isinstance(type_name, type) else str(type_name)
        if isinstance(type_name, types.GenericAlias):
            shown_type = str(type_name)
        doc = spec.metadata["doc"]
        if spec.metadata["env"]:
            doc += " (Environment variable wins.)"
        rows.append((PREFIX + name, shown_type, repr(default), doc))
    return rows


@dataclass(frozen=True)
class SiteConfig:
    """One site's configuration as the CLI and the endpoint see it: Pelican's and ours."""

    settings_file: Path
    pelican: Mapping[str, Any]
    engagement: EngagementSettings

    @property
    def base_dir(self) -> Path:
        return self.settings_file.parent

    @property
    def site_url(self) -> str:
        return str(self.pelican.get("SITEURL", "")).rstrip("/")

    @property
    def output_path(self) -> Path:
        return self.base_dir / str(self.pelican.get("OUTPUT_PATH", "output"))

    @property
    def database_url(self) -> str:
        return database_url(self.engagement, self.base_dir)

    @property
    def threads_manifest(self) -> Path:
        return threads_manifest_path(self.engagement, self.output_path)


def threads_manifest_path(settings: EngagementSettings, output_path: str | Path) -> Path:
    """Where the build writes (and the endpoint reads) the list of articles that take comments."""
    if settings.THREADS_MANIFEST:
        return Path(settings.THREADS_MANIFEST)
    return Path(output_path) / "engagement" / "threads.json"


def load_site(settings_file: str | Path) -> SiteConfig:
    """Read a site's Pelican settings file the way ``pelican -s`` does, and validate ours."""
    from pelican.settings import read_settings

    path = Path(settings_file).resolve()
    if not path.is_file():
        raise SettingsError(f"settings file {settings_file} not found")
    # Pelican resolves relative paths in the settings against the current directory when the
    # file is read from there; read it from its own folder so commands work from anywhere.
    cwd = Path.cwd()
    os.chdir(path.parent)
    try:
        pelican_settings = read_settings(str(path))
    finally:
        os.chdir(cwd)
    return SiteConfig(path, pelican_settings, from_pelican(pelican_settings))
