"""The peer CORS layers, each configured with the shared policy over its own bare app.

Every builder returns ``(bare, wrapped)``: the peer's framework app without the CORS layer and the
same app with it, so that the difference is the layer's own cost and not its framework's.
"""

from __future__ import annotations

from typing import Any

from benchmarks import scenario
from benchmarks.apps import bare_asgi_app, bare_wsgi_app


def flask_cors() -> tuple[Any, Any]:
    """A Flask app with one route, without and with flask-cors."""
    from flask import Flask  # noqa: PLC0415 - optional benchmark dependency
    from flask_cors import CORS  # noqa: PLC0415

    def make() -> Flask:
        app = Flask("benchmarks")

        @app.route(scenario.PATH, methods=list(scenario.METHODS))
        def items() -> tuple[str, int, dict[str, str]]:
            return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

        return app

    bare, wrapped = make(), make()
    CORS(
        wrapped,
        resources={r"/api/*": {}},
        origins=list(scenario.ORIGINS),
        methods=list(scenario.METHODS),
        allow_headers=list(scenario.ALLOW_HEADERS),
        expose_headers=list(scenario.EXPOSE_HEADERS),
        supports_credentials=True,
        max_age=scenario.MAX_AGE,
    )
    return bare, wrapped


def django_cors_headers() -> tuple[Any, Any]:
    """Django's WSGI handler, without and with django-cors-headers' middleware."""
    import corsheaders.middleware  # noqa: F401, PLC0415 - fail early when the peer is missing

    from benchmarks import django_site  # noqa: PLC0415 - configures Django for the process

    return django_site.handler(with_cors=False), django_site.handler(with_cors=True)


def starlette() -> tuple[Any, Any]:
    """A bare ASGI app, without and with Starlette's CORSMiddleware."""
    from starlette.middleware.cors import CORSMiddleware  # noqa: PLC0415

    wrapped = CORSMiddleware(
        bare_asgi_app,
        allow_origins=list(scenario.ORIGINS),
        allow_methods=list(scenario.METHODS),
        allow_headers=list(scenario.ALLOW_HEADERS),
        expose_headers=list(scenario.EXPOSE_HEADERS),
        allow_credentials=True,
        max_age=scenario.MAX_AGE,
    )
    return bare_asgi_app, wrapped


def wsgicors() -> tuple[Any, Any]:
    """The bare WSGI app, without and with wsgicors."""
    from wsgicors import CORS  # noqa: PLC0415

    wrapped = CORS(
        bare_wsgi_app,
        origin=" ".join(scenario.ORIGINS),
        methods=", ".join(scenario.METHODS),
        headers=", ".join(scenario.ALLOW_HEADERS),
        expose_headers=", ".join(scenario.EXPOSE_HEADERS),
        credentials="true",
        maxage=str(scenario.MAX_AGE),
    )
    return bare_wsgi_app, wrapped


def asgi_cors() -> tuple[Any, Any]:
    """A bare ASGI app, without and with asgi-cors.

    asgi-cors has no path scoping, credentials or exposed headers, and passes preflights to the app
    (which answers them with its 200) with Allow-Origin, Allow-Methods and Allow-Headers added: it
    does less than the shared policy asks. It is given no max-age: asgi-cors 1.0.1 sends that value
    as a str, which is not a valid ASGI header value.
    """
    from asgi_cors import asgi_cors as wrap  # noqa: PLC0415

    wrapped = wrap(
        bare_asgi_app,
        hosts=list(scenario.ORIGINS),
        headers=list(scenario.ALLOW_HEADERS),
        methods=list(scenario.METHODS),
    )
    return bare_asgi_app, wrapped
