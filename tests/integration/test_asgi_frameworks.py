"""FastAPI, Starlette, Django, Litestar and Quart behind corsware.asgi, in-process, on the case table.

Requests go through httpx's ASGITransport, which calls the app with the scope and messages an ASGI
server would, so each framework runs its whole stack. The apps are wrapped outermost; the last
tests show what changes when corsware is added with ``add_middleware`` instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from corsware.asgi import CORSMiddleware

from .asgi_apps import FRAMEWORKS, PLAIN, RESOURCES, Framework
from .cases import CASES, DEV_ORIGIN, Case, Cors, Outcome, check, check_explained
from .frameworks import django_settings

TIMEOUT = 10.0


@pytest.fixture(scope="module", params=FRAMEWORKS, ids=[f.name for f in FRAMEWORKS])
def framework(request: pytest.FixtureRequest) -> Iterator[Framework]:
    framework: Framework = request.param
    if framework.name == "django":
        with django_settings():
            yield framework
    else:
        yield framework


def send(app: Any, case: Case) -> Outcome:
    """Send ``case`` to ``app`` through httpx's ASGI transport; a 500 page is returned, not raised."""

    async def exchange() -> Outcome:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            response = await client.request(
                case.method, case.path, headers=case.request_headers(), content=case.encoded_body()
            )
            return Outcome(response.status_code, response.headers.multi_items(), response.content)

    return asyncio.run(asyncio.wait_for(exchange(), TIMEOUT))


# Django's StreamingHttpResponse warns when it has to consume a synchronous iterator under ASGI, as
# the example's stream view (shared with the WSGI project) gives it; the response is still complete.
DJANGO_SYNC_STREAM = "ignore:StreamingHttpResponse must consume synchronous iterators:Warning"


@pytest.mark.filterwarnings(DJANGO_SYNC_STREAM)
@pytest.mark.parametrize("case", CASES)
def test_case_table(framework: Framework, case: Case) -> None:
    """The app answers the case as the table says, and as ``explain()`` predicts."""
    app = framework.load()
    outcome = send(app, case)
    check(case, outcome)
    check_explained(case, outcome, app)


def test_framework_examples_share_one_policy() -> None:
    """The table's expectations hold for every framework only if they all use the same policy."""
    reference = CORSMiddleware(PLAIN.load(), resources=RESOURCES).resources
    with django_settings():
        for framework in FRAMEWORKS:
            assert framework.load().resources == reference, framework.name


# --- add_middleware puts corsware inside the framework's error handling --------------------------------


async def items(request: Request) -> Response:
    return JSONResponse([1, 2])


async def crash(request: Request) -> Response:
    raise RuntimeError("a bug in a view")


def fastapi_app() -> FastAPI:
    app = FastAPI()
    app.add_route("/api/items", items)
    app.add_route("/api/crash", crash)
    return app


def starlette_app() -> Starlette:
    return Starlette(routes=[Route("/api/items", items), Route("/api/crash", crash)])


BUILDERS = [pytest.param(fastapi_app, id="fastapi"), pytest.param(starlette_app, id="starlette")]
GET_ITEMS = Case(path="/api/items", cors=Cors.GRANTED, status=200, json=[1, 2])
GET_CRASH = Case(path="/api/crash", cors=Cors.GRANTED, status=500, crashes=True)
POLICY = {**RESOURCES["/api/*"], "expose_headers": []}


@pytest.mark.parametrize("build", BUILDERS)
def test_add_middleware_works_for_the_apps_own_responses(build: Any) -> None:
    app = build()
    app.add_middleware(CORSMiddleware, resources={"/api/*": POLICY})
    outcome = send(app, GET_ITEMS)
    assert outcome.status == 200
    assert outcome.value("Access-Control-Allow-Origin") == DEV_ORIGIN
    assert outcome.value("Access-Control-Allow-Credentials") == "true"
    preflight = Case(
        method="OPTIONS",
        path="/api/items",
        headers={"Access-Control-Request-Method": "PUT"},
        cors=Cors.PREFLIGHT_OK,
        status=200,
    )
    assert send(app, preflight).value("Access-Control-Allow-Methods") is not None


@pytest.mark.parametrize("build", BUILDERS)
def test_add_middleware_leaves_the_500_page_without_cors_headers(build: Any) -> None:
    """Starlette's error middleware sits outside every added middleware: its 500 never passes corsware.

    A browser then reports a CORS error instead of the 500, and the page cannot read it.
    """
    app = build()
    app.add_middleware(CORSMiddleware, resources={"/api/*": POLICY})
    outcome = send(app, GET_CRASH)
    assert outcome.status == 500
    assert outcome.cors_headers() == {}
    assert "origin" not in outcome.tokens("Vary")


@pytest.mark.parametrize("build", BUILDERS)
def test_wrapping_the_app_object_gives_the_500_page_its_cors_headers(build: Any) -> None:
    app = CORSMiddleware(build(), resources={"/api/*": POLICY})
    outcome = send(app, GET_CRASH)
    assert outcome.status == 500
    assert outcome.value("Access-Control-Allow-Origin") == DEV_ORIGIN
    assert outcome.value("Access-Control-Allow-Credentials") == "true"
    assert "origin" in outcome.tokens("Vary")
