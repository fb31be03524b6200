"""A plain WSGI API behind corsware; run it with `python examples/plain_wsgi.py`.

A page on http://localhost:3000 may call /api/*; the admin API takes credentials from one origin only.
Try it with curl:

    curl -i -H 'Origin: http://localhost:3000' http://127.0.0.1:8000/api/items
    curl -i -X OPTIONS -H 'Origin: http://localhost:3000' \
         -H 'Access-Control-Request-Method: PUT' http://127.0.0.1:8000/api/items
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING
from wsgiref.simple_server import make_server

from corsware import CORSMiddleware

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment


def api(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    """A tiny JSON API: every path answers with its own name."""
    body = json.dumps({"path": environ.get("PATH_INFO", "/")}).encode()
    start_response(
        "200 OK",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Total-Count", "1"),
        ],
    )
    return [body]


app = CORSMiddleware(
    api,
    resources={
        "/api/admin/*": {"origins": ["https://admin.example.com"], "allow_credentials": True},
        "/api/*": {"origins": ["http://localhost:3000"], "expose_headers": ["X-Total-Count"]},
    },
    max_age=600,
)

if __name__ == "__main__":
    with make_server("127.0.0.1", 8000, app) as server:
        print("Serving on http://127.0.0.1:8000 (Ctrl+C to stop)")
        server.serve_forever()
