"""``--charts DIR``: SVG charts of a run's figures, for the documentation.

matplotlib is needed only here (the ``bench`` extra); the command line imports this module only when
``--charts`` is given. Each chart has a fixed size, and the SVG carries no date and a fixed salt for
its element ids, so that a file changes only when the figures in it change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator

from benchmarks import scenario
from benchmarks.floor import Step
from benchmarks.micro import MicroResult
from benchmarks.scale import ScaleCase

#: One colour per layer, whichever layers a run has, so that a layer looks the same in every chart.
COLOURS = {
    "identity": "#b0b0b0",
    "minimal": "#7f7f7f",
    "corsware": "#1f77b4",
    "wsgicors": "#ff7f0e",
    "starlette": "#2ca02c",
    "flask-cors": "#d62728",
    "django-cors-headers": "#9467bd",
    "identity-asgi": "#d0d0d0",
    "corsware-asgi": "#17becf",
    "asgi-cors": "#8c564b",
}
LABELS = {
    "identity": "identity (floor)",
    "minimal": "minimal single-policy layer",
    "identity-asgi": "identity-asgi (ASGI floor)",
}
#: A log axis once the largest bar is this many times the smallest: peers far above corsware.
LOG_SPREAD = 20.0
#: Plain numbers on log axes (0.1, 1, 10), not powers of ten.
_PLAIN = FuncFormatter(lambda value, _: f"{value:,g}")


def _save(figure: Figure, path: Path) -> Path:
    # A fixed salt for the ids of clip paths and the like, text drawn as paths: same figures, same bytes.
    with mpl.rc_context({"svg.hashsalt": "corsware-benchmarks", "svg.fonttype": "path"}):
        figure.savefig(path, format="svg", metadata={"Date": None})
    return path


def _label_bars(axes: Axes, xs: Sequence[float], values: Sequence[float], *, bottom: float) -> None:
    """Write each bar's value above it; a cost measured at or below zero is marked at ``bottom``."""
    for x, value in zip(xs, values, strict=True):
        text = f"{value:.2f}" if value < 10 else f"{value:.0f}"
        axes.annotate(
            text if value > 0 else "≤ 0",
            (x, value if value > 0 else bottom),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7,
            rotation=90,
        )


def per_request(result: MicroResult, path: Path) -> Path:
    """Grouped bars: each layer's own cost for each request kind."""
    names = [layer.name for layer in result.layers]
    costs = {
        name: [(result.overhead(name, kind.key) or 0.0) * 1e6 for kind in scenario.KINDS]
        for name in names
    }
    positive = [value for values in costs.values() for value in values if value > 0]
    log = bool(positive) and max(positive) / min(positive) >= LOG_SPREAD
    figure = Figure(figsize=(10, 5.5), layout="constrained")
    axes = figure.add_subplot()
    bottom = min(positive, default=1.0) / 2 if log else 0.0
    width = 0.8 / max(1, len(names))
    for index, name in enumerate(names):
        xs = [kind + (index - (len(names) - 1) / 2) * width for kind in range(len(scenario.KINDS))]
        # A log axis cannot show a cost measured at or below zero (noise around a tiny cost).
        heights = [value if value > 0 or not log else math.nan for value in costs[name]]
        axes.bar(xs, heights, width, label=LABELS.get(name, name), color=COLOURS.get(name))
        _label_bars(axes, xs, costs[name], bottom=bottom)
    axes.set_xticks(range(len(scenario.KINDS)), [kind.label for kind in scenario.KINDS])
    axes.set_ylabel("own cost per request, µs" + (" (log scale)" if log else ""))
    if log:
        axes.set_yscale("log")
        axes.yaxis.set_major_formatter(_PLAIN)
        axes.set_ylim(bottom, max(positive) * 4)
    else:
        axes.set_ylim(0, max(positive, default=1.0) * 1.25)
    axes.set_title("Own cost per request of each layer, by request kind (lower is better)")
    axes.legend(loc="upper left", fontsize=8, ncols=2)
    axes.grid(axis="y", which="major", alpha=0.3)
    axes.set_axisbelow(True)
    return _save(figure, path)


#: Each panel of the scale chart: the first part of the series names it gathers, and its labels.
SCALE_PANELS = {
    "exact origins": ("Configured origins", "number of exact origins", "own cost per request, µs"),
    "resource patterns": (
        "Configured resource patterns",
        "number of path patterns",
        "own cost per request, µs",
    ),
    "preflight": (
        "Requested headers on a preflight",
        "number of requested header names",
        "own cost per requested name, ns",
    ),
}


def scale(cases: list[ScaleCase], path: Path) -> Path:
    """One panel per growing dimension: corsware's own cost against its size."""
    series = list(dict.fromkeys(case.series for case in cases))
    panels = list(dict.fromkeys(name.split(",", 1)[0] for name in series))
    figure = Figure(figsize=(12, 4.5), layout="constrained")
    for index, panel in enumerate(panels):
        axes = figure.add_subplot(1, len(panels), index + 1)
        title, xlabel, ylabel = SCALE_PANELS.get(panel, (panel, "size", "own cost per request, µs"))
        per_name = panel == "preflight"
        top = 0.0
        ticks: set[int] = set()
        for name in series:
            if name.split(",", 1)[0] != panel:
                continue
            points = [case for case in cases if case.series == name]
            sizes = [point.size for point in points]
            if per_name:
                values = [point.seconds * 1e9 / point.size for point in points]
            else:
                values = [point.seconds * 1e6 for point in points]
            top = max(top, *values)
            line = name.split(",", 1)[1].strip() if "," in name else name
            axes.plot(sizes, values, marker="o", label=line)
            ticks.update(sizes)
        axes.set_xscale("log")
        # Ticks at the measured sizes only, so that the axis names exactly what was measured.
        axes.set_xticks(sorted(ticks), [f"{size:,}" for size in sorted(ticks)])
        axes.xaxis.set_minor_locator(NullLocator())
        # From zero, so that a flat line reads as flat and not as noise blown up to the full height.
        axes.set_ylim(0, max(top, 1e-3) * 1.3)
        axes.set_title(title)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.legend(fontsize=8, loc="lower right")
        axes.grid(alpha=0.3)
    figure.suptitle("corsware's own cost as the configuration or the request grows")
    return _save(figure, path)


def floor(steps: list[Step], path: Path) -> Path:
    """Horizontal bars: the cost of each step of work on a request without ``Origin``."""
    figure = Figure(figsize=(10, 4), layout="constrained")
    axes = figure.add_subplot()
    labels = [step.label for step in steps]
    values = [step.seconds * 1e6 for step in steps]
    colours = [
        COLOURS["corsware"]
        if label == "corsware"
        else COLOURS["wsgicors"]
        if label.startswith("wsgicors")
        else COLOURS["identity"]
        for label in labels
    ]
    rows = range(len(steps))
    axes.barh(rows, values, color=colours)
    for row, value in zip(rows, values, strict=True):
        axes.annotate(
            f"{value:.2f}",
            (max(value, 0.0), row),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    axes.set_yticks(rows, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*values, 1e-3]) * 1.15)
    axes.set_xlabel("own cost per request, µs")
    axes.set_title("Request without Origin: what each step of the work costs")
    axes.grid(axis="x", alpha=0.3)
    axes.set_axisbelow(True)
    return _save(figure, path)


def write(
    directory: Path,
    micro: MicroResult | None,
    floor_steps: list[Step] | None,
    scale_cases: list[ScaleCase] | None,
) -> list[Path]:
    """Write the chart of each part that ran into ``directory``; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    if micro is not None and micro.layers:
        written.append(per_request(micro, directory / "per-request.svg"))
    if scale_cases:
        written.append(scale(scale_cases, directory / "scale.svg"))
    if floor_steps:
        written.append(floor(floor_steps, directory / "floor.svg"))
    return written
