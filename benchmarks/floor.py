"""The floor for a request without ``Origin``: what each step of corsware's work on it costs.

corsware's own cost on such a request is measured against wsgicors', which calls the app with the
server's own ``start_response`` because it adds nothing. corsware must add ``Vary: Origin`` merged
into the app's ``Vary`` (and drop any ``Access-Control-*`` header the app set), which needs a
``start_response`` wrapper and a look at each header name. The ladder below builds that work up one
step at a time over the bare app, so the step at which the cost passes wsgicors' can be read off.
The steps are stand-ins written for this measurement: the last one does what corsware's hot path
does on this request, and is timed beside corsware itself to show it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from benchmarks import peers, scenario
from benchmarks.apps import IdentityMiddleware, bare_wsgi_app, corsware_app
from benchmarks.drivers import Call, WSGIApp, wsgi_call
from benchmarks.timing import Timer
from corsware.headers import rewrite_response_headers

_VARY = (("Vary", "Origin"),)
_OWNED_INITIALS = "AaVv"


class _StepBase:
    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        # What corsware's remembered-path cache holds once warm: the path and its resource.
        self.paths: dict[str, object] = {scenario.PATH: object()}


class _FindsResource(_StepBase):
    """Identity, plus finding the path's resource in a dict and reading ``Origin``."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.paths.get(environ.get("PATH_INFO", "")) is None:
            return self.app(environ, start_response)
        if environ.get("HTTP_ORIGIN") is None:
            cors_headers = _VARY

        def add_vary(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers += cors_headers
            return start_response(status, headers, exc_info)

        return self.app(environ, add_vary)


class _CopiesHeaders(_StepBase):
    """The step above, adding ``Vary`` to a copy of the app's header list instead of the list."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.paths.get(environ.get("PATH_INFO", "")) is None:
            return self.app(environ, start_response)
        if environ.get("HTTP_ORIGIN") is None:
            cors_headers = _VARY

        def add_vary(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, *cors_headers], exc_info)

        return self.app(environ, add_vary)


class _ScansNames(_StepBase):
    """The step above, looking at each header name first, as merging ``Vary`` needs."""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self.paths.get(environ.get("PATH_INFO", "")) is None:
            return self.app(environ, start_response)
        if environ.get("HTTP_ORIGIN") is None:
            cors_headers = _VARY

        def add_vary(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            for name, _ in headers:
                if not name or name[0] in _OWNED_INITIALS:
                    return start_response(
                        status, rewrite_response_headers(headers, cors_headers), exc_info
                    )
            return start_response(status, [*headers, *cors_headers], exc_info)

        return self.app(environ, add_vary)


@dataclass(frozen=True)
class Step:
    """One rung of the ladder and its own cost over the bare app, in seconds."""

    label: str
    seconds: float


def _ladder() -> list[tuple[str, WSGIApp]]:
    apps: list[tuple[str, WSGIApp]] = [
        ("identity: wrap start_response, append a header", IdentityMiddleware(bare_wsgi_app)),
        ("+ find the path's resource, read Origin", _FindsResource(bare_wsgi_app)),
        ("+ add Vary to a copy of the app's list", _CopiesHeaders(bare_wsgi_app)),
        ("+ look at each app header name", _ScansNames(bare_wsgi_app)),
        ("corsware", corsware_app()),
    ]
    with contextlib.suppress(ImportError):
        apps.append(("wsgicors (no wrapper on this request)", peers.wsgicors()[1]))
    return apps


def run(timer: Timer) -> list[Step]:
    """Time every rung, and the bare app, on a request without ``Origin``."""
    environ = scenario.wsgi_environ(scenario.NO_ORIGIN.method, scenario.PATH)
    apps = _ladder()
    calls: dict[str, Call] = {"bare": wsgi_call(bare_wsgi_app, environ)}
    calls.update((label, wsgi_call(app, environ)) for label, app in apps)
    seconds = timer.measure(calls)
    return [Step(label, seconds[label] - seconds["bare"]) for label, _ in apps]
