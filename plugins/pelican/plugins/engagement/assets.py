"""The plugin's own CSS and JavaScript, copied into the output at the end of a build.

Themes do not know about the plugin's ``static/`` folder, so the plugin publishes it itself, under
``OUTPUT_PATH/engagement/``; ``engagement/styles.html`` links the stylesheets from there.
"""

from __future__ import annotations

import filecmp
import shutil
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
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(target)
    return copied


def copy_to_output(pelican: Any) -> None:
    """``finalized``: publish the plugin's static files with the site."""
    copy_static(pelican.settings["OUTPUT_PATH"])
