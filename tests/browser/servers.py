"""The two loopback origins of the browser suite: the page's server and the API's server.

The API server mounts one corsware-wrapped app per case under ``/<mount>/`` (moved into
SCRIPT_NAME, so corsware matches its resources on the rest of the path) and records every request
it receives, preflights included, before corsware answers them.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.serving import make_server

from .cases import COOKIE_NAME, COOKIE_VALUE, REQUEST_ID

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

PAGE_HTML = (Path(__file__).parent / "page.html").read_bytes()


def _cookie(environ: WSGIEnvironment) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    morsel = jar.get(COOKIE_NAME)
    return None if morsel is None else morsel.value


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The API behind corsware: echoes the request, or fails with 500 on ``/api/boom``.

    Every response carries ``X-Request-Id``, which a page may read only when it is exposed.
    ``/api/cached`` echoes too, with a response any cache may keep for 60 s.
    """
    if environ["PATH_INFO"].endswith("/boom"):
        status = "500 Internal Server Error"
        payload: dict[str, object] = {"error": "the app failed"}
    else:
        status = "200 OK"
        payload = {
            "method": environ["REQUEST_METHOD"],
            "path": environ["PATH_INFO"],
            "cookie": _cookie(environ),
            "authorization": environ.get("HTTP_AUTHORIZATION"),
        }
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("X-Request-Id", REQUEST_ID),
    ]
    if environ["PATH_INFO"].endswith("/cached"):
        headers.append(("Cache-Control", "public, max-age=60"))
    start_response(status, headers)
    return [body]


def page_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Serves the test page and sets the session cookie the credentialed cases need.

    Cookies are scoped to a host, not a port (RFC 6265 section 8.5), and 127.0.0.1:A and
    127.0.0.1:B are the same site (a site ignores the port), so the browser sends this SameSite=Lax
    cookie to the API's port too, but only when a fetch asks for credentials: 'include'.
    """
    if environ["PATH_INFO"] != "/":
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return []
    start_response(
        "200 OK",
        [
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Length", str(len(PAGE_HTML))),
            ("Cache-Control", "no-store"),
            ("Set-Cookie", f"{COOKIE_NAME}={COOKIE_VALUE}; Path=/; SameSite=Lax; HttpOnly"),
        ],
    )
    return [PAGE_HTML]


def warm_up_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Allows any origin to PUT JSON, preflight answer cached 600 s; corsware plays no part.

    The session's first preflighted fetches go here, so that an engine's first-use quirks (Firefox
    missing its preflight cache on the first repeated pair) never land on a counted case. The
    method and header are named, not `*`: Firefox does not reuse a preflight allowed by `*`.
    """
    headers = [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Max-Age", "600"),
        ("Content-Length", "0"),
    ]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        headers += [
            ("Access-Control-Allow-Methods", "PUT"),
            ("Access-Control-Allow-Headers", "Content-Type"),
        ]
    start_response("200 OK", headers)
    return []


@dataclass(frozen=True, slots=True)
class SeenRequest:
    """A request as the API server received it, and the status it was answered with."""

    method: str
    path: str
    origin: str | None
    request_method: str | None
    request_headers: str | None
    private_network: str | None
    cookie: str | None
    authorization: str | None
    status: int

    @property
    def is_preflight(self) -> bool:
        """A CORS preflight: OPTIONS with Access-Control-Request-Method (Fetch 'CORS protocol')."""
        return self.method == "OPTIONS" and self.request_method is not None


class API:
    """A WSGI app that dispatches ``/<mount>/...`` to the app mounted there and records requests."""

    def __init__(self) -> None:
        """Start with nothing mounted."""
        self._apps: dict[str, WSGIApplication] = {}
        self._seen: dict[str, list[SeenRequest]] = {}
        self._lock = threading.Lock()
        self._names = (f"m{number}" for number in itertools.count(1))

    def mount(self, app: WSGIApplication) -> str:
        """Serve `app` under a fresh prefix and return that prefix (``/m1``, ``/m2``, ...)."""
        with self._lock:
            name = next(self._names)
            self._apps[name] = app
            self._seen[name] = []
        return f"/{name}"

    def seen(self, prefix: str) -> list[SeenRequest]:
        """The requests received under `prefix`, in the order they were answered."""
        with self._lock:
            return list(self._seen[prefix.lstrip("/")])

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Record the request, then hand it to the app mounted under its first path segment."""
        name, _, rest = environ["PATH_INFO"][1:].partition("/")
        app = self._apps.get(name)
        if app is None:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return []
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + name
        environ["PATH_INFO"] = "/" + rest
        request = {
            "method": environ["REQUEST_METHOD"],
            "path": environ["PATH_INFO"],
            "origin": environ.get("HTTP_ORIGIN"),
            "request_method": environ.get("HTTP_ACCESS_CONTROL_REQUEST_METHOD"),
            "request_headers": environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS"),
            "private_network": environ.get("HTTP_ACCESS_CONTROL_REQUEST_PRIVATE_NETWORK"),
            "cookie": _cookie(environ),
            "authorization": environ.get("HTTP_AUTHORIZATION"),
        }

        def recording_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            with self._lock:
                self._seen[name].append(SeenRequest(status=int(status[:3]), **request))
            return start_response(status, headers, exc_info)

        return app(environ, recording_start_response)


@contextmanager
def serving(app: WSGIApplication) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 with a free port in a thread; yield its origin; always stop."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-suite-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
