"""uvicorn, hypercorn and granian serving the ASGI apps over loopback HTTP, on the shared case table.

The plain ASGI app (no framework) answers the table on each server, and shows what each server does
when an exception escapes the app; every framework's app then answers the whole table on every
server, its raising route included, since the framework turns the exception into a 500 page inside
corsware.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .asgi_apps import FRAMEWORKS, GRANIAN, HYPERCORN, PLAIN, SERVERS, UVICORN, ServerKind, running
from .cases import CASES, DEV_ORIGIN, ITEMS, Case, Cors, Outcome, check, preflight
from .servers import Server, concurrent_tenants

pytestmark = pytest.mark.timeout(90)

CLIENTS = 16
ROUNDS = 30
# What each server sends when the app raises before starting a response.
SERVER_ERROR_PAGES = {
    UVICORN.name: b"Internal Server Error",
    HYPERCORN.name: b"",
    GRANIAN.name: b"Internal server error",
}


@pytest.fixture(scope="module", params=SERVERS, ids=[kind.name for kind in SERVERS])
def kind(request: pytest.FixtureRequest) -> ServerKind:
    kind: ServerKind = request.param
    return kind


@pytest.fixture(scope="module")
def server(kind: ServerKind) -> Iterator[Server]:
    with running(kind, PLAIN) as server:
        yield server


@pytest.fixture(scope="module", params=FRAMEWORKS, ids=[framework.name for framework in FRAMEWORKS])
def framework_server(request: pytest.FixtureRequest, kind: ServerKind) -> Iterator[Server]:
    with running(kind, request.param) as server:
        yield server


def send(server: Server, case: Case) -> Outcome:
    return server.request(case.method, case.path, case.request_headers(), case.encoded_body())


@pytest.mark.parametrize("case", [case for case in CASES if not case.values[0].crashes])
def test_case_table(server: Server, case: Case) -> None:
    """The shared table holds over real HTTP; the raising route has its own test below."""
    check(case, send(server, case))


@pytest.mark.parametrize("case", CASES)
def test_framework_case_table(framework_server: Server, case: Case) -> None:
    """Each framework's app, served by each server, passes the whole table, raising route included."""
    check(case, send(framework_server, case))


def test_exception_escaping_the_app(kind: ServerKind, server: Server) -> None:
    """An exception no framework handles reaches the server: its own 500 has no CORS headers.

    corsware never saw a response to add them to. The server survives and serves the next request.
    """
    crash = Case(path="/api/crash", cors=Cors.GRANTED, status=500, crashes=True)
    outcome = send(server, crash)
    assert outcome.status == 500, outcome.body
    assert outcome.body.strip() == SERVER_ERROR_PAGES[kind.name]
    assert outcome.cors_headers() == {}
    assert "origin" not in outcome.tokens("Vary")
    assert server.logged("RuntimeError: a bug in the app")

    after = Case(path="/api/items", cors=Cors.GRANTED, status=200)
    check(after, send(server, after))


@pytest.mark.parametrize(
    ("path", "status", "covered"),
    [
        pytest.param("/api/caf%C3%A9", 404, True, id="non-ASCII, percent-encoded"),
        pytest.param("/api%2Fitems", 200, True, id="an encoded slash is a slash to the router too"),
        pytest.param("/health%2F..%2Fapi", 404, False, id="encoded dot segments are not resolved"),
    ],
)
def test_percent_encoded_paths_are_judged_as_the_router_sees_them(
    server: Server, path: str, status: int, covered: bool
) -> None:
    """The server decodes the path; corsware and the router then judge the same decoded text."""
    outcome = server.request("GET", path, {"Origin": DEV_ORIGIN})
    assert outcome.status == status
    assert outcome.value("Access-Control-Allow-Origin") == (DEV_ORIGIN if covered else None)


@pytest.mark.parametrize(
    ("mounted_on", "sent"),
    [
        # uvicorn takes the request from a proxy that removed the prefix, and puts it back in path.
        pytest.param(UVICORN, "/api/items", id="uvicorn: /api/items arrives as /mnt/api/items"),
        # hypercorn takes the path as it comes; root_path only says where the app is mounted.
        pytest.param(HYPERCORN, "/mnt/api/items", id="hypercorn: /mnt/api/items as it comes"),
    ],
)
def test_root_path_is_stripped_before_matching(mounted_on: ServerKind, sent: str) -> None:
    """Under ``--root-path /mnt`` the app's route is ``/api/items``, and corsware judges that path."""
    with running(mounted_on.with_options("--root-path", "/mnt"), PLAIN) as server:
        mounted = Case(path=sent, cors=Cors.GRANTED, status=200, json=ITEMS)
        check(mounted, send(server, mounted))
        check(preflight(sent, "PUT"), send(server, preflight(sent, "PUT")))
        if mounted_on is HYPERCORN:
            # /mntx is not under /mnt: the app does not route it, and corsware does not cover it.
            beside = Case(path="/mntx/api/items", cors=Cors.UNMATCHED, status=404)
            check(beside, send(server, beside))


def test_concurrent_origins_get_their_own_headers(server: Server) -> None:
    """Many threads, each with its own origins and request headers, on one server at once."""
    assert concurrent_tenants(server, CLIENTS, ROUNDS) == [ROUNDS] * CLIENTS
