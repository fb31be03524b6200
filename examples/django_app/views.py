"""Views and the token check of the example Django API."""

import json
import logging
from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger(__name__)

TOKEN = "demo-token"  # noqa: S105 - the demo's only credential; never hard-code a real one
ITEMS = [{"id": 1, "name": "apple"}, {"id": 2, "name": "pear"}]


class BearerTokenMiddleware:
    """Rejects requests to /api/me without the bearer token, OPTIONS included, as auth layers do."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/api/me" and request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return JsonResponse({"error": "missing or wrong bearer token"}, status=401)
        return self.get_response(request)


@csrf_exempt
def items(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return JsonResponse(json.loads(request.body), status=201, safe=False)
    return JsonResponse(ITEMS, safe=False, headers={"X-Total-Count": str(len(ITEMS))})


def me(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": "demo"})


def error(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"error": "database unavailable"}, status=500)


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


def stream(request: HttpRequest) -> HttpResponse:
    def lines() -> Iterator[str]:
        try:
            for n in range(5):
                yield f'{{"n": {n}}}\n'
        finally:
            log.info("stream closed")

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
