"""WebSocket handshakes from a page in three engines, to corsware's ASGI adapter under uvicorn.

The page on http://127.0.0.1:A opens ``ws://127.0.0.1:B/<mount>/ws``. Browsers apply no CORS to a
WebSocket: they send the page's ``Origin``, and the site's cookies, with every handshake and open
whatever the server accepts (RFC 6455 section 10.2), so the server's origin check is all that stands
between a page on another origin and a connection that carries the user's cookies. Each case
(`cases.WEBSOCKET_CASES`) runs in Chromium, Firefox ESR and WebKitGTK (ids
``asgi-<engine>-<case>``): an accepted handshake is echoed and closed cleanly, a refused one is
answered 403 by corsware without the app ever being called.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

import corsware.asgi

from .asgi_servers import ASGIAPI, WebSocketEcho
from .cases import COOKIE_VALUE, ENGINES, WEBSOCKET_CASES, WebSocketCase, resolve_options
from .conftest import GROUP_PROPERTY
from .engines.session import Engines

MESSAGE = "hello corsware"

PAGE_TIMEOUT_MS = 5000
"""The page's bound on one connection (on loopback it takes milliseconds); then it says 'timeout'."""

APP_SECONDS = 5.0
"""How long the app may take to see the close the page already saw (both ends run concurrently)."""

OPENED = [
    {"type": "open"},
    {"type": "message", "data": f"echo: {MESSAGE}"},
    {"type": "close", "code": 1000, "wasClean": True},
]
"""An accepted handshake: the message comes back through the app, and the page's close is clean."""

REFUSED = [{"type": "error"}, {"type": "close", "code": 1006, "wasClean": False}]
"""A refused handshake: the connection fails (RFC 6455 section 4.1: any status but 101), and
1006 says that no close frame was received (section 7.1.5)."""


def close_codes(echo: WebSocketEcho, count: int) -> list[int]:
    """The app's close codes, once it has seen `count` closes or `APP_SECONDS` have passed."""
    deadline = time.monotonic() + APP_SECONDS
    while len(echo.close_codes) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    return list(echo.close_codes)


@pytest.mark.timeout(90)
@pytest.mark.parametrize(
    ("engine_name", "case"),
    [
        pytest.param(engine, case, id=f"asgi-{engine}-{case.id}")
        for engine in ENGINES
        for case in WEBSOCKET_CASES
    ],
)
def test_websocket_handshake_is_guarded_by_origin(
    engine_name: str,
    case: WebSocketCase,
    engines: Engines,
    page_origin: str,
    asgi_api: tuple[ASGIAPI, str],
    record_property: Callable[[str, object], None],
) -> None:
    """The page's WebSocket opens, echoes and closes cleanly exactly when the case says; otherwise
    the handshake fails in the page and the app is never handed the connection."""
    record_property(GROUP_PROPERTY, f"asgi-websocket {engine_name}")
    engine = engines.get(engine_name)
    dispatcher, api_origin = asgi_api
    echo = WebSocketEcho()
    options = resolve_options(case.options, page_origin)
    prefix = dispatcher.mount(corsware.asgi.CORSMiddleware(echo, **options))
    spec = {
        "url": f"ws://{api_origin.removeprefix('http://')}{prefix}/ws",
        "message": MESSAGE,
        "timeoutMs": PAGE_TIMEOUT_MS,
    }

    run = engine.run(f"{page_origin}/websocket.html", spec)
    result = run.result
    seen = dispatcher.seen(prefix)
    record_property("browser", result["events"])
    record_property("server", [(request.method, request.status) for request in seen])
    # Why a handshake failed is in the console only; kept for reading, never asserted.
    record_property("console", None if run.console is None else [m.text for m in run.console])
    context = f"{engine_name}: {result}\nserver saw: {seen}\napp was handed: {echo.origins}"

    assert result["origin"] == page_origin, context
    # One handshake, with the page's Origin, answered 101 by the server for the app or 403 by
    # corsware; the browser sends the site's cookie with it either way, as with any request
    # that includes credentials: which is why the handshake's origin needs checking at all.
    assert [(request.method, request.path, request.origin) for request in seen] == [
        ("GET", "/ws", page_origin)
    ], context
    assert seen[0].status == (101 if case.opens else 403), context
    assert seen[0].cookie == COOKIE_VALUE, context
    if case.opens:
        assert result["events"] == OPENED, context
        assert echo.origins == [page_origin], context
        assert close_codes(echo, 1) == [1000], context
    else:
        assert result["events"] == REFUSED, context
        assert echo.origins == [], context
