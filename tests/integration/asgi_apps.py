"""The ASGI apps under test, and the ASGI servers (uvicorn, hypercorn, granian) that serve them.

Every app serves the routes of the shared case table (`cases.py`) behind ``corsware.asgi``, wrapped
outermost, plus a WebSocket echo at ``/api/ws``:

- `plain`: no framework at all, the ASGI twin of ``examples/gunicorn_app.py`` (an exception raised
  in it reaches the server);
- the examples ``examples/fastapi_app.py``, ``examples/starlette_app.py`` and
  ``examples/django_app/asgi.py``;
- Litestar and Quart apps, and the Django project under Channels (for its WebSocket), kept here as
  functions that build them (servers are told to call them): importing this module imports no
  framework, so a server that serves `plain` loads none, and Django is configured only by whoever
  asks for it.

`running` starts a server as a child process on 127.0.0.1, as ``servers.running`` does for the WSGI
servers: ``python -m tests.integration.asgi_apps SECONDS SERVER ARGS...`` arms a deadline and stops
with its parent, then hands over to the server's own command-line entry point.
"""

import ctypes
import importlib
import json
import logging
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, replace
from types import FrameType
from typing import Any

from corsware.asgi import CORSMiddleware

from .servers import (
    REPO_ROOT,
    START_TIMEOUT,
    STOP_TIMEOUT,
    Server,
    child_environment,
    pump_output,
    stop,
    wait_for_port,
)

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]
MAX_BODY = 64 * 1024
# The policy of every framework example (`plain` takes a wider origin list, as gunicorn_app does).
RESOURCES: dict[str, dict[str, Any]] = {
    "/api/*": {
        "origins": ["http://localhost:3000", "https://app.example.com"],
        "allow_credentials": True,
        "expose_headers": ["X-Total-Count"],
        "max_age": 600,
    }
}


# --- plain: the case table's routes with nothing but ASGI -------------------------------------------


async def respond(send: Send, status: int, data: object, *extra: tuple[bytes, bytes]) -> None:
    body = json.dumps(data).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *extra]})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise OSError("the client went away while sending its body")
        body += message.get("body", b"")
        if len(body) > MAX_BODY:
            raise ValueError("request body too large")
        if not message.get("more_body", False):
            return body


async def list_items(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, 200, ITEMS, (b"x-total-count", str(len(ITEMS)).encode()))


async def create_item(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, 201, json.loads(await read_body(receive) or b"null"))


async def me(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, 200, {"user": "demo"})


async def echo_query(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, 200, {"query": scope["query_string"].decode("latin-1")})


async def error(scope: Scope, receive: Receive, send: Send) -> None:
    await respond(send, 500, {"error": "database unavailable"})


async def crash(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a bug in the app")


async def stream(scope: Scope, receive: Receive, send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/x-ndjson")],
        }
    )
    try:
        for n in range(5):
            await send(
                {"type": "http.response.body", "body": f'{{"n": {n}}}\n'.encode(), "more_body": True}
            )
        await send({"type": "http.response.body", "body": b""})
    finally:
        log.info("stream closed")


async def health(scope: Scope, receive: Receive, send: Send) -> None:
    headers = [(b"content-type", b"text/plain"), (b"content-length", b"2")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


async def echo_socket(scope: Scope, receive: Receive, send: Send) -> None:
    """Accept the handshake, then send every text message back until the client closes."""
    while True:
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.accept"})
        elif message["type"] == "websocket.receive":
            await send({"type": "websocket.send", "text": message.get("text") or ""})
        else:  # websocket.disconnect
            return


ROUTES: dict[tuple[str, str], ASGIApp] = {
    ("GET", "/api/items"): list_items,
    ("POST", "/api/items"): create_item,
    ("GET", "/api/me"): me,
    ("GET", "/api/echo"): echo_query,
    ("GET", "/api/error"): error,
    ("GET", "/api/crash"): crash,
    ("GET", "/api/stream"): stream,
    ("GET", "/health"): health,
}


def route_path(scope: Scope) -> str:
    """The path without the root_path the app is mounted at, as Starlette's router reads it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] in ("", "/"):
        return path[len(root) :]
    return path


async def api(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    if scope["type"] == "websocket":
        if route_path(scope) != "/api/ws":
            await receive()
            await send({"type": "websocket.close", "code": 1000})
            return
        await echo_socket(scope, receive, send)
        return
    route = ROUTES.get((scope["method"], route_path(scope)))
    if route is None:
        await respond(send, 404, {"error": "not found"})
        return
    await route(scope, receive, send)


def bearer_token(app: ASGIApp) -> ASGIApp:
    """Auth middleware: refuses /api/me without the token, whatever the method (OPTIONS too)."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and route_path(scope) == "/api/me":
            authorization = dict(scope["headers"]).get(b"authorization")
            if authorization != f"Bearer {TOKEN}".encode():
                await respond(send, 401, {"error": "missing or wrong bearer token"})
                return
        await app(scope, receive, send)

    return guarded


# CORS outermost, around the auth layer: preflights carry no credentials.
plain = CORSMiddleware(
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


# --- Litestar, Quart and Django with Channels, built on first use ------------------------------------


def build_litestar() -> ASGIApp:
    from litestar import Litestar, Request, Response, WebSocket, get, post, websocket  # noqa: PLC0415
    from litestar.exceptions import WebSocketDisconnect  # noqa: PLC0415
    from litestar.response import Stream  # noqa: PLC0415

    def require_token(request: Request[Any, Any, Any]) -> Response[Any] | None:
        if request.url.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response({"error": "missing or wrong bearer token"}, status_code=401)
        return None

    @get("/api/items")
    async def items() -> Response[list[dict[str, Any]]]:
        return Response(ITEMS, headers={"X-Total-Count": str(len(ITEMS))})

    @post("/api/items")
    async def create(request: Request[Any, Any, Any]) -> Response[Any]:
        return Response(json.loads(await request.body()), status_code=201)

    @get("/api/me")
    async def who() -> dict[str, str]:
        return {"user": "demo"}

    @get("/api/error")
    async def fail() -> Response[dict[str, str]]:
        return Response({"error": "database unavailable"}, status_code=500)

    @get("/api/crash")
    async def raises() -> None:
        raise RuntimeError("a bug in a view")

    @get("/api/stream")
    async def lines() -> Stream:
        def chunks() -> Iterator[str]:
            try:
                for n in range(5):
                    yield f'{{"n": {n}}}\n'
            finally:
                log.info("stream closed")

        return Stream(chunks(), media_type="application/x-ndjson")

    @get("/health", media_type="text/plain")
    async def ok() -> str:
        return "ok"

    @websocket("/api/ws")
    async def echo(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.accept()
        try:
            while True:
                await socket.send_text(await socket.receive_text())
        except WebSocketDisconnect:
            pass

    app = Litestar(
        [items, create, who, fail, raises, lines, ok, echo],
        before_request=require_token,
        # Litestar logs a handled 500 with its traceback; the tests read the response instead.
        logging_config=None,
    )
    return CORSMiddleware(app, resources=RESOURCES)


def build_quart() -> ASGIApp:
    from quart import Quart, Response, jsonify, request, websocket  # noqa: PLC0415

    app = Quart(__name__)

    @app.before_request
    async def require_token() -> tuple[Response, int] | None:
        if request.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return jsonify(error="missing or wrong bearer token"), 401
        return None

    @app.get("/api/items")
    async def items() -> tuple[Response, dict[str, str]]:
        return jsonify(ITEMS), {"X-Total-Count": str(len(ITEMS))}

    @app.post("/api/items")
    async def create() -> tuple[Response, int]:
        return jsonify(await request.get_json()), 201

    @app.get("/api/me")
    async def who() -> Response:
        return jsonify(user="demo")

    @app.get("/api/error")
    async def fail() -> tuple[Response, int]:
        return jsonify(error="database unavailable"), 500

    @app.get("/api/crash")
    async def raises() -> Response:
        raise RuntimeError("a bug in a view")

    @app.get("/api/stream")
    async def lines() -> tuple[Any, dict[str, str]]:
        async def chunks() -> Any:
            try:
                for n in range(5):
                    yield f'{{"n": {n}}}\n'.encode()
            finally:
                log.info("stream closed")

        return chunks(), {"Content-Type": "application/x-ndjson"}

    @app.get("/health")
    async def ok() -> Response:
        return Response("ok", content_type="text/plain")

    @app.websocket("/api/ws")
    async def echo() -> None:
        while True:
            await websocket.send(await websocket.receive())

    return CORSMiddleware(app, resources=RESOURCES)


def build_django_channels() -> ASGIApp:
    """The example Django project for HTTP, and a Channels consumer for the WebSocket."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "examples.django_app.settings")
    from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: PLC0415
    from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: PLC0415
    from django.core.asgi import get_asgi_application  # noqa: PLC0415
    from django.urls import path  # noqa: PLC0415

    http = get_asgi_application()

    class Echo(AsyncWebsocketConsumer):  # type: ignore[misc]
        async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
            await self.send(text_data=text_data or "")

    router = ProtocolTypeRouter({"http": http, "websocket": URLRouter([path("api/ws", Echo.as_asgi())])})
    return CORSMiddleware(router, resources=RESOURCES)


_built: dict[str, ASGIApp] = {}


def built(builder: Callable[[], ASGIApp]) -> ASGIApp:
    """The app ``builder`` builds, built once per process."""
    if builder.__name__ not in _built:
        _built[builder.__name__] = builder()
    return _built[builder.__name__]


@dataclass(frozen=True, slots=True)
class Framework:
    """An ASGI app under test: where it lives and whether it turns a raising view into a 500.

    Attributes:
        name: Test id.
        module: Dotted module name.
        attribute: The module's ASGI app wrapped in corsware, or the function that builds it.
        factory: Whether ``attribute`` is such a function (servers are told to call it).
        handles_exceptions: Whether the framework answers an exception in a view with a 500 page
            (``plain`` lets it reach the server).
    """

    name: str
    module: str
    attribute: str = "app"
    factory: bool = False
    handles_exceptions: bool = True

    @property
    def target(self) -> str:
        """The ``module:attribute`` a server is given."""
        return f"{self.module}:{self.attribute}"

    def load(self) -> CORSMiddleware:
        """Import the app (building it once, if it is built) and return it."""
        found = getattr(importlib.import_module(self.module), self.attribute)
        app = built(found) if self.factory else found
        assert isinstance(app, CORSMiddleware), f"{self.target} is not wrapped in corsware outermost"
        return app


# By its full name, which the servers' child processes import it by too (pytest may import this file
# as ``integration.asgi_apps``, with tests/ on its path).
HERE = "tests.integration.asgi_apps"
FRAMEWORKS = [
    Framework("fastapi", "examples.fastapi_app"),
    Framework("starlette", "examples.starlette_app"),
    Framework("django", "examples.django_app.asgi", "application"),
    Framework("litestar", HERE, "build_litestar", factory=True),
    Framework("quart", HERE, "build_quart", factory=True),
]
PLAIN = Framework("plain-asgi", HERE, "plain", handles_exceptions=False)
DJANGO_CHANNELS = Framework("django-channels", HERE, "build_django_channels", factory=True)


# --- servers ----------------------------------------------------------------------------------------

LIFETIME = 240  # seconds: a server outliving its tests stops by itself
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# uvicorn: "Uvicorn running on http://127.0.0.1:PORT"; hypercorn: "Running on http://127.0.0.1:PORT";
# granian: "Listening at: http://127.0.0.1:PORT" (the port it was given: it cannot report port 0).
STARTED = re.compile(r"(?:running on|Running on|Listening at:) http://127\.0\.0\.1:(\d+)")


@dataclass(frozen=True, slots=True)
class ServerKind:
    """An ASGI server's command line, with ``{port}`` and ``{app}`` to fill in.

    Attributes:
        name: Test id.
        arguments: The server's command-line arguments.
        factory: How the server is told that the app is a function to call: an option to add, or,
            for hypercorn, ``()`` after the name.
        picks_port: Whether the server reports the port the kernel chose for port 0.
    """

    name: str
    arguments: tuple[str, ...]
    factory: str = "--factory"
    picks_port: bool = True

    def command(self, framework: Framework, port: int) -> list[str]:
        """The arguments, filled in for ``framework`` on ``port``."""
        app = framework.target
        options: list[str] = []
        if framework.factory and self.factory == "()":
            app += "()"
        elif framework.factory:
            options.append(self.factory)
        filled = [argument.format(app=app, port=port) for argument in self.arguments]
        return [*filled[:1], *options, *filled[1:]]

    def with_options(self, *options: str) -> "ServerKind":
        """The same server with more options."""
        return replace(self, arguments=(*self.arguments[:1], *options, *self.arguments[1:]))


UVICORN = ServerKind(
    "uvicorn", ("uvicorn", "--host", "127.0.0.1", "--port", "{port}", "--no-access-log", "{app}")
)
HYPERCORN = ServerKind("hypercorn", ("hypercorn", "--bind", "127.0.0.1:{port}", "{app}"), factory="()")
GRANIAN = ServerKind(
    "granian",
    (
        *("granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", "{port}"),
        *("--workers", "1", "{app}"),
    ),
    picks_port=False,
)
SERVERS = [UVICORN, HYPERCORN, GRANIAN]


def free_port() -> int:
    """A port nobody listens on now, for a server that cannot report the one it was given."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(kind: ServerKind, framework: Framework) -> Iterator[Server]:
    """Start ``kind`` serving ``framework``'s app on 127.0.0.1; yield it; stop it.

    The server runs in its own session, so that stopping it by its PID also reaches any worker
    process it started (granian's), even when the test fails.
    """
    port = 0 if kind.picks_port else free_port()
    process = subprocess.Popen(  # noqa: S603 - our own launcher, with fixed arguments
        [sys.executable, "-m", HERE, str(LIFETIME), *kind.command(framework, port)],
        cwd=REPO_ROOT,
        # Unbuffered, so that the start-up line arrives as soon as it is written.
        env={**child_environment(), "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    log_lines: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    pump = threading.Thread(target=pump_output, args=(process.stdout, lines, log_lines), daemon=True)
    pump.start()
    try:
        reported = wait_for_port(process, lines, log_lines, STARTED)
        assert kind.picks_port or reported == port, log_lines
        _wait_until_accepting(reported, process, log_lines)
        yield Server(reported, log_lines)
    finally:
        stop(process)
        with suppress(ProcessLookupError):  # whatever the server left in its session (process group)
            os.killpg(process.pid, signal.SIGKILL)
        pump.join(STOP_TIMEOUT)
        process.stdout.close()


def _wait_until_accepting(port: int, process: subprocess.Popen[str], log_lines: list[str]) -> None:
    # granian prints its line before its worker listens.
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}: {log_lines}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"server did not accept connections within {START_TIMEOUT}s: {log_lines}")


def _serve(argv: list[str]) -> None:
    """Arm the deadline and the stop-with-parent, then hand the process to the server's entry point."""
    seconds, command, *arguments = argv

    def deadline_passed(signum: int, frame: FrameType | None) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # each server stops gracefully on SIGTERM

    signal.signal(signal.SIGALRM, deadline_passed)
    signal.alarm(int(seconds))
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # elsewhere than Linux the deadline alone stops the server
    if os.getppid() == 1:  # the parent died before prctl took effect
        return
    sys.argv = [command, *arguments]
    if command == "uvicorn":
        from uvicorn.main import main  # noqa: PLC0415

        main()
    elif command == "hypercorn":
        from hypercorn.__main__ import main as hypercorn  # noqa: PLC0415

        sys.exit(hypercorn(arguments))
    elif command == "granian":
        from granian.cli import entrypoint  # noqa: PLC0415

        entrypoint()
    else:
        raise SystemExit(f"asgi_apps: unknown server command {command!r}")


if __name__ == "__main__":
    _serve(sys.argv[1:])
