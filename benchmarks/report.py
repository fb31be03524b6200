"""Turn measurements into the printed tables and the list of targets met or missed."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from benchmarks import scenario
from benchmarks.e2e import APPS, E2EResult, Round
from benchmarks.floor import Step
from benchmarks.memory import FLAT_BYTES, MemoryResult
from benchmarks.micro import MicroResult
from benchmarks.scale import ScaleCase

#: corsware's cost over the identity middleware's, per request kind.
FLOOR_TARGETS = {"no-origin": 2.5, "allowed": 4.0, "disallowed": 4.0, "preflight": 8.0}
#: corsware's cost over the minimal single-policy layer's (benchmarks/minimal.py), per request kind.
MINIMAL_TARGETS = {"no-origin": 1.25, "allowed": 1.25, "disallowed": 1.25, "preflight": 1.5}
#: The layers corsware's own cost is held against, with its limit per request kind.
YARDSTICK_TARGETS = {"identity": FLOOR_TARGETS, "minimal": MINIMAL_TARGETS}
#: How many times more overhead each peer must have than corsware.
PEER_TARGETS = {
    "flask-cors": 20.0,
    "django-cors-headers": 20.0,
    "wsgicors": 1.0,
}
#: corsware's ASGI layer over the ASGI identity middleware's, per request kind.
ASGI_FLOOR_TARGETS = dict.fromkeys(("no-origin", "allowed", "disallowed", "preflight"), 3.0)
#: How many times more overhead each ASGI peer must have than corsware's ASGI layer; ``None``: the
#: ratio is shown, with no target (asgi-cors does less than the shared policy asks: peers.asgi_cors).
ASGI_PEER_TARGETS: dict[str, float | None] = {"starlette": 5.0, "asgi-cors": None}


@dataclass(frozen=True)
class Subject:
    """A corsware layer, the yardsticks it is held against and the peers held against it."""

    layer: str
    heading: str
    yardsticks: dict[str, dict[str, float]]
    peers: Mapping[str, float | None]


SUBJECTS = (
    Subject(
        "corsware",
        "Ratios of own costs (corsware against the floor and the minimal layer,"
        " and each peer against corsware)",
        YARDSTICK_TARGETS,
        PEER_TARGETS,
    ),
    Subject(
        "corsware-asgi",
        "Ratios of own costs, ASGI (corsware's ASGI layer against the ASGI floor,"
        " and each ASGI peer against it)",
        {"identity-asgi": ASGI_FLOOR_TARGETS},
        ASGI_PEER_TARGETS,
    ),
)
SCALE_LIMIT = 1.5
E2E_LIMIT = 0.03


@dataclass(frozen=True)
class Target:
    """One target, with what this run measured."""

    name: str
    measured: str
    limit: str
    met: bool


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """Where this run happened: CPU, operating system, Python, and the version of every layer."""
    python = f"{platform.python_implementation()} {platform.python_version()}"
    layers = ", ".join(
        f"{name} {_version(name)}"
        for name in (
            *("corsware", "wsgicors", "starlette", "asgi-cors", "flask", "flask-cors"),
            *("django", "django-cors-headers", "gunicorn"),
        )
    )
    # Where corsware comes from, so that a run against another checkout (PYTHONPATH) shows which.
    spec = importlib.util.find_spec("corsware")
    source = "not found" if spec is None or spec.origin is None else os.path.dirname(spec.origin)
    return (
        f"Machine: {_cpu_model()}, {os.cpu_count()} logical CPUs, {platform.platform()}\n"
        f"Python:  {python} ({sys.executable})\n"
        f"Versions: {layers}\n"
        f"corsware from: {source}"
    )


def _us(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1e6:.2f}"


def _times(value: float) -> str:
    # Two decimals near the limits (1.25x, 1.5x, 2.5x), where one would round a miss into a pass.
    if value < 10:
        return f"{value:.2f}x"
    return f"{value:.1f}x" if value < 100 else f"{value:.0f}x"


def micro_tables(result: MicroResult) -> tuple[str, list[Target]]:
    """The per-request cost of every layer and corsware's ratios against the floor and the peers."""
    names = [layer.name for layer in result.layers]
    rows = [
        [kind.label, *(_us(result.overhead(name, kind.key)) for name in names)]
        for kind in scenario.KINDS
    ]
    bare_costs = (_us(result.seconds[(layer.bare_name, "allowed")]) for layer in result.layers)
    rows.append(["(its bare app, whole request)", *bare_costs])
    text = [
        "Own cost per request, us: each layer's app with the layer minus the same app without it",
        "(identity, minimal, corsware and wsgicors wrap a bare WSGI app; flask-cors a Flask app;",
        "django-cors-headers a Django WSGI handler; identity-asgi, corsware-asgi, starlette and",
        "asgi-cors a bare ASGI app)",
        table(["request kind", *names], rows),
    ]
    targets: list[Target] = []
    for subject in SUBJECTS:
        found = _ratio_table(result, names, subject)
        if found is not None:
            text += ["", found[0]]
            targets += found[1]
    for name, reason in result.missing.items():
        text.append(f"skipped {name}: {reason}")
    for note in result.notes:
        text.append(f"note: {note}")
    return "\n".join(text), targets


def _ratio_table(
    result: MicroResult, names: list[str], subject: Subject
) -> tuple[str, list[Target]] | None:
    """A subject's ratios against its yardsticks and its peers', with the targets they meet or miss."""
    # The subject's cost may be at most so many times each yardstick's; each peer's at least so many
    # times the subject's.
    yardsticks = [(name, limits) for name, limits in subject.yardsticks.items() if name in names]
    peers = [peer for peer in subject.peers if peer in names]
    if subject.layer not in names or not (yardsticks or peers):
        return None
    header = ["request kind", *(f"{subject.layer}/{name}" for name, _ in yardsticks)]
    header += [f"{peer}/{subject.layer}" for peer in peers]
    targets: list[Target] = []
    rows = []
    for kind in scenario.KINDS:
        cost = result.overhead(subject.layer, kind.key) or 0.0
        row = [kind.label]
        for name, limits in yardsticks:
            floor = result.overhead(name, kind.key) or 0.0
            ratio = cost / floor if floor > 0 else float("inf")
            limit = limits[kind.key]
            met = ratio <= limit
            row.append(f"{_times(ratio)} (<= {limit:g}x) {'ok' if met else 'MISSED'}")
            targets.append(
                Target(f"{kind.label}: {subject.layer} / {name}", _times(ratio), f"<= {limit:g}x", met)
            )
        for peer in peers:
            peer_cost = result.overhead(peer, kind.key) or 0.0
            times = peer_cost / cost if cost > 0 else float("inf")
            need = subject.peers[peer]
            if need is None:
                row.append(f"{_times(times)} (no target)")
                continue
            met = times >= need if need > 1 else times > need
            limit_text = f">= {need:g}x" if need > 1 else "> 1x"
            row.append(f"{_times(times)} ({limit_text}) {'ok' if met else 'MISSED'}")
            targets.append(
                Target(f"{kind.label}: {peer} / {subject.layer}", _times(times), limit_text, met)
            )
        rows.append(row)
    return "\n".join([subject.heading, table(header, rows)]), targets


def floor_table(steps: list[Step]) -> tuple[str, list[Target]]:
    """The ladder of partial layers on a request without Origin; it has no targets of its own."""
    wsgicors = next((step.seconds for step in steps if step.label.startswith("wsgicors")), None)
    rows = [
        [step.label, _us(step.seconds), "" if wsgicors is None else f"{step.seconds / wsgicors:.2f}x"]
        for step in steps
    ]
    text = [
        "Floor, no Origin: each rung adds one step of corsware's work on this request",
        table(["layer", "own cost us", "vs wsgicors"], rows),
    ]
    return "\n".join(text), []


def scale_table(cases: list[ScaleCase]) -> tuple[str, list[Target]]:
    """corsware's cost at each size, relative to the smallest size of the same series."""
    rows = []
    targets = []
    series = list(dict.fromkeys(case.series for case in cases))
    for name in series:
        points = [case for case in cases if case.series == name]
        smallest = points[0]
        per_name = name.startswith("preflight")
        for point in points:
            if per_name:
                # Linear time means a flat cost per requested name once the fixed part is amortised.
                relative = (point.seconds / point.size) / (smallest.seconds / smallest.size)
                cost = f"{point.seconds * 1e9 / point.size:.1f} ns/name"
            else:
                relative = point.seconds / smallest.seconds
                cost = ""
            rows.append(
                [
                    name,
                    f"{point.size:,}",
                    _us(point.seconds),
                    cost,
                    str(point.status),
                    _times(relative),
                ]
            )
        largest = points[-1]
        if per_name:
            worst = (largest.seconds / largest.size) / (smallest.seconds / smallest.size)
            label = f"{name}: cost per name, {smallest.size:,} to {largest.size:,} names"
        else:
            worst = max(point.seconds for point in points) / min(point.seconds for point in points)
            label = f"{name}: cost, {smallest.size:,} to {largest.size:,}"
        targets.append(Target(label, _times(worst), f"<= {SCALE_LIMIT:g}x", worst <= SCALE_LIMIT))
    text = [
        "Scale: corsware's own cost per request as the configuration or the request grows",
        table(["series", "size", "cost us", "", "status", "vs smallest"], rows),
    ]
    return "\n".join(text), targets


def memory_table(result: MemoryResult) -> tuple[str, list[Target]]:
    """Traced memory over the run; flat means the second half never rises above the first."""
    half = len(result.checkpoints) // 2
    rows = [
        [
            f"{part} half",
            " ".join(f"{traced / 1024:,.0f}" for _, traced in checkpoints),
            f"{max(traced for _, traced in checkpoints) / 1024:,.1f}",
        ]
        for part, checkpoints in (
            ("first", result.checkpoints[:half]),
            ("second", result.checkpoints[half:]),
        )
    ]
    met = result.growth <= FLAT_BYTES
    every = result.checkpoints[0][0]
    text = [
        f"Memory: tracemalloc over {result.requests:,} requests, ever-new random origins and paths;"
        f" traced KiB every {every:,} requests",
        table(["", "traced KiB at each checkpoint", "highest"], rows),
        f"growth, second half over first half: {result.growth / 1024:,.1f} KiB"
        f" (flat: <= {FLAT_BYTES // 1024} KiB); peak {result.peak / 1024:,.1f} KiB",
    ]
    target = Target(
        f"memory over {result.requests:,} requests",
        f"{result.growth / 1024:+,.1f} KiB",
        f"<= {FLAT_BYTES // 1024} KiB",
        met,
    )
    return "\n".join(text), [target]


def e2e_table(result: E2EResult) -> tuple[str, list[Target]]:
    """Throughput of each app in each round, and the shares corsware and its headers take."""

    def cells(round_: Round) -> list[str]:
        capacity = round_.capacity
        return [f"{round_.rate:,.0f}", "-" if capacity is None else f"{capacity:,.0f}"]

    rows = [
        [f"round {i + 1}", *(cell for round_ in rounds for cell in cells(round_))]
        for i, rounds in enumerate(zip(*(result.rounds[app] for app in APPS), strict=True))
    ]
    names = {"bare": "bare app", "headers": "control", "wrapped": "corsware"}
    header = [""] + [f"{names[app]} {unit}" for app in APPS for unit in ("req/s", "req/CPU-s")]
    basis = "requests per server CPU second" if result.by_cpu else "requests per second"
    ratios = ", ".join(f"{ratio:.3f}" for ratio in sorted(result.ratios()))
    met = result.cost <= E2E_LIMIT
    text = [
        f"End to end: {result.server}; load from {result.generator}",
        "(control: the bare app setting by itself the same headers corsware adds)",
        table(header, rows),
        f"corsware / bare app, {basis}, per set of back-to-back rounds, sorted: {ratios}",
        f"throughput cost, 1 - the median pair: corsware {result.cost:.1%}"
        f" (target <= {E2E_LIMIT:.0%}); the control, i.e. the server sending those headers,"
        f" {result.cost_of('headers'):.1%}; corsware over the control"
        f" {result.cost_of('wrapped', 'headers'):.1%}",
    ]
    target = Target(
        "end to end: throughput cost under gunicorn", f"{result.cost:.1%}", f"<= {E2E_LIMIT:.0%}", met
    )
    return "\n".join(text), [target]


def targets_table(targets: list[Target]) -> str:
    """Every target of the run, met or missed."""
    if not targets:
        return "Targets: none in the parts that ran"
    met = sum(target.met for target in targets)
    rows = [
        [target.name, target.measured, target.limit, "ok" if target.met else "MISSED"]
        for target in targets
    ]
    return "\n".join(
        [
            f"Targets: {met} of {len(targets)} met",
            table(["target", "measured", "limit", ""], rows),
        ]
    )
