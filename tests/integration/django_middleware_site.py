"""A Django site for corsware.django.CorsMiddleware: the example project's routes, and a few more.

The example's views and URLs (examples/django_app) serve the shared case table; the extra routes
exercise what only a Django middleware meets: ``APPEND_SLASH`` redirects from ``CommonMiddleware``,
views that set ``Vary`` or ``Access-Control-*`` themselves, and a path that is not ASCII.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils.decorators import sync_and_async_middleware

from examples.django_app import urls as example_urls
from examples.django_app import views

CORS_MIDDLEWARE = "corsware.django.CorsMiddleware"
# The example's own chain: CommonMiddleware, then its bearer-token check, which is sync only, so
# under ASGI Django runs everything before it (corsware included) in a thread.
EXAMPLE_MIDDLEWARE = (
    "django.middleware.common.CommonMiddleware",
    "examples.django_app.views.BearerTokenMiddleware",
)
# The same chain with a token check that is async capable too, so under ASGI every middleware,
# corsware included, runs as a coroutine.
ASYNC_CAPABLE_MIDDLEWARE = (
    "django.middleware.common.CommonMiddleware",
    f"{__name__}.bearer_token_middleware",
)

# The example's policy (examples/django_app/wsgi.py), as the CORSWARE setting.
EXAMPLE_CORSWARE: dict[str, Any] = {
    "resources": {
        "/api/*": {
            "origins": ["http://localhost:3000", "https://app.example.com"],
            "allow_credentials": True,
            "expose_headers": ["X-Total-Count"],
            "max_age": 600,
        }
    }
}

# Settings over whatever Django was configured with: this module's routes, and the hosts both the
# Django test client ("testserver") and webtest ("localhost") send.
SITE: dict[str, Any] = {
    "ROOT_URLCONF": __name__,
    "ALLOWED_HOSTS": ["testserver", "localhost"],
    "DEBUG": False,
    "APPEND_SLASH": True,
}


def _refusal(request: HttpRequest) -> HttpResponse | None:
    if request.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {views.TOKEN}":
        return JsonResponse({"error": "missing or wrong bearer token"}, status=401)
    return None


@sync_and_async_middleware
def bearer_token_middleware(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """The example's token check (OPTIONS included), as a middleware Django may run either way."""
    if iscoroutinefunction(get_response):

        async def check_token_async(request: HttpRequest) -> HttpResponse:
            return _refusal(request) or await get_response(request)

        return check_token_async

    def check_token(request: HttpRequest) -> HttpResponse:
        return _refusal(request) or get_response(request)

    return check_token


def varies(request: HttpRequest) -> HttpResponse:
    """A view that varies on a request header of its own."""
    return HttpResponse("varies", headers={"Vary": "Accept-Encoding"})


def varies_on_everything(request: HttpRequest) -> HttpResponse:
    return HttpResponse("varies on everything", headers={"Vary": "*"})


def own_cors(request: HttpRequest) -> HttpResponse:
    """A view that sets CORS headers itself, which the middleware owns on a covered path."""
    return HttpResponse(
        "own cors",
        headers={
            "access-control-allow-origin": "*",
            "Access-Control-Allow-Credentials": "true",
            "Allow": "GET",
            "Vary": "Cookie",
        },
    )


def cafe(request: HttpRequest) -> HttpResponse:
    return HttpResponse(request.path_info)


urlpatterns = [
    *example_urls.urlpatterns,
    path("api/slash/", views.health),
    path("api/varies", varies),
    path("api/varies-on-everything", varies_on_everything),
    path("api/own-cors", own_cors),
    path("api/café", cafe),
]
