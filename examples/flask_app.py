"""A Flask JSON API behind corsware.

Run it with ``flask --app examples.flask_app run`` (or any WSGI server: ``examples.flask_app:app``).
Flask's ``before_request`` hooks also run on OPTIONS, so a token check there used to turn every
preflight into a 401. Wrapping ``app.wsgi_app`` puts corsware in front of Flask: it answers the
preflight before any hook runs, and adds the CORS headers to Flask's responses, its 401s and 500
pages included.
"""

import logging
from collections.abc import Iterator

from flask import Flask, Response, jsonify, request

from corsware import CORSMiddleware

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]

app = Flask(__name__)


@app.before_request
def require_token() -> tuple[Response, int] | None:
    if request.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {TOKEN}":
        return jsonify(error="missing or wrong bearer token"), 401
    return None


@app.get("/api/items")
def list_items() -> tuple[Response, dict[str, str]]:
    return jsonify(ITEMS), {"X-Total-Count": str(len(ITEMS))}


@app.post("/api/items")
def create_item() -> tuple[Response, int]:
    return jsonify(request.get_json()), 201


@app.get("/api/me")
def me() -> Response:
    return jsonify(user="demo")


@app.get("/api/error")
def error() -> tuple[Response, int]:
    return jsonify(error="database unavailable"), 500


@app.get("/api/crash")
def crash() -> Response:
    raise RuntimeError("a bug in a view")


@app.get("/api/stream")
def stream() -> Response:
    def lines() -> Iterator[str]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'
        finally:
            log.info("stream closed")

    return Response(lines(), mimetype="application/x-ndjson")


@app.get("/health")
def health() -> str:
    return "ok"


app.wsgi_app = CORSMiddleware(
    app.wsgi_app,
    resources={
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    },
)

if __name__ == "__main__":
    app.run(port=8000)
