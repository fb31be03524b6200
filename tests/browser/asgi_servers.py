"""The API's server for ``corsware.asgi``: uvicorn on 127.0.0.1, the ASGI twins of `servers`.

`ASGIAPI` mounts one corsware-wrapped ASGI app per case under ``/<mount>/``, as `servers.API`
does for WSGI, and records what it receives, preflights and WebSocket handshakes included, in the
same `SeenRequest` form. The mount goes into ``root_path`` and stays in ``path``, as the ASGI
specification asks of a server since version 2.4 (and Starlette's Mount does), so corsware matches
its resources on the rest of the path. `echo_app` answers as `servers.echo_app` does;
`WebSocketEcho` echoes WebSocket messages and records every connection it was handed.

uvicorn runs in a thread of the test process, so the recordings need no channel between
processes; starting it and stopping it are both bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import uvicorn

from .servers import Recorder, SeenRequest, echo_response, request_fields

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

START_SECONDS = 10.0
GRACE_SECONDS = 5
"""How long uvicorn lets open connections finish when asked to stop (browsers keep idle ones)."""
STOP_SECONDS = 10.0
SWITCHING_PROTOCOLS = 101
"""The status a server answers a handshake with once the app has accepted it (RFC 6455 section 4.2.2)."""


def headers_of(scope: Scope) -> dict[str, str]:
    """The request headers by lower-case name, repeated ones joined with commas as WSGI joins them."""
    found: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        found[name] = f"{found[name]},{value}" if name in found else value
    return found


def route_path(scope: Scope) -> str:
    """The path under the app's mount: ``path`` without the ``root_path`` that `ASGIAPI` set."""
    path: str = scope["path"]
    return path[len(scope.get("root_path", "")) :]


async def echo_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The API behind corsware under ASGI: answers with `servers.echo_response`."""
    # Read the body to its end, as a WSGI server does for an app that leaves it, so that the
    # connection stays reusable for the browser's next request.
    while (await receive()).get("more_body", False):
        pass
    status, headers, body = echo_response(scope["method"], route_path(scope), headers_of(scope).get)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(name.lower().encode(), value.encode()) for name, value in headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class WebSocketEcho:
    """An ASGI app that accepts every WebSocket and answers each text message with ``echo: <text>``.

    It records what it was handed: the Origin of each connection and the code it was closed with.
    """

    def __init__(self) -> None:
        """Start having been handed nothing."""
        self.origins: list[str | None] = []
        self.close_codes: list[int] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Accept the connection and echo until the client closes it."""
        self.origins.append(headers_of(scope).get("origin"))
        while True:
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
            elif message["type"] == "websocket.receive":
                await send({"type": "websocket.send", "text": f"echo: {message.get('text')}"})
            else:
                self.close_codes.append(message.get("code", 1005))
                return


class ASGIAPI(Recorder[ASGIApp]):
    """An ASGI app that dispatches ``/<mount>/...`` to the app mounted there and records requests.

    A request is recorded when it is answered: at ``http.response.start``, at the denial response
    of a refused WebSocket handshake (ASGI's WebSocket Denial Response extension), or at
    ``websocket.accept`` with the 101 the server then sends.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record the request, then hand it to the app mounted under its first path segment."""
        name, app, rest = self.route(scope["path"])
        if app is None:
            if scope["type"] == "http":
                await send({"type": "http.response.start", "status": 404, "headers": []})
                await send({"type": "http.response.body", "body": b""})
            else:
                await send({"type": "websocket.close"})
            return
        # RFC 6455 section 4.1: a WebSocket handshake is a GET.
        method = scope.get("method", "GET")
        request = request_fields(method, rest, headers_of(scope).get)

        def recording_send(message: Message) -> Awaitable[None]:
            kind = message["type"]
            if kind in ("http.response.start", "websocket.http.response.start"):
                self.record(name, SeenRequest(status=message["status"], **request))
            elif kind == "websocket.accept":
                self.record(name, SeenRequest(status=SWITCHING_PROTOCOLS, **request))
            return send(message)

        mounted = {**scope, "root_path": scope.get("root_path", "") + "/" + name}
        await app(mounted, receive, recording_send)


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Serve `app` with uvicorn on 127.0.0.1 and a free port, in a thread; yield its origin.

    uvicorn sets no signal handlers outside the main thread and, with ``log_config=None``, leaves
    the process's logging alone. It always stops, even when the test fails: asked to exit, then
    forced if it has not within `STOP_SECONDS`.
    """
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        http="h11",
        # The sans-I/O websockets protocol: it supports the denial response extension corsware uses.
        ws="websockets-sansio",
        lifespan="off",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=GRACE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="browser-suite-uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("uvicorn exited before it was serving")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn was not serving within {START_SECONDS:.0f} s")
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=STOP_SECONDS)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=STOP_SECONDS)
        if thread.is_alive():
            raise RuntimeError(f"uvicorn did not stop within {2 * STOP_SECONDS:.0f} s")
