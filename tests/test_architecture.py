"""docs/architecture.md's package map, the README's layout block and the package's folders agree."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "plugins" / "pelican" / "plugins" / "engagement"
DOC = REPO / "docs" / "architecture.md"
README = REPO / "README.md"
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


def _readme_layout_plugin_paths() -> str:
    """What the README's layout block lists under the plugin's folder: the path column of its lines."""
    text = README.read_text("utf-8")
    block = text[text.index("## Layout"):]
    block = block[block.index("```\n") + 4:]
    block = block[:block.index("```")]
    lines = block.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("plugins/pelican/plugins/engagement/"))
    plugin: list[str] = []
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        plugin.append(re.split(r"\s{2,}", line.strip())[0])  # "cases/   what it holds" -> "cases/"
    return "\n".join(plugin)


def test_readme_layout_names_every_folder_of_the_package() -> None:
    # The README's layout block is the newcomer's first map: a folder missing there (or a module
    # named there that became a folder) sends them looking in the wrong place.
    paths = _readme_layout_plugin_paths()
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__")
    named = set(re.findall(r"(\w+)/", paths))
    assert [name for name in folders if name not in named] == []
    assert sorted(named - set(folders)) == []


def test_readme_layout_modules_exist() -> None:
    modules = set(re.findall(r"(\w+\.py)", _readme_layout_plugin_paths()))
    assert modules  # settings/, net.py, markup.py
    assert sorted(name for name in modules if not (PACKAGE / name).is_file()) == []


def test_namespace_folders_have_no_init() -> None:
    # An __init__.py here would turn pelican.plugins into a regular package and hide other plugins.
    assert not (REPO / "plugins" / "pelican" / "__init__.py").exists()
    assert not (REPO / "plugins" / "pelican" / "plugins" / "__init__.py").exists()
