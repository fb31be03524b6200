"""The apps gunicorn serves end to end, as factories: ``bare()``, ``headers()`` and ``wrapped()``."""

from collections.abc import Callable, Iterable
from typing import Any

from benchmarks import scenario
from benchmarks.apps import bare_wsgi_app, corsware_app
from benchmarks.drivers import WSGIApp, wsgi_response


def bare() -> WSGIApp:
    """The bare WSGI app."""
    return bare_wsgi_app


def headers() -> WSGIApp:
    """The bare app sending, by itself, every header corsware's answer to the load's request has.

    A control: it costs the server what sending those headers costs, with none of corsware's work.
    """
    answer = wsgi_response(
        corsware_app(), scenario.wsgi_environ("GET", scenario.PATH, scenario.ALLOWED.headers)
    )

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        start_response("200 OK", list(answer.headers))
        return [b"ok"]

    return app


def wrapped() -> WSGIApp:
    """The bare WSGI app behind corsware with the shared policy."""
    return corsware_app()
