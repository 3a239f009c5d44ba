"""`engagement deploy`: the command it runs for each kind of target, and a real rsync to a folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pelican.plugins.engagement.cli import main


def site(tmp_path: Path, **settings: str) -> Path:
    """A settings file with ENGAGEMENT_* deploy settings and a built-looking output folder."""
    lines = ['SITEURL = "https://example.org"', 'PATH = "content"', 'TIMEZONE = "UTC"',
             'OUTPUT_PATH = "output"']
    lines += [f"ENGAGEMENT_{name} = {value!r}" for name, value in settings.items()]
    (tmp_path / "content").mkdir()
    output = tmp_path / "output"
    (output / "2024" / "01" / "post").mkdir(parents=True)
    (output / "index.html").write_text("<p>home</p>", "utf-8")
    (output / "2024" / "01" / "post" / "index.html").write_text("<p>post</p>", "utf-8")
    path = tmp_path / "publishconf.py"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def deploy(settings: Path, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["deploy", "--settings", str(settings), *args], env=env)


def test_rsync_over_ssh_command_line(tmp_path: Path) -> None:
    result = deploy(site(tmp_path, DEPLOY_TARGET="deploy@web.example.org:/var/www/site"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "rsync --recursive --links --checksum --compress --human-readable --itemize-changes "
        f"--chmod=D755,F644 --delete-after {tmp_path}/output/ deploy@web.example.org:/var/www/site/"
    )


def test_target_from_the_environment_wins(tmp_path: Path) -> None:
    settings = site(tmp_path, DEPLOY_TARGET="old@host:/x")
    result = deploy(settings, "--dry-run", env={"ENGAGEMENT_DEPLOY_TARGET": "new@host:/y"})
    assert result.output.strip().endswith(" new@host:/y/")


def test_keeping_remote_files_drops_delete(tmp_path: Path) -> None:
    settings = tmp_path / "publishconf.py"
    site(tmp_path, DEPLOY_TARGET="host:/srv")
    settings.write_text(settings.read_text("utf-8") + "ENGAGEMENT_DEPLOY_DELETE = False\n", "utf-8")
    assert "--delete" not in deploy(settings, "--dry-run").output


def test_unconfigured_target_is_a_clear_error(tmp_path: Path) -> None:
    result = deploy(site(tmp_path), "--dry-run")
    assert result.exit_code == 1
    assert "set ENGAGEMENT_DEPLOY_TARGET" in result.output


def test_bad_target_is_refused_when_settings_load(tmp_path: Path) -> None:
    result = deploy(site(tmp_path, DEPLOY_TARGET="ftp://host/x"), "--dry-run")
    assert result.exit_code == 1
    assert "ENGAGEMENT_DEPLOY_TARGET must be an rsync destination" in result.output


def test_refuses_to_deploy_an_unbuilt_output(tmp_path: Path) -> None:
    settings = site(tmp_path, DEPLOY_TARGET=str(tmp_path / "www"))
    (tmp_path / "output" / "index.html").unlink()
    result = deploy(settings)
    assert result.exit_code == 1
    assert "has no index.html" in result.output
    assert not (tmp_path / "www").exists()


@pytest.mark.skipif(shutil.which("rsync") is None, reason="needs rsync")
def test_rsync_to_a_folder_copies_and_prunes(tmp_path: Path) -> None:
    www = tmp_path / "www"
    www.mkdir()
    (www / "stale.html").write_text("old page", "utf-8")
    result = deploy(site(tmp_path, DEPLOY_TARGET=str(www)))
    assert result.exit_code == 0, result.output
    assert (www / "2024" / "01" / "post" / "index.html").read_text("utf-8") == "<p>post</p>"
    assert not (www / "stale.html").exists()
