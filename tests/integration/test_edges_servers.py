"""The policy-confusion and latin-1 edges through real servers: what they deliver, what Flask routes.

gunicorn and waitress decode ``%2F`` into ``PATH_INFO`` and hand the path bytes over as latin-1
(PEP 3333). Each case sends the raw request target a page (or a script) can send, and checks both
what the router did with it and that corsware granted no more than the route it reached deserves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from .edges_app import TRUSTED
from .servers import Server, running

pytestmark = pytest.mark.timeout(60)

EVIL = "https://evil.example"
APP = "tests.integration.edges_app:app"


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(["gunicorn", "--bind", "127.0.0.1:8000", APP], id="gunicorn"),
        pytest.param(["waitress-serve", "--listen=127.0.0.1:8000", APP], id="waitress"),
    ],
)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    runtime_dir: Path = tmp_path_factory.mktemp("server-runtime")
    with running(request.param, runtime_dir) as started:
        yield started


@pytest.mark.parametrize(
    ("target", "route", "origin", "allow_origin"),
    [
        pytest.param("/internal/..%2Fpublic/x", "internal", EVIL, None, id="internal via public"),
        pytest.param("/internal/..%2Fpublic/x", "internal", TRUSTED, None, id="trusted, confused"),
        pytest.param("/api/admin/..%2F..%2Fapi/x", "admin", EVIL, None, id="carve-out escaped"),
        pytest.param("/api/admin/x", "admin", EVIL, None, id="carve-out"),
        pytest.param("/internal/x", "internal", TRUSTED, TRUSTED, id="internal, trusted"),
        pytest.param("/public/x", "public", EVIL, "*", id="public"),
    ],
)
def test_policy_confusion_through_a_real_server(
    server: Server, target: str, route: str, origin: str, allow_origin: str | None
) -> None:
    """Flask routes the literal PATH_INFO; corsware never grants another route's policy to it."""
    outcome = server.request("GET", target, {"Origin": origin})
    assert outcome.status == 200
    assert json.loads(outcome.body)["route"] == route
    assert outcome.value("Access-Control-Allow-Origin") == allow_origin


@pytest.mark.parametrize(
    ("target", "route", "allow_origin"),
    [
        pytest.param("/api/caf%C3%A9/x", "café", None, id="the carve-out, percent-encoded UTF-8"),
        pytest.param("/api/cafe/x", "api", "*", id="its ASCII neighbour"),
    ],
)
def test_latin1_path_info_through_a_real_server(
    server: Server, target: str, route: str, allow_origin: str | None
) -> None:
    """'/api/café/*' covers what the server delivers as '/api/cafÃ©/x', as Flask's router does."""
    outcome = server.request("GET", target, {"Origin": EVIL})
    assert json.loads(outcome.body)["route"] == route
    assert outcome.value("Access-Control-Allow-Origin") == allow_origin


def test_latin1_preflight_through_a_real_server(server: Server) -> None:
    """The carve-out refuses the preflight too, without calling the app."""
    outcome = server.request(
        "OPTIONS",
        "/api/caf%C3%A9/x",
        {"Origin": EVIL, "Access-Control-Request-Method": "PUT"},
    )
    assert outcome.status == 403
    assert outcome.value("Access-Control-Allow-Origin") is None
