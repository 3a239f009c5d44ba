"""Site plugin (not part of the engagement package): publish the theme's stylesheets minified.

``theme/static/css/site.css`` stays commented (its header documents the colour tokens every plugin
fragment uses); readers download it without the comments and spaces, as the engagement plugin
publishes its own CSS and scripts (``pelican.plugins.engagement.assets``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals
from rcssmin import cssmin


def minify_theme_css(pelican: Any) -> None:
    """``finalized``: rewrite each CSS file Pelican copied from the theme in its minified form."""
    folder = Path(pelican.settings["OUTPUT_PATH"]) / pelican.settings.get("THEME_STATIC_DIR", "theme")
    for path in sorted(folder.rglob("*.css")):
        text = path.read_text("utf-8")
        smaller = cssmin(text)
        if smaller != text:
            path.write_text(smaller, "utf-8")


def register() -> None:
    signals.finalized.connect(minify_theme_css)
