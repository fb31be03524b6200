"""The demo: an example API wrapped in corsware, the browser scenarios run against it, and a page.

`corsware demo` serves `api` on a 127.0.0.1 port with the standard library's WSGI server, runs
`SCENARIOS` against it over real HTTP with the same engine as `corsware check`, and prints what a
browser does.
`corsware demo --serve` also serves `page`, from a second origin, whose script makes the same calls
with the real browser's fetch() so that a person can watch them succeed and fail.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any, Literal
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from corsware.browser import BrowserRequest
from corsware.middleware import CORSMiddleware

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

__all__ = [
    "FRONTEND_ORIGIN",
    "LOCAL_ORIGIN",
    "OTHER_ORIGIN",
    "PUBLIC_FRONTEND_ORIGIN",
    "SCENARIOS",
    "DemoServer",
    "Outcome",
    "Scenario",
    "api",
    "page",
    "running",
    "serve_in_thread",
    "start_servers",
    "url_of",
]

FRONTEND_ORIGIN = "http://localhost:3000"
"""The front end the example API trusts: a typical development server on another port."""
PUBLIC_FRONTEND_ORIGIN = "https://app.example"
"""A deployed front end the API also trusts, on a public origin."""
OTHER_ORIGIN = "https://evil.example"
"""A site the API does not trust."""
LOCAL_ORIGIN = "http://localhost:8080"
"""Another page on this machine, which the API does not trust either."""

Outcome = Literal["allowed", "blocked", "asks-user"]
"""What a page gets: the response, a CORS error, or (Local Network Access) a permission prompt."""


@dataclass(frozen=True, slots=True)
class Scenario:
    """One call a page makes to the example API, and what a browser must do with it.

    Attributes:
        title: what the scenario shows.
        method: the fetch() method.
        path: the API path called.
        origin: the calling page's origin.
        headers: request headers the page sets.
        credentials: ``credentials: 'include'``.
        read_header: a response header the page's script then reads.
        expected: the expected outcome: ``"asks-user"`` when CORS allows the call but Chromium
            first asks the user for Local Network Access (a public page calling 127.0.0.1).
        header_readable: whether ``headers.get(read_header)`` is expected to return the value.
        why: the explanation to print instead of the one the verdict gives.
    """

    title: str
    method: str
    path: str
    origin: str = FRONTEND_ORIGIN
    headers: tuple[tuple[str, str], ...] = ()
    credentials: bool = False
    read_header: str | None = None
    expected: Outcome = "allowed"
    header_readable: bool = True
    why: str | None = None

    def request(self, base_url: str) -> BrowserRequest:
        """The browser request for this scenario against the API at ``base_url``."""
        return BrowserRequest(
            url=base_url + self.path,
            origin=self.origin,
            method=self.method,
            headers=self.headers,
            credentials=self.credentials,
        )


_JSON = ("Content-Type", "application/json")
_BEARER = ("Authorization", "Bearer demo-token")

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("GET from the trusted front end", "GET", "/api/items"),
    Scenario("GET from an untrusted site", "GET", "/api/items", origin=OTHER_ORIGIN, expected="blocked"),
    Scenario("Public endpoint from any origin", "GET", "/api/public/status", origin=LOCAL_ORIGIN),
    Scenario(
        "Form-style POST (no preflight)", "POST", "/api/items", headers=(("Content-Type", "text/plain"),)
    ),
    Scenario("JSON POST (preflighted)", "POST", "/api/items", headers=(_JSON,)),
    Scenario("PUT with Authorization", "PUT", "/api/items/1", headers=(_BEARER, _JSON)),
    Scenario("DELETE, a method the API does not allow", "DELETE", "/api/items/1", expected="blocked"),
    Scenario(
        "Custom header X-Debug, not allowed",
        "GET",
        "/api/items",
        headers=(("X-Debug", "1"),),
        expected="blocked",
    ),
    Scenario("Cookies (credentials: 'include')", "GET", "/api/me", credentials=True),
    Scenario(
        "Cookies to the public endpoint",
        "GET",
        "/api/public/status",
        credentials=True,
        expected="blocked",
    ),
    Scenario("Read the exposed header X-Request-Id", "GET", "/api/items", read_header="X-Request-Id"),
    Scenario(
        "Read X-Internal, which is not exposed",
        "GET",
        "/api/items",
        read_header="X-Internal",
        header_readable=False,
    ),
    Scenario(
        "A public site calls the API on 127.0.0.1",
        "GET",
        "/api/public/status",
        origin=OTHER_ORIGIN,
        expected="asks-user",
    ),
    Scenario(
        "allow_private_network=True does not help",
        "GET",
        "/api/items",
        origin=PUBLIC_FRONTEND_ORIGIN,
        expected="asks-user",
        why=(
            "Chromium asks the user for Local Network Access, which no response header grants; "
            "allow_private_network (set on /api/*) only answers the preflight of Chromium 104 to "
            "141, which current browsers no longer send"
        ),
    ),
)
"""The representative browser scenarios, in the order the demo prints them."""


def _not_found(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"Not Found"]


def _example_api() -> WSGIApplication:
    counter = itertools.count(1)

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/api/public/status":
            payload: dict[str, Any] = {"status": "ok"}
        elif path == "/api/me":
            payload = {"user": "demo"}
        elif path == "/api/items" or path.startswith("/api/items/"):
            payload = {"method": environ["REQUEST_METHOD"], "items": ["apple", "pear"]}
        else:
            return _not_found(environ, start_response)
        body = json.dumps(payload).encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("X-Request-Id", str(next(counter))),
                ("X-Internal", "hidden-from-scripts"),
            ],
        )
        return [body]

    return app


def api(*extra_origins: str) -> CORSMiddleware:
    """The example API wrapped in corsware: a public endpoint and a private one for the front ends.

    Args:
        extra_origins: more origins to trust besides `FRONTEND_ORIGIN` and
            `PUBLIC_FRONTEND_ORIGIN` (the demo page's).
    """
    return CORSMiddleware(
        _example_api(),
        resources={
            "/api/public/*": {"origins": "*", "methods": ["GET"]},
            "/api/*": {
                "origins": [FRONTEND_ORIGIN, PUBLIC_FRONTEND_ORIGIN, *extra_origins],
                "methods": ["GET", "POST", "PUT"],
                "allow_headers": ["Authorization", "Content-Type"],
                "expose_headers": ["X-Request-Id"],
                "allow_credentials": True,
                "max_age": 600,
                # Legacy: answers only the Private Network Access preflight of Chromium 104-141.
                "allow_private_network": True,
            },
        },
    )


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>corsware demo</title><link rel="icon" href="data:,">
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #ddd;
padding: .3rem .5rem; text-align: left; vertical-align: top; } .ok { color: #18794e; }
.blocked { color: #c4320a; } code { font-size: 90%; }
</style></head><body>
<h1>corsware demo</h1>
<p>This page is served from <code id="origin"></code>; the API is <code>__API__</code>, another
origin. Each row is a real <code>fetch()</code> by your browser. Open the developer tools console to
read the browser's own message for each blocked call.</p>
<table><thead><tr><th>#</th><th>Scenario</th><th>Request</th><th>Expected</th><th>Your browser</th>
</tr></thead><tbody id="rows"></tbody></table>
<script>
const API = "__API__";
const SCENARIOS = __SCENARIOS__;
document.getElementById("origin").textContent = location.origin;
const rows = document.getElementById("rows");
SCENARIOS.forEach(async (s, i) => {
  const row = rows.insertRow();
  const request = s.method + " " + s.path + (s.credentials ? " (credentials)" : "");
  for (const text of [i + 1, s.title, request, s.expected, "\\u2026"]) {
    row.insertCell().textContent = text;
  }
  const result = row.cells[4];
  let asExpected;
  try {
    const response = await fetch(API + s.path, {
      method: s.method, headers: s.headers, credentials: s.credentials ? "include" : "same-origin",
    });
    result.textContent = "allowed, HTTP " + response.status;
    asExpected = s.expected === "allowed";
    if (s.read_header) {
      const value = response.headers.get(s.read_header);
      result.textContent += "; headers.get('" + s.read_header + "') = " + JSON.stringify(value);
      asExpected = asExpected && (value !== null) === s.header_readable;
    }
  } catch (error) {
    asExpected = s.expected === "blocked";
    result.textContent = "blocked (" + error + ")";
  }
  result.className = asExpected ? "ok" : "blocked";
});
</script></body></html>
"""


def page(api_url: str) -> WSGIApplication:
    """The demo page: runs the scenarios a browser can make from its own origin with fetch().

    Scenarios from another origin are left out: a page cannot choose its origin.
    """
    scenarios = [
        {
            "title": s.title,
            "method": s.method,
            "path": s.path,
            "headers": dict(s.headers),
            "credentials": s.credentials,
            "read_header": s.read_header,
            "header_readable": s.header_readable,
            "expected": s.expected,
        }
        for s in SCENARIOS
        if s.origin == FRONTEND_ORIGIN
    ]
    # "</" cannot appear inside the JSON, so the script element cannot be closed early.
    script_data = json.dumps(scenarios).replace("</", "<\\/")
    body = _PAGE.replace("__API__", api_url).replace("__SCENARIOS__", script_data).encode()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "/") != "/":
            return _not_found(environ, start_response)
        start_response(
            "200 OK",
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


class DemoServer(ThreadingMixIn, WSGIServer):
    """The standard library's WSGI server, one thread per connection (browsers keep several open)."""

    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing: the demo prints its own table."""


def serve_in_thread(app: WSGIApplication, *, quiet: bool, port: int = 0) -> DemoServer:
    """Start a server for ``app`` on 127.0.0.1 (a free port by default), in a daemon thread.

    Raises:
        OSError: the port cannot be bound (it is in use, say).
    """
    # The standard library's request log escapes control characters itself (http.server).
    handler = _QuietHandler if quiet else WSGIRequestHandler
    server = make_server("127.0.0.1", port, app, server_class=DemoServer, handler_class=handler)
    threading.Thread(target=server.serve_forever, name="corsware-demo", daemon=True).start()
    return server


def url_of(server: DemoServer) -> str:
    """The base URL of a server started by `serve_in_thread`."""
    return f"http://127.0.0.1:{server.server_port}"


def start_servers(*, quiet: bool, port: int = 0) -> tuple[DemoServer, DemoServer]:
    """Start the demo page's server and the API's server, on two origins; the API trusts the page.

    Args:
        quiet: log no requests.
        port: the API's port (a free one by default); the page always gets a free one.

    Returns:
        ``(page_server, api_server)``; stop them with `running`.

    Raises:
        OSError: the API's port cannot be bound; nothing is left running then.
    """
    # Each app needs the other's URL: bind both first (the API first, as its port may be taken),
    # then give them their apps.
    api_server = serve_in_thread(_not_found, quiet=quiet, port=port)
    page_server = serve_in_thread(_not_found, quiet=quiet)
    api_server.set_app(api(url_of(page_server)))
    page_server.set_app(page(url_of(api_server)))
    return page_server, api_server


@contextmanager
def running(*servers: DemoServer) -> Iterator[None]:
    """Shut ``servers`` down and close their sockets when the block ends."""
    try:
        yield
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
