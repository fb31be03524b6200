"""gunicorn (sync and gthread workers) and waitress, run as the README shows, over loopback HTTP.

The entry point is ``examples.gunicorn_app:app``, a plain WSGI app with the routes of the case
table. It has no framework to turn an exception into a response, so the raising route shows what
each server does when an exception escapes the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .cases import CASES, Case, Cors, Outcome, check
from .frameworks import FRAMEWORKS, Framework
from .readme import commands
from .servers import Server, concurrent_tenants, running

pytestmark = pytest.mark.timeout(60)

GUNICORN_SYNC, GUNICORN_GTHREAD = commands("gunicorn")
[WAITRESS] = commands("waitress")

CLIENTS = 32
ROUNDS = 60


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(GUNICORN_SYNC, id="gunicorn-sync"),
        pytest.param(GUNICORN_GTHREAD, id="gunicorn-gthread"),
        pytest.param(WAITRESS, id="waitress"),
    ],
)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    runtime_dir: Path = tmp_path_factory.mktemp("server-runtime")
    with running(request.param, runtime_dir) as server:
        yield server


@pytest.fixture(
    scope="module",
    params=[f for f in FRAMEWORKS if f.handles_exceptions],
    ids=lambda framework: f"gunicorn-gthread-{framework.name}",
)
def framework_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """The README's gthread command, serving a framework's example instead of the plain app."""
    framework: Framework = request.param
    *options, entry_point = GUNICORN_GTHREAD
    assert entry_point == "examples.gunicorn_app:app"
    command = [*options, f"{framework.module}:{framework.attribute}"]
    with running(command, tmp_path_factory.mktemp("server-runtime")) as server:
        yield server


def send(server: Server, case: Case) -> Outcome:
    return server.request(case.method, case.path, case.request_headers(), case.encoded_body())


@pytest.mark.parametrize("case", [case for case in CASES if not case.values[0].crashes])
def test_case_table(server: Server, case: Case) -> None:
    """The shared table holds over real HTTP; the raising route has its own test below."""
    check(case, send(server, case))


@pytest.mark.parametrize("case", CASES)
def test_framework_case_table(framework_server: Server, case: Case) -> None:
    """Each framework's example, served by gunicorn, passes the whole table, raising route included."""
    check(case, send(framework_server, case))


def test_exception_escaping_the_app(server: Server) -> None:
    """An exception the app does not handle reaches the server: its own 500 has no CORS headers.

    corsware never saw a response to add them to, so a browser reports a CORS error here rather
    than the 500. The server survives and serves the next request normally.
    """
    crash = Case(path="/api/crash", cors=Cors.GRANTED, status=500, crashes=True)
    outcome = send(server, crash)
    assert outcome.status == 500, outcome.body
    assert outcome.value("Connection") == "close"
    assert outcome.cors_headers() == {}
    assert "origin" not in outcome.tokens("Vary")
    assert server.logged("RuntimeError: a bug in the app")

    after = Case(path="/api/items", cors=Cors.GRANTED, status=200)
    check(after, send(server, after))


def test_concurrent_origins_get_their_own_headers(server: Server) -> None:
    """Many threads, each with its own origins and request headers, on one server at once."""
    assert concurrent_tenants(server, CLIENTS, ROUNDS) == [ROUNDS] * CLIENTS
