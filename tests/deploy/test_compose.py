"""``deploy/compose.yaml`` and ``deploy/Containerfile``, tested without a container runtime.

No images are built or run here (the machine has no container runtime). What can be checked for
real is: the compose file parses; nginx gets the tested ``site.conf`` by mount, with every
placeholder filled and each value agreeing with the other services (paths, ports, upstream); every
``ENGAGEMENT_*`` variable it sets is one the code reads; the database URL names the PostgreSQL 16
service; the Containerfile copies files that exist, installs an extra the package has, and its
``CMD`` loads the real WSGI app when gunicorn runs it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from pelican.plugins.engagement.settings import EngagementSettings
from sqlalchemy.engine import make_url

from tests.reliability.gunicorn import write_settings
from tests.support.endpoint import BuiltSite, built_site
from tests.support.nginx import SITE_CONF, placeholders
from tests.support.sites import REPO

__all__ = ["built_site"]

DEPLOY = REPO / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
CONTAINERFILE = DEPLOY / "Containerfile"
WSGI_APP = "pelican.plugins.engagement.endpoint.wsgi:app"
#: What a user puts in deploy/.env.
DOTENV = {"POSTGRES_PASSWORD": "s3cret", "ENGAGEMENT_ADMIN_TOKEN": "token", "SITEURL": "https://blog.example.org"}
VARIABLE = re.compile(r"\$\{(\w+)(?::([-?])([^}]*))?\}")


def interpolate(value: Any, env: dict[str, str]) -> Any:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?message}`` with ``env``."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def one(match: re.Match[str]) -> str:
        name, kind, rest = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise AssertionError(f"{name} unset: {rest}")
        return rest if kind == "-" else ""

    return VARIABLE.sub(one, value)


def services(env: dict[str, str] | None = None) -> dict[str, Any]:
    document = yaml.safe_load(COMPOSE.read_text("utf-8"))
    return interpolate(document["services"], DOTENV if env is None else env)


def mounts(service: dict[str, Any]) -> dict[str, str]:
    """Container path → source of each ``source:target[:mode]`` volume."""
    found = {}
    for volume in service.get("volumes", []):
        source, target, *_ = volume.split(":")
        found[target] = source
    return found


def instructions() -> list[tuple[str, str]]:
    """The Containerfile as (INSTRUCTION, arguments), continuation lines joined, comments dropped."""
    text = CONTAINERFILE.read_text("utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def containerfile_cmd() -> list[str]:
    [cmd] = [rest for keyword, rest in instructions() if keyword == "CMD"]
    return json.loads(cmd)


def containerfile_env() -> dict[str, str]:
    found: dict[str, str] = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            found.update(item.split("=", 1) for item in shlex.split(rest))
    return found


# --- compose.yaml ------------------------------------------------------------------------------------


def test_compose_has_the_database_the_endpoint_the_worker_the_build_and_nginx() -> None:
    assert set(services()) == {"db", "endpoint", "worker", "build", "nginx"}


def test_the_password_must_be_set() -> None:
    with pytest.raises(AssertionError, match="POSTGRES_PASSWORD"):
        services({})


def test_database_is_postgresql_16_and_the_url_names_it() -> None:
    every = services()
    db = every["db"]
    assert db["image"].rsplit(":", 1)[1] == "16"
    url = make_url(every["endpoint"]["environment"]["ENGAGEMENT_DATABASE_URL"])
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "db", 5432)
    database = db["environment"]
    assert (url.username, url.password, url.database) == (
        database["POSTGRES_USER"], database["POSTGRES_PASSWORD"], database["POSTGRES_DB"])


def test_nginx_mounts_the_tested_site_conf_as_its_template() -> None:
    nginx = services()["nginx"]
    [template] = [v for v in nginx["volumes"] if "/etc/nginx/templates/" in v]
    source, target, mode = template.split(":")
    assert (DEPLOY / source).resolve() == SITE_CONF
    assert target.endswith(".conf.template") and mode == "ro"


def test_nginx_environment_fills_exactly_the_placeholders() -> None:
    environment = services()["nginx"]["environment"]
    names = {name for name in environment if name.startswith("ENGAGEMENT_")}
    assert names == placeholders(SITE_CONF.read_text("utf-8"))
    # The image's entrypoint substitutes only the names its filter matches (and nginx's $uri never).
    assert all(re.search(environment["NGINX_ENVSUBST_FILTER"], name) for name in names)


def test_nginx_paths_agree_with_the_build_and_the_endpoint() -> None:
    every = services()
    nginx, endpoint, build = every["nginx"]["environment"], every["endpoint"], every["build"]
    site_root = nginx["ENGAGEMENT_SITE_ROOT"]
    assert mounts(every["nginx"])[site_root] == "output"
    for service in (endpoint, build, every["worker"]):
        assert service["environment"]["OUTPUT_PATH"] == site_root
        assert mounts(service)[site_root] == "output"
    headers_map = build["environment"]["ENGAGEMENT_NGINX_HEADERS_MAP"]
    assert nginx["ENGAGEMENT_HEADERS_MAP"] == f"{site_root}/{headers_map}"


def test_nginx_ports_agree_with_the_endpoint_and_siteurl() -> None:
    every = services(DOTENV | {"SITEURL": ""})
    nginx = every["nginx"]
    cmd = containerfile_cmd()
    endpoint_port = cmd[cmd.index("--bind") + 1].rsplit(":", 1)[1]
    assert nginx["environment"]["ENGAGEMENT_UPSTREAM"] == f"endpoint:{endpoint_port}"
    [mapping] = nginx["ports"]
    host_port, container_port = mapping.split(":")
    assert container_port == nginx["environment"]["ENGAGEMENT_LISTEN"]
    # The default SITEURL is where the published port answers.
    assert every["endpoint"]["environment"]["SITEURL"] == f"http://localhost:{host_port}"
    assert every["endpoint"]["environment"]["ENGAGEMENT_ENDPOINT_URL"] == f"http://localhost:{host_port}"


def test_every_variable_the_services_set_is_read() -> None:
    """Each name is an environment setting, read by publishconf.py, or the CLI's settings file."""
    publishconf = (REPO / "publishconf.py").read_text("utf-8")
    fields = EngagementSettings.__dataclass_fields__.values()
    from_environment = {f"ENGAGEMENT_{field.name}" for field in fields if field.metadata.get("env")}
    for name in ("endpoint", "worker", "build"):
        for variable in services()[name]["environment"]:
            read = (variable in from_environment or variable == "ENGAGEMENT_SETTINGS"
                    or re.search(rf'os\.environ\.get\(\s*"{variable}"', publishconf))
            assert read, f"{name}: nothing reads {variable}"


def test_the_endpoint_waits_for_the_database_and_the_build_for_the_endpoint() -> None:
    every = services()
    assert every["endpoint"]["depends_on"]["db"]["condition"] == "service_healthy"
    # The endpoint creates the schema; the build only reads it.
    assert every["build"]["depends_on"]["endpoint"]["condition"] == "service_healthy"
    assert every["nginx"]["depends_on"]["build"]["condition"] == "service_completed_successfully"


def test_the_services_run_the_image_this_containerfile_builds() -> None:
    every = services()
    build = every["endpoint"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == CONTAINERFILE
    assert {every[name]["image"] for name in ("endpoint", "worker", "build")} == {every["endpoint"]["image"]}


def test_worker_command_exists() -> None:
    command = services()["worker"]["command"]
    engagement = str(Path(sys.executable).with_name(command[0]))
    result = subprocess.run([engagement, *command[1:], "--help"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0, result.stderr


def test_build_command_uses_settings_the_image_holds() -> None:
    command = services()["build"]["command"]
    assert command[:2] == ["pelican", "content"]
    settings = command[command.index("-s") + 1]
    copied = " ".join(rest for keyword, rest in instructions() if keyword == "COPY")
    assert settings in copied and (REPO / settings).is_file()


# --- Containerfile -----------------------------------------------------------------------------------


def test_containerfile_copies_files_that_exist() -> None:
    for keyword, rest in instructions():
        if keyword == "COPY":
            *sources, _target = rest.split()
            for source in sources:
                assert (REPO / source).exists(), source


def test_containerfile_installs_this_package_with_an_extra_it_has() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    [install] = [rest for keyword, rest in instructions() if keyword == "RUN" and "pip install" in rest]
    [requirement] = re.findall(r'"/src\[(\w+)\]"', install)
    assert requirement in project["optional-dependencies"]
    python = re.search(r"python:(\d+\.\d+)", dict(instructions())["FROM"]).group(1)
    assert SpecifierSet(project["requires-python"]).contains(python)


def test_containerfile_environment_matches_compose() -> None:
    environment = containerfile_env()
    endpoint = services()["endpoint"]["environment"]
    assert environment["ENGAGEMENT_SETTINGS"] == endpoint["ENGAGEMENT_SETTINGS"]
    assert environment["OUTPUT_PATH"] == endpoint["OUTPUT_PATH"]


def test_containerfile_cmd_runs_gunicorn_gthread_on_the_wsgi_app() -> None:
    cmd = containerfile_cmd()
    assert cmd[0] == "gunicorn" and cmd[-1] == WSGI_APP
    assert cmd[cmd.index("--worker-class") + 1] == "gthread"
    exposed = dict(instructions())["EXPOSE"]
    assert cmd[cmd.index("--bind") + 1] == f"0.0.0.0:{exposed}"


def test_containerfile_cmd_loads_the_app(built_site: BuiltSite, tmp_path: Path) -> None:
    """The CMD's arguments, run by this virtualenv's gunicorn with ``--check-config``."""
    cmd = containerfile_cmd()
    settings = write_settings(tmp_path, built_site, f"sqlite:///{tmp_path / 'store.sqlite3'}")
    env = {key: value for key, value in os.environ.items() if not key.startswith("ENGAGEMENT_")}
    env["ENGAGEMENT_SETTINGS"] = str(settings)
    gunicorn = str(Path(sys.executable).with_name(cmd[0]))
    result = subprocess.run([gunicorn, *cmd[1:-1], "--check-config", cmd[-1]], capture_output=True,
                            text=True, timeout=120, check=False, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
