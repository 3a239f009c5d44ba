"""``--profile``: where our time goes, for the targets a run misses.

Builds and CLI calls run under pyinstrument (a statistical profiler with readable call trees);
gunicorn workers are sampled from outside with py-spy, which needs no change to the server. Both are
in the ``bench`` extra (``pip install -e '.[bench]'``). Profiles land in ``WORKDIR/profiles/``;
the summary of a py-spy profile lists the frames with the largest inclusive share of samples.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


class ProfilerMissing(RuntimeError):
    """The profiler is not installed; the message says how to get it."""


def _tool(name: str) -> str:
    found = BIN / name
    if found.is_file():
        return str(found)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise ProfilerMissing(f"{name} is not installed: pip install -e '.[bench]'")


def require_profilers() -> None:
    _tool("pyinstrument")
    _tool("py-spy")


def pyinstrument_command(command: Sequence[str], output: Path) -> list[str]:
    """``command`` (a Python console script) run under pyinstrument, writing a text call tree."""
    output.parent.mkdir(parents=True, exist_ok=True)
    return [_tool("pyinstrument"), "--renderer", "text", "--outfile", str(output), *command]


@contextmanager
def py_spy(pid: int, output: Path, seconds: float) -> Iterator[None]:
    """Sample process ``pid`` and its children (gunicorn workers) while the block runs."""
    output.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([_tool("py-spy"), "record", "--pid", str(pid), "--subprocesses",
                                "--duration", str(max(1, round(seconds))), "--format", "raw",
                                "--output", str(output)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.wait(timeout=seconds + 30)
    if output.is_file():
        output.with_suffix(".top.txt").write_text(summarise(output), "utf-8")


def summarise(collapsed: Path, top: int = 40) -> str:
    """The frames with the largest inclusive share of a py-spy ``raw`` (collapsed stacks) profile."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text("utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        total += int(count)
        for frame in set(stack.split(";")):
            if not frame.startswith("process "):
                inclusive[frame] += int(count)
    if not total:
        return "no samples\n"
    lines = [f"{total} samples; frames by inclusive share"]
    lines += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in inclusive.most_common(top)]
    return "\n".join(lines) + "\n"
