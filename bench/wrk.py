"""The endpoint section's load driver: Debian's ``wrk`` (C, epoll), steered by a generated Lua script.

The Python driver this replaces (``bench/load.py``) used half a core for itself on the GET rounds,
so it measured itself as much as the server. ``wrk`` keeps every connection open (HTTP/1.1
keep-alive; it reconnects when a server closes after each answer, as gunicorn's sync workers do).

Every request can differ: the Lua script numbers requests per wrk thread and substitutes the number
into the body (a POST body template, JSON), so no two comments are alike. Its ``response()`` callback
counts answers by status (so the 0-lost check knows how many comments were acknowledged), and
``done()`` prints one JSON line with those counts, wrk's socket errors and its latency percentiles
(wrk's own histogram, microseconds). The CPU wrk used is read from the kernel's accounting of the
finished child (``RUSAGE_CHILDREN`` around the run).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

#: Where Debian's package puts it; ``bench/wrk.py`` installs it with apt when missing and allowed.
WRK = "/usr/bin/wrk"
#: The line ``done()`` prints, followed by the JSON summary.
MARKER = "BENCH-WRK "
#: The placeholder the Lua script replaces with "<thread>-<request number>" in every body.
PLACEHOLDER = "@N@"


class WrkUnavailable(RuntimeError):
    """``wrk`` is not installed (and could not be); the message says how to get it."""


@dataclass(frozen=True)
class Request:
    """What every request of a round looks like: ``bodies`` are templates with :data:`PLACEHOLDER`."""

    method: str
    path: str
    headers: dict[str, str]
    bodies: tuple[str, ...] = ()


@dataclass
class WrkResult:
    """One bounded round of load, as wrk and the Lua script reported it."""

    seconds: float = 0.0
    statuses: dict[int, int] = field(default_factory=dict)
    #: Socket-level failures: connect, read, write errors and timeouts (no HTTP answer).
    failures: int = 0
    #: Latency percentiles in milliseconds, from wrk's histogram: {50: …, 99: …}.
    percentiles: dict[int, float] = field(default_factory=dict)
    #: CPU seconds (user + system) wrk itself used: on a small machine it competes with the server.
    client_cpu: float = 0.0

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return sum(count for status, count in self.statuses.items() if 200 <= status < 300)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def rate(self) -> float:
        """Successful (2xx) requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def latency_ms(self, fraction: float) -> float:
        return self.percentiles.get(round(fraction * 100), float("nan"))


def _lua_string(text: str) -> str:
    """A Lua string literal of ``text``'s UTF-8 bytes (LuaJIT knows ``\\ddd`` escapes, not ``\\u``)."""
    def byte(value: int) -> str:
        char = chr(value)
        return char if 32 <= value < 127 and char not in '"\\' else f"\\{value:03d}"
    return '"' + "".join(byte(value) for value in text.encode("utf-8")) + '"'


def script(request: Request) -> str:
    """The Lua script for one round: numbered bodies, status counts, a JSON summary at the end."""
    headers = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in request.headers.items())
    bodies = ", ".join(_lua_string(body) for body in request.bodies)
    return f"""
local threads = {{}}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local method, path = {_lua_string(request.method)}, {_lua_string(request.path)}
local headers = {{ {headers} }}
local bodies = {{ {bodies} }}
local counter = 0
statuses = {{}}

function request()
  counter = counter + 1
  if #bodies == 0 then
    return wrk.format(method, path, headers, nil)
  end
  local tag = tostring(id) .. "-" .. tostring(counter)
  local body = string.gsub(bodies[(counter % #bodies) + 1], "{PLACEHOLDER}", tag)
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {{}}
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("statuses")) do
      counts[key] = (counts[key] or 0) + count
    end
  end
  local parts = {{}}
  for key, count in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', key, count))
  end
  local e = summary.errors
  io.write(string.format(
    '{MARKER}{{"duration_us": %d, "statuses": {{%s}}, "failures": %d, "p50_us": %d, "p99_us": %d}}\\n',
    summary.duration, table.concat(parts, ", "), e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def available() -> str:
    """The wrk binary to run, installing Debian's package when it is missing and apt is usable."""
    found = shutil.which("wrk") or (WRK if Path(WRK).is_file() else None)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "wrk"],
                       capture_output=True, check=False)
        if Path(WRK).is_file():
            return WRK
    raise WrkUnavailable("wrk is not installed: apt-get install wrk (Debian/Ubuntu)")


def run_round(base_url: str, request: Request, *, connections: int, threads: int, seconds: float,
              timeout: float = 10.0, workdir: Path | None = None) -> WrkResult:
    """Drive ``connections`` keep-alive connections for ``seconds``; what wrk and the script saw."""
    binary = available()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", dir=workdir, delete=False,
                                     encoding="utf-8") as handle:
        handle.write(script(request))
        lua = handle.name
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
               f"--timeout={max(1, round(timeout))}s", "--latency", "-s", lua, base_url.rstrip("/")]
    try:
        # The servers are children too, but still running: only wrk ends (and is counted) here.
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        finished = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=seconds + timeout + 30)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        Path(lua).unlink(missing_ok=True)
    result = _parse(finished.stdout, finished.stderr, finished.returncode, wall)
    result.client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result


def _parse(stdout: str, stderr: str, returncode: int, wall: float) -> WrkResult:
    line = next((ln for ln in stdout.splitlines() if ln.startswith(MARKER)), None)
    if line is None:
        raise WrkUnavailable(f"wrk exited {returncode} without its summary:\n"
                             f"{stdout[-1000:]}{stderr[-1000:]}")
    data = json.loads(line[len(MARKER):])
    statuses = {int(k): v for k, v in data["statuses"].items()}
    # wrk's empty histogram says 0: a round without answers has no latency to show.
    percentiles = ({50: data["p50_us"] / 1000, 99: data["p99_us"] / 1000} if statuses
                   else {50: float("nan"), 99: float("nan")})
    return WrkResult(seconds=data["duration_us"] / 1e6 or wall, statuses=statuses,
                     failures=data["failures"], percentiles=percentiles)
