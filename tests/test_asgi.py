"""corsware.asgi in-process: the shared case table, the ASGI duties of a middleware, the WebSocket guard.

Every test drives the adapter with asyncio and the ASGI messages a server would exchange, and the
apps are plain ASGI callables, so nothing but the adapter stands between the test and the app.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from corsware import CORSMiddleware as WSGICORSMiddleware
from corsware.asgi import CORSMiddleware
from tests.integration.asgi_apps import plain
from tests.integration.cases import CASES, DEV_ORIGIN, Case, Outcome, check, check_explained

Scope = dict[str, Any]
Message = dict[str, Any]

ORIGIN = "http://localhost:3000"
OTHER = "https://evil.test"
TIMEOUT = 5.0
POLICY: dict[str, Any] = {
    "origins": [ORIGIN],
    "allow_credentials": True,
    "expose_headers": ["X-Total-Count"],
    "max_age": 600,
}
DENIAL = {"websocket.http.response": {}}


def http_scope(
    method: str = "GET",
    path: str = "/api/items",
    headers: Iterable[tuple[str, str]] = (),
    *,
    root_path: str = "",
) -> Scope:
    """An HTTP scope as uvicorn builds it: lower-case header names, latin-1 bytes."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8"),
        "root_path": root_path,
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            *((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


def websocket_scope(
    path: str = "/api/ws",
    origin: str | list[str] | None = ORIGIN,
    *,
    denial: bool = True,
    root_path: str = "",
) -> Scope:
    """A WebSocket scope; ``denial`` says whether the server offers the Denial Response extension."""
    origins = [] if origin is None else [origin] if isinstance(origin, str) else origin
    scope = http_scope("GET", path, [("Origin", value) for value in origins], root_path=root_path)
    del scope["method"]
    scope.update(type="websocket", scheme="ws", subprotocols=[])
    if denial:
        scope["extensions"] = DENIAL
    return scope


@dataclass
class Exchange:
    """The server's side of one connection: what the app was sent, and what it sent back."""

    incoming: list[Message] = field(default_factory=lambda: [{"type": "http.request", "body": b""}])
    sent: list[Message] = field(default_factory=list)
    received: int = 0

    async def receive(self) -> Message:
        self.received += 1
        return self.incoming.pop(0) if self.incoming else {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def outcome(self) -> Outcome:
        [start] = [message for message in self.sent if message["type"] == "http.response.start"]
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in start["headers"]]
        body = b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")
        return Outcome(start["status"], headers, body)


def run(app: Any, scope: Scope, exchange: Exchange | None = None) -> Exchange:
    """Run one connection through ``app`` to its end, within a bounded time."""
    exchange = exchange or Exchange()
    asyncio.run(asyncio.wait_for(app(scope, exchange.receive, exchange.send), TIMEOUT))
    return exchange


def case_scope(case: Case) -> tuple[Scope, Exchange]:
    scope = http_scope(case.method, case.path, case.request_headers().items())
    return scope, Exchange([{"type": "http.request", "body": case.encoded_body() or b""}])


def responder(*headers: tuple[bytes, bytes], status: int = 200, body: bytes = b"ok") -> Any:
    """An app that answers every request with these headers, and records the scopes it got."""

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        app.scopes.append(scope)  # type: ignore[attr-defined]
        await send({"type": "http.response.start", "status": status, "headers": list(headers)})
        await send({"type": "http.response.body", "body": body})

    app.scopes = []  # type: ignore[attr-defined]
    return app


def middleware(app: Any, **options: Any) -> CORSMiddleware:
    options.setdefault("resources", {"/api/*": POLICY})
    return CORSMiddleware(app, **options)


# --- the shared case table ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_case_table(case: Case) -> None:
    """The plain ASGI app answers the case as the table says, and as ``explain()`` predicts."""
    scope, exchange = case_scope(case)
    if case.crashes:  # no framework turns the exception into a 500: it reaches the server
        with pytest.raises(RuntimeError, match="a bug in the app"):
            run(plain, scope, exchange)
        assert exchange.sent == []
        return
    outcome = run(plain, scope, exchange).outcome()
    check(case, outcome)
    check_explained(case, outcome, plain)


def test_explain_matches_the_wsgi_middleware() -> None:
    wsgi = WSGICORSMiddleware(responder(), resources={"/api/*": POLICY})
    asgi = middleware(responder())
    assert asgi.resources == wsgi.resources
    for origin in (ORIGIN, OTHER, None):
        assert asgi.explain("GET", "/api/x", origin=origin) == wsgi.explain(
            "GET", "/api/x", origin=origin
        )


# --- what passes through untouched -------------------------------------------------------------------


@pytest.mark.parametrize(
    "scope",
    [
        pytest.param({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, id="lifespan"),
        pytest.param(
            {"type": "webtransport", "path": "/api/items", "headers": []}, id="unknown scope type"
        ),
        pytest.param(http_scope("GET", "/health", [("Origin", ORIGIN)]), id="http on an uncovered path"),
        pytest.param(websocket_scope("/health", OTHER), id="websocket on an uncovered path"),
    ],
)
def test_passes_through_untouched(scope: Scope) -> None:
    """The app gets the very scope, receive and send the server passed."""
    seen: list[tuple[Any, Any, Any]] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        seen.append((scope, receive, send))

    exchange = Exchange()
    original = dict(scope)
    run(middleware(app), scope, exchange)
    [(got_scope, got_receive, got_send)] = seen
    assert got_scope is scope
    assert scope == original
    assert got_receive == exchange.receive
    assert got_send == exchange.send
    assert exchange.received == 0


# --- exceptions and disconnects ----------------------------------------------------------------------


class BoomError(Exception):
    pass


@pytest.mark.parametrize("started", [False, True], ids=["before response start", "after response start"])
@pytest.mark.parametrize("path", ["/api/items", "/health"], ids=["covered path", "uncovered path"])
def test_app_exception_propagates(started: bool, path: str) -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        if started:
            await send({"type": "http.response.start", "status": 200, "headers": []})
        raise BoomError

    exchange = Exchange()
    with pytest.raises(BoomError):
        run(middleware(app), http_scope("GET", path, [("Origin", ORIGIN)]), exchange)
    assert len(exchange.sent) == int(started)
    if started and path == "/api/items":  # the response that did start got its CORS headers
        assert exchange.outcome().value("Access-Control-Allow-Origin") == ORIGIN


def test_client_disconnect_mid_stream_propagates() -> None:
    """The server's send raises once the client is gone; the app sees it, and so does the server."""
    events: list[str] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        try:
            for n in range(5):
                await send({"type": "http.response.body", "body": b"%d" % n, "more_body": True})
        except OSError:
            events.append("app saw the error")
            assert (await receive())["type"] == "http.disconnect"
            raise

    class Gone(Exchange):
        async def send(self, message: Message) -> None:
            if len(self.sent) == 2:
                raise OSError("connection reset by peer")
            await super().send(message)

    exchange = Gone(incoming=[])
    with pytest.raises(OSError, match="connection reset"):
        run(middleware(app), http_scope("GET", "/api/stream", [("Origin", ORIGIN)]), exchange)
    assert events == ["app saw the error"]
    assert [message["type"] for message in exchange.sent] == [
        "http.response.start",
        "http.response.body",
    ]


# --- the body: never read, never buffered ------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        pytest.param("POST", "/api/items", [("Origin", ORIGIN)], id="covered, allowed origin"),
        pytest.param("POST", "/api/items", [("Origin", OTHER)], id="covered, refused origin"),
        pytest.param("POST", "/api/items", [], id="covered, no Origin"),
        pytest.param(
            "OPTIONS",
            "/api/items",
            [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT")],
            id="preflight answered by corsware",
        ),
        pytest.param(
            "OPTIONS",
            "/api/items",
            [("Origin", OTHER), ("Access-Control-Request-Method", "PUT")],
            id="preflight refused by corsware",
        ),
        pytest.param("POST", "/health", [("Origin", ORIGIN)], id="uncovered"),
    ],
)
def test_body_is_never_read_by_corsware(method: str, path: str, headers: list[tuple[str, str]]) -> None:
    exchange = Exchange(incoming=[{"type": "http.request", "body": b"secret", "more_body": False}])
    run(middleware(responder()), http_scope(method, path, headers), exchange)
    assert exchange.received == 0
    assert exchange.outcome().status in (200, 403)


def test_app_reads_the_body_through_the_servers_receive() -> None:
    chunks = [
        {"type": "http.request", "body": b"one ", "more_body": True},
        {"type": "http.request", "body": b"two", "more_body": False},
    ]
    got: list[Message] = []

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        got.extend([await receive(), await receive()])
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"".join(m["body"] for m in got)})

    expected = [dict(chunk) for chunk in chunks]
    exchange = run(
        middleware(app), http_scope("POST", "/api/items", [("Origin", ORIGIN)]), Exchange(chunks)
    )
    assert got == expected
    assert exchange.outcome().body == b"one two"


def test_streamed_chunks_reach_send_one_by_one_as_they_come() -> None:
    """Each chunk is at the server before the app has the next one: nothing is held back."""
    chunks = [b"first\n", b"second\n", b"third\n"]

    async def scenario() -> list[bytes]:
        produced: asyncio.Queue[bytes | None] = asyncio.Queue()
        arrived: asyncio.Queue[Message] = asyncio.Queue()

        async def app(scope: Scope, receive: Any, send: Any) -> None:
            await send({"type": "http.response.start", "status": 200, "headers": []})
            while (chunk := await produced.get()) is not None:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})

        async def server_send(message: Message) -> None:
            await arrived.put(message)

        async def receive() -> Message:
            raise AssertionError("the body was read")

        task = asyncio.create_task(
            middleware(app)(http_scope("GET", "/api/stream", [("Origin", ORIGIN)]), receive, server_send)
        )
        start = await asyncio.wait_for(arrived.get(), TIMEOUT)
        assert (b"access-control-allow-origin", ORIGIN.encode()) in start["headers"]
        seen = []
        for chunk in chunks:
            assert arrived.empty()  # nothing arrives before the app has it
            await produced.put(chunk)
            message = await asyncio.wait_for(arrived.get(), TIMEOUT)
            seen.append(message["body"])
        await produced.put(None)
        assert (await asyncio.wait_for(arrived.get(), TIMEOUT)).get("more_body") is None
        await asyncio.wait_for(task, TIMEOUT)
        return seen

    assert asyncio.run(scenario()) == chunks


def test_messages_after_the_start_reach_the_server_as_the_app_sent_them() -> None:
    body = {"type": "http.response.body", "body": b"x", "more_body": False}
    trailers = {
        "type": "http.response.trailers",
        "headers": [(b"x-checksum", b"1")],
        "more_trailers": False,
    }

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [], "trailers": True})
        await send(body)
        await send(trailers)

    exchange = run(middleware(app), http_scope("GET", "/api/items", [("Origin", ORIGIN)]))
    assert exchange.sent[1] is body
    assert exchange.sent[2] is trailers
    assert exchange.sent[0]["trailers"] is True


# --- paths: root_path and the router's view ----------------------------------------------------------


@pytest.mark.parametrize(
    ("root_path", "path", "covered"),
    [
        pytest.param("/mnt", "/mnt/api/items", True, id="mounted at /mnt: /mnt/api/items is /api/items"),
        pytest.param("/mnt", "/mntx/api/items", False, id="/mntx is not under /mnt: not stripped"),
        pytest.param("/mnt", "/mnt", False, id="the mount point itself is the empty path"),
        pytest.param("/mnt", "/api/items", True, id="a server that leaves root_path out of path"),
        pytest.param("/mnt/", "/mnt//api/items", True, id="root_path with a trailing slash (uvicorn)"),
        pytest.param("/api", "/api/items", False, id="mounted at /api: the app sees /items"),
        pytest.param("", "/api/items", True, id="no root_path"),
    ],
)
def test_root_path_is_stripped_on_segment_boundaries(root_path: str, path: str, covered: bool) -> None:
    scope = http_scope("GET", path, [("Origin", ORIGIN)], root_path=root_path)
    outcome = run(middleware(responder()), scope).outcome()
    assert outcome.value("Access-Control-Allow-Origin") == (ORIGIN if covered else None)
    preflight = http_scope(
        "OPTIONS",
        path,
        [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT")],
        root_path=root_path,
    )
    app = responder(status=204)
    answer = run(middleware(app), preflight).outcome()
    assert (answer.status, bool(app.scopes)) == ((200, False) if covered else (204, True))
    socket = websocket_scope(path, OTHER, root_path=root_path)
    assert accepted_by_app(middleware(echo_app), socket) is not covered


def test_long_paths_are_decided_every_time() -> None:
    """Paths over the memo's length are not remembered, and still get the same answer."""
    app = middleware(responder())
    long_path = "/api/" + "x" * 600
    for _ in range(2):
        outcome = run(app, http_scope("GET", long_path, [("Origin", ORIGIN)])).outcome()
        assert outcome.value("Access-Control-Allow-Origin") == ORIGIN


# --- request headers ---------------------------------------------------------------------------------


def wsgi_answer(environ_headers: dict[str, str], method: str = "GET") -> Outcome:
    """What the WSGI middleware answers, for comparison (one spy app behind it)."""
    captured: list[tuple[str, list[tuple[str, str]]]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/api/items", **environ_headers}
    wsgi = WSGICORSMiddleware(app, resources={"/api/*": {**POLICY, "allow_headers": ["X-A", "X-B"]}})
    body = b"".join(
        wsgi(environ, lambda status, headers, exc_info=None: captured.append((status, headers)))
    )
    [(status, headers)] = captured
    return Outcome(int(status.split()[0]), headers, body)


@pytest.mark.parametrize(
    ("method", "headers", "environ"),
    [
        pytest.param(
            "GET",
            [("Origin", ORIGIN), ("Origin", ORIGIN)],
            {"HTTP_ORIGIN": f"{ORIGIN},{ORIGIN}"},
            id="two Origin lines are one malformed Origin",
        ),
        pytest.param(
            "OPTIONS",
            [("Origin", ORIGIN), ("Origin", OTHER), ("Access-Control-Request-Method", "PUT")],
            {"HTTP_ORIGIN": f"{ORIGIN},{OTHER}", "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"},
            id="preflight with two Origin lines",
        ),
        pytest.param(
            "OPTIONS",
            [
                ("Origin", ORIGIN),
                ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "x-a"),
                ("Access-Control-Request-Headers", "x-b"),
            ],
            {
                "HTTP_ORIGIN": ORIGIN,
                "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT",
                "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "x-a,x-b",
            },
            id="preflight with two Access-Control-Request-Headers lines",
        ),
        pytest.param(
            "OPTIONS",
            [
                ("Origin", ORIGIN),
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Method", "PUT"),
            ],
            {"HTTP_ORIGIN": ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "GET,PUT"},
            id="preflight with two requested methods",
        ),
        pytest.param(
            "GET",
            [("Origin", "https://caf\xe9.example")],
            {"HTTP_ORIGIN": "https://caf\xe9.example"},
            id="latin-1 Origin",
        ),
    ],
)
def test_repeated_headers_are_joined_as_wsgi_servers_join_them(
    method: str, headers: list[tuple[str, str]], environ: dict[str, str]
) -> None:
    asgi = CORSMiddleware(responder(), resources={"/api/*": {**POLICY, "allow_headers": ["X-A", "X-B"]}})
    got = run(asgi, http_scope(method, "/api/items", headers)).outcome()
    want = wsgi_answer(environ, method)
    assert got.status == want.status
    assert got.cors_headers() == want.cors_headers()
    assert got.tokens("Vary") == want.tokens("Vary")
    assert got.body == want.body


def test_request_header_names_are_read_as_asgi_delivers_them_lower_case() -> None:
    """ASGI servers lower-case request header names; a name that is not is not read as Origin."""
    scope = http_scope("GET", "/api/items")
    scope["headers"] = [(b"Origin", ORIGIN.encode())]
    outcome = run(middleware(responder()), scope).outcome()
    assert outcome.cors_headers() == {}
    assert outcome.tokens("Vary") == {"origin"}


# --- response headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app_headers", "expected"),
    [
        pytest.param(
            [(b"content-type", b"text/plain")],
            [(b"content-type", b"text/plain")],
            id="no header of corsware's: appended",
        ),
        pytest.param(
            [(b"vary", b"Accept-Encoding")],
            [(b"vary", b"Accept-Encoding, Origin")],
            id="the app's Vary is merged",
        ),
        pytest.param(
            [(b"Vary", b"origin")], [(b"Vary", b"origin")], id="Vary: origin already, any case"
        ),
        pytest.param([(b"VARY", b"*")], [(b"VARY", b"*")], id="Vary: * already covers Origin"),
        pytest.param(
            [(b"vary", b"Accept"), (b"vary", b"Cookie")],
            [(b"vary", b"Accept, Origin"), (b"vary", b"Cookie")],
            id="two Vary lines: merged into the first",
        ),
        pytest.param(
            [(b"access-control-allow-origin", b"*"), (b"x-a", b"1")],
            [(b"x-a", b"1")],
            id="the app's Allow-Origin is replaced",
        ),
        pytest.param(
            [(b"Access-Control-Allow-Credentials", b"false"), (b"Access-Control-Max-Age", b"9")],
            [],
            id="the app's Access-Control-* in any case are dropped",
        ),
        pytest.param(
            [(b"age", b"5"), (b"accept-ranges", b"bytes")],
            [(b"age", b"5"), (b"accept-ranges", b"bytes")],
            id="other names with the same initials are kept",
        ),
    ],
)
def test_response_headers_merge_like_wsgi(
    app_headers: list[tuple[bytes, bytes]], expected: list[tuple[bytes, bytes]]
) -> None:
    scope = http_scope("GET", "/api/items", [("Origin", ORIGIN)])
    start = run(middleware(responder(*app_headers)), scope).sent[0]
    ours = [
        (b"access-control-allow-origin", ORIGIN.encode()),
        (b"access-control-allow-credentials", b"true"),
        (b"access-control-expose-headers", b"X-Total-Count"),
    ]
    vary_merged = any(name.lower() == b"vary" for name, _ in app_headers)
    assert start["headers"] == [*expected, *ours, *([] if vary_merged else [(b"vary", b"Origin")])]


def test_response_header_names_keep_the_apps_case() -> None:
    scope = http_scope("GET", "/api/items", [("Origin", ORIGIN)])
    start = run(
        middleware(responder((b"Content-Type", b"text/plain"), (b"Vary", b"Accept"))), scope
    ).sent[0]
    assert start["headers"][:2] == [(b"Content-Type", b"text/plain"), (b"Vary", b"Accept, Origin")]
    assert all(name == name.lower() for name, _ in start["headers"][2:])


def test_preflight_answer_is_corswares_own() -> None:
    app = responder()
    scope = http_scope(
        "OPTIONS", "/api/items", [("Origin", OTHER), ("Access-Control-Request-Method", "PUT")]
    )
    exchange = run(middleware(app), scope)
    assert app.scopes == []
    start, body = exchange.sent
    assert start["status"] == 403
    assert (b"content-type", b"text/plain; charset=utf-8") in start["headers"]
    assert (b"content-length", str(len(body["body"])).encode()) in start["headers"]
    assert body == {
        "type": "http.response.body",
        "body": b"CORS preflight rejected: origin not allowed\n",
    }


def test_servers_may_change_the_header_list_they_are_given() -> None:
    """Each preflight answer gets a list of its own, so a server adding to it changes no other."""

    class Stamping(Exchange):
        async def send(self, message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"].append((b"server", b"stamp"))
            await super().send(message)

    app = middleware(responder())
    scope = http_scope(
        "OPTIONS", "/api/items", [("Origin", ORIGIN), ("Access-Control-Request-Method", "PUT")]
    )
    first = run(app, dict(scope), Stamping()).outcome()
    second = run(app, dict(scope), Stamping()).outcome()
    assert first.values("server") == second.values("server") == ["stamp"]


def test_an_app_may_reuse_its_start_message() -> None:
    """The WSGI middleware hands the server a new header list; an app's own objects stay as they were."""
    start = {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
    body = {"type": "http.response.body", "body": b"ok"}

    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await send(start)
        await send(body)

    wrapped = middleware(app)
    run(wrapped, http_scope("GET", "/api/items", [("Origin", ORIGIN)]))
    assert start["headers"] == [(b"content-type", b"text/plain")]
    uncovered = run(wrapped, http_scope("GET", "/health", [("Origin", ORIGIN)])).outcome()
    assert uncovered.cors_headers() == {}


def test_headers_may_be_any_iterable() -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        headers: Iterator[tuple[bytes, bytes]] = iter(
            [(b"content-type", b"text/plain"), (b"vary", b"Accept")]
        )
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    outcome = run(middleware(app), http_scope("GET", "/api/items", [("Origin", ORIGIN)])).outcome()
    assert outcome.value("content-type") == "text/plain"
    assert outcome.tokens("Vary") == {"accept", "origin"}


def test_a_start_message_without_headers_gets_corswares() -> None:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 204})
        await send({"type": "http.response.body"})

    outcome = run(middleware(app), http_scope("GET", "/api/items", [("Origin", ORIGIN)])).outcome()
    assert outcome.value("Access-Control-Allow-Origin") == ORIGIN
    assert outcome.value("Vary") == "Origin"


# --- logging -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "logged"),
    [
        pytest.param(
            http_scope(
                "OPTIONS", "/api/x", [("Origin", OTHER), ("Access-Control-Request-Method", "PUT")]
            ),
            "CORS preflight rejected (origin not allowed): 'OPTIONS' '/api/x' from origin 'https://evil.test',"
            " requested method 'PUT', headers (none)",
            id="refused preflight",
        ),
        pytest.param(
            http_scope("GET", "/api/x", [("Origin", "https://evil.test\r\nX: y")]),
            "CORS actual rejected (origin not allowed): 'GET' '/api/x' from origin"
            " 'https://evil.test\\r\\nX: y', requested method (none), headers (none)",
            id="refused actual request, control characters escaped",
        ),
        pytest.param(
            websocket_scope("/api/ws", OTHER),
            "WebSocket handshake refused (origin not allowed): '/api/ws' from origin 'https://evil.test'",
            id="refused WebSocket handshake",
        ),
    ],
)
def test_refusals_are_logged_at_debug(
    scope: Scope, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    exchange = Exchange(incoming=[{"type": "websocket.connect"}] if scope["type"] == "websocket" else [])
    with caplog.at_level(logging.DEBUG, logger="corsware"):
        run(middleware(echo_app), scope, exchange)
    assert caplog.messages == [logged]


def test_refusals_are_not_logged_above_debug(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="corsware"):
        run(middleware(responder()), http_scope("GET", "/api/x", [("Origin", OTHER)]))
        run(
            middleware(echo_app),
            websocket_scope("/api/ws", OTHER),
            Exchange(incoming=[{"type": "websocket.connect"}]),
        )
    assert caplog.messages == []


# --- the WebSocket guard -----------------------------------------------------------------------------


async def echo_app(scope: Scope, receive: Any, send: Any) -> None:
    """Accepts a handshake and echoes one message; answers HTTP with 200."""
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept"})
    message = await receive()
    if message["type"] == "websocket.receive":
        await send({"type": "websocket.send", "text": message["text"]})


def accepted_by_app(app: Any, scope: Scope) -> bool:
    exchange = run(app, scope, Exchange(incoming=[{"type": "websocket.connect"}, *HELLO]))
    return exchange.sent[:1] == [{"type": "websocket.accept"}]


HELLO = [{"type": "websocket.receive", "text": "hello"}]
ACCEPTED = [{"type": "websocket.accept"}, {"type": "websocket.send", "text": "hello"}]
DENIED = [
    {
        "type": "websocket.http.response.start",
        "status": 403,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"48")],
    },
    {
        "type": "websocket.http.response.body",
        "body": b"WebSocket handshake refused: origin not allowed\n",
    },
]
CLOSED = [{"type": "websocket.close", "code": 1008}]
SPLIT = {"/api/*": {"origins": "*"}, "/admin/*": {"origins": [ORIGIN]}}


@pytest.mark.parametrize(
    ("resources", "scope", "expected"),
    [
        pytest.param({"/api/*": POLICY}, websocket_scope(origin=ORIGIN), ACCEPTED, id="allowed origin"),
        pytest.param(
            {"/api/*": POLICY},
            websocket_scope(origin=OTHER),
            DENIED,
            id="refused, with the denial extension",
        ),
        pytest.param(
            {"/api/*": POLICY},
            websocket_scope(origin=OTHER, denial=False),
            CLOSED,
            id="refused, without the denial extension: closed before accept",
        ),
        pytest.param(
            {"/api/*": POLICY},
            websocket_scope(origin="null"),
            DENIED,
            id="opaque origin (null) refused",
        ),
        pytest.param(
            {"/api/*": POLICY},
            websocket_scope(origin=[ORIGIN, ORIGIN]),
            DENIED,
            id="two Origin lines are refused",
        ),
        pytest.param({"/api/*": POLICY}, websocket_scope(origin=None), ACCEPTED, id="no Origin passes"),
        pytest.param(
            {"/api/*": {**POLICY, "websocket_guard": False}},
            websocket_scope(origin=OTHER),
            ACCEPTED,
            id="guard off for the resource",
        ),
        pytest.param(
            {"/api/*": POLICY},
            websocket_scope("/ws", origin=OTHER),
            ACCEPTED,
            id="path no resource covers",
        ),
        pytest.param(
            {"/api/*": {"origins": "*"}},
            websocket_scope(origin=OTHER),
            ACCEPTED,
            id="origins * lets all through",
        ),
        pytest.param(
            SPLIT,
            websocket_scope("/api/../admin/ws", origin=OTHER),
            DENIED,
            id="a path whose dot segments lead to another resource",
        ),
        pytest.param(
            SPLIT, websocket_scope("/api/ws", origin=OTHER), ACCEPTED, id="the open resource itself"
        ),
        pytest.param(
            SPLIT, websocket_scope("/admin/ws", origin=OTHER), DENIED, id="the guarded resource itself"
        ),
        pytest.param(
            {"/api/*": POLICY},
            websocket_scope("/mnt/api/ws", OTHER, root_path="/mnt"),
            DENIED,
            id="mounted at /mnt",
        ),
    ],
)
def test_websocket_guard(resources: dict[str, Any], scope: Scope, expected: list[Message]) -> None:
    exchange = run(
        CORSMiddleware(echo_app, resources=resources),
        scope,
        Exchange(incoming=[{"type": "websocket.connect"}, *HELLO]),
    )
    assert exchange.sent == expected
    refused = expected is not ACCEPTED
    assert exchange.received == (1 if refused else 2)


def test_websocket_guard_option_at_the_top_level() -> None:
    app = CORSMiddleware(echo_app, origins=[ORIGIN], websocket_guard=False)
    assert accepted_by_app(app, websocket_scope(origin=OTHER))


def test_websocket_client_that_leaves_before_the_handshake_is_sent_nothing() -> None:
    exchange = run(
        middleware(echo_app),
        websocket_scope(origin=OTHER),
        Exchange(incoming=[{"type": "websocket.disconnect", "code": 1006}]),
    )
    assert exchange.sent == []
    assert exchange.received == 1


def test_websocket_handshake_with_credentials_policy_still_judged_by_origin() -> None:
    """Browsers send cookies with every handshake: only the origin list decides, as for any policy."""
    strict = {"/api/*": {"origins": [ORIGIN], "allow_credentials": False}}
    app = CORSMiddleware(echo_app, resources=strict)
    assert accepted_by_app(app, websocket_scope(origin=ORIGIN))
    assert not accepted_by_app(app, websocket_scope(origin=OTHER))


def test_stream_close_reaches_the_app(caplog: pytest.LogCaptureFixture) -> None:
    """The plain app's stream runs its cleanup when the server's send fails mid-stream."""

    class Gone(Exchange):
        async def send(self, message: Message) -> None:
            if message["type"] == "http.response.body":
                raise OSError("broken pipe")
            await super().send(message)

    with (
        caplog.at_level(logging.INFO, logger="tests.integration.asgi_apps"),
        pytest.raises(OSError, match="broken pipe"),
    ):
        run(plain, http_scope("GET", "/api/stream", [("Origin", DEV_ORIGIN)]), Gone())
    assert "stream closed" in caplog.messages
