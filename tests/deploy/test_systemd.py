"""``deploy/systemd/``: the units pass ``systemd-analyze verify``, carry the hardening, and their
commands are commands this package really has.

``systemd-analyze verify`` needs no running systemd (it works in a container whose PID 1 is not
systemd). It checks that each ``ExecStart`` binary exists, so the units are verified with the
install path ``/opt/engagement/venv`` pointed at this test's virtualenv and the site folder at a
temporary one; nothing else is changed.
"""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.gunicorn import write_settings
from tests.support.endpoint import BuiltSite, built_site
from tests.support.sites import REPO

__all__ = ["built_site"]

UNITS = REPO / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
VENV = "/opt/engagement/venv"
SITE = "/srv/blog"
WSGI_APP = "pelican.plugins.engagement.endpoint.wsgi:app"

#: What every service must set: no fixed user, a read-only system but for the site's folders.
HARDENING = {
    "DynamicUser": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "RestrictSUIDSGID": "yes",
    "SystemCallArchitectures": "native",
}


def read_unit(path: Path) -> configparser.ConfigParser:
    """A unit file through an INI parser (keys keep their case; a repeated key keeps its last value)."""
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",),
                                       comment_prefixes=("#", ";"), empty_lines_in_values=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text("utf-8"), source=str(path))
    return parser


def exec_start(path: Path) -> list[str]:
    return shlex.split(read_unit(path)["Service"]["ExecStart"])


def localised(folder: Path, site: Path) -> list[Path]:
    """Copies of the units with this virtualenv and ``site`` in place of the documented paths."""
    copies = []
    for unit in sorted(UNITS.iterdir()):
        text = unit.read_text("utf-8").replace(VENV, sys.prefix).replace(SITE, str(site))
        copy = folder / unit.name
        copy.write_text(text, "utf-8")
        copies.append(copy)
    return copies


def test_there_are_units_for_the_endpoint_the_worker_and_the_rebuild() -> None:
    assert sorted(path.name for path in UNITS.iterdir()) == [
        "engagement-endpoint.service", "engagement-rebuild.service", "engagement-rebuild.timer",
        "engagement-worker.service",
    ]


@pytest.mark.parametrize("unit", SERVICES, ids=lambda path: path.name)
def test_every_service_is_hardened(unit: Path) -> None:
    service = read_unit(unit)["Service"]
    assert {key: service.get(key) for key in HARDENING} == HARDENING
    writable = service["ReadWritePaths"].split()
    assert {f"{SITE}/output", f"{SITE}/var"} <= set(writable)
    assert service["Environment"] != "" and service["WorkingDirectory"] == SITE


def test_every_service_runs_as_the_same_dynamic_user() -> None:
    users = {(read_unit(unit)["Service"]["User"], read_unit(unit)["Service"]["Group"]) for unit in SERVICES}
    assert users == {("engagement", "engagement")}


def test_timer_starts_the_rebuild_service() -> None:
    timer = read_unit(UNITS / "engagement-rebuild.timer")
    assert timer["Timer"]["Unit"] == "engagement-rebuild.service"
    assert timer["Timer"]["OnCalendar"] and timer["Install"]["WantedBy"] == "timers.target"
    assert exec_start(UNITS / "engagement-rebuild.service")[1:] == ["rebuild", "--all"]


def test_endpoint_runs_gunicorn_with_gthread_workers_on_the_wsgi_app() -> None:
    command = exec_start(UNITS / "engagement-endpoint.service")
    assert command[0] == f"{VENV}/bin/gunicorn" and command[-1] == WSGI_APP
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert command[command.index("--bind") + 1] == "127.0.0.1:8001"


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        message = "systemd-analyze not found: apt-get install systemd"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    site = tmp_path / "site"
    for folder in ("output", "var"):
        (site / folder).mkdir(parents=True)
    copies = localised(tmp_path, site)
    result = subprocess.run([analyze, "verify", "--man=no", *map(str, copies)],
                            capture_output=True, text=True, timeout=120, check=False)
    # verify exits 0 on an unknown key but prints it: any line about our units is a failure.
    about_ours = [line for line in (result.stdout + result.stderr).splitlines()
                  if any(copy.name in line for copy in copies)]
    assert result.returncode == 0 and not about_ours, result.stdout + result.stderr


@pytest.mark.parametrize("unit", ["engagement-worker.service", "engagement-rebuild.service"])
def test_engagement_commands_and_options_exist(unit: str, tmp_path: Path) -> None:
    """Click refuses an unknown subcommand or option before it answers ``--help``."""
    command = exec_start(UNITS / unit)
    command[0] = command[0].replace(VENV, sys.prefix)
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_endpoint_command_loads_the_app(built_site: BuiltSite, tmp_path: Path) -> None:
    """gunicorn's own ``--check-config`` with the unit's arguments imports the WSGI app."""
    command = exec_start(UNITS / "engagement-endpoint.service")
    command[0] = command[0].replace(VENV, sys.prefix)
    settings = write_settings(tmp_path, built_site, f"sqlite:///{tmp_path / 'store.sqlite3'}")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEMENT_")}
    env["ENGAGEMENT_SETTINGS"] = str(settings)
    result = subprocess.run([*command[:-1], "--check-config", command[-1]], capture_output=True, text=True,
                            timeout=120, check=False, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
