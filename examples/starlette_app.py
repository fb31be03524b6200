"""A Starlette JSON API behind corsware's ASGI middleware.

    uvicorn examples.starlette_app:app --host 127.0.0.1 --port 8000

The token check is a Starlette middleware, so it runs for OPTIONS too; corsware wraps the whole
Starlette app, outside that middleware and outside Starlette's error middleware, so preflights never
reach the token check and the 500 page of a view that raises still carries the CORS headers.
"""

import json
import logging
from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from corsware.asgi import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]


class BearerToken(BaseHTTPMiddleware):
    """Refuses /api/me without the token, whatever the method (OPTIONS too), as auth layers do."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if request.url.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401)
        return await call_next(request)


async def items(request: Request) -> Response:
    if request.method == "POST":
        return JSONResponse(json.loads(await request.body()), status_code=201)
    return JSONResponse(ITEMS, headers={"X-Total-Count": str(len(ITEMS))})


async def me(request: Request) -> Response:
    return JSONResponse({"user": "demo"})


async def error(request: Request) -> Response:
    return JSONResponse({"error": "database unavailable"}, status_code=500)


async def crash(request: Request) -> Response:
    raise RuntimeError("a bug in a view")


async def stream(request: Request) -> Response:
    def lines() -> Iterator[str]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'
        finally:
            log.info("stream closed")

    return StreamingResponse(lines(), media_type="application/x-ndjson")


async def health(request: Request) -> Response:
    return PlainTextResponse("ok")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


starlette = Starlette(
    routes=[
        Route("/api/items", items, methods=["GET", "POST"]),
        Route("/api/me", me),
        Route("/api/error", error),
        Route("/api/crash", crash),
        Route("/api/stream", stream),
        Route("/health", health),
        WebSocketRoute("/api/ws", echo),
    ],
    middleware=[Middleware(BearerToken)],
)

app = CORSMiddleware(
    starlette,
    resources={
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)
