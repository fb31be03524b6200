"""The WebSocket Origin guard, with a real client, on each framework that speaks WebSocket.

Each app has an echo at ``/api/ws``, covered by the ``/api/*`` policy. A handshake from an allowed
origin, or without Origin (a client that is not a browser), reaches the app and gets its message
echoed; one from any other origin is refused before the app sees it. Each app runs under uvicorn,
hypercorn and granian, which all offer ASGI's WebSocket Denial Response extension, so the refusal is
corsware's own HTTP 403 with its one-line body; tests/test_asgi.py covers servers without it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Origin

from .asgi_apps import DJANGO_CHANNELS, FRAMEWORKS, PLAIN, SERVERS, Framework, ServerKind, running
from .cases import APP_ORIGIN, DEV_ORIGIN
from .servers import Server

pytestmark = pytest.mark.timeout(90)

TIMEOUT = 10.0
REFUSAL = b"WebSocket handshake refused: origin not allowed\n"
SPEAKERS = [
    *(framework for framework in FRAMEWORKS if framework.name != "django"),
    DJANGO_CHANNELS,
    PLAIN,
]


@pytest.fixture(scope="module", params=SERVERS, ids=[kind.name for kind in SERVERS])
def kind(request: pytest.FixtureRequest) -> ServerKind:
    kind: ServerKind = request.param
    return kind


@pytest.fixture(scope="module", params=SPEAKERS, ids=[framework.name for framework in SPEAKERS])
def server(request: pytest.FixtureRequest, kind: ServerKind) -> Iterator[Server]:
    framework: Framework = request.param
    with running(kind, framework) as server:
        yield server


def echo(server: Server, origin: str | None, path: str = "/api/ws") -> str:
    """Open a WebSocket with this Origin (or none), send one message, return the answer."""
    with connect(
        f"ws://127.0.0.1:{server.port}{path}",
        origin=None if origin is None else Origin(origin),
        open_timeout=TIMEOUT,
        close_timeout=TIMEOUT,
    ) as socket:
        socket.send("hello")
        answer = socket.recv(timeout=TIMEOUT)
        assert isinstance(answer, str)
        return answer


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(DEV_ORIGIN, id="allowed origin"),
        pytest.param(APP_ORIGIN, id="second allowed origin"),
        pytest.param(None, id="no Origin (not a browser)"),
    ],
)
def test_handshake_accepted_and_message_echoed(server: Server, origin: str | None) -> None:
    assert echo(server, origin) == "hello"


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://evil.test", id="other origin"),
        pytest.param("https://app.example.com.evil.test", id="look-alike origin"),
        pytest.param("null", id="opaque origin (null)"),
        pytest.param("http://localhost:3001", id="the dev host on another port"),
    ],
)
def test_handshake_refused_with_403_before_the_app(server: Server, origin: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        echo(server, origin)
    response = refused.value.response
    assert response.status_code == 403
    assert response.body == REFUSAL
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    # Nothing of CORS: a WebSocket handshake is not a CORS request.
    assert not any(name.lower().startswith("access-control-") for name in response.headers)
