"""A Bottle JSON API behind corsware.

Run it with ``python -m examples.bottle_app`` or any WSGI server (``examples.bottle_app:app``).
Bottle's ``before_request`` hooks run for OPTIONS too, so the token check there would refuse
preflights; corsware wraps the ``Bottle`` app and answers them first. Bottle's ``catchall`` (on by
default) turns an exception in a route into its HTML 500 page, which corsware gives CORS headers.
"""

import json
import logging
from collections.abc import Iterator

from bottle import Bottle, HTTPResponse, request, response

from corsware import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]

api = Bottle()


@api.hook("before_request")
def require_token() -> None:
    if request.path == "/api/me" and request.get_header("Authorization") != f"Bearer {TOKEN}":
        raise HTTPResponse(
            json.dumps({"error": "missing or wrong bearer token"}),
            status=401,
            headers={"Content-Type": "application/json"},
        )


@api.get("/api/items")
def list_items() -> str:
    response.content_type = "application/json"
    response.set_header("X-Total-Count", str(len(ITEMS)))
    return json.dumps(ITEMS)


@api.post("/api/items")
def create_item() -> dict[str, object]:
    response.status = 201
    return request.json


@api.get("/api/me")
def me() -> dict[str, object]:
    return {"user": "demo"}


@api.get("/api/error")
def error() -> dict[str, object]:
    response.status = 500
    return {"error": "database unavailable"}


@api.get("/api/crash")
def crash() -> None:
    raise RuntimeError("a bug in a route")


@api.get("/api/stream")
def stream() -> Iterator[bytes]:
    def lines() -> Iterator[bytes]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'.encode()
        finally:
            log.info("stream closed")

    response.content_type = "application/x-ndjson"
    return lines()


@api.get("/health")
def health() -> str:
    response.content_type = "text/plain"
    return "ok"


app = CORSMiddleware(
    api,
    resources={
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    make_server("127.0.0.1", 8000, app).serve_forever()
