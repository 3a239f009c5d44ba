"""Per-build state shared by the plugin's signal handlers.

Pelican hands every handler the same settings dictionary, so the validated settings and what the
handlers gather during one build live there under one private key, instead of in module globals
that would leak between builds (tests build many sites in one process).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pelican.plugins.engagement.settings import EngagementSettings, SettingsError, from_pelican

STATE_KEY = "_engagement_state"


@dataclass
class BuildState:
    """What one build knows: our settings and what the handlers collected so far."""

    settings: EngagementSettings
    threads: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)


class EngagementBuildError(Exception):
    """A build problem that names the file (and line) to fix."""


def configure(pelican: Any) -> None:
    """Validate ``ENGAGEMENT_*`` settings at start-up so a typo stops the build with a message."""
    try:
        settings = from_pelican(pelican.settings)
    except SettingsError as error:
        raise EngagementBuildError(f"engagement plugin: {error}") from None
    pelican.settings[STATE_KEY] = BuildState(settings=settings)


def state(settings: dict[str, Any]) -> BuildState:
    """The build's state; created on first use when a handler runs without ``initialized``."""
    current = settings.get(STATE_KEY)
    if current is None:
        current = BuildState(settings=from_pelican(settings))
        settings[STATE_KEY] = current
    return current


def add_template_fallback(generator: Any) -> None:
    """``generator_init``: let templates find the plugin's fragments (``engagement/*.html``).

    The plugin's folder goes *last* in the search order, so a site theme overrides any fragment by
    shipping a file of the same name under its own ``templates/engagement/``.
    """
    from pathlib import Path

    from jinja2 import ChoiceLoader, FileSystemLoader

    plugin_templates = Path(__file__).with_name("templates")
    generator.env.loader = ChoiceLoader(
        [generator.env.loader, FileSystemLoader(str(plugin_templates))]
    )
    from pelican.plugins.engagement.comments.monogram import monogram

    # Case and embed cards draw the same monogram avatars as the comments (`name|monogram`).
    generator.env.filters.setdefault("monogram", monogram)
    from pelican.plugins.engagement.comments.views import html_datetime

    generator.env.filters.setdefault("html_datetime", html_datetime)  # cards' and comments' times
    from pelican.plugins.engagement.cases.marks import mark_id, sprite

    # Platform marks: a card refers to its mark's <symbol>; a page carries each symbol once.
    generator.env.filters.setdefault("mark_id", mark_id)
    generator.env.filters.setdefault("mark_sprite", sprite)
    from pelican.plugins.engagement.links import root_relative

    # Links to the site's own pages and files from its pages: `{{ SITEURL|root_relative }}/…`.
    generator.env.filters.setdefault("root_relative", root_relative)
    from pelican.plugins.engagement.comments.render import JSON_DUMPS

    # |tojson (JSON-LD) compact, as the fast update writes the comments it merges into it.
    generator.env.policies["json.dumps_kwargs"] = dict(JSON_DUMPS)
