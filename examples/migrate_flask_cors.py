"""Moving a Flask app from flask-cors to corsware without changing what browsers may do.

The app below used to say::

    app.config["CORS_ORIGINS"] = ["https://app.example.com", "http://localhost:3000"]
    app.config["CORS_SUPPORTS_CREDENTIALS"] = True
    CORS(app, resources={r"/api/*": {}, r"/public/*": {"origins": "*", "supports_credentials": False}})

It keeps its ``CORS_*`` config keys and options; ``from_flask_cors`` turns them into corsware's
keyword arguments (or refuses, explaining why, where flask-cors was unsafe). Run it with
``python examples/migrate_flask_cors.py``: it prints the corsware options, then serves on
http://127.0.0.1:5000. Once you are happy, paste the printed options into your code (or a
corsware.toml) and drop flask-cors.
"""

from __future__ import annotations

from pprint import pprint

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue

from corsware import CORSMiddleware
from corsware.migrate import from_flask_cors

FLASK_CORS_OPTIONS = {
    "resources": {r"/api/*": {}, r"/public/*": {"origins": "*", "supports_credentials": False}},
}

app = Flask(__name__)
app.config["CORS_ORIGINS"] = ["https://app.example.com", "http://localhost:3000"]
app.config["CORS_SUPPORTS_CREDENTIALS"] = True


@app.get("/api/items")
def items() -> ResponseReturnValue:
    return jsonify([{"id": 1, "name": "widget"}])


@app.get("/public/status")
def status() -> ResponseReturnValue:
    return jsonify({"ok": True})


# Was: CORS(app, **FLASK_CORS_OPTIONS)
CORS_OPTIONS = from_flask_cors(app.config, **FLASK_CORS_OPTIONS)
app.wsgi_app = CORSMiddleware(app.wsgi_app, **CORS_OPTIONS)  # type: ignore[method-assign]

if __name__ == "__main__":
    pprint(CORS_OPTIONS, sort_dicts=False)
    app.run(host="127.0.0.1", port=5000)
