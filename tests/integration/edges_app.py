"""A Flask app whose router shows which handler a path reached, behind corsware, for the edges tests.

    gunicorn --bind 127.0.0.1:8000 tests.integration.edges_app:app

Every response says which route Flask chose (``{"route": "internal", "rest": "../public/x"}``), so
a test can tell what the router did with a path next to what corsware granted it. The resources:
``/internal/*`` is for one trusted origin, ``/public/*`` and ``/api/*`` for every origin, with
``/api/admin/*`` and ``/api/café/*`` carved out of ``/api/*`` (no origin at all).
"""

from __future__ import annotations

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from corsware import CORSMiddleware

TRUSTED = "https://trusted.example"

flask_app = Flask(__name__)


@flask_app.get("/internal/<path:rest>")
def internal(rest: str) -> ResponseReturnValue:
    """Internal data: only the trusted origin may read it."""
    return jsonify(route="internal", rest=rest)


@flask_app.get("/public/<path:rest>")
def public(rest: str) -> ResponseReturnValue:
    """Public data: any origin may read it."""
    return jsonify(route="public", rest=rest)


@flask_app.get("/api/admin/<path:rest>")
def admin(rest: str) -> ResponseReturnValue:
    """The carve-out: no origin may read it."""
    return jsonify(route="admin", rest=rest)


@flask_app.get("/api/café/<path:rest>")
def cafe(rest: str) -> ResponseReturnValue:
    """A carve-out written in Unicode."""
    return jsonify(route="café", rest=rest)


@flask_app.get("/api/<path:rest>")
def api(rest: str) -> ResponseReturnValue:
    """The rest of the API: any origin may read it."""
    return jsonify(route="api", rest=rest)


app = CORSMiddleware(
    flask_app.wsgi_app,
    resources={
        "/internal/*": {"origins": [TRUSTED]},
        "/public/*": {"origins": "*"},
        "/api/admin/*": {"origins": []},
        "/api/café/*": {"origins": []},
        "/api/*": {"origins": "*"},
    },
)
