"""The bare apps, the identity middlewares (our floors), and corsware around the bare apps."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from benchmarks import scenario
from benchmarks.drivers import ASGIApp, WSGIApp


def bare_wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The app every WSGI layer wraps: a fixed two-byte answer to any request."""
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", "2")])
    return [b"ok"]


async def bare_asgi_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The same app for ASGI layers."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"2")],
        }
    )
    await send({"type": "http.response.body", "body": b"ok"})


class IdentityMiddleware:
    """The floor: the least a response-header middleware can do.

    It wraps ``start_response`` and appends one header, which is what every CORS layer must at least
    do to a response it does not answer itself.
    """

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def add_header(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers.append(("X-Identity", "1"))
            return start_response(status, headers, exc_info)

        return self.app(environ, add_header)


class IdentityASGIMiddleware:
    """The ASGI floor: wraps ``send`` and appends one header to ``http.response.start``.

    Its wrapper is an ``async def``, as any plain ASGI middleware would write it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def add_header(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"].append((b"x-identity", b"1"))
            await send(message)

        await self.app(scope, receive, add_header)


def corsware_app(app: WSGIApp = bare_wsgi_app, **options: Any) -> WSGIApp:
    """corsware around ``app``: the shared policy on ``/api/*`` unless ``resources`` is given."""
    from corsware import CORSMiddleware  # noqa: PLC0415 - optional until the core is installed

    if "resources" not in options:
        options = {"resources": {scenario.RESOURCE: scenario.CORSWARE_OPTIONS}}
    middleware: WSGIApp = CORSMiddleware(app, **options)
    return middleware


def corsware_asgi_app(app: ASGIApp = bare_asgi_app) -> ASGIApp:
    """corsware's ASGI middleware around ``app``, with the shared policy on ``/api/*``."""
    from corsware.asgi import CORSMiddleware  # noqa: PLC0415 - optional until the core is installed

    middleware: ASGIApp = CORSMiddleware(app, resources={scenario.RESOURCE: scenario.CORSWARE_OPTIONS})
    return middleware
