"""A command that could not do its job exits non-zero with one line on stderr, never a traceback.

Run as a person runs them: the installed `engagement` script in a subprocess, so what reaches the
terminal (click's message, and anything logging prints) is exactly what is checked.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pelican.plugins.engagement.store import NewEntry, Store

from tests.support.endpoint import SETTINGS_FILE_THREAD as THREAD
from tests.support.endpoint import CliSite, make_site
from tests.support.project import free_port

ENGAGEMENT = str(Path(sys.executable).with_name("engagement"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> CliSite:
    return make_site(tmp_path_factory.mktemp("cli-failures"))


@pytest.fixture
def elsewhere(site: CliSite, tmp_path: Path) -> Path:
    """A settings file like the build's, but for another address: the pages cannot be updated in place."""
    path = tmp_path / "elsewhere.py"
    text = site.settings_file.read_text("utf-8")
    path.write_text(text + 'SITEURL = "https://elsewhere.example"\n', "utf-8")
    return path


def _store(site: CliSite) -> Store:
    return Store.open(f"sqlite:///{site.root / 'engagement.sqlite3'}")


def _pending(site: CliSite, email: str = "ann@example.org") -> int:
    store = _store(site)
    try:
        new = NewEntry(thread=THREAD, author_name="Ann", author_email=email, body_source="Hi",
                       body_html="<p>Hi</p>")
        return store.add(new).id
    finally:
        store.close()


def engagement(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ENGAGEMENT, *arguments], capture_output=True, text=True, timeout=120,
                          env=env, check=False)


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_approval_whose_page_update_failed_exits_non_zero(site: CliSite, elsewhere: Path) -> None:
    entry_id = _pending(site)
    result = engagement("moderate", "approve", str(entry_id), "--settings", str(elsewhere))
    line = _one_error_line(result)
    assert f"the page of comment {entry_id} was not updated" in line
    assert "built with other settings" in line
    assert result.stdout.strip() == f"Comment {entry_id} approved."


def test_approval_stands_when_the_page_update_failed(site: CliSite, elsewhere: Path) -> None:
    entry_id = _pending(site)
    engagement("moderate", "approve", str(entry_id), "--settings", str(elsewhere))
    store = _store(site)
    try:
        assert store.require(entry_id).status == "approved"
    finally:
        store.close()


def test_forget_whose_page_update_failed_exits_non_zero(site: CliSite, elsewhere: Path) -> None:
    entry_id = _pending(site, email="gone@example.org")
    approved = engagement("moderate", "approve", str(entry_id), "--settings", str(site.settings_file))
    assert approved.returncode == 0
    result = engagement("forget", "gone@example.org", "--yes", "--settings", str(elsewhere))
    assert "the pages that showed them were not updated" in _one_error_line(result)


def test_unknown_entry_is_one_line(site: CliSite) -> None:
    result = engagement("moderate", "reject", "987654", "--settings", str(site.settings_file))
    assert _one_error_line(result) == "Error: no entry with id 987654"


def test_a_store_that_does_not_answer_is_one_line(site: CliSite) -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    result = engagement("moderate", "list", "--settings", str(site.settings_file),
                        env={"PATH": "/usr/bin:/bin", "ENGAGEMENT_DATABASE_URL": url})
    assert "the comment store cannot be used" in _one_error_line(result)


def test_an_export_from_a_store_that_does_not_answer_is_one_line(site: CliSite, tmp_path: Path) -> None:
    # The export opens PostgreSQL with its driver alone (no SQLAlchemy): the same sentence.
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    result = engagement("export", "-o", str(tmp_path / "backup.json"), "--settings", str(site.settings_file),
                        env={"PATH": "/usr/bin:/bin", "ENGAGEMENT_DATABASE_URL": url})
    assert "the comment store cannot be used" in _one_error_line(result)
    assert list(tmp_path.iterdir()) == []


def test_rebuild_before_any_build_is_one_line(site: CliSite, tmp_path: Path) -> None:
    unbuilt = tmp_path / "unbuilt.py"
    unbuilt.write_text(site.settings_file.read_text("utf-8") + f"OUTPUT_PATH = {str(tmp_path / 'none')!r}\n",
                       "utf-8")
    result = engagement("rebuild", "--all", "--settings", str(unbuilt))
    assert "build the site once" in _one_error_line(result)


def test_a_bad_setting_is_one_line(site: CliSite, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text(site.settings_file.read_text("utf-8") + "ENGAGEMENT_COMENTS = True\n", "utf-8")
    result = engagement("moderate", "list", "--settings", str(broken))
    assert "unknown setting ENGAGEMENT_COMENTS" in _one_error_line(result)
