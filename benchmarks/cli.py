"""``python -m benchmarks``: run the side-by-side benchmarks and print the tables and targets."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import e2e, floor, memory, micro, profiling, report, scale
from benchmarks.floor import Step
from benchmarks.micro import MicroResult
from benchmarks.scale import ScaleCase
from benchmarks.scenario import KINDS
from benchmarks.timing import Timer

PARTS = ("micro", "floor", "scale", "memory", "e2e")


@dataclass(frozen=True)
class Mode:
    """How long and how carefully to measure."""

    repeats: int
    seconds: float
    memory_requests: int
    e2e_rounds: int
    e2e_seconds: float


MODES = {
    "tiny": Mode(repeats=2, seconds=0.002, memory_requests=2_000, e2e_rounds=1, e2e_seconds=0.5),
    "quick": Mode(repeats=9, seconds=0.04, memory_requests=1_000_000, e2e_rounds=12, e2e_seconds=1.0),
    "full": Mode(repeats=25, seconds=0.1, memory_requests=1_000_000, e2e_rounds=30, e2e_seconds=2.0),
}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: a mode, the parts to run, and overrides of the mode's sizes."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Measure corsware's own cost per request side by side with identity middlewares"
            " (the WSGI and ASGI floors) and the peers: wsgicors, flask-cors, django-cors-headers,"
            " Starlette's CORSMiddleware and asgi-cors. Peers that are not installed are skipped"
            " (pip install -e '.[bench]' installs them all)."
        ),
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--full", action="store_const", const="full", dest="mode", help="more and longer rounds"
    )
    size.add_argument(
        "--tiny",
        action="store_const",
        const="tiny",
        dest="mode",
        help="a few milliseconds per measurement: checks that everything runs, figures are noise",
    )
    parser.set_defaults(mode="quick")
    parser.add_argument("--only", action="append", choices=PARTS, help="run only this part (repeatable)")
    parser.add_argument("--skip", action="append", choices=PARTS, default=[], help="skip a part")
    parser.add_argument(
        "--layers",
        help="comma-separated layers for the main table (default: all of "
        + ", ".join(layer.name for layer in micro.LAYERS)
        + ")",
    )
    parser.add_argument("--repeats", type=int, help="rounds per timing; the fastest is kept")
    parser.add_argument(
        "--memory-requests", type=int, help="requests sent under tracemalloc (quick: 1,000,000)"
    )
    parser.add_argument("--e2e-rounds", type=int, help="load rounds per app under gunicorn")
    parser.add_argument("--e2e-seconds", type=float, help="length of one load round")
    parser.add_argument(
        "--load-generator",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="auto: wrk when it is on PATH, else the built-in Python keep-alive client",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit with status 1 when a target is missed"
    )
    parser.add_argument(
        "--charts",
        type=Path,
        metavar="DIR",
        help="also write SVG charts of the main table, the scale and the floor parts into DIR"
        " (needs matplotlib)",
    )
    parser.add_argument(
        "--profile",
        choices=[kind.key for kind in KINDS],
        help="instead of timing, show where one request kind's time goes (cProfile)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen parts, print every table, then the targets; return the exit status."""
    args = parse_args(argv)
    if args.profile:
        print(profiling.run(args.profile))
        return 0
    if args.charts is not None:
        try:
            from benchmarks import charts  # noqa: PLC0415 - matplotlib only when charts are asked for
        except ImportError as error:
            print(
                f"--charts needs matplotlib, which cannot be imported here ({error});"
                " pip install matplotlib, or pip install -e '.[bench]'",
                file=sys.stderr,
            )
            return 2
    mode = MODES[args.mode]
    parts = [part for part in (args.only or PARTS) if part not in args.skip]
    timer = Timer(repeats=args.repeats or mode.repeats, seconds=mode.seconds)
    started = time.monotonic()
    print(
        f"corsware benchmarks, {args.mode} mode ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})"
    )
    print(report.machine())
    print(
        f"Timing: fastest of {timer.repeats} interleaved rounds; one round runs a request"
        f" back to back for about {timer.seconds * 1000:g} ms of this process's CPU time,"
        " garbage collector off"
    )
    targets: list[report.Target] = []

    def section(text: str, found: list[report.Target]) -> None:
        print()
        print(text, flush=True)
        targets.extend(found)

    micro_result: MicroResult | None = None
    floor_steps: list[Step] | None = None
    scale_cases: list[ScaleCase] | None = None
    if "micro" in parts:
        layers = tuple(args.layers.split(",")) if args.layers else None
        micro_result = micro.run(timer, layers)
        section(*report.micro_tables(micro_result))
    if "floor" in parts:
        floor_steps = floor.run(timer)
        section(*report.floor_table(floor_steps))
    if "scale" in parts:
        scale_cases = scale.run(timer)
        section(*report.scale_table(scale_cases))
    if "memory" in parts:
        requests = args.memory_requests or mode.memory_requests
        section(*report.memory_table(memory.run(requests)))
    if "e2e" in parts:
        section(
            *report.e2e_table(
                e2e.run(
                    rounds=args.e2e_rounds or mode.e2e_rounds,
                    seconds=args.e2e_seconds or mode.e2e_seconds,
                    generator=args.load_generator,
                )
            )
        )
    print()
    print(report.targets_table(targets))
    if args.charts is not None:
        written = charts.write(args.charts, micro_result, floor_steps, scale_cases)
        print()
        if written:
            print("Charts: " + ", ".join(str(path) for path in written))
        else:
            print("Charts: none; they come from the micro, scale and floor parts, and none of them ran")
    print(f"\n(ran for {time.monotonic() - started:.0f} s)")
    missed = any(not target.met for target in targets)
    return 1 if args.check and missed else 0
