"""corsware's cost as the configuration and the request grow: origins, patterns, ACRH."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from benchmarks import scenario
from benchmarks.apps import bare_wsgi_app, corsware_app
from benchmarks.drivers import Call, wsgi_call, wsgi_response
from benchmarks.timing import Timer

ORIGIN_COUNTS = (1, 100, 10_000)
PATTERN_COUNTS = (1, 200)
#: Lists long enough (over 256 characters) that no answer cache helps: each one is parsed in full.
ACRH_COUNTS = (50, 200, 1_000)
#: More distinct paths than any sensible path cache holds, so that each lookup misses.
DISTINCT_PATHS = 50_000


@dataclass(frozen=True)
class ScaleCase:
    """One measured point: a label, the size that varies, and corsware's own cost there."""

    series: str
    size: int
    seconds: float
    status: int


def _origins(count: int) -> list[str]:
    """``count`` exact origins; the request's allowed origin is the last, the worst for a scan."""
    return [f"https://app{i}.example.org" for i in range(count - 1)] + [scenario.ALLOWED_ORIGIN]


def _resources(count: int) -> dict[str, Any]:
    """``count`` path patterns; ``/api/*`` is the last, the worst for a first-match scan."""
    resources: dict[str, Any] = {f"/r{i}/*": scenario.CORSWARE_OPTIONS for i in range(count - 1)}
    resources[scenario.RESOURCE] = scenario.CORSWARE_OPTIONS
    return resources


def _header_names(count: int) -> list[str]:
    """``count`` distinct header names in the order a browser sends them (sorted, lower case)."""
    return sorted(f"x-h{i:04d}" for i in range(count))


def _cycle_call(app: Any, environs: list[dict[str, Any]]) -> Call:
    """A call that sends the next of ``environs`` each time, round and round."""
    calls = itertools.cycle([wsgi_call(app, environ) for environ in environs])

    def call() -> None:
        next(calls)()

    return call


def _status(app: Any, environ: dict[str, Any]) -> int:
    return wsgi_response(app, environ).status


def run(timer: Timer) -> list[ScaleCase]:
    """Time corsware over the bare app at each size of each series."""
    allowed = scenario.ALLOWED.headers
    disallowed = scenario.DISALLOWED.headers
    points: list[tuple[str, int, Any, dict[str, Any] | list[dict[str, Any]]]] = []
    for count in ORIGIN_COUNTS:
        options = {**scenario.CORSWARE_OPTIONS, "origins": _origins(count)}
        app = corsware_app(resources={scenario.RESOURCE: options})
        points.append(("exact origins, allowed", count, app, _environ(allowed)))
        points.append(("exact origins, disallowed", count, app, _environ(disallowed)))
    paths = [f"{scenario.PATH}/{i}" for i in range(DISTINCT_PATHS)]
    for count in PATTERN_COUNTS:
        app = corsware_app(resources=_resources(count))
        points.append(("resource patterns, one path", count, app, _environ(allowed)))
        environs = [_environ(allowed, path) for path in paths]
        points.append(("resource patterns, distinct paths", count, app, environs))
    names = _header_names(max(ACRH_COUNTS))
    options = {**scenario.CORSWARE_OPTIONS, "allow_headers": names}
    app = corsware_app(resources={scenario.RESOURCE: options})
    for count in ACRH_COUNTS:
        headers = (
            ("Origin", scenario.ALLOWED_ORIGIN),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", ",".join(names[:count])),
        )
        environ = scenario.wsgi_environ("OPTIONS", scenario.PATH, headers)
        points.append(("preflight, requested headers", count, app, environ))

    calls: dict[tuple[str, int, str], Call] = {}
    statuses: dict[tuple[str, int], int] = {}
    for series, count, app, request in points:
        if isinstance(request, list):
            calls[(series, count, "bare")] = _cycle_call(bare_wsgi_app, request)
            calls[(series, count, "corsware")] = _cycle_call(app, request)
            statuses[(series, count)] = _status(app, request[0])
        else:
            calls[(series, count, "bare")] = wsgi_call(bare_wsgi_app, request)
            calls[(series, count, "corsware")] = wsgi_call(app, request)
            statuses[(series, count)] = _status(app, request)
    seconds = timer.measure(calls)
    return [
        ScaleCase(
            series,
            count,
            seconds[(series, count, "corsware")] - seconds[(series, count, "bare")],
            statuses[(series, count)],
        )
        for series, count in statuses
    ]


def _environ(headers: tuple[tuple[str, str], ...], path: str = scenario.PATH) -> dict[str, Any]:
    return scenario.wsgi_environ("GET", path, headers)
