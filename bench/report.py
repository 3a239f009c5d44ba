"""The result table, printed to the terminal and written into ``docs/benchmarks.md``."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bench.stats import Row

HEADERS = ("Section", "Measure", "Ours", "Baseline", "Ratio", "Target", "Verdict")
BEGIN = "<!-- bench:results:begin -->"
END = "<!-- bench:results:end -->"


def cells(row: Row) -> tuple[str, ...]:
    if row.missing:
        return (row.section, row.measure, row.missing, "", "", "", row.verdict())
    ours = f"{row.ours_label}: {row.ours.show()}" if row.ours else ""
    baseline = f"{row.baseline_label}: {row.baseline.show()}" if row.baseline else ""
    ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
    target = row.target.text if row.target else ""
    return (row.section, row.measure, ours, baseline, ratio, target, row.verdict())


def text_table(rows: Sequence[Row]) -> str:
    """A plain-text table for the terminal, with the notes under it."""
    table = [HEADERS, *(cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(HEADERS))]
    out = []
    for index, line in enumerate(table):
        out.append("  ".join(value.ljust(width) for value, width in zip(line, widths, strict=True)))
        if index == 0:
            out.append("  ".join("-" * width for width in widths))
    out.extend(_notes(rows))
    return "\n".join(line.rstrip() for line in out)


def markdown_table(rows: Sequence[Row]) -> str:
    out = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        out.append("| " + " | ".join(value.replace("|", "\\|") for value in cells(row)) + " |")
    notes = _notes(rows)
    if notes:
        out.append("")
        out.extend(f"- {note.strip().lstrip('* ')}" for note in notes)
    return "\n".join(out)


def _notes(rows: Sequence[Row]) -> list[str]:
    return [f"  * {row.measure}: {note}" for row in rows for note in row.notes]


def machine() -> str:
    """What the numbers were measured on: CPU, cores, load, Python, Pelican, commit."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    from importlib.metadata import version

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    return (f"{cpu}, {os.cpu_count()} cores, load average at start {load}; "
            f"Python {platform.python_version()}, Pelican {version('pelican')}, "
            f"{platform.system()} {platform.release()}; commit {commit}")


def results_block(rows: Sequence[Row], command: str, machine_line: str, seconds: float) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return "\n".join([
        BEGIN,
        f"Measured {stamp} with `{command}` in {seconds:.0f} s on: {machine_line}.",
        "",
        markdown_table(rows),
        END,
    ])


def write_docs(path: Path, block: str) -> None:
    """Replace the results between the markers in ``docs/benchmarks.md`` (the prose stays)."""
    text = path.read_text("utf-8") if path.is_file() else ""
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip() + ("\n\n" if text else "") + "## Latest results\n\n" + block + "\n"
    path.write_text(text, "utf-8")
