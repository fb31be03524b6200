"""A plain WSGI JSON API behind corsware, written as an entry point for real servers.

    gunicorn --bind 127.0.0.1:8000 'examples.gunicorn_app:app'
    gunicorn --bind 127.0.0.1:8000 --worker-class gthread --threads 8 'examples.gunicorn_app:app'
    waitress-serve --listen=127.0.0.1:8000 examples.gunicorn_app:app

No framework stands between the server and the app: an exception raised here reaches the server,
which answers with its own 500 page, and that page has no CORS headers (corsware never saw a
response to add them to). Frameworks turn exceptions into 500 responses; a bare WSGI app must do
it itself if browsers are to read its errors.
"""

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from wsgiref.types import StartResponse, WSGIEnvironment

from corsware import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]
MAX_BODY = 64 * 1024


def respond(
    start_response: StartResponse, status: str, data: object, *extra: tuple[str, str]
) -> list[bytes]:
    body = json.dumps(data).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *extra]
    start_response(status, headers)
    return [body]


def list_items(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return respond(start_response, "200 OK", ITEMS, ("X-Total-Count", str(len(ITEMS))))


def create_item(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    length = min(int(environ.get("CONTENT_LENGTH") or 0), MAX_BODY)
    item = json.loads(environ["wsgi.input"].read(length) or b"null")
    return respond(start_response, "201 Created", item)


def me(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return respond(start_response, "200 OK", {"user": "demo"})


def echo(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return respond(start_response, "200 OK", {"query": environ.get("QUERY_STRING", "")})


def error(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    return respond(start_response, "500 Internal Server Error", {"error": "database unavailable"})


def crash(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise RuntimeError("a bug in the app")


def stream(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    def lines() -> Iterator[bytes]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'.encode()
        finally:
            log.info("stream closed")

    start_response("200 OK", [("Content-Type", "application/x-ndjson")])
    return lines()


def health(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


Route = Callable[[WSGIEnvironment, StartResponse], Iterable[bytes]]
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/items"): list_items,
    ("POST", "/api/items"): create_item,
    ("GET", "/api/me"): me,
    ("GET", "/api/echo"): echo,
    ("GET", "/api/error"): error,
    ("GET", "/api/crash"): crash,
    ("GET", "/api/stream"): stream,
    ("GET", "/health"): health,
}


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    route = ROUTES.get((environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")))
    if route is None:
        return respond(start_response, "404 Not Found", {"error": "not found"})
    return route(environ, start_response)


def bearer_token(app: Route) -> Route:
    """Auth middleware: refuses /api/me without the token, whatever the method (OPTIONS too)."""

    def guarded(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/api/me" and environ.get("HTTP_AUTHORIZATION") != f"Bearer {TOKEN}":
            error = {"error": "missing or wrong bearer token"}
            return respond(start_response, "401 Unauthorized", error)
        return app(environ, start_response)

    return guarded


# CORS goes outermost: preflights carry no credentials, so they must be answered before auth runs.
app = CORSMiddleware(
    bearer_token(api),
    resources={
        "/api/*": {
            # Every subdomain of example.com (app.example.com among them), and the dev server.
            "origins": ["http://localhost:3000", "https://*.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)
