"""Moving a Django project from django-cors-headers to corsware, settings and all.

In a real project the change is two lines in ``wsgi.py``::

    from django.conf import settings
    from corsware import CORSMiddleware
    from corsware.migrate import from_django_cors_headers

    application = CORSMiddleware(get_wsgi_application(), **from_django_cors_headers(settings))

then remove ``"corsheaders"`` from ``INSTALLED_APPS`` and its middleware from ``MIDDLEWARE``. Your
``CORS_*`` settings keep working until you replace them with the printed corsware options.

This file is a whole (one-file) Django project: ``python examples/migrate_django.py`` prints the
corsware options and serves on http://127.0.0.1:8000.
"""

from __future__ import annotations

from pprint import pprint
from typing import Any

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.http import HttpRequest, JsonResponse
from django.urls import path

from corsware import CORSMiddleware
from corsware.migrate import from_django_cors_headers

# The settings django-cors-headers used; from_django_cors_headers reads them from settings.
CORS_SETTINGS: dict[str, Any] = {
    "CORS_ALLOWED_ORIGINS": ["https://app.example.com", "http://localhost:3000"],
    # Anchored with $: django-cors-headers uses re.match, and corsware refuses a regex that
    # would also match "https://pr-1.preview.example.com.attacker.test".
    "CORS_ALLOWED_ORIGIN_REGEXES": [r"^https://pr-\d+\.preview\.example\.com$"],
    "CORS_URLS_REGEX": r"^/api/",
    "CORS_ALLOW_CREDENTIALS": True,
    "CORS_EXPOSE_HEADERS": ["X-Total-Count"],
}

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="example only",  # noqa: S106
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],  # no "corsheaders.middleware.CorsMiddleware" any more
        **CORS_SETTINGS,
    )


def items(request: HttpRequest) -> JsonResponse:
    response = JsonResponse([{"id": 1, "name": "widget"}], safe=False)
    response["X-Total-Count"] = "1"
    return response


urlpatterns = [path("api/items", items)]


def make_application() -> CORSMiddleware:
    """What ``wsgi.py`` builds: the Django app wrapped in corsware, configured from settings."""
    return CORSMiddleware(get_wsgi_application(), **from_django_cors_headers(settings))


if __name__ == "__main__":
    from wsgiref.simple_server import make_server

    pprint(from_django_cors_headers(settings), sort_dicts=False)
    with make_server("127.0.0.1", 8000, make_application()) as server:
        server.serve_forever()
