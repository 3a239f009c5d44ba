"""The endpoint's stylesheet uses the site's colour tokens (it cannot load site.css: another server)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SITE_CSS = REPO / "theme/static/css/site.css"
ENDPOINT_CSS = REPO / "plugins/pelican/plugins/engagement/endpoint/static/endpoint.css"
_BLOCK = re.compile(r"(@media \(prefers-color-scheme: dark\) \{\s*)?:root \{([^}]*)\}")
_TOKEN = re.compile(r"(--[\w-]+):\s*([^;]+);")


def tokens(path: Path) -> dict[str, dict[str, str]]:
    """Colour tokens per scheme (light: the first :root block, dark: the one in the media query)."""
    found: dict[str, dict[str, str]] = {}
    for match in _BLOCK.finditer(path.read_text("utf-8")):
        scheme = "dark" if match.group(1) else "light"
        found.setdefault(scheme, {}).update(_TOKEN.findall(match.group(2)))
    return found


def test_endpoint_colour_tokens_equal_the_sites() -> None:
    site, endpoint = tokens(SITE_CSS), tokens(ENDPOINT_CSS)
    assert len(endpoint["light"]) >= 10 and len(endpoint["dark"]) >= 10
    for scheme in ("light", "dark"):
        for name, value in endpoint[scheme].items():
            if name.startswith("--font") or name in ("--radius",):
                continue
            assert site[scheme][name] == value, f"{name} ({scheme}) differs from site.css"
