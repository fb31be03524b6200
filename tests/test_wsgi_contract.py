"""PEP 3333 duties of a middleware: exc_info, write, the app's iterable, close(), streaming, input."""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pytest

from corsware import CORSMiddleware
from tests.conftest import linted

ORIGIN = "http://localhost:3000"


class ClosingBody:
    """An iterable body that counts how often close() is called and how far it was read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = 0

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.chunks)

    def __len__(self) -> int:
        return len(self.chunks)

    def close(self) -> None:
        self.closed += 1


def environ_for(method: str = "GET", path: str = "/r", **extra: str) -> dict[str, Any]:
    """A complete WSGI environ; ``extra`` holds environ keys such as ``HTTP_ORIGIN``."""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
    }
    setup_testing_defaults(environ)
    environ.update(extra)
    return environ


def test_app_iterable_is_returned_unchanged_and_closed_once() -> None:
    """The server gets the app's own object, so close(), len() and file wrappers survive."""
    body = ClosingBody([b"a", b"b"])

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> ClosingBody:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return body

    result = CORSMiddleware(app)(environ_for(HTTP_ORIGIN=ORIGIN), lambda *args: None)
    assert result is body
    response = linted(CORSMiddleware(app)).get("/", headers={"Origin": ORIGIN})
    assert response.body == b"ab"
    assert body.closed == 1


def test_streaming_generator_that_starts_the_response_late() -> None:
    """A generator app calls start_response on first iteration; headers are still added."""
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        for chunk in (b"one ", b"two ", b"three"):
            seen.append(chunk.decode())
            yield chunk

    response = linted(CORSMiddleware(app)).get("/", headers={"Origin": ORIGIN})
    assert response.body == b"one two three"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert seen == ["one ", "two ", "three"]


def test_write_callable_is_returned() -> None:
    """Legacy apps that write() through start_response's return value keep working."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"written ")
        return [b"returned"]

    response = linted(CORSMiddleware(app)).get("/", headers={"Origin": ORIGIN})
    assert response.body == b"written returned"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_exc_info_passes_through_and_the_replacement_headers_get_cors() -> None:
    """A second start_response with exc_info gets CORS headers once, on its own fresh list."""
    calls: list[tuple[str, list[tuple[str, str]], object]] = []

    def server_start_response(
        status: str, headers: list[tuple[str, str]], exc_info: object = None
    ) -> Callable[[bytes], None]:
        calls.append((status, headers, exc_info))
        return lambda data: None

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error"]

    CORSMiddleware(app, origins=[ORIGIN])(environ_for(HTTP_ORIGIN=ORIGIN), server_start_response)
    assert [call[0] for call in calls] == ["200 OK", "500 Internal Server Error"]
    assert calls[0][2] is None
    assert isinstance(calls[1][2], tuple)
    assert calls[1][2][0] is RuntimeError
    for _, headers, _ in calls:
        assert headers.count(("Access-Control-Allow-Origin", ORIGIN)) == 1
        assert headers.count(("Vary", "Origin")) == 1


def test_exception_from_the_app_propagates() -> None:
    """The middleware never traps an app's exception (the server turns it into a 500)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        raise LookupError("app failure")

    with pytest.raises(LookupError, match="app failure"):
        CORSMiddleware(app)(environ_for(HTTP_ORIGIN=ORIGIN), lambda *args: None)


class ExplodingInput(io.BytesIO):
    def read(self, *args: Any) -> bytes:
        raise AssertionError("wsgi.input must not be read")


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        pytest.param(
            "OPTIONS",
            {"HTTP_ORIGIN": ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"},
            id="preflight",
        ),
        pytest.param("POST", {"HTTP_ORIGIN": ORIGIN}, id="actual"),
    ],
)
def test_wsgi_input_is_never_read(method: str, headers: dict[str, str]) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b""]

    environ = environ_for(method, CONTENT_LENGTH="5", **headers)
    environ["wsgi.input"] = ExplodingInput(b"hello")
    result = CORSMiddleware(app)(environ, lambda *args: None)
    assert list(result) == [b""]


REQUESTS = [
    pytest.param(environ_for(HTTP_ORIGIN=ORIGIN), id="allowed actual"),
    pytest.param(environ_for(HTTP_ORIGIN="https://evil.example"), id="rejected actual"),
    pytest.param(environ_for(), id="no Origin"),
    pytest.param(environ_for("HEAD", HTTP_ORIGIN=ORIGIN), id="HEAD"),
    pytest.param(
        environ_for("OPTIONS", HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT"),
        id="allowed preflight",
    ),
    pytest.param(
        environ_for(
            "OPTIONS", HTTP_ORIGIN="https://evil.example", HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT"
        ),
        id="rejected preflight",
    ),
    pytest.param(environ_for(path="/elsewhere", HTTP_ORIGIN=ORIGIN), id="unmatched path"),
]


@pytest.mark.parametrize("environ", REQUESTS)
def test_every_response_passes_wsgiref_validate(environ: dict[str, Any]) -> None:
    """wsgiref.validate asserts on anything PEP 3333 forbids (header types, status, iterables)."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain"), ("Vary", "Accept")])
        return [b"ok"]

    checked = validator(
        CORSMiddleware(
            validator(app), resources={"/r": {"origins": [ORIGIN], "allow_credentials": True}}
        )
    )
    statuses: list[str] = []
    result = checked(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
    try:
        body = b"".join(result)
    finally:
        result.close()  # type: ignore[attr-defined]
    assert statuses
    assert body in {b"ok", b"", b"CORS preflight rejected: origin not allowed\n"}


def test_concurrent_requests_never_see_each_others_origin() -> None:
    """No per-request state lives on the middleware: each response carries its own origin."""
    origins = [f"http://localhost:{port}" for port in range(3000, 3016)]
    middleware = CORSMiddleware(
        lambda environ, start_response: (
            start_response("200 OK", [("Content-Type", "text/plain")]),
            [b""],
        )[1],
        origins=["http://localhost:*"],
    )
    failures: list[str] = []

    def hammer(origin: str) -> None:
        for _ in range(300):
            captured: list[list[tuple[str, str]]] = []
            middleware(environ_for(HTTP_ORIGIN=origin), lambda s, h, e=None, c=captured: c.append(h))
            if ("Access-Control-Allow-Origin", origin) not in captured[0]:
                failures.append(origin)

    threads = [threading.Thread(target=hammer, args=(origin,)) for origin in origins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert failures == []
