"""Run one request through a middleware under `wsgiref.validate` and check the security invariants.

Shared by the property tests and the fuzz targets, so both hold corsware to the same rules. Each
`check_*` function raises `AssertionError` with a readable message when its invariant breaks.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from wsgiref.validate import WSGIWarning, validator

from tests.conftest import SpyApp

from .oracle import (
    PathSpec,
    PolicyModel,
    is_token,
    list_items,
    matching_resource,
)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
FORBIDDEN_IN_VALUES = ("\r", "\n", "\x00")
ALLOW_PREFIX = "access-control-allow-"


@dataclass(frozen=True)
class Request:
    """One generated request, kept readable for Hypothesis' failure reports."""

    method: str
    path: str
    origin: str | None
    request_method: str | None
    request_headers: str | None
    private_network: str | None
    extra: tuple[tuple[str, str], ...] = ()

    def environ(self) -> dict[str, object]:
        """A complete WSGI environ for the request (PEP 3333 keys that wsgiref.validate wants)."""
        env: dict[str, object] = {
            "REQUEST_METHOD": self.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": self.path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for key, value in (
            ("HTTP_ORIGIN", self.origin),
            ("HTTP_ACCESS_CONTROL_REQUEST_METHOD", self.request_method),
            ("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", self.request_headers),
            ("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK", self.private_network),
        ):
            if value is not None:
                env[key] = value
        env.update(self.extra)
        return env


@dataclass
class Outcome:
    """What the client received, and whether the wrapped app ran."""

    status: str
    headers: list[tuple[str, str]]
    body: bytes
    app_calls: int

    def values(self, name: str) -> list[str]:
        """Every value of a header, case-insensitively by name."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def allow_headers(self) -> list[tuple[str, str]]:
        """The `Access-Control-Allow-*` headers."""
        return [(k, v) for k, v in self.headers if k.lower().startswith(ALLOW_PREFIX)]

    def cors_headers(self) -> list[tuple[str, str]]:
        """Every `Access-Control-*` response header."""
        return [(k, v) for k, v in self.headers if k.lower().startswith("access-control-")]


def build_app(
    make: Callable[[WSGIApp], WSGIApp], extra_headers: Sequence[tuple[str, str]] = ()
) -> tuple[WSGIApp, SpyApp]:
    """Wrap a spy app with the middleware `make` builds, with `wsgiref.validate` on both sides."""
    spy = SpyApp(headers=[*SpyApp().headers, ("Content-Length", "5"), *extra_headers])
    return validator(make(validator(spy))), spy


def run(app: WSGIApp, spy: SpyApp, environ: dict[str, Any]) -> Outcome:
    """Call the validated app stack once and drain its body, as a server would."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured["status"] = status
        captured["headers"] = list(headers)
        return lambda data: None

    # Only this call's count matters; keeping every environ would grow without bound under a fuzzer.
    spy.calls.clear()
    with warnings.catch_warnings():
        # Generated methods are arbitrary on purpose; every other lint warning stays an error.
        warnings.filterwarnings("ignore", "Unknown REQUEST_METHOD", WSGIWarning)
        result = app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    return Outcome(captured["status"], captured["headers"], body, len(spy.calls))


def check_header_values(outcome: Outcome) -> None:
    """No emitted header value has CR, LF, NUL or a character outside latin-1."""
    for name, value in outcome.headers:
        for bad in FORBIDDEN_IN_VALUES:
            assert bad not in value, f"{name} carries {bad!r}: {value!r}"
        try:
            value.encode("latin-1")
        except UnicodeEncodeError as exc:  # pragma: no cover - only reached on a bug
            raise AssertionError(f"{name} is not latin-1: {value!r}") from exc
    assert outcome.status.isascii(), outcome.status


def is_preflight(environ: dict[str, Any]) -> bool:
    """Fetch §CORS-preflight request: OPTIONS with Origin and Access-Control-Request-Method."""
    return (
        environ["REQUEST_METHOD"] == "OPTIONS"
        and "HTTP_ORIGIN" in environ
        and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
    )


def check_allow_origin(outcome: Outcome, policy: PolicyModel | None, environ: dict[str, Any]) -> None:
    """ACAO is absent, `*` for an any-origin policy without credentials, or an allowed origin."""
    acao = outcome.values("Access-Control-Allow-Origin")
    if policy is None:
        # An unmatched path passes through untouched: whatever CORS headers it has are the app's.
        return
    assert len(acao) <= 1, f"several ACAO headers: {acao}"
    if not acao:
        return
    origin = environ.get("HTTP_ORIGIN")
    if acao[0] == "*":
        assert policy.any_origin, "ACAO * from a policy that lists origins"
        assert not policy.credentials, "ACAO * with credentials"
        return
    assert origin is not None, f"ACAO {acao[0]!r} sent without an Origin"
    assert acao[0] == origin, f"ACAO {acao[0]!r} is not the request's origin {origin!r}"
    assert policy.may_allow(origin), f"ACAO grants {origin!r}, which the policy does not allow"


def check_refused_origin_gets_nothing(
    outcome: Outcome, policy: PolicyModel | None, environ: dict[str, Any]
) -> None:
    """An origin the policy does not allow gets no `Access-Control-*` header at all."""
    origin = environ.get("HTTP_ORIGIN")
    if policy is None or origin is None or policy.may_allow(origin):
        return
    assert not outcome.cors_headers(), f"refused {origin!r} got {outcome.cors_headers()}"


def check_vary(
    outcome: Outcome,
    policy: PolicyModel | None,
    environ: dict[str, Any] | None = None,
    app_headers: Sequence[tuple[str, str]] = (),
) -> None:
    """Every response of a matched resource varies on Origin (or on everything, `Vary: *`), except
    where the answer does not depend on Origin: a public (`*`, no credentials) resource's responses
    other than preflights always answer `*`, and corsware adds no Vary to them."""
    if policy is None:
        return
    items = {item.lower() for value in outcome.values("Vary") for item in list_items(value)}
    if policy.public and not (environ is not None and is_preflight(environ)):
        assert outcome.values("Access-Control-Allow-Origin") == ["*"], outcome.headers
        app_vary = {
            item.lower()
            for name, value in app_headers
            if name.lower() == "vary"
            for item in list_items(value)
        }
        assert items == app_vary, f"Vary is {outcome.values('Vary')}, the app sent {app_vary}"
        return
    assert "origin" in items or "*" in items, f"Vary is {outcome.values('Vary')}"


def check_app_called(outcome: Outcome, policy: PolicyModel | None, environ: dict[str, Any]) -> None:
    """The app runs exactly once for everything except a preflight on a configured path."""
    if policy is not None and is_preflight(environ):
        assert outcome.app_calls == 0, "the app saw a preflight the middleware must answer"
        assert outcome.status in {"200 OK", "403 Forbidden"}, outcome.status
    else:
        assert outcome.app_calls == 1, f"the app ran {outcome.app_calls} times"


def check_preflight_grant(outcome: Outcome, policy: PolicyModel | None, environ: dict[str, Any]) -> None:
    """A granted preflight grants only a method and header names the policy allows."""
    if policy is None or not is_preflight(environ) or not outcome.status.startswith("200"):
        if policy is not None and is_preflight(environ):
            assert not outcome.allow_headers(), f"rejected preflight got {outcome.allow_headers()}"
        return
    origin = environ["HTTP_ORIGIN"]
    assert policy.may_allow(origin), f"preflight from {origin!r} granted"
    method = environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"]
    assert is_token(method), f"granted a non-token method {method!r}"
    if policy.methods != "*":
        assert method in policy.methods or method in {"GET", "HEAD", "POST"}, method
    for name in outcome.values("Access-Control-Allow-Methods") + outcome.values(
        "Access-Control-Allow-Headers"
    ):
        assert all(is_token(item) for item in list_items(name)), f"non-token item in {name!r}"
    requested = environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")
    for item in list_items(requested):
        if not item:
            continue
        assert is_token(item), f"granted a non-token header name {item!r}"
        if policy.allow_headers != "*":
            allowed = {h.lower() for h in policy.allow_headers}
            assert item.lower() in allowed, f"granted header {item!r} not in {allowed}"


def check_all(
    outcome: Outcome,
    resources: Sequence[tuple[PathSpec, PolicyModel]],
    environ: dict[str, Any],
) -> None:
    """Every invariant at once (the fuzz targets use this)."""
    matched = matching_resource(resources, environ["PATH_INFO"])
    policy = matched[1] if matched else None
    check_header_values(outcome)
    check_allow_origin(outcome, policy, environ)
    check_refused_origin_gets_nothing(outcome, policy, environ)
    check_vary(outcome, policy, environ)
    check_app_called(outcome, policy, environ)
    check_preflight_grant(outcome, policy, environ)
