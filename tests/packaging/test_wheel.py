"""The built wheel is a Pelican namespace plugin: installed alone, it makes any site use it.

The wheel is built the way a release is (``python -m build``: an sdist, then the wheel from it)
from a copy of the repository, installed into a fresh virtualenv with pip resolving its
dependencies from the package index as a user's pip would, and a tiny site with its own settings
is built there: once with no ``PLUGINS`` setting at all (Pelican finds every installed
``pelican.plugins.*`` package), once with ``PLUGINS = ["engagement"]``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from tests.support.sites import REPO

pytestmark = pytest.mark.slow

PACKAGE = "pelican/plugins/engagement/"
SOURCE = REPO / "plugins" / "pelican" / "plugins" / "engagement"
#: What a copy of the repository leaves out: local state, builds and caches, never sources.
NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", "output", "output-ci", "cache", "var", "build", "dist", "*.egg-info",
    "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", ".bench", "*.sqlite3*",
)

ARTICLE = """\
Title: Hello from a wheel
Date: 2026-01-02 10:00
Author: Tester
Category: Tests
Slug: hello-wheel

A case, rendered by the plugin:

```case
brand: Acme
platform: Mastodon
customer_said: My parcel never came.
brand_said: Sorry! A new one is on its way.
verdict: beauty
```
"""


def _run(command: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``python -m build`` makes from a clean copy of the repository."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=NOT_COPIED)
    _run([sys.executable, "-m", "build", "--outdir", str(root / "dist"), str(source)], cwd=root)
    (built,) = (root / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel installed (and what pip resolves for it); its bin folder."""
    root = tmp_path_factory.mktemp("venv")
    venv.create(root, with_pip=True)
    bin_dir = root / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=root)
    return bin_dir


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def _source_files() -> set[str]:
    """Every file of the package in the repository, as a path inside the wheel."""
    return {
        PACKAGE + path.relative_to(SOURCE).as_posix()
        for path in SOURCE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    }


def test_wheel_holds_only_the_plugin_package(wheel: Path) -> None:
    outside = [name for name in _names(wheel) if not name.startswith(PACKAGE) and ".dist-info/" not in name]
    assert outside == []


def test_wheel_leaves_the_namespace_packages_alone(wheel: Path) -> None:
    # An __init__.py in pelican/ or pelican/plugins/ would shadow Pelican itself or hide every
    # other namespace plugin.
    names = set(_names(wheel))
    assert "pelican/__init__.py" not in names
    assert "pelican/plugins/__init__.py" not in names


def test_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    # Templates, static files, migrations, openapi.yaml and py.typed included: whatever is in the
    # source folder must be in the wheel.
    missing = sorted(_source_files() - set(_names(wheel)))
    assert missing == []


def test_wheel_package_data_is_there(wheel: Path) -> None:
    names = set(_names(wheel))
    for needed in ("templates/engagement/case.html", "static/engagement/cases.css",
                   "store/migrations/env.py", "store/migrations/script.py.mako",
                   "endpoint/openapi.yaml", "py.typed"):
        assert PACKAGE + needed in names, needed
    assert any(name.startswith(PACKAGE + "store/migrations/versions/") for name in names)
    assert any(name.startswith(PACKAGE + "endpoint/templates/") for name in names)


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        text = archive.read(entry_points).decode()
    assert "engagement = pelican.plugins.engagement.cli:main" in text


def _site(root: Path, plugins_line: str) -> Path:
    """A tiny site with its own settings (the default theme, no PLUGIN_PATHS); its folder."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "hello.md").write_text(ARTICLE, "utf-8")
    (root / "site.py").write_text(
        "\n".join([
            'SITENAME = "Wheel test"',
            'SITEURL = "http://127.0.0.1:8000"',
            'PATH = "content"',
            'OUTPUT_PATH = "output"',
            'TIMEZONE = "UTC"',
            "RELATIVE_URLS = False",
            "FEED_ALL_ATOM = None",
            "CATEGORY_FEED_ATOM = None",
            'ENGAGEMENT_DATABASE_URL = "sqlite:///engagement.sqlite3"',
            "ENGAGEMENT_EMBEDS_FETCH = False",
            plugins_line,
        ]) + "\n",
        "utf-8",
    )
    return root


def _build(bin_dir: Path, site: Path) -> Path:
    _run([str(bin_dir / "pelican"), "content", "-s", "site.py"], cwd=site, timeout=300)
    return site / "output"


def _assert_plugin_ran(output: Path) -> None:
    manifest = json.loads((output / "engagement" / "threads.json").read_text("utf-8"))
    assert "hello-wheel" in json.dumps(manifest)
    page = (output / "hello-wheel.html").read_text("utf-8")
    assert 'class="case-card' in page
    assert (output / "engagement" / "cases.css").is_file()


def test_installed_plugin_runs_without_a_plugins_setting(installed: Path, tmp_path: Path) -> None:
    site = _site(tmp_path / "site", "# no PLUGINS: Pelican loads every installed namespace plugin")
    _assert_plugin_ran(_build(installed, site))


def test_installed_plugin_runs_when_named_in_plugins(installed: Path, tmp_path: Path) -> None:
    site = _site(tmp_path / "site", 'PLUGINS = ["engagement"]')
    _assert_plugin_ran(_build(installed, site))


def test_installed_console_script_runs(installed: Path, tmp_path: Path) -> None:
    result = _run([str(installed / "engagement"), "--help"], cwd=tmp_path)
    assert "moderate" in result.stdout
    assert "check" in result.stdout
