"""The WSGI and the ASGI adapter decide alike, for requests as they arrive on the wire.

Each generated request is a method, a raw request target (percent-encoded, with ``%C3%A9``, ``%2F``,
bytes that are not UTF-8 and dot segments, plain or encoded) and a list of header lines, some of
them repeated. It is turned into the WSGI environ gunicorn builds (``PATH_INFO`` the percent-decoded
bytes as latin-1, repeated headers joined with ``,``) and into the ASGI scope uvicorn builds
(``path`` unquoted as UTF-8 with ``replace``, lower-case header names, the raw bytes), and both
adapters, built from the same configuration, must answer with the same status, the same
``Access-Control-*`` headers and the same ``Vary``; ``explain()`` on the path the router sees must
give the same decision from both, and it must be the decision that was carried out.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st

from corsware import CORSMiddleware
from corsware.asgi import CORSMiddleware as ASGICORSMiddleware
from corsware.resources import wsgi_path

ORIGINS = (
    "http://localhost:3000",
    "https://app.example.com",
    "https://sub.app.example.com",
    "https://app.example.com.evil.test",
    "https://evil.test",
    "http://app.example.com",
    "null",
    "https://caf\xe9.example",  # a latin-1 byte on the wire
    "https://APP.example.com",
    "",
)
REQUESTED_METHODS = ("GET", "PUT", "DELETE", "PROPFIND", "put", "GET, PUT", "")
REQUESTED_HEADERS = (
    "content-type",
    "authorization",
    "x-api-key, content-type",
    "x-other",
    "",
    ",,",
    "a b",
)
SEGMENTS = (
    "api",
    "items",
    "admin",
    "public",
    "caf%C3%A9",
    "caf\u00e9",  # written here decoded; sent percent-encoded below
    "%2F",
    "a%2Fb",
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "%C3",
    "%FF",
    "x%20y",
    "",
    "%25",
)
METHODS = ("GET", "POST", "OPTIONS", "PUT", "HEAD", "DELETE")
HEADER_NAMES = (
    "Origin",
    "Access-Control-Request-Method",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Private-Network",
    "X-Other",
)

CONFIGURATIONS = [
    pytest.param(
        {
            "resources": {
                "/api/*": {
                    "origins": ["http://localhost:3000", "https://app.example.com"],
                    "allow_credentials": True,
                    "expose_headers": ["X-Total-Count"],
                    "max_age": 600,
                }
            }
        },
        id="the examples' policy",
    ),
    pytest.param(
        {
            "resources": {
                "/api/admin/*": {
                    "origins": ["https://app.example.com"],
                    "allow_credentials": True,
                    "methods": ["GET", "DELETE"],
                    "allow_private_network": True,
                },
                "/api/*": {"origins": "*", "allow_headers": "*", "methods": "*"},
                "/public/*": {"origins": ["https://*.example.com"], "allow_headers": ["X-Api-Key"]},
            }
        },
        id="nested resources, a wildcard one and a private-network one",
    ),
    pytest.param(
        {
            "resources": {
                "/caf\u00e9/*": {"origins": ["http://localhost:3000"]},
                re.compile(r"/items/[^/]+"): {"origins": ["https://app.example.com"], "max_age": 5},
                "/admin": {"origins": ["null"], "allow_credentials": False},
            }
        },
        id="a non-ASCII prefix, a regex and an exact path",
    ),
    pytest.param(
        {"origins": ["https://*.example.com"], "allow_credentials": True}, id="keyword options"
    ),
]


def encode_segment(segment: str) -> str:
    """A segment as a browser sends it: ASCII, anything else percent-encoded as UTF-8."""
    return "".join(c if c.isascii() else "".join(f"%{b:02X}" for b in c.encode()) for c in segment)


# The first segments: under each configured resource most of the time, so that most requests are judged.
PREFIXES = ("api", "api/admin", "public", "caf\u00e9", "items", "admin", "caf%C3%A9", "")
HEADER_VALUES = {
    "Origin": ORIGINS,
    "Access-Control-Request-Method": REQUESTED_METHODS,
    "Access-Control-Request-Headers": REQUESTED_HEADERS,
    "Access-Control-Request-Private-Network": ("true", "false"),
    "X-Other": ("1",),
}


@st.composite
def wire_requests(draw: st.DrawFn) -> tuple[str, bytes, list[tuple[bytes, bytes]]]:
    """A method, a raw request target and the header lines, as bytes on the wire."""
    segments = [
        *draw(st.sampled_from(PREFIXES)).split("/"),
        *draw(st.lists(st.sampled_from(SEGMENTS), max_size=3)),
    ]
    target = "/" + "/".join(encode_segment(segment) for segment in segments)
    if draw(st.booleans()):
        target += "?q=%2F&x=1"
    # A browser's request most of the time (Origin, and for a preflight the requested method), then
    # any lines at all, repeats included.
    names = []
    if draw(st.integers(0, 9)) < 8:
        names.append("Origin")
        if draw(st.booleans()):
            names.append("Access-Control-Request-Method")
    names += draw(st.lists(st.sampled_from(HEADER_NAMES), max_size=4))
    lines: list[tuple[bytes, bytes]] = [(b"Host", b"api.example.com")]
    for name in names:
        # Header names arrive in any case; servers fold them (gunicorn upper, uvicorn lower).
        spelled = draw(st.sampled_from((name, name.lower(), name.upper())))
        # Half the values are the ones a policy grants, so that grants are judged as often as refusals.
        pool = HEADER_VALUES[name] if draw(st.booleans()) else HEADER_VALUES[name][:3]
        lines.append((spelled.encode("ascii"), draw(st.sampled_from(pool)).encode("latin-1")))
    method = "OPTIONS" if draw(st.booleans()) else draw(st.sampled_from(METHODS))
    return method, target.encode("ascii"), lines


def gunicorn_environ(method: str, target: bytes, lines: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The environ gunicorn builds: PATH_INFO percent-decoded to bytes, as latin-1; repeats joined."""
    path, _, query = target.decode("ascii").partition("?")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
        "QUERY_STRING": query,
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "https",
    }
    repeated: dict[str, list[str]] = {}
    for name, value in lines:
        key = "HTTP_" + name.decode("latin-1").upper().replace("-", "_")
        text = value.decode("latin-1")
        if key in environ:
            repeated.setdefault(key, [environ[key]]).append(text)
        else:
            environ[key] = text
    for key, values in repeated.items():
        environ[key] = ",".join(values)
    return environ


def uvicorn_scope(method: str, target: bytes, lines: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """The scope uvicorn builds: path unquoted as UTF-8 ('replace'), lower-case names, raw values."""
    raw_path, _, query = target.partition(b"?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": query,
        "headers": [(name.lower(), value) for name, value in lines],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


APP_HEADERS = [("Content-Type", "text/plain"), ("Vary", "Accept-Encoding")]


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", list(APP_HEADERS))
    return [b"app"]


async def asgi_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    headers = [(name.lower().encode(), value.encode()) for name, value in APP_HEADERS]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"app"})


def wsgi_answer(app: Any, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    started: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(
        app(environ, lambda status, headers, exc_info=None: started.append((status, headers)))
    )
    [(status, headers)] = started
    return int(status.split()[0]), headers, body


def asgi_answer(app: Any, scope: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(asyncio.wait_for(app(scope, receive, send), 5.0))
    start, *bodies = sent
    headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in start["headers"]]
    return start["status"], headers, b"".join(message.get("body", b"") for message in bodies)


def cors_view(headers: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[str]]:
    """The Access-Control-* lines (names lower-cased, in order) and the Vary values."""
    lowered = [(name.lower(), value) for name, value in headers]
    return (
        [(name, value) for name, value in lowered if name.startswith("access-control-")],
        [value for name, value in lowered if name == "vary"],
    )


@pytest.mark.parametrize("configuration", CONFIGURATIONS)
@given(request=wire_requests())
def test_both_adapters_decide_alike(
    configuration: dict[str, Any], request: tuple[str, bytes, list[tuple[bytes, bytes]]]
) -> None:
    method, target, lines = request
    note(f"{method} {target!r} {lines!r}")
    wsgi = CORSMiddleware(wsgi_app, **configuration)
    asgi = ASGICORSMiddleware(asgi_app, **configuration)
    environ = gunicorn_environ(method, target, lines)
    scope = uvicorn_scope(method, target, lines)

    wsgi_status, wsgi_headers, wsgi_body = wsgi_answer(wsgi, environ)
    asgi_status, asgi_headers, asgi_body = asgi_answer(asgi, scope)
    assert asgi_status == wsgi_status
    assert cors_view(asgi_headers) == cors_view(wsgi_headers)
    assert asgi_body == wsgi_body

    # The router's view of the path is the same under both, and explain() on it is what happened.
    router_path = wsgi_path(environ["PATH_INFO"])
    assert scope["path"] == router_path
    headers = {
        name.removeprefix("HTTP_").replace("_", "-"): environ[name]
        for name in (
            "HTTP_ACCESS_CONTROL_REQUEST_METHOD",
            "HTTP_ACCESS_CONTROL_REQUEST_HEADERS",
            "HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK",
        )
        if name in environ
    }
    origin = environ.get("HTTP_ORIGIN")
    decision = wsgi.explain(method, router_path, origin=origin, headers=headers)
    event(f"{decision.kind}, allowed={decision.allowed}")
    assert asgi.explain(method, router_path, origin=origin, headers=headers) == decision
    ours, _ = cors_view(list(decision.headers))
    assert cors_view(asgi_headers)[0] == ours
    answered = decision.status is not None
    assert asgi_status == (decision.status_code if answered else 200)
    assert asgi_body == (decision.body if answered else b"app")
