"""Drive WSGI and ASGI apps in-process, as a server would, with as little driver cost as possible.

A *call* is a zero-argument function that runs one whole request through an app: the app is called,
its body is consumed and closed. The same driver runs an app with and without the layer under test,
so the driver's own cost cancels out of the difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

Call = Callable[[], None]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ASGIApp = Callable[..., Any]


@dataclass(frozen=True)
class Response:
    """What a client would receive: the status code and the header lines, in order."""

    status: int
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str) -> str | None:
        """The value of the first header line called ``name`` (case-insensitive), or None."""
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)


def _write(data: bytes) -> None:
    """The ``write`` callable of PEP 3333; the benchmarked apps never use it."""


def null_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
    """A ``start_response`` that keeps nothing: the cheapest a server could be."""
    return _write


def wsgi_call(app: WSGIApp, environ: dict[str, Any]) -> Call:
    """A call that runs ``environ`` (copied, as each request gets its own) through a WSGI app."""

    def call() -> None:
        body = app(environ.copy(), null_start_response)
        for _chunk in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()

    return call


def wsgi_response(app: WSGIApp, environ: dict[str, Any]) -> Response:
    """Run one request through a WSGI app and return what the client receives."""
    seen: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen.append((status, headers))
        return _write

    body = app(environ.copy(), start_response)
    try:
        b"".join(body)
    finally:
        close = getattr(body, "close", None)
        if close is not None:
            close()
    status, headers = seen[-1]
    return Response(int(status.split(" ", 1)[0]), tuple(headers))


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _send(message: dict[str, Any]) -> None:
    pass


def _run_to_completion(coroutine: Any) -> None:
    """Run a coroutine that never suspends: the minimal event loop an in-process ASGI call needs."""
    try:
        coroutine.send(None)
    except StopIteration:
        return
    coroutine.close()
    msg = "the ASGI app suspended on the event loop; this driver runs only apps that never wait"
    raise RuntimeError(msg)


def asgi_call(app: ASGIApp, scope: dict[str, Any]) -> Call:
    """A call that runs ``scope`` (copied, as each request gets its own) through an ASGI app."""

    def call() -> None:
        _run_to_completion(app(scope.copy(), _receive, _send))

    return call


def asgi_response(app: ASGIApp, scope: dict[str, Any]) -> Response:
    """Run one request through an ASGI app and return what the client receives."""
    start: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            start.append(message)

    _run_to_completion(app(scope.copy(), _receive, send))
    headers = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in start[0]["headers"])
    return Response(start[0]["status"], headers)
