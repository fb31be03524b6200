"""Preflights: answered by the middleware itself, allowed with 200 or rejected with 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import webtest

from tests.conftest import SpyApp, cors_headers, linted, preflight_headers

VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
APP = "http://localhost:3000"
METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE"

ALLOWED = [
    pytest.param(
        {},
        preflight_headers("https://anything.example", "PUT"),
        {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": METHODS,
        },
        id="default policy: any origin gets '*' and the default methods",
    ),
    pytest.param(
        {"origins": [APP]},
        preflight_headers(APP, "DELETE", "content-type,x-requested-with"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Headers": "content-type,x-requested-with",
        },
        id="listed origin is echoed; allow_headers '*' reflects the requested names",
    ),
    pytest.param(
        {"origins": [APP], "allow_headers": ["X-Custom", "Content-Type"]},
        preflight_headers(APP, "PUT", "content-type"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Headers": "content-type,x-custom",
        },
        id="listed headers are sent lower-cased and sorted",
    ),
    pytest.param(
        {"origins": [APP], "allow_headers": ["X-Custom"]},
        preflight_headers(APP, "PUT", "X-CUSTOM"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Headers": "x-custom",
        },
        id="header names match case-insensitively",
    ),
    pytest.param(
        {"origins": [APP], "allow_headers": ["X-Custom"]},
        preflight_headers(APP, "PUT", " x-custom , ,x-custom "),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Headers": "x-custom",
        },
        id="whitespace and empty items from intermediaries are tolerated",
    ),
    pytest.param(
        {"origins": [APP], "allow_credentials": True, "max_age": 600},
        preflight_headers(APP, "PATCH"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Max-Age": "600",
        },
        id="credentials and max_age",
    ),
    pytest.param(
        {"origins": [APP], "max_age": timedelta(minutes=2)},
        preflight_headers(APP, "PUT"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Max-Age": "120",
        },
        id="max_age as a timedelta",
    ),
    pytest.param(
        {"origins": [APP], "max_age": 0},
        preflight_headers(APP, "PUT"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Max-Age": "0",
        },
        id="max_age 0 is sent (flask-cors drops it)",
    ),
    pytest.param(
        {"methods": "*"},
        preflight_headers(APP, "PROPFIND"),
        {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "*"},
        id="methods '*' without credentials sends '*'",
    ),
    pytest.param(
        {"origins": [APP], "methods": "*", "allow_credentials": True},
        preflight_headers(APP, "PROPFIND"),
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Credentials": "true",
            "Access-Control-Allow-Methods": "PROPFIND",
        },
        id="methods '*' with credentials echoes the validated method ('*' is literal then)",
    ),
    pytest.param(
        {"methods": ["PUT"]},
        preflight_headers(APP, "GET", "x-custom"),
        {
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": "PUT",
            "Access-Control-Allow-Headers": "x-custom",
        },
        id="safelisted GET needs no listing: only its custom header is checked",
    ),
    pytest.param(
        {"methods": []},
        preflight_headers(APP, "POST", "x-custom"),
        {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "x-custom"},
        id="no methods listed: no Access-Control-Allow-Methods header at all",
    ),
    pytest.param(
        {"origins": [APP], "allow_private_network": True},
        {**preflight_headers(APP, "PUT"), "Access-Control-Request-Private-Network": "true"},
        {
            "Access-Control-Allow-Origin": APP,
            "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Private-Network": "true",
        },
        id="private network granted only when opted in",
    ),
    pytest.param(
        {"origins": [APP]},
        {**preflight_headers(APP, "PUT"), "Access-Control-Request-Private-Network": "true"},
        {"Access-Control-Allow-Origin": APP, "Access-Control-Allow-Methods": METHODS},
        id="private network not granted by default (CVE-2024-6221) and the preflight still passes",
    ),
    pytest.param(
        {"origins": ["null"]},
        preflight_headers("null", "PUT"),
        {"Access-Control-Allow-Origin": "null", "Access-Control-Allow-Methods": METHODS},
        id="null origin allowed when listed explicitly",
    ),
    pytest.param(
        {"origins": ["https://*.example.com"]},
        preflight_headers("https://a.b.example.com", "PUT"),
        {
            "Access-Control-Allow-Origin": "https://a.b.example.com",
            "Access-Control-Allow-Methods": METHODS,
        },
        id="subdomain wildcard at any depth echoes the origin",
    ),
]


@pytest.mark.parametrize(("options", "headers", "expected"), ALLOWED)
def test_allowed_preflight_is_answered_without_the_app(
    client: Callable[..., webtest.TestApp],
    spy: SpyApp,
    options: dict[str, Any],
    headers: dict[str, str],
    expected: dict[str, str],
) -> None:
    """An approved preflight gets 200, exactly the configured headers, and never reaches the app."""
    response = client(**options).options("/anything", headers=headers, status=200)
    assert cors_headers(response) == expected
    private = "Access-Control-Request-Private-Network"
    vary = VARY + (f", {private}" if options.get("allow_private_network") else "")
    assert response.headers["Vary"] == vary
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Length"] == "0"
    assert response.body == b""
    assert not spy.called


REJECTED = [
    pytest.param({"origins": [APP]}, preflight_headers("https://evil.example"), "origin", id="origin"),
    pytest.param(
        {"origins": ["https://*.example"]}, preflight_headers("null"), "origin", id="null unlisted"
    ),
    pytest.param(
        {"origins": [APP]}, preflight_headers(APP + "/"), "origin", id="origin with trailing slash"
    ),
    pytest.param(
        {"origins": ["https://*.example"]},
        preflight_headers("HTTPS://APP.EXAMPLE"),
        "origin",
        id="upper-case origin under a wildcard",
    ),
    pytest.param(
        {"origins": ["https://*.example"]},
        preflight_headers("https://a.example, https://b.example"),
        "origin",
        id="repeated Origin headers joined by the server",
    ),
    pytest.param(
        {"origins": ["https://*.example"]},
        preflight_headers("https://x" * 3000),
        "origin",
        id="oversized origin",
    ),
    pytest.param(
        {"origins": ["https://*.example"]},
        preflight_headers("https://b\u00c3\u00bccher.example"),
        "origin",
        id="non-ASCII origin (UTF-8 read as latin-1)",
    ),
    pytest.param(
        {"origins": [APP], "methods": ["GET", "POST"]},
        preflight_headers(APP, "PUT"),
        "method",
        id="method not listed",
    ),
    pytest.param(
        {"origins": [APP]},
        preflight_headers(APP, "patch"),
        "method",
        id="method matching is case-sensitive (lower-case patch)",
    ),
    pytest.param({"origins": [APP]}, preflight_headers(APP, "E"), "method", id="method substring"),
    pytest.param(
        {"origins": [APP], "methods": "*"},
        preflight_headers(APP, "PUT, DELETE"),
        "method",
        id="a list smuggled into the requested method",
    ),
    pytest.param({"origins": [APP]}, preflight_headers(APP, ""), "method", id="empty method"),
    pytest.param(
        {"origins": [APP], "allow_headers": ["X-Custom"]},
        preflight_headers(APP, "PUT", "x-custom,x-other"),
        "headers",
        id="one requested header not listed",
    ),
    pytest.param(
        {"origins": [APP], "allow_headers": []},
        preflight_headers(APP, "PUT", "content-type"),
        "headers",
        id="content-type must be listed when headers are listed",
    ),
    pytest.param(
        {"origins": [APP]},
        preflight_headers(APP, "PUT", "x foo"),
        "headers",
        id="header name with a space",
    ),
    pytest.param(
        {"origins": [APP]},
        preflight_headers(APP, "PUT", "x-a" + ",x-a" * 20000),
        "headers",
        id="oversized request header list",
    ),
]


@pytest.mark.parametrize(("options", "headers", "what"), REJECTED)
def test_rejected_preflight_gets_403_without_cors_headers(
    client: Callable[..., webtest.TestApp],
    spy: SpyApp,
    options: dict[str, Any],
    headers: dict[str, str],
    what: str,
) -> None:
    """A refused preflight gets a 403 whose short body echoes nothing from the request."""
    response = client(**options).options("/x", headers=headers, status=403)
    assert cors_headers(response) == {}
    assert response.headers["Vary"] == VARY
    assert (
        response.text
        == {
            "origin": "CORS preflight rejected: origin not allowed\n",
            "method": "CORS preflight rejected: requested method not allowed\n",
            "headers": "CORS preflight rejected: requested headers not allowed\n",
        }[what]
    )
    assert not spy.called


NOT_PREFLIGHTS = [
    pytest.param({"Origin": APP}, id="OPTIONS without Access-Control-Request-Method"),
    pytest.param({"Access-Control-Request-Method": "PUT"}, id="OPTIONS without Origin"),
    pytest.param({}, id="plain OPTIONS"),
]


@pytest.mark.parametrize("headers", NOT_PREFLIGHTS)
def test_options_that_is_not_a_preflight_reaches_the_app(
    client: Callable[..., webtest.TestApp], spy: SpyApp, headers: dict[str, str]
) -> None:
    """Fetch §"CORS protocol": only OPTIONS + Origin + Access-Control-Request-Method is a preflight."""
    response = client(origins=[APP]).options("/x", headers=headers, status=200)
    assert response.body == b"hello"
    assert spy.called
    assert response.headers["Vary"] == "Origin"


def test_preflight_on_an_unmatched_path_reaches_the_app(spy: SpyApp) -> None:
    """Paths no resource covers pass through untouched, preflights included."""
    from corsware import CORSMiddleware  # noqa: PLC0415

    app = linted(CORSMiddleware(spy, resources={"/api/*": {}}))
    response = app.options("/other", headers=preflight_headers(APP), status=200)
    assert spy.called
    assert "Vary" not in response.headers
    assert cors_headers(response) == {}
