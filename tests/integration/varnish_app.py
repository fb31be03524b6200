"""The backend gunicorn serves behind Varnish: cacheable JSON under several CORS policies.

    gunicorn --bind 127.0.0.1:8000 --workers 1 --pythonpath tests/integration varnish_app:app

Each policy is its own corsware-wrapped app, mounted under ``/<mount>/`` (the mount moves into
SCRIPT_NAME, so corsware matches ``/api/*`` on the rest of the path). Every response under a mount
is ``Cache-Control: public`` with a long max-age and ``Vary: Accept-Encoding``, so a shared cache
stores it and corsware's ``Vary: Origin`` has an app-supplied Vary to merge into.

``GET /backend-requests`` (asked of gunicorn directly, never through the cache) answers how many
requests reached the backend for each request target; the count lives in the one worker process.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from corsware import CORSMiddleware

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

ALLOWED = ("https://a.example.com", "https://b.example.com", "https://c.example.com")
MAX_AGE = 300  # seconds: longer than any run, so nothing expires from the cache mid-test
COUNTS_PATH = "/backend-requests"

backend_requests: Counter[str] = Counter()


def respond(
    start_response: StartResponse, status: str, data: object, *headers: tuple[str, str]
) -> list[bytes]:
    body = json.dumps(data).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *headers],
    )
    return [body]


def resource(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """The app behind corsware: the same cacheable document for everyone who asks for a URL."""
    path = environ["SCRIPT_NAME"] + environ["PATH_INFO"]
    return respond(
        start_response,
        "200 OK",
        {"path": path, "query": environ.get("QUERY_STRING", "")},
        ("Cache-Control", f"public, max-age={MAX_AGE}"),
        ("Vary", "Accept-Encoding"),
    )


def without_vary(app: WSGIApplication) -> WSGIApplication:
    """A broken layer between corsware and the cache: it strips every Vary header."""

    def stripped(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = [(name, value) for name, value in headers if name.lower() != "vary"]
            return start_response(status, kept, exc_info)

        return app(environ, start)

    return stripped


def explicit(**options: Any) -> WSGIApplication:
    return CORSMiddleware(resource, resources={"/api/*": {"origins": list(ALLOWED), **options}})


MOUNTS: dict[str, WSGIApplication] = {
    "explicit": explicit(),
    "credentials": explicit(allow_credentials=True),
    "explicit-no-vary": without_vary(explicit()),
    "credentials-no-vary": without_vary(explicit(allow_credentials=True)),
    "any": CORSMiddleware(resource, resources={"/api/*": {"origins": "*"}}),
}


def target(environ: WSGIEnvironment) -> str:
    path: str = environ.get("PATH_INFO", "")
    query: str = environ.get("QUERY_STRING", "")
    return path + (f"?{query}" if query else "")


def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """Count the request, then hand it to the mount its first path segment names."""
    path = environ.get("PATH_INFO", "")
    if path == COUNTS_PATH:
        return respond(start_response, "200 OK", dict(backend_requests), ("Cache-Control", "no-store"))
    backend_requests[target(environ)] += 1
    mount, _, rest = path[1:].partition("/")
    mounted = MOUNTS.get(mount)
    if mounted is None:
        return respond(start_response, "404 Not Found", {"error": "no such mount"})
    return mounted({**environ, "SCRIPT_NAME": f"/{mount}", "PATH_INFO": f"/{rest}"}, start_response)
