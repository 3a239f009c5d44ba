"""docs/architecture.md's package map and the package's folders agree (the issue-11 promise)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "plugins" / "pelican" / "plugins" / "engagement"
DOC = REPO / "docs" / "architecture.md"
OUTSIDE = {"plugins", "docs", "tests", "bench", "theme", "content"}


def _documented_modules() -> set[str]:
    """Module paths the map names: `x.py` under a `### `pkg/`` heading, or `pkg/` lists like `check/`."""
    text = DOC.read_text("utf-8")
    section = text[text.index("## Package map"):text.index("## Tests")]
    section = section[section.index("### "):]
    found: set[str] = set()
    package = prefix = ""
    for line in section.splitlines():
        heading = re.match(r"### `(\w+)/`", line)
        if line.startswith("### "):
            package = heading.group(1) + "/" if heading else ""
            continue
        if line.startswith("- "):  # a continuation line ("  …") keeps its item's folder
            listed = re.match(r"- `(\w+)/`", line)
            prefix = listed.group(1) + "/" if listed else package
        for name in re.findall(r"`([\w/]+\.py)`", line):
            if name.split("/")[0] in OUTSIDE:
                continue  # a file of the site or the repository, named beside the package
            found.add(name if "/" in name else prefix + name)
    return found


def _package_modules() -> set[str]:
    modules = set()
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        if "migrations/" in relative or (path.name == "__init__.py" and path.parent != PACKAGE):
            continue
        modules.add(relative)
    return modules


def test_every_module_is_in_the_map() -> None:
    assert sorted(_package_modules() - _documented_modules()) == []


def test_every_module_in_the_map_exists() -> None:
    documented = {m for m in _documented_modules() if not m.endswith("/__init__.py")}
    assert sorted(documented - _package_modules()) == []


def test_namespace_folders_have_no_init() -> None:
    # An __init__.py here would turn pelican.plugins into a regular package and hide other plugins.
    assert not (REPO / "plugins" / "pelican" / "__init__.py").exists()
    assert not (REPO / "plugins" / "pelican" / "plugins" / "__init__.py").exists()
