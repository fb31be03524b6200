"""The apps gunicorn serves end to end, as factories: ``bare()`` and ``wrapped()``."""

from benchmarks.apps import bare_wsgi_app, corsware_app
from benchmarks.drivers import WSGIApp


def bare() -> WSGIApp:
    """The bare WSGI app."""
    return bare_wsgi_app


def wrapped() -> WSGIApp:
    """The bare WSGI app behind corsware with the shared policy."""
    return corsware_app()
