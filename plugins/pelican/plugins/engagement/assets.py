"""The CSS and JavaScript readers download: the plugin's own, and the theme's, minified when published.

Themes do not know about the plugin's ``static/`` folder, so the plugin publishes it itself, under
``OUTPUT_PATH/engagement/``; ``engagement/styles.html`` links the stylesheets from there. Pelican
copies the theme's static files (``THEME_STATIC_DIR``) on every build, before ``finalized``; this
module then rewrites their ``.css`` and ``.js`` in place. Both are minified unless
``ENGAGEMENT_MINIFY_ASSETS`` is off, as Hugo's ``resources.Minify`` or pelican-minify do: the
sources stay commented and readable, and every article page downloads a third less CSS and JS.
CSS goes through rcssmin (comments and spaces: the stylesheets are hand-written tight, and a
structural optimiser found nothing more). JavaScript goes through tdewolff/minify, the minifier
behind Hugo's ``--minify``: it also shortens local names, a quarter off rjsmin's output for the
comment scripts every article page loads (comments.js 2,747 -> 2,047 bytes).

A file is only written when its published bytes differ from what the output holds, so a warm build
rewrites nothing of the plugin's and only the theme files Pelican has just copied over again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican.plugins.engagement.build import EngagementBuildError, state
from pelican.plugins.engagement.files import write_file

STATIC = Path(__file__).with_name("static") / "engagement"


def _css(text: str) -> str:
    from rcssmin import cssmin

    return cssmin(text)


def _js(text: str) -> str:
    """Minified JavaScript, minified again until it stops changing (at most a few passes).

    tdewolff's renaming can pick different short names on a second pass over its own output, and
    ``minify_in_place`` must leave an already-published file as it is, so the result is a fixed
    point. A syntax error is raised with its line and column (the caller adds the file name).
    """
    import minify

    for _ in range(4):
        try:
            shorter = minify.string("application/javascript", text)
        except minify.MinifyError as error:
            raise AssetError(str(error)) from None
        if shorter == text:
            break
        text = shorter
    return text


class AssetError(EngagementBuildError):
    """A CSS or JS file the minifier could not read (the message gives the line and column)."""


MINIFIERS: dict[str, Callable[[str], str]] = {".css": _css, ".js": _js}


def published(source: Path, *, minify: bool) -> bytes:
    """What readers get for ``source``: its bytes, or the minified text of a CSS or JS file."""
    minifier = MINIFIERS.get(source.suffix) if minify else None
    if minifier is None:
        return source.read_bytes()
    try:
        return minifier(source.read_text("utf-8")).encode("utf-8")
    except AssetError as error:
        raise AssetError(f"{source}: cannot minify: {error}") from None


def _differs(target: Path, payload: bytes) -> bool:
    """True unless ``target`` already holds exactly ``payload`` (compared without a stat race)."""
    try:
        return target.read_bytes() != payload
    except FileNotFoundError:
        return True


def copy_static(output_path: str | Path, *, minify: bool = True) -> list[Path]:
    """Publish every file of the plugin's static folder that is missing or different; returns them."""
    target_root = Path(output_path) / "engagement"
    copied = []
    for source in sorted(STATIC.rglob("*")):
        if not source.is_file():
            continue
        target = target_root / source.relative_to(STATIC)
        payload = published(source, minify=minify)
        if _differs(target, payload):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_file(target, payload)
            copied.append(target)
    return copied


def minify_in_place(folder: Path) -> list[Path]:
    """Minify every CSS and JS file under ``folder`` (Pelican's copy of the theme's static files).

    Minifying is idempotent, so a file already minified (a second call, or a file Pelican did not
    copy again) is left untouched. Returns the files rewritten.
    """
    rewritten = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in MINIFIERS or not path.is_file():
            continue
        payload = published(path, minify=True)
        if _differs(path, payload):
            write_file(path, payload)
            rewritten.append(path)
    return rewritten


def copy_to_output(pelican: Any) -> None:
    """``finalized``: publish the plugin's static files, and the theme's CSS and JS, with the site."""
    minify = state(pelican.settings).settings.MINIFY_ASSETS
    output = Path(pelican.settings["OUTPUT_PATH"])
    copy_static(output, minify=minify)
    if minify:
        minify_in_place(output / pelican.settings.get("THEME_STATIC_DIR", "theme"))
