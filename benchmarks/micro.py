"""The main table: each layer's own cost per request, for the four request kinds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from benchmarks import peers, scenario
from benchmarks.apps import (
    IdentityASGIMiddleware,
    IdentityMiddleware,
    bare_asgi_app,
    bare_wsgi_app,
    corsware_app,
    corsware_asgi_app,
)
from benchmarks.drivers import Call, Response, asgi_call, asgi_response, wsgi_call, wsgi_response
from benchmarks.minimal import minimal_cors
from benchmarks.timing import Timer


@dataclass(frozen=True)
class Layer:
    """A layer under test, and the bare app of its own framework that it is measured over."""

    name: str
    distribution: str | None
    protocol: str
    bare_name: str
    build: Callable[[], tuple[Any, Any]]


def _identity() -> tuple[Any, Any]:
    return bare_wsgi_app, IdentityMiddleware(bare_wsgi_app)


def _minimal() -> tuple[Any, Any]:
    return bare_wsgi_app, minimal_cors(bare_wsgi_app)


def _corsware() -> tuple[Any, Any]:
    return bare_wsgi_app, corsware_app()


def _identity_asgi() -> tuple[Any, Any]:
    return bare_asgi_app, IdentityASGIMiddleware(bare_asgi_app)


def _corsware_asgi() -> tuple[Any, Any]:
    return bare_asgi_app, corsware_asgi_app()


LAYERS = (
    Layer("identity", None, "wsgi", "WSGI app", _identity),
    Layer("minimal", None, "wsgi", "WSGI app", _minimal),
    Layer("corsware", "corsware", "wsgi", "WSGI app", _corsware),
    Layer("wsgicors", "wsgicors", "wsgi", "WSGI app", peers.wsgicors),
    Layer("flask-cors", "flask-cors", "wsgi", "Flask app", peers.flask_cors),
    Layer(
        "django-cors-headers",
        "django-cors-headers",
        "wsgi",
        "Django handler",
        peers.django_cors_headers,
    ),
    # The ASGI layers, over the bare ASGI app.
    Layer("identity-asgi", None, "asgi", "ASGI app", _identity_asgi),
    Layer("corsware-asgi", "corsware", "asgi", "ASGI app", _corsware_asgi),
    Layer("starlette", "starlette", "asgi", "ASGI app", peers.starlette),
    Layer("asgi-cors", "asgi-cors", "asgi", "ASGI app", peers.asgi_cors),
)
#: The floors: not CORS layers, so their answers are not checked against the policy.
FLOORS = frozenset({"identity", "identity-asgi"})


def make_call(protocol: str, app: Any, kind: scenario.RequestKind, path: str = scenario.PATH) -> Call:
    """A timed call of one request of ``kind`` through ``app``."""
    if protocol == "asgi":
        return asgi_call(app, scenario.asgi_scope(kind.method, path, kind.headers))
    return wsgi_call(app, scenario.wsgi_environ(kind.method, path, kind.headers))


def response(protocol: str, app: Any, kind: scenario.RequestKind) -> Response:
    """What ``app`` answers to one request of ``kind``."""
    if protocol == "asgi":
        return asgi_response(app, scenario.asgi_scope(kind.method, scenario.PATH, kind.headers))
    return wsgi_response(app, scenario.wsgi_environ(kind.method, scenario.PATH, kind.headers))


def check_answer(layer: str, kind: scenario.RequestKind, answer: Response) -> str | None:
    """How a layer's answer differs from what the shared policy asks for, or None."""
    allow_origin = answer.header("Access-Control-Allow-Origin")
    if allow_origin != kind.expect_allow_origin:
        return (
            f"{layer}, {kind.label}: Access-Control-Allow-Origin is {allow_origin!r},"
            f" the policy asks for {kind.expect_allow_origin!r}"
        )
    if kind is scenario.PREFLIGHT and not 200 <= answer.status < 300:
        return f"{layer}, {kind.label}: status {answer.status}, the policy allows it"
    return None


@dataclass
class MicroResult:
    """Seconds per request of each app, and each layer's own cost, per request kind."""

    layers: list[Layer] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    #: (app name, kind key) -> seconds per request; app names are layer names and bare app names.
    seconds: dict[tuple[str, str], float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def overhead(self, layer: str, kind: str) -> float | None:
        """A layer's own cost in seconds: its app with the layer minus the same app without it."""
        for candidate in self.layers:
            if candidate.name == layer:
                return self.seconds[(layer, kind)] - self.seconds[(candidate.bare_name, kind)]
        return None


def run(timer: Timer, names: tuple[str, ...] | None = None) -> MicroResult:
    """Build every available layer, check it enforces the policy, time the four request kinds."""
    result = MicroResult()
    calls: dict[tuple[str, str], Call] = {}
    for layer in LAYERS:
        if names is not None and layer.name not in names:
            continue
        try:
            bare, wrapped = layer.build()
        except ImportError as error:
            result.missing[layer.name] = f"not installed ({error.name or error})"
            continue
        result.layers.append(layer)
        for kind in scenario.KINDS:
            if layer.name not in FLOORS:  # a floor is not a CORS layer: nothing to check
                note = check_answer(layer.name, kind, response(layer.protocol, wrapped, kind))
                if note is not None:
                    result.notes.append(note)
            # Each layer sits right after its bare app, so that the two are timed close together.
            calls[(layer.bare_name, kind.key)] = make_call(layer.protocol, bare, kind)
            calls[(layer.name, kind.key)] = make_call(layer.protocol, wrapped, kind)
    result.seconds = timer.measure(calls)
    return result
