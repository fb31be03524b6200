"""Where a framework's own behaviour decides the CORS outcome: error handling, hosts, its own CORS."""

from __future__ import annotations

import falcon
import pytest
import webtest
from pyramid.config import Configurator
from pyramid.request import Request

from corsware import CORSMiddleware
from examples import bottle_app, flask_app

from .cases import DEV_ORIGIN, Case, Cors, Outcome, check, preflight
from .frameworks import framework_context, framework_named, send

POLICY = {
    "origins": [DEV_ORIGIN],
    "allow_credentials": True,
    "expose_headers": ["X-Total-Count"],
    "max_age": 600,
}
CRASH = Case(path="/api/crash", cors=Cors.GRANTED, status=500, crashes=True)


def test_flask_propagates_exceptions_when_testing(monkeypatch: pytest.MonkeyPatch) -> None:
    """With TESTING or DEBUG on, Flask re-raises instead of answering 500 (and so has no headers)."""
    monkeypatch.setitem(flask_app.app.config, "TESTING", True)
    with pytest.raises(RuntimeError, match="a bug in a view"):
        send(flask_app.app, CRASH)


def test_bottle_without_catchall_propagates_exceptions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bottle's catchall (on by default) is what turns an exception into a 500 corsware can see."""
    monkeypatch.setitem(bottle_app.api.config, "catchall", False)
    with pytest.raises(RuntimeError, match="a bug in a route"):
        send(bottle_app.app, CRASH)


def test_pyramid_without_exception_view_propagates_exceptions() -> None:
    """Pyramid re-raises when no exception view matches; the example registers one for that."""

    def crash(request: Request) -> object:
        raise RuntimeError("a bug in a view")

    with Configurator() as config:
        config.add_route("crash", "/api/crash")
        config.add_view(crash, route_name="crash", renderer="json")
        app = CORSMiddleware(config.make_wsgi_app(), resources={"/api/*": POLICY})
    with pytest.raises(RuntimeError, match="a bug in a view"):
        send(app, CRASH)


def test_django_unknown_host_gets_a_readable_400() -> None:
    """Django refuses a Host outside ALLOWED_HOSTS with 400, before any view; the page can read it."""
    django = framework_named("django")
    with framework_context(django):
        response = webtest.TestApp(django.load(), lint=True).get(
            "/api/items",
            headers={"Origin": DEV_ORIGIN},
            extra_environ={"HTTP_HOST": "api.evil.test"},
            expect_errors=True,
        )
    case = Case(path="/api/items", cors=Cors.GRANTED, status=400)
    check(case, Outcome(response.status_int, response.headerlist, response.body))


class Items:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = []
        resp.set_header("X-Total-Count", "0")


def falcon_with_its_own_cors() -> CORSMiddleware:
    api = falcon.App(cors_enable=True)  # Falcon's CORS: Allow-Origin * on every response
    api.add_route("/api/items", Items())
    return CORSMiddleware(api, resources={"/api/*": POLICY})


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(Case(path="/api/items", cors=Cors.GRANTED, status=200, json=[]), id="allowed"),
        pytest.param(
            Case(path="/api/items", origin="https://evil.test", cors=Cors.REFUSED, status=200),
            id="disallowed",
        ),
        pytest.param(preflight("/api/items", "GET"), id="preflight"),
    ],
)
def test_falcon_cors_enable_is_overridden(case: Case) -> None:
    """If Falcon's own CORS is left on, corsware's headers replace its '*', never sit beside it."""
    check(case, send(falcon_with_its_own_cors(), case))
