"""A FastAPI JSON API behind corsware's ASGI middleware.

    uvicorn examples.fastapi_app:app --host 127.0.0.1 --port 8000
    hypercorn examples.fastapi_app:app --bind 127.0.0.1:8000
    granian --interface asgi --host 127.0.0.1 --port 8000 examples.fastapi_app:app

corsware wraps the FastAPI object itself, so it sits outside everything FastAPI adds: preflights are
answered before the token check runs, and the 500 page FastAPI's error middleware sends for a view
that raises still carries the CORS headers (``app.add_middleware`` would put corsware inside that
error middleware, and a browser would see a CORS error instead of the 500). The WebSocket at
``/api/ws`` is guarded too: a handshake from an origin the policy does not allow never reaches it.
"""

import json
import logging
from collections.abc import Awaitable, Callable, Iterator

from fastapi import FastAPI, Request, Response, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, PlainTextResponse, StreamingResponse

from corsware.asgi import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]

api = FastAPI()


@api.middleware("http")
async def require_token(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    # Runs for every method, OPTIONS included: the classic way preflights used to get a 401.
    if request.url.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return JSONResponse({"error": "missing or wrong bearer token"}, status_code=401)
    return await call_next(request)


@api.get("/api/items")
def list_items() -> JSONResponse:
    return JSONResponse(ITEMS, headers={"X-Total-Count": str(len(ITEMS))})


@api.post("/api/items", status_code=201)
async def create_item(request: Request) -> JSONResponse:
    return JSONResponse(json.loads(await request.body()), status_code=201)


@api.get("/api/me")
def me() -> dict[str, str]:
    return {"user": "demo"}


@api.get("/api/error")
def error() -> JSONResponse:
    return JSONResponse({"error": "database unavailable"}, status_code=500)


@api.get("/api/crash")
def crash() -> None:
    raise RuntimeError("a bug in a view")


@api.get("/api/stream")
def stream() -> StreamingResponse:
    def lines() -> Iterator[str]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'
        finally:
            log.info("stream closed")

    return StreamingResponse(lines(), media_type="application/x-ndjson")


@api.get("/health")
def health() -> PlainTextResponse:
    return PlainTextResponse("ok")


@api.websocket("/api/ws")
async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            await websocket.send_text(await websocket.receive_text())
    except WebSocketDisconnect:
        pass


# Outermost: wrap the app object rather than api.add_middleware(...), so that error pages get CORS.
app = CORSMiddleware(
    api,
    resources={
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)
