"""The two loopback origins of the browser suite: the page's server and the API's server.

The API server mounts one corsware-wrapped app per case under ``/<mount>/`` (moved into
SCRIPT_NAME, so corsware matches its resources on the rest of the path) and records every request
it receives, preflights included, before corsware answers them.

What does not depend on the gateway interface is here for both adapters: the echo app's answer
(`echo_response`), what a request is recorded as (`request_fields`, `SeenRequest`) and the mounts
(`Recorder`). `asgi_servers` builds the ASGI twins of `echo_app` and `API` on them.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from werkzeug.serving import make_server

from .cases import COOKIE_NAME, COOKIE_VALUE, REQUEST_ID

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

HTML = "text/html; charset=utf-8"
FETCH_JS = ("text/javascript; charset=utf-8", (Path(__file__).parent / "fetch.js").read_bytes())
"""The fetch runner the fetch page and the differential page load, as (content type, body)."""
PAGES = {
    "/": (HTML, (Path(__file__).parent / "page.html").read_bytes()),
    "/fetch.js": FETCH_JS,
    "/websocket.html": (HTML, (Path(__file__).parent / "websocket.html").read_bytes()),
}
"""The page server's documents by path, as (content type, body): the fetch page and its script,
and the page that opens a WebSocket."""

App = TypeVar("App")


def cookie_value(header: str) -> str | None:
    """The value of the suite's cookie in a Cookie header, or None."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return None
    morsel = jar.get(COOKIE_NAME)
    return None if morsel is None else morsel.value


def echo_response(
    method: str, path: str, header: Callable[[str], str | None]
) -> tuple[int, list[tuple[str, str]], bytes]:
    """The echo API's answer to a request: status, headers and body.

    `path` is the path under the app's mount and `header` looks up a request header by its
    lower-case name. The answer echoes the request, or fails with 500 on ``/api/boom``. Every
    answer carries ``X-Request-Id``, which a page may read only when it is exposed.
    ``/api/cached`` echoes too, with a response any cache may keep for 60 s.
    """
    if path.endswith("/boom"):
        status = 500
        payload: dict[str, object] = {"error": "the app failed"}
    else:
        status = 200
        payload = {
            "method": method,
            "path": path,
            "cookie": cookie_value(header("cookie") or ""),
            "authorization": header("authorization"),
        }
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("X-Request-Id", REQUEST_ID),
    ]
    if path.endswith("/cached"):
        headers.append(("Cache-Control", "public, max-age=60"))
    return status, headers, body


def environ_header(environ: WSGIEnvironment) -> Callable[[str], str | None]:
    """Look up request headers of `environ` by their lower-case names (``HTTP_*`` keys)."""
    return lambda name: environ.get("HTTP_" + name.upper().replace("-", "_"))


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The API behind corsware under WSGI: answers with `echo_response`."""
    status, headers, body = echo_response(
        environ["REQUEST_METHOD"], environ["PATH_INFO"], environ_header(environ)
    )
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


def page_app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Serves the test page and sets the session cookie the credentialed cases need.

    Cookies are scoped to a host, not a port (RFC 6265 section 8.5), and 127.0.0.1:A and
    127.0.0.1:B are the same site (a site ignores the port), so the browser sends this SameSite=Lax
    cookie to the API's port too, but only when a fetch asks for credentials: 'include'.
    """
    found = PAGES.get(environ["PATH_INFO"])
    if found is None:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return []
    content_type, page = found
    start_response(
        "200 OK",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(page))),
            ("Cache-Control", "no-store"),
            ("Set-Cookie", f"{COOKIE_NAME}={COOKIE_VALUE}; Path=/; SameSite=Lax; HttpOnly"),
        ],
    )
    return [page]


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


def request_fields(method: str, path: str, header: Callable[[str], str | None]) -> dict[str, Any]:
    """What a `SeenRequest` records of a request, but its status (known once it is answered)."""
    return {
        "method": method,
        "path": path,
        "origin": header("origin"),
        "request_method": header("access-control-request-method"),
        "request_headers": header("access-control-request-headers"),
        "private_network": header("access-control-request-private-network"),
        "cookie": cookie_value(header("cookie") or ""),
        "authorization": header("authorization"),
    }


class Recorder(Generic[App]):
    """Apps mounted under fresh prefixes, and the requests recorded for each of them."""

    def __init__(self) -> None:
        """Start with nothing mounted."""
        self._apps: dict[str, App] = {}
        self._seen: dict[str, list[SeenRequest]] = {}
        self._lock = threading.Lock()
        self._names = (f"m{number}" for number in itertools.count(1))

    def mount(self, app: App) -> str:
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

    def route(self, path: str) -> tuple[str, App | None, str]:
        """The mount name of `path` (its first segment), the app mounted there and the rest."""
        name, _, rest = path[1:].partition("/")
        with self._lock:
            return name, self._apps.get(name), "/" + rest

    def record(self, name: str, request: SeenRequest) -> None:
        """Add `request` to what mount `name` has seen."""
        with self._lock:
            self._seen[name].append(request)


class API(Recorder["WSGIApplication"]):
    """A WSGI app that dispatches ``/<mount>/...`` to the app mounted there and records requests."""

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Record the request, then hand it to the app mounted under its first path segment."""
        name, app, rest = self.route(environ["PATH_INFO"])
        if app is None:
            start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
            return []
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + name
        environ["PATH_INFO"] = rest
        request = request_fields(environ["REQUEST_METHOD"], rest, environ_header(environ))

        def recording_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            self.record(name, SeenRequest(status=int(status[:3]), **request))
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
