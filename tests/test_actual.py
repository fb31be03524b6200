"""Actual requests: CORS headers on the app's own response, on every status, with Vary: Origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest

from corsware import CORSMiddleware
from tests.conftest import SpyApp, cors_headers, linted

APP = "http://localhost:3000"

CASES = [
    pytest.param({}, "GET", APP, {"Access-Control-Allow-Origin": "*"}, id="default policy sends '*'"),
    pytest.param({}, "HEAD", APP, {"Access-Control-Allow-Origin": "*"}, id="HEAD like GET"),
    pytest.param({}, "GET", "null", {"Access-Control-Allow-Origin": "*"}, id="'*' covers null"),
    pytest.param(
        {},
        "GET",
        "http://a.example\r\nX-Injected: 1",
        {"Access-Control-Allow-Origin": "*"},
        id="CRLF in origin: '*' all the same, nothing echoed",
    ),
    pytest.param({}, "GET", "", {"Access-Control-Allow-Origin": "*"}, id="empty Origin header"),
    pytest.param({"origins": [APP, "https://*.example"]}, "GET", "null", {}, id="null needs listing"),
    pytest.param(
        {"origins": ["https://*.example"]},
        "GET",
        "https://a.example\r\nX-Injected: 1",
        {},
        id="CRLF in origin under a wildcard",
    ),
    pytest.param(
        {"origins": [APP]}, "POST", APP, {"Access-Control-Allow-Origin": APP}, id="listed origin"
    ),
    pytest.param({"origins": APP}, "GET", APP, {"Access-Control-Allow-Origin": APP}, id="one string"),
    pytest.param({"origins": [APP]}, "GET", "http://localhost:3001", {}, id="other port"),
    pytest.param({"origins": [APP]}, "GET", "https://localhost:3000", {}, id="other scheme"),
    pytest.param(
        {"origins": [APP], "allow_credentials": True, "expose_headers": ["X-Total-Count"]},
        "DELETE",
        APP,
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Expose-Headers": "X-Total-Count",
        },
        id="credentials and exposed headers",
    ),
    pytest.param(
        {"expose_headers": "*"},
        "GET",
        APP,
        {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "*"},
        id="expose '*' without credentials",
    ),
    pytest.param(
        {"origins": [APP], "allow_credentials": True},
        "GET",
        "https://evil.example",
        {},
        id="disallowed origin gets no credentials header either",
    ),
    pytest.param(
        {"origins": ["http://localhost:*"]},
        "GET",
        "http://localhost:5173",
        {"Access-Control-Allow-Origin": "http://localhost:5173"},
        id="any port",
    ),
    pytest.param(
        {"origins": ["http://localhost:*"]},
        "GET",
        "http://localhost.evil.example:5173",
        {},
        id="any port is not any host",
    ),
]


@pytest.mark.parametrize(("options", "method", "origin", "expected"), CASES)
def test_actual_request_headers(
    client: Callable[..., webtest.TestApp],
    spy: SpyApp,
    options: dict[str, Any],
    method: str,
    origin: str,
    expected: dict[str, str],
) -> None:
    """The app always answers; only an allowed origin gets Access-Control-* headers.

    A resource open to any origin without credentials answers every request alike, so it needs no
    Vary; every other resource varies on Origin.
    """
    response = client(**options).request("/r", method=method, headers={"Origin": origin})
    assert response.status_int == 200
    assert cors_headers(response) == expected
    any_origin = options.get("origins", "*") == "*"
    assert response.headers.get("Vary") == (None if any_origin else "Origin")
    assert spy.called


@pytest.mark.parametrize(
    "status",
    [
        "201 Created",
        "301 Moved Permanently",
        "401 Unauthorized",
        "404 Not Found",
        "500 Internal Server Error",
        "503 Service Unavailable",
    ],
)
def test_every_status_gets_cors_headers(spy: SpyApp, status: str) -> None:
    """Fetch §"CORS check" runs on any status, so errors must be readable by the page too."""
    spy.status = status
    if status.startswith("301"):
        spy.headers.append(("Location", "http://localhost/elsewhere"))
    app = linted(CORSMiddleware(spy, origins=[APP]))
    response = app.get("/r", headers={"Origin": APP}, status=int(status[:3]))
    assert cors_headers(response) == {"Access-Control-Allow-Origin": APP}


VARY = [
    pytest.param([], "Origin", id="no Vary from the app"),
    pytest.param([("Vary", "Accept-Encoding")], "Accept-Encoding, Origin", id="merged"),
    pytest.param([("Vary", "origin")], "origin", id="already there, any case"),
    pytest.param([("Vary", "Accept-Encoding, Origin")], "Accept-Encoding, Origin", id="in a list"),
    pytest.param([("Vary", "*")], "*", id="Vary * left alone"),
]


@pytest.mark.parametrize(("app_vary", "expected"), VARY)
@pytest.mark.parametrize(
    "origin", [APP, "https://evil.example", None], ids=["allowed", "rejected", "no Origin"]
)
def test_vary_origin_is_merged_never_duplicated(
    spy: SpyApp, app_vary: list[tuple[str, str]], expected: str, origin: str | None
) -> None:
    """Vary: Origin on every response of a covered resource (Fetch §"CORS protocol and HTTP caches")."""
    spy.headers.extend(app_vary)
    app = linted(CORSMiddleware(spy, origins=[APP]))
    response = app.get("/r", headers={"Origin": origin} if origin else {})
    assert response.headers.getall("Vary") == [expected]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no Origin"),
        pytest.param({"Origin": APP}, id="an origin"),
        pytest.param({"Origin": "null"}, id="null"),
        pytest.param({"Origin": "HTTPS://MALFORMED"}, id="malformed"),
    ],
)
def test_any_origin_resource_answers_star_to_every_request_without_vary(
    spy: SpyApp, headers: dict[str, str]
) -> None:
    """Fetch §"CORS protocol and HTTP caches": '*' is static, so a shared cache keeps one copy."""
    app = linted(CORSMiddleware(spy, expose_headers=["X-Total"]))
    response = app.get("/r", headers=headers)
    assert cors_headers(response) == {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Expose-Headers": "X-Total",
    }
    assert "Vary" not in response.headers


APP_CORS_HEADERS = [
    pytest.param(APP, {"Access-Control-Allow-Origin": APP}, id="allowed: ours replace the app's"),
    pytest.param("https://evil.example", {}, id="rejected: the app's are removed too"),
]


@pytest.mark.parametrize(("origin", "expected"), APP_CORS_HEADERS)
def test_the_middleware_owns_access_control_headers(
    spy: SpyApp, origin: str, expected: dict[str, str]
) -> None:
    """The app's own Access-Control-* headers never reach the browser beside ours (no duplicates)."""
    spy.headers += [
        ("Access-Control-Allow-Origin", "*"),
        ("access-control-allow-credentials", "true"),
        ("X-Other", "kept"),
    ]
    app = linted(CORSMiddleware(spy, origins=[APP]))
    response = app.get("/r", headers={"Origin": origin})
    assert cors_headers(response) == expected
    assert response.headers["X-Other"] == "kept"


def test_unmatched_paths_pass_through_untouched(spy: SpyApp) -> None:
    """No resource, no headers: the app's own CORS headers stay as they are."""
    spy.headers.append(("Access-Control-Allow-Origin", "https://legacy.example"))
    app = linted(CORSMiddleware(spy, resources={"/api/*": {}}))
    response = app.get("/static/x", headers={"Origin": APP})
    assert response.headerlist == [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Access-Control-Allow-Origin", "https://legacy.example"),
        ("Content-Length", "5"),
    ]


def test_app_header_list_is_not_mutated() -> None:
    """An app that reuses one header list for every response must not see it grow."""
    shared = [("Content-Type", "text/plain")]

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", shared)
        return [b"x"]

    client = linted(CORSMiddleware(app, origins=[APP]))
    for _ in range(3):
        client.get("/", headers={"Origin": APP})
    assert shared == [("Content-Type", "text/plain")]


def test_callable_origins_decide_for_themselves(spy: SpyApp) -> None:
    """A callable gets each well-formed origin (never null or garbage) and its truthiness counts."""
    asked: list[str] = []

    def allowed(origin: str) -> bool:
        asked.append(origin)
        return origin.endswith(".trusted.example")

    app = linted(CORSMiddleware(spy, origins=allowed))
    assert cors_headers(app.get("/", headers={"Origin": "https://a.trusted.example"})) == {
        "Access-Control-Allow-Origin": "https://a.trusted.example"
    }
    assert cors_headers(app.get("/", headers={"Origin": "https://evil.example"})) == {}
    assert cors_headers(app.get("/", headers={"Origin": "null"})) == {}
    assert asked == ["https://a.trusted.example", "https://evil.example"]
