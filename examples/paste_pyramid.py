"""The Pyramid app behind examples/paste.ini, where corsware runs in front of it as a filter.

Run it (from the repository root, so that ``examples`` is importable)::

    python -m pyramid.scripts.pserve examples/paste.ini

then call http://127.0.0.1:6543/api/items from a page on http://localhost:3000.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.router import Router


def list_items(request: Request) -> list[dict[str, Any]]:
    request.response.headers["X-Total-Count"] = "1"
    return [{"id": 1, "name": "widget"}]


def main(global_config: dict[str, str], **settings: str) -> Router:
    """PasteDeploy app factory (``use = call:examples.paste_pyramid:main``)."""
    with Configurator(settings=settings) as config:
        config.add_route("items", "/api/items")
        config.add_view(list_items, route_name="items", renderer="json")
        config.add_route("health", "/health")
        config.add_view(lambda request: {"ok": True}, route_name="health", renderer="json")
        return config.make_wsgi_app()
