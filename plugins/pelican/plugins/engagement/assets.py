"""The plugin's own CSS and JavaScript, copied into the output at the end of a build.

Themes do not know about the plugin's ``static/`` folder, so the plugin publishes it itself, under
``OUTPUT_PATH/engagement/``; ``engagement/styles.html`` links the stylesheets from there. CSS and
JavaScript are published minified (rcssmin, rjsmin): the sources stay commented and readable, and
a reader downloads about a third less (every article page loads them).
"""

from __future__ import annotations

import filecmp
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

STATIC = Path(__file__).with_name("static") / "engagement"


def copy_static(output_path: str | Path) -> list[Path]:
    """Copy every file of the plugin's static folder that is missing or different; returns them."""
    target_root = Path(output_path) / "engagement"
    copied = []
    for source in sorted(STATIC.rglob("*")):
        if not source.is_file():
            continue
        target = target_root / source.relative_to(STATIC)
        minify = MINIFIERS.get(source.suffix)
        if minify is None:
            if target.is_file() and filecmp.cmp(source, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        else:
            text = minify(source.read_text("utf-8"))
            if target.is_file() and target.read_text("utf-8") == text:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, "utf-8")
        copied.append(target)
    return copied


def _css(text: str) -> str:
    from rcssmin import cssmin

    return cssmin(text)


def _js(text: str) -> str:
    from rjsmin import jsmin

    return jsmin(text)


MINIFIERS: dict[str, Callable[[str], str]] = {".css": _css, ".js": _js}


def copy_to_output(pelican: Any) -> None:
    """``finalized``: publish the plugin's static files with the site."""
    copy_static(pelican.settings["OUTPUT_PATH"])
