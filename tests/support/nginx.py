"""Debian's real nginx on 127.0.0.1 with ``deploy/nginx/site.conf``, for the deployment tests.

nginx runs in the foreground under a main configuration of our own (temporary prefix, pid file, logs
and temp folders), so it needs no root and touches nothing of the machine's nginx. Where nginx is
missing the tests are skipped on a developer's machine, but fail in CI (``CI`` set), where `.ci/run`
installs it.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.support.sites import REPO

NGINX = os.environ.get("NGINX_PATH") or shutil.which("nginx") or "/usr/sbin/nginx"
SITE_CONF = REPO / "deploy" / "nginx" / "site.conf"
MIME_TYPES = Path("/etc/nginx/mime.types")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
PLACEHOLDER = re.compile(r"\$\{(ENGAGEMENT_[A-Z_]+)\}")
START_TIMEOUT = 15.0


def require_nginx() -> str:
    """The nginx binary; skip without it (fail in CI, which installs Debian's nginx)."""
    if os.path.exists(NGINX) and MIME_TYPES.is_file():
        return NGINX
    message = f"nginx not found at {NGINX} (or no {MIME_TYPES}): apt-get install nginx (Debian's)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
    raise AssertionError  # unreachable


def placeholders(text: str) -> set[str]:
    """The ``${ENGAGEMENT_…}`` names a configuration leaves for the user to fill in."""
    return set(PLACEHOLDER.findall(text))


def substitute(text: str, values: Mapping[str, str]) -> str:
    """What envsubst (or the nginx image's template step) does with exactly these names."""
    missing = placeholders(text) - set(values)
    assert not missing, f"no value for {sorted(missing)}"
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def main_config(prefix: Path, site_conf: Path, *, modules: list[Path] = ()) -> str:
    """An nginx.conf that runs as whoever starts it, with everything under ``prefix``."""
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    kinds = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    temp = "".join(f"    {kind}_temp_path {prefix / kind};\n" for kind in kinds)
    return (
        "".join(f"load_module {module};\n" for module in modules)
        + user
        + "daemon off;\nworker_processes 1;\n"
        f"pid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    include {MIME_TYPES};\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {prefix / 'access.log'};\n"
        + temp
        + f"    include {site_conf};\n"
        "}\n"
    )


def write_config(prefix: Path, values: Mapping[str, str], *, site_text: str | None = None,
                 modules: list[Path] = ()) -> Path:
    """The substituted site.conf and a main configuration under ``prefix``; returns nginx.conf."""
    prefix.mkdir(parents=True, exist_ok=True)
    site = prefix / "site.conf"
    site.write_text(substitute(site_text or SITE_CONF.read_text("utf-8"), values), "utf-8")
    main = prefix / "nginx.conf"
    main.write_text(main_config(prefix, site, modules=modules), "utf-8")
    return main


def check_config(main: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a configuration (its answer, for the test to read)."""
    return subprocess.run([*_command(main), "-t"], capture_output=True, text=True, timeout=30, check=False)


def _command(main: Path) -> list[str]:
    prefix = main.parent
    return [require_nginx(), "-p", str(prefix), "-c", str(main), "-e", str(prefix / "error.log")]


@contextmanager
def running(main: Path, url: str) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground with ``main``; ready once ``url`` answers; stopped (QUIT) after."""
    prefix = main.parent
    log = (prefix / "stderr.log").open("ab")
    process = subprocess.Popen(_command(main), stdout=log, stderr=log)
    log.close()
    try:
        _wait_ready(process, url, prefix)
        yield process
    finally:
        process.terminate()  # SIGTERM: fast shutdown of master and workers
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_ready(process: subprocess.Popen[bytes], url: str, prefix: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"nginx exited at start:\n{_logs(prefix)}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise AssertionError(f"nginx did not start listening:\n{_logs(prefix)}")


def _logs(prefix: Path) -> str:
    return "\n".join(path.read_text("utf-8", "replace")[-3000:]
                     for path in (prefix / "stderr.log", prefix / "error.log") if path.is_file())
