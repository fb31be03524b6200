"""explain(): the middleware's own answer for one request, with the reason and the fix."""

from __future__ import annotations

import re
from typing import Any

import pytest

from corsware import CORSMiddleware, Decision
from tests.conftest import SpyApp

APP = "http://localhost:3000"
PREFLIGHT_VARY = ("Vary", "Origin, Access-Control-Request-Method, Access-Control-Request-Headers")


@pytest.fixture
def middleware(spy: SpyApp) -> CORSMiddleware:
    return CORSMiddleware(
        spy,
        resources={
            "/api/*": {"origins": [APP], "allow_headers": ["Content-Type"], "methods": ["PUT"]},
            re.compile(r"/v[0-9]+/.*"): {"origins": ["null"]},
            "/open/*": {"allow_private_network": False},
        },
    )


CASES = [
    pytest.param(
        ("GET", "/elsewhere", None, None),
        ("unmatched", False, "no resource pattern matches this path", None, None, ()),
        ["'/elsewhere' matches none of the resource patterns ('/api/*', '/v[0-9]+/.*', '/open/*')"],
        id="unmatched path",
    ),
    pytest.param(
        ("GET", "/api/x", None, None),
        (
            "non-cors",
            False,
            "no Origin header, so this is not a CORS request",
            "/api/*",
            None,
            (("Vary", "Origin"),),
        ),
        ["not a CORS request"],
        id="no origin",
    ),
    pytest.param(
        ("GET", "/api/x", APP, None),
        (
            "actual",
            True,
            "origin allowed",
            "/api/*",
            None,
            (("Access-Control-Allow-Origin", APP), ("Vary", "Origin")),
        ),
        [f"origin '{APP}' allowed"],
        id="allowed actual",
    ),
    pytest.param(
        ("GET", "/open/x", APP, None),
        (
            "actual",
            True,
            "origin allowed",
            "/open/*",
            None,
            (("Access-Control-Allow-Origin", "*"),),
        ),
        ["'*' (any origin, no credentials)"],
        id="allowed actual, any origin",
    ),
    pytest.param(
        ("GET", "/api/x", "https://evil.example", None),
        ("actual", False, "origin not allowed", "/api/*", None, (("Vary", "Origin"),)),
        ["origin 'https://evil.example' is not allowed", "Fix: add 'https://evil.example' to origins"],
        id="rejected actual",
    ),
    pytest.param(
        ("GET", "/v1/x", "https://Bad.example\r\nX: y", None),
        ("actual", False, "origin not allowed", "/v[0-9]+/.*", None, (("Vary", "Origin"),)),
        ["'https://Bad.example\\r\\nX: y' is malformed"],
        id="malformed origin is escaped",
    ),
    pytest.param(
        ("GET", "/api/x", "null", None),
        ("actual", False, "origin not allowed", "/api/*", None, (("Vary", "Origin"),)),
        ["'null' origin", "only when listed"],
        id="null origin",
    ),
    pytest.param(
        ("OPTIONS", "/api/x", APP, {"Access-Control-Request-Method": "DELETE"}),
        (
            "preflight",
            False,
            "requested method not allowed",
            "/api/*",
            "403 Forbidden",
            (PREFLIGHT_VARY,),
        ),
        ["method 'DELETE' is not in methods=('PUT',)", "Fix: add 'DELETE' to methods"],
        id="method refused",
    ),
    pytest.param(
        ("OPTIONS", "/api/x", APP, {"Access-Control-Request-Method": "PUT\r\n"}),
        (
            "preflight",
            False,
            "requested method not allowed",
            "/api/*",
            "403 Forbidden",
            (PREFLIGHT_VARY,),
        ),
        ["'PUT\\r\\n' is not a method name"],
        id="malformed method",
    ),
    pytest.param(
        (
            "OPTIONS",
            "/api/x",
            APP,
            {
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "content-type,x-a",
            },
        ),
        (
            "preflight",
            False,
            "requested headers not allowed",
            "/api/*",
            "403 Forbidden",
            (PREFLIGHT_VARY,),
        ),
        ["request headers 'x-a' are not in allow_headers=('Content-Type',)", "Fix: add ['x-a']"],
        id="header refused",
    ),
    pytest.param(
        (
            "OPTIONS",
            "/api/x",
            APP,
            {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "a b"},
        ),
        (
            "preflight",
            False,
            "requested headers not allowed",
            "/api/*",
            "403 Forbidden",
            (PREFLIGHT_VARY,),
        ),
        ["'a b' is malformed"],
        id="malformed header list",
    ),
    pytest.param(
        ("OPTIONS", "/api/x", "https://evil.example", {"Access-Control-Request-Method": "PUT"}),
        ("preflight", False, "origin not allowed", "/api/*", "403 Forbidden", (PREFLIGHT_VARY,)),
        ["origin 'https://evil.example' is not allowed"],
        id="preflight origin refused",
    ),
    pytest.param(
        (
            "OPTIONS",
            "/open/x",
            APP,
            {"Access-Control-Request-Method": "PUT", "Access-Control-Request-Private-Network": "true"},
        ),
        (
            "preflight",
            True,
            "preflight allowed",
            "/open/*",
            "200 OK",
            (
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, PATCH, DELETE"),
                PREFLIGHT_VARY,
            ),
        ),
        ["Access-Control-Request-Private-Network was not granted", "allow_private_network=True"],
        id="private network not granted is explained",
    ),
]


@pytest.mark.parametrize(("request_", "expected", "detail_mentions"), CASES)
def test_explain(
    middleware: CORSMiddleware,
    request_: tuple[str, str, str | None, dict[str, str] | None],
    expected: tuple[Any, ...],
    detail_mentions: list[str],
) -> None:
    method, path, origin, headers = request_
    decision = middleware.explain(method, path, origin=origin, headers=headers)
    assert isinstance(decision, Decision)
    assert (
        decision.kind,
        decision.allowed,
        decision.reason,
        decision.resource,
        decision.status,
        decision.headers,
    ) == expected
    for text in detail_mentions:
        assert text in decision.detail
    assert "\n" not in decision.detail


def test_origin_may_come_in_the_headers_mapping(middleware: CORSMiddleware) -> None:
    decision = middleware.explain("GET", "/api/x", headers={"Origin": APP})
    assert decision.allowed


def test_explain_agrees_with_the_real_response(middleware: CORSMiddleware, spy: SpyApp) -> None:
    """The headers explain() reports are exactly the ones a real request gets."""
    import webtest  # noqa: PLC0415

    client = webtest.TestApp(middleware, lint=True)
    request = {
        "Origin": APP,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
    }
    response = client.options("/api/x", headers=request)
    decision = middleware.explain("OPTIONS", "/api/x", headers=request)
    assert decision.headers == tuple(
        (name, value)
        for name, value in response.headerlist
        if name not in {"Content-Type", "Content-Length"}
    )


@pytest.mark.parametrize(
    ("headers", "warned"),
    [
        pytest.param({"Cookie": "session=1"}, True, id="cookie"),
        pytest.param({"Authorization": "Bearer x"}, True, id="authorization"),
        pytest.param({}, False, id="no credentials"),
    ],
)
def test_credentials_without_allow_credentials_are_pointed_out(
    middleware: CORSMiddleware, headers: dict[str, str], warned: bool
) -> None:
    """A server cannot see the fetch's credentials mode, but a cookie or Authorization shows it."""
    decision = middleware.explain("GET", "/open/x", origin=APP, headers=headers)
    assert decision.allowed
    assert ("the request carries credentials" in decision.detail) is warned


def test_credentials_note_is_absent_when_credentials_are_allowed(spy: SpyApp) -> None:
    middleware = CORSMiddleware(spy, origins=[APP], allow_credentials=True)
    decision = middleware.explain("GET", "/x", origin=APP, headers={"Cookie": "a=1"})
    assert "carries credentials" not in decision.detail
