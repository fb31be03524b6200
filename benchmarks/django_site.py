"""A one-view Django project, configured in code, for the django-cors-headers rows.

Importing this module configures Django's settings for the whole process, so the harness imports it
only when the Django rows are wanted.
"""

from __future__ import annotations

from typing import Any

import django
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path

from benchmarks import scenario


def items(request: HttpRequest) -> HttpResponse:
    """The view behind ``/api/items``: the same two-byte answer as the bare WSGI app."""
    return HttpResponse(b"ok", content_type="text/plain; charset=utf-8")


urlpatterns = [path("api/items", items)]

settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmarks-only",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[],
    MIDDLEWARE=[],
    USE_TZ=True,
    CORS_ALLOWED_ORIGINS=list(scenario.ORIGINS),
    CORS_URLS_REGEX=r"^/api/.*$",
    CORS_ALLOW_METHODS=list(scenario.METHODS),
    CORS_ALLOW_HEADERS=[name.lower() for name in scenario.ALLOW_HEADERS],
    CORS_EXPOSE_HEADERS=list(scenario.EXPOSE_HEADERS),
    CORS_ALLOW_CREDENTIALS=True,
    CORS_PREFLIGHT_MAX_AGE=scenario.MAX_AGE,
)
django.setup()


def handler(*, with_cors: bool) -> Any:
    """Django's WSGI handler, with django-cors-headers as its only middleware or with none."""
    from django.core.handlers.wsgi import WSGIHandler  # noqa: PLC0415 - needs settings first

    settings.MIDDLEWARE = ["corsheaders.middleware.CorsMiddleware"] if with_cors else []
    return WSGIHandler()  # reads MIDDLEWARE once, here
