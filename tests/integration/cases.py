"""The shared case table: one request, and the CORS outcome every framework and server must give it.

Every example app (``examples/*_app.py`` and ``examples/django_app``) serves the same routes under
the same policy, so one table judges them all:

- ``GET/POST /api/items``: JSON, with an ``X-Total-Count`` header (exposed to the page);
- ``GET /api/me``: refused with 401 without ``Authorization: Bearer demo-token``, by an auth layer
  that also runs for OPTIONS (the classic way preflights used to fail);
- ``GET /api/error``: a deliberate 500 response; ``GET /api/crash``: the view raises;
- ``GET /api/stream``: a generator body, five NDJSON lines;
- ``GET /health``: outside ``/api/*``, so corsware leaves it alone.

The policy on ``/api/*``: origins ``http://localhost:3000`` and ``https://app.example.com``,
credentials allowed, ``X-Total-Count`` exposed, max age 600.

A case names the request and the expected `Cors` outcome; `check` turns that into assertions on
the status, the body and the exact set of CORS headers, and works the same on an in-process
webtest response and on a real server's HTTP response.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest

from corsware.engine import Adapter

DEV_ORIGIN = "http://localhost:3000"
APP_ORIGIN = "https://app.example.com"
AUTHORIZATION = {"Authorization": "Bearer demo-token"}
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]
STREAM_BODY = b"".join(f'{{"n": {n}}}\n'.encode() for n in range(5))


class Cors(enum.Enum):
    """The CORS outcome of one request, as the response headers show it."""

    PREFLIGHT_OK = "preflight answered by corsware with 200 and the full set of headers"
    PREFLIGHT_REFUSED = "preflight answered by corsware with 403 and no Allow headers"
    GRANTED = "the app's response carries Allow-Origin, Allow-Credentials and Expose-Headers"
    REFUSED = "the app's response carries no Access-Control-* header, only Vary: Origin"
    NOT_CORS = "no Origin: the app's response gets Vary: Origin and nothing else"
    UNMATCHED = "outside /api/*: the response is the app's, untouched"


# What `CORSMiddleware.explain` must decide for each outcome: (kind, allowed).
DECISIONS = {
    Cors.PREFLIGHT_OK: ("preflight", True),
    Cors.PREFLIGHT_REFUSED: ("preflight", False),
    Cors.GRANTED: ("actual", True),
    Cors.REFUSED: ("actual", False),
    Cors.NOT_CORS: ("non-cors", False),
    Cors.UNMATCHED: ("unmatched", False),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One request to an example app and what must come back.

    Attributes:
        method: Request method.
        path: Request path.
        origin: The Origin header, or None for a same-origin or non-browser request.
        headers: Other request headers.
        json_body: A JSON request body, or None.
        cors: The expected CORS outcome.
        status: The expected status code, or None where frameworks legitimately differ.
        json: The expected response body, parsed as JSON (None: not checked).
        body: The expected response body, byte for byte (None: not checked).
        crashes: The view raises: a framework turns that into its 500 page, a bare WSGI app lets
            the exception reach the server.
    """

    method: str = "GET"
    path: str
    origin: str | None = DEV_ORIGIN
    headers: Mapping[str, str] = field(default_factory=dict)
    json_body: object = None
    cors: Cors
    status: int | None
    json: object = None
    body: bytes | None = None
    crashes: bool = False

    def request_headers(self) -> dict[str, str]:
        """All request headers of the case, Origin included."""
        origin = {} if self.origin is None else {"Origin": self.origin}
        content_type = {} if self.json_body is None else {"Content-Type": "application/json"}
        return {**origin, **content_type, **self.headers}

    def encoded_body(self) -> bytes | None:
        """The request body as sent."""
        return None if self.json_body is None else json.dumps(self.json_body).encode()


def preflight(
    path: str,
    method: str,
    headers: str | None = None,
    *,
    origin: str = DEV_ORIGIN,
    allowed: bool = True,
) -> Case:
    """A preflight `Case`: OPTIONS with Access-Control-Request-Method (and -Headers if given)."""
    requested = {"Access-Control-Request-Method": method}
    if headers is not None:
        requested["Access-Control-Request-Headers"] = headers
    return Case(
        method="OPTIONS",
        path=path,
        origin=origin,
        headers=requested,
        cors=Cors.PREFLIGHT_OK if allowed else Cors.PREFLIGHT_REFUSED,
        status=200 if allowed else 403,
        body=b"" if allowed else None,
    )


CASES = [
    pytest.param(
        preflight("/api/items", "GET"),
        id="preflight GET from the dev origin",
    ),
    pytest.param(
        preflight("/api/items", "POST", "content-type"),
        id="preflight POST with a JSON content type",
    ),
    pytest.param(
        preflight("/api/me", "GET", "authorization"),
        id="preflight to a token-protected route carries no token and still gets 200",
    ),
    pytest.param(
        preflight("/api/items", "PUT", "authorization, content-type", origin=APP_ORIGIN),
        id="preflight PUT from the second allowed origin",
    ),
    pytest.param(
        preflight("/api/items", "GET", origin="https://evil.test", allowed=False),
        id="preflight from a disallowed origin",
    ),
    pytest.param(
        preflight(
            "/api/me", "GET", "authorization", origin="https://app.example.com.evil.test", allowed=False
        ),
        id="preflight from a look-alike origin",
    ),
    pytest.param(
        preflight("/api/items", "PROPFIND", allowed=False),
        id="preflight for a method outside the allowed ones",
    ),
    pytest.param(
        Case(path="/api/items", cors=Cors.GRANTED, status=200, json=ITEMS),
        id="GET from the dev origin",
    ),
    pytest.param(
        Case(path="/api/items", origin=APP_ORIGIN, cors=Cors.GRANTED, status=200, json=ITEMS),
        id="GET from the second allowed origin",
    ),
    pytest.param(
        Case(
            method="POST",
            path="/api/items",
            json_body={"name": "plum"},
            cors=Cors.GRANTED,
            status=201,
            json={"name": "plum"},
        ),
        id="POST JSON from the dev origin",
    ),
    pytest.param(
        Case(path="/api/items", origin="https://evil.test", cors=Cors.REFUSED, status=200, json=ITEMS),
        id="GET from a disallowed origin is served but not shared",
    ),
    pytest.param(
        Case(path="/api/items", origin="null", cors=Cors.REFUSED, status=200, json=ITEMS),
        id="GET from an opaque origin (null)",
    ),
    pytest.param(
        Case(path="/api/items", origin="http://localhost:3001", cors=Cors.REFUSED, status=200),
        id="GET from the dev host on another port",
    ),
    pytest.param(
        Case(path="/api/items", origin=None, cors=Cors.NOT_CORS, status=200, json=ITEMS),
        id="GET without Origin is not CORS",
    ),
    pytest.param(
        Case(path="/api/me", cors=Cors.GRANTED, status=401),
        id="protected route without token: the 401 is readable by the page",
    ),
    pytest.param(
        Case(
            path="/api/me", headers=AUTHORIZATION, cors=Cors.GRANTED, status=200, json={"user": "demo"}
        ),
        id="protected route with the token (credentialed)",
    ),
    pytest.param(
        Case(
            path="/api/me",
            origin="https://evil.test",
            headers=AUTHORIZATION,
            cors=Cors.REFUSED,
            status=200,
        ),
        id="protected route with the token from a disallowed origin",
    ),
    pytest.param(
        Case(
            path="/api/error",
            cors=Cors.GRANTED,
            status=500,
            json={"error": "database unavailable"},
        ),
        id="route that returns 500",
    ),
    pytest.param(
        Case(path="/api/crash", cors=Cors.GRANTED, status=500, crashes=True),
        id="route that raises",
    ),
    pytest.param(
        Case(path="/api/nothing-here", cors=Cors.GRANTED, status=404),
        id="unknown API path: the framework's 404 is readable",
    ),
    pytest.param(
        Case(path="/api/stream", cors=Cors.GRANTED, status=200, body=STREAM_BODY),
        id="streaming route",
    ),
    pytest.param(
        Case(method="OPTIONS", path="/api/items", cors=Cors.GRANTED, status=None),
        id="OPTIONS without Access-Control-Request-Method is the app's to answer",
    ),
    pytest.param(
        Case(path="/health", cors=Cors.UNMATCHED, status=200, body=b"ok"),
        id="path outside /api/* is untouched",
    ),
]


@dataclass(frozen=True, slots=True)
class Outcome:
    """A response, whether from webtest or from a real server."""

    status: int
    headers: Sequence[tuple[str, str]]
    body: bytes

    def values(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        return [value for key, value in self.headers if key.lower() == name.lower()]

    def value(self, name: str) -> str | None:
        """The single value of header ``name``; fails the test if it is repeated."""
        values = self.values(name)
        assert len(values) <= 1, f"{name} sent {len(values)} times: {values}"
        return values[0] if values else None

    def tokens(self, name: str, *, lower: bool = True) -> set[str]:
        """The comma-separated tokens of header ``name`` (all its lines), lower-cased by default."""
        tokens = {token.strip() for value in self.values(name) for token in value.split(",")}
        return {token.lower() if lower else token for token in tokens if token}

    def cors_headers(self) -> dict[str, str]:
        """The Access-Control-* headers, lower-cased names; fails the test on a repeated one."""
        names = {key.lower() for key, _ in self.headers if key.lower().startswith("access-control-")}
        return {name: self.value(name) or "" for name in names}


def check(case: Case, outcome: Outcome) -> None:
    """Assert that ``outcome`` is what ``case`` expects: status, body and CORS headers."""
    if case.status is not None:
        assert outcome.status == case.status, outcome.body[:300]
    if case.json is not None:
        assert json.loads(outcome.body) == case.json
    if case.body is not None:
        assert outcome.body == case.body
    cors = outcome.cors_headers()
    vary = outcome.tokens("Vary")
    if case.cors is Cors.PREFLIGHT_OK:
        requested = case.headers.get("Access-Control-Request-Headers")
        assert cors.pop("access-control-allow-origin") == case.origin
        assert cors.pop("access-control-allow-credentials") == "true"
        # Methods are case-sensitive (RFC 9110 section 9.1); header names are not.
        methods = outcome.tokens("Access-Control-Allow-Methods", lower=False)
        assert case.headers["Access-Control-Request-Method"] in methods
        cors.pop("access-control-allow-methods")
        if requested is not None:
            wanted = {token.strip() for token in requested.split(",")}
            assert wanted <= outcome.tokens("Access-Control-Allow-Headers")
            cors.pop("access-control-allow-headers")
        assert cors.pop("access-control-max-age") == "600"
        assert cors == {}
        assert {
            "origin",
            "access-control-request-method",
            "access-control-request-headers",
        } <= vary
    elif case.cors is Cors.GRANTED:
        assert cors.pop("access-control-allow-origin") == case.origin
        assert cors.pop("access-control-allow-credentials") == "true"
        assert outcome.tokens("Access-Control-Expose-Headers") == {"x-total-count"}
        cors.pop("access-control-expose-headers")
        assert cors == {}
        assert "origin" in vary
    elif case.cors is Cors.UNMATCHED:
        assert cors == {}
        assert "origin" not in vary
    else:  # refused preflight, refused actual request, not CORS: no Access-Control-* at all
        assert cors == {}
        assert "origin" in vary


def check_explained(case: Case, outcome: Outcome, middleware: Adapter[Any]) -> None:
    """Assert that ``middleware.explain()`` predicts ``outcome``: the decision ``case`` expects, and
    exactly the Access-Control-* headers the response carried."""
    decision = middleware.explain(case.method, case.path, origin=case.origin, headers=case.headers)
    assert (decision.kind, decision.allowed) == DECISIONS[case.cors]
    predicted = {
        name.lower(): value
        for name, value in decision.headers
        if name.lower().startswith("access-control-")
    }
    assert predicted == outcome.cors_headers()
