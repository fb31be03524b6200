"""The one policy every layer is given, and the four request kinds every layer is timed on.

Each peer is configured to express the same policy as closely as it can: two exact origins, four
methods, three request headers, one exposed header, credentials and a ten-minute max-age, scoped to
``/api/*`` where the layer can scope by path.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

ALLOWED_ORIGIN = "https://app.example.com"
OTHER_ALLOWED_ORIGIN = "https://admin.example.com"
DISALLOWED_ORIGIN = "https://evil.example.net"
ORIGINS = (ALLOWED_ORIGIN, OTHER_ALLOWED_ORIGIN)
METHODS = ("GET", "POST", "PUT", "DELETE")
ALLOW_HEADERS = ("X-Custom", "Content-Type", "Authorization")
EXPOSE_HEADERS = ("X-Total",)
MAX_AGE = 600
RESOURCE = "/api/*"
PATH = "/api/items"

#: corsware's keyword options for the shared policy (CORE_API.md names).
CORSWARE_OPTIONS: dict[str, Any] = {
    "origins": ORIGINS,
    "methods": METHODS,
    "allow_headers": ALLOW_HEADERS,
    "expose_headers": EXPOSE_HEADERS,
    "allow_credentials": True,
    "max_age": MAX_AGE,
}


@dataclass(frozen=True)
class RequestKind:
    """One kind of request: what a browser sends, and what a correct CORS layer must answer."""

    key: str
    label: str
    method: str
    headers: tuple[tuple[str, str], ...]
    #: The value of Access-Control-Allow-Origin a correct layer sends, or None for none.
    expect_allow_origin: str | None


NO_ORIGIN = RequestKind("no-origin", "no Origin (same-origin)", "GET", (), None)
ALLOWED = RequestKind(
    "allowed", "actual, allowed origin", "GET", (("Origin", ALLOWED_ORIGIN),), ALLOWED_ORIGIN
)
DISALLOWED = RequestKind(
    "disallowed", "actual, disallowed origin", "GET", (("Origin", DISALLOWED_ORIGIN),), None
)
PREFLIGHT = RequestKind(
    "preflight",
    "preflight, allowed",
    "OPTIONS",
    (
        ("Origin", ALLOWED_ORIGIN),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "content-type,x-custom"),
    ),
    ALLOWED_ORIGIN,
)
KINDS = (NO_ORIGIN, ALLOWED, DISALLOWED, PREFLIGHT)


def wsgi_environ(method: str, path: str, headers: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Build the WSGI environ a server such as gunicorn passes for this request."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "api.example.com",
        "SERVER_PORT": "443",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "api.example.com",
        "HTTP_ACCEPT": "*/*",
        "HTTP_USER_AGENT": "benchmarks",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "https",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in headers:
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def asgi_scope(method: str, path: str, headers: tuple[tuple[str, str], ...] = ()) -> dict[str, Any]:
    """Build the ASGI HTTP scope a server such as uvicorn passes for this request."""
    base = (("host", "api.example.com"), ("accept", "*/*"), ("user-agent", "benchmarks"))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in (*base, *headers)
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("api.example.com", 443),
    }
