"""A Falcon JSON API behind corsware.

Run it with any WSGI server: ``gunicorn examples.falcon_app:app``. Falcon's own CORS support stays
off (``cors_enable`` is False by default): two CORS layers would fight over the same headers.
The token check is a Falcon middleware, which runs for OPTIONS as well; corsware wraps the
``falcon.App`` and answers preflights before Falcon sees them.
"""

import logging
from collections.abc import Iterator

import falcon

from corsware import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]


class BearerToken:
    """Falcon middleware: rejects requests to /api/me without the bearer token."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        if req.path == "/api/me" and req.get_header("Authorization") != f"Bearer {TOKEN}":
            raise falcon.HTTPUnauthorized(description="missing or wrong bearer token")


class Items:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = ITEMS
        resp.set_header("X-Total-Count", str(len(ITEMS)))

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = req.get_media()
        resp.status = falcon.HTTP_201


class Me:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"user": "demo"}


class Error:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"error": "database unavailable"}
        resp.status = falcon.HTTP_500


class Crash:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        raise RuntimeError("a bug in a responder")


class Stream:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        def lines() -> Iterator[bytes]:
            try:
                for n in range(5):
                    yield f'{{"n": {n}}}\n'.encode()
            finally:
                log.info("stream closed")

        resp.content_type = "application/x-ndjson"
        resp.stream = lines()


class Health:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.content_type = falcon.MEDIA_TEXT
        resp.text = "ok"


api = falcon.App(middleware=[BearerToken()])
api.add_route("/api/items", Items())
api.add_route("/api/me", Me())
api.add_route("/api/error", Error())
api.add_route("/api/crash", Crash())
api.add_route("/api/stream", Stream())
api.add_route("/health", Health())

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
