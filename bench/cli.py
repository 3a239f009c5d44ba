"""Command line of the suite: which sections, at which sizes, how many runs; then the report.

Every section is independent and degrades on its own: when a part of the project it measures is
not there (or a tool such as Chromium is missing) its rows say so and the others still run.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import report
from bench.stats import Row

REPO = Path(__file__).resolve().parents[1]
SECTIONS = ("build", "approval", "endpoint", "weight", "scale")
DEFAULT_SIZES = (1000, 5000)
QUICK_SIZES = (100, 500)
#: The scale section's site: articles, approved comments per article, comments of a long thread.
DEFAULT_SCALE = (5000, 20, 500)
QUICK_SCALE = (500, 20, 100)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help=f"build sizes {QUICK_SIZES} instead of {DEFAULT_SIZES}, shorter endpoint rounds")
    parser.add_argument("--sizes", type=_sizes, default=None,
                        help="comma-separated article counts for the build section, e.g. 1000,5000")
    parser.add_argument("--comments", type=int, default=5, metavar="M",
                        help="approved comments per article (default 5)")
    parser.add_argument("--scale", type=_scale, default=None, metavar="ARTICLES,COMMENTS,LONG",
                        help="the scale section's site: articles, approved comments per article and "
                             "the size of its long threads (default 5000,20,500; 500,20,100 with --quick)")
    parser.add_argument("--runs", type=int, default=3,
                        help="repetitions of every measurement (default 3; the median is shown)")
    parser.add_argument("--only", type=_sections, default=SECTIONS,
                        help=f"comma-separated sections to run: {','.join(SECTIONS)}")
    parser.add_argument("--seconds", type=float, default=None,
                        help="length of each endpoint round in seconds, whole (default 6, 2 with --quick)")
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench",
                        help="where sites, virtualenvs and logs go (default .bench/)")
    parser.add_argument("--docs", type=Path, default=REPO / "docs" / "benchmarks.md",
                        help="Markdown file whose results block is replaced (default docs/benchmarks.md)")
    parser.add_argument("--no-docs", action="store_true", help="print the table only")
    parser.add_argument("--budget", type=float, default=960.0,
                        help="seconds the whole run should take (default 960; 0: no limit); build "
                             "runs (or whole sizes) that would not fit are skipped and say so")
    parser.add_argument("--profile", action="store_true",
                        help="also profile our side with pyinstrument/py-spy into WORKDIR/profiles")
    args = parser.parse_args(argv)
    if args.sizes is None:
        args.sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    if args.scale is None:
        args.scale = QUICK_SCALE if args.quick else DEFAULT_SCALE
    if args.seconds is None:
        args.seconds = 2.0 if args.quick else 6.0
    if args.runs < 1 or args.comments < 0:
        parser.error("--runs must be at least 1 and --comments not negative")
    if args.profile:
        from bench.profiling import ProfilerMissing, require_profilers

        try:
            require_profilers()
        except ProfilerMissing as error:
            parser.error(str(error))
    return args


def _sizes(value: str) -> tuple[int, ...]:
    sizes = tuple(int(part) for part in value.split(",") if part.strip())
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError("sizes are article counts of at least 2, e.g. 1000,5000")
    return sizes


def _scale(value: str) -> tuple[int, int, int]:
    try:
        articles, comments, long_size = (int(part) for part in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("--scale is three numbers, e.g. 5000,20,500") from None
    if articles < 2 or comments < 1 or long_size < 1:
        raise argparse.ArgumentTypeError("--scale needs 2+ articles, 1+ comments each, long threads of 1+")
    return articles, comments, long_size


def _sections(value: str) -> tuple[str, ...]:
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = set(chosen) - set(SECTIONS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown section(s) {sorted(unknown)}; pick from {SECTIONS}")
    return chosen


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.started = time.monotonic()
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    started = time.perf_counter()
    machine_line = report.machine()
    progress(f"machine: {machine_line}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    from bench.suite import Suite

    suite = Suite(args)
    rows: list[Row] = []
    runners: dict[str, Callable[[], list[Row]]] = {
        "build": suite.build,
        "approval": suite.approval,
        "endpoint": suite.endpoint,
        "weight": suite.weight,
        "scale": suite.scale,
    }
    for name in SECTIONS:
        if name in args.only:
            progress(f"section {name}")
            rows.extend(runners[name]())
    seconds = time.perf_counter() - started
    print(report.text_table(rows))
    print(f"\n{len(rows)} rows in {seconds:.0f} s; {machine_line}")
    if not args.no_docs:
        report.write_docs(args.docs, report.results_block(rows, command.strip(), machine_line, seconds))
        progress(f"wrote the table into {args.docs}")
    return 0
