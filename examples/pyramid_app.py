"""A Pyramid JSON API behind corsware.

Run it with any WSGI server: ``waitress-serve examples.pyramid_app:app``. The token check is a
security policy, and Pyramid checks a view's permission for OPTIONS too; corsware wraps the app
``make_wsgi_app()`` returns and answers preflights before Pyramid is called.
"""

import logging
from collections.abc import Iterator

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import Allowed, Denied

from corsware import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]


class BearerTokenPolicy:
    """Grants every permission to requests that carry the bearer token, and none to others."""

    def identity(self, request: Request) -> str | None:
        return "demo" if request.authorization == ("Bearer", TOKEN) else None

    def authenticated_userid(self, request: Request) -> str | None:
        return self.identity(request)

    def permits(self, request: Request, context: object, permission: str) -> Allowed | Denied:
        if self.identity(request) is None:
            return Denied("no bearer token")
        return Allowed("bearer token")


def unauthorized(request: Request) -> object:
    request.response.status = 401
    return {"error": "missing or wrong bearer token"}


def list_items(request: Request) -> object:
    request.response.headers["X-Total-Count"] = str(len(ITEMS))
    return ITEMS


def create_item(request: Request) -> object:
    request.response.status = 201
    return request.json_body


def me(request: Request) -> object:
    return {"user": "demo"}


def error(request: Request) -> object:
    request.response.status = 500
    return {"error": "database unavailable"}


def crash(request: Request) -> object:
    raise RuntimeError("a bug in a view")


def server_error(exc: Exception, request: Request) -> object:
    # Without an exception view Pyramid re-raises: the server then writes its own 500, which has
    # no CORS headers, and the browser reports a CORS error instead of the server error.
    log.error("unhandled exception", exc_info=exc)
    request.response.status = 500
    return {"error": "internal server error"}


def stream(request: Request) -> Response:
    def lines() -> Iterator[bytes]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'.encode()
        finally:
            log.info("stream closed")

    return Response(app_iter=lines(), content_type="application/x-ndjson")


def health(request: Request) -> Response:
    return Response("ok", content_type="text/plain")


def make_app() -> CORSMiddleware:
    with Configurator() as config:
        config.set_security_policy(BearerTokenPolicy())
        for name, path in [
            ("items", "/api/items"),
            ("me", "/api/me"),
            ("error", "/api/error"),
            ("crash", "/api/crash"),
            ("stream", "/api/stream"),
            ("health", "/health"),
        ]:
            config.add_route(name, path)
        config.add_view(list_items, route_name="items", request_method="GET", renderer="json")
        config.add_view(create_item, route_name="items", request_method="POST", renderer="json")
        config.add_view(me, route_name="me", renderer="json", permission="read")
        config.add_view(error, route_name="error", renderer="json")
        config.add_view(crash, route_name="crash", renderer="json")
        config.add_view(stream, route_name="stream")
        config.add_view(health, route_name="health")
        config.add_forbidden_view(unauthorized, renderer="json")
        config.add_exception_view(server_error, context=Exception, renderer="json")
        return CORSMiddleware(
            config.make_wsgi_app(),
            resources={
                "/api/*": {
                    "origins": ["http://localhost:3000", "https://app.example.com"],
                    "allow_credentials": True,
                    "expose_headers": ["X-Total-Count"],
                    "max_age": 600,
                }
            },
        )


app = make_app()

if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    make_server("127.0.0.1", 8000, app).serve_forever()
