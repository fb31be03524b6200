"""corsware.django: the middleware in a real Django, driven by Django's own test clients.

The shared case table runs through ``django.test.Client``, ``AsyncClient`` and Django's
``ASGIHandler`` against a site that lists ``corsware.django.CorsMiddleware`` first in
``MIDDLEWARE``; a second table holds every answer to what the WSGI ``CORSMiddleware`` gives wrapped
around the same site; the system check and the start-up failure report a bad ``CORSWARE`` in the
setting's own words; and every snippet of docs/django.md runs in a project ``startproject`` made.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core import checks
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient, Client, override_settings

from corsware import CORSConfigError, CORSMiddleware
from corsware.django import CorsMiddleware, check_settings

from .cases import APP_ORIGIN, CASES, DEV_ORIGIN, Case, Cors, Outcome, check, preflight
from .conftest import REPO_ROOT
from .django_middleware_site import (
    ASYNC_CAPABLE_MIDDLEWARE,
    CORS_MIDDLEWARE,
    EXAMPLE_CORSWARE,
    EXAMPLE_MIDDLEWARE,
    SITE,
)
from .frameworks import django_settings, send

_UNSET = object()


@contextmanager
def django_site(
    corsware: object = EXAMPLE_CORSWARE,
    middleware: tuple[str, ...] = (CORS_MIDDLEWARE, *ASYNC_CAPABLE_MIDDLEWARE),
) -> Iterator[None]:
    """The test site with ``middleware``, and ``CORSWARE`` set (or not)."""
    with django_settings(), override_settings(**SITE, MIDDLEWARE=list(middleware), CORSWARE=corsware):
        if corsware is _UNSET:
            del settings.CORSWARE
        yield


def outcome_of(response: Any) -> Outcome:
    """A Django test client response as the shared table's `Outcome`."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Outcome(response.status_code, list(response.items()), body)


def request_of(case: Case) -> dict[str, Any]:
    """The arguments of ``Client.generic`` for ``case``."""
    headers = case.request_headers()
    return {
        "method": case.method,
        "path": case.path,
        "data": case.encoded_body() or b"",
        "content_type": headers.pop("Content-Type", "application/octet-stream"),
        "headers": headers,
    }


def through_client(case: Case) -> Outcome:
    """``case`` through ``django.test.Client``; a view's exception becomes Django's 500 page."""
    return outcome_of(Client(raise_request_exception=False).generic(**request_of(case)))


def through_async_client(case: Case) -> Outcome:
    """``case`` through ``django.test.AsyncClient``: the middleware chain runs as coroutines."""

    async def fetch() -> Any:
        return await AsyncClient(raise_request_exception=False).generic(**request_of(case))

    return outcome_of(asyncio.run(fetch()))


async def call_asgi(case: Case, application: Any = None, query_string: bytes = b"") -> Outcome:
    """Send ``case`` to an ASGI application (Django's ``ASGIHandler`` by default) as a server would."""
    headers = [(b"host", b"testserver")] + [
        (name.lower().encode("latin-1"), value.encode("latin-1"))
        for name, value in case.request_headers().items()
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": case.method,
        "scheme": "http",
        "path": case.path,
        "raw_path": quote(case.path).encode("ascii"),
        "query_string": query_string,
        "root_path": "",
        "headers": headers,
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 50000),
    }
    body = [{"type": "http.request", "body": case.encoded_body() or b"", "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if body:
            return body.pop()
        # The client stays connected until Django, having answered, stops listening for it.
        await asyncio.Event().wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asyncio.wait_for((application or ASGIHandler())(scope, receive, send), timeout=10)
    start, *rest = sent
    response_headers = [
        (name.decode("latin-1"), value.decode("latin-1")) for name, value in start["headers"]
    ]
    return Outcome(start["status"], response_headers, b"".join(part.get("body", b"") for part in rest))


def through_asgi(case: Case) -> Outcome:
    """``case`` through ``ASGIHandler``, what ``get_asgi_application()`` gives an ASGI server."""
    return asyncio.run(call_asgi(case))


CLIENTS = [
    pytest.param(through_client, id="Client"),
    pytest.param(through_async_client, id="AsyncClient"),
    pytest.param(through_asgi, id="ASGIHandler"),
]


def reaches(through: Callable[[Case], Outcome], case: Case) -> bool:
    """Whether ``through`` can send ``case`` as a browser would."""
    # The AsyncClient puts a path into the ASGI scope in its WSGI form (UTF-8 bytes read as latin-1),
    # so a path that is not ASCII reaches neither the resolver nor corsware as a server sends it.
    return through is not through_async_client or case.path.isascii()


# The example streams from a sync generator, which Django's ASGI handler warns about.
SYNC_STREAM = pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume:Warning")


def by_client(cases: list[Any]) -> list[Any]:
    """Every case through every client that can send it: ``(through, *case values)`` parameters."""
    params = []
    for param in cases:
        case = param.values[0]
        for client in CLIENTS:
            through = client.values[0]
            if reaches(through, case):
                marks = SYNC_STREAM if through is through_asgi and case.path == "/api/stream" else ()
                params.append(
                    pytest.param(through, *param.values, id=f"{param.id}-{client.id}", marks=marks)
                )
    return params


# What only a Django middleware meets: Django's own middleware after it, and views that set the
# headers corsware owns.
DJANGO_CASES = [
    pytest.param(
        preflight("/api/slash", "PUT", "content-type"),
        id="preflight to a path APPEND_SLASH would redirect gets 200, not CommonMiddleware's 301",
    ),
    pytest.param(
        Case(path="/api/slash", cors=Cors.GRANTED, status=301),
        id="CommonMiddleware's APPEND_SLASH redirect is readable by the page",
    ),
    pytest.param(
        Case(path="/api/own-cors", cors=Cors.GRANTED, status=200, body=b"own cors"),
        id="a view's own Access-Control-* headers are replaced by the policy's",
    ),
    pytest.param(
        Case(path="/api/own-cors", origin="https://evil.test", cors=Cors.REFUSED, status=200),
        id="a view's own Access-Control-Allow-Origin is removed for a disallowed origin",
    ),
    pytest.param(
        Case(path="/api/café", cors=Cors.GRANTED, status=200, body="/api/café".encode()),
        id="a path that is not ASCII is matched decoded, as the URL resolver sees it",
    ),
]


CHAINS = [
    pytest.param(ASYNC_CAPABLE_MIDDLEWARE, id="async-capable chain"),
    pytest.param(EXAMPLE_MIDDLEWARE, id="the example's sync-only chain"),
]


@pytest.mark.parametrize("chain", CHAINS)
@pytest.mark.parametrize(("through", "case"), by_client([*CASES, *DJANGO_CASES]))
def test_case_table(through: Callable[[Case], Outcome], case: Case, chain: tuple[str, ...]) -> None:
    """The site with corsware first in MIDDLEWARE answers every case as the shared table says."""
    with django_site(middleware=(CORS_MIDDLEWARE, *chain)):
        check(case, through(case))


VARY = [
    pytest.param("/api/items", ["Origin"], id="the view sets no Vary: corsware adds Vary: Origin"),
    pytest.param(
        "/api/varies", ["Accept-Encoding, Origin"], id="the view's Vary gets Origin added to it"
    ),
    pytest.param("/api/varies-on-everything", ["*"], id="a view that varies on everything keeps *"),
    pytest.param("/api/own-cors", ["Cookie, Origin"], id="Vary merged beside replaced CORS headers"),
    pytest.param("/health", [], id="a path no resource covers keeps the view's headers"),
]


@pytest.mark.parametrize("through", CLIENTS)
@pytest.mark.parametrize(("path", "vary"), VARY)
def test_vary_is_merged_into_the_views_own(
    through: Callable[[Case], Outcome], path: str, vary: list[str]
) -> None:
    with django_site():
        outcome = through(Case(path=path, cors=Cors.GRANTED, status=200))
    assert outcome.values("Vary") == vary
    # Headers the view set that corsware does not own are kept as they were.
    assert outcome.value("Allow") == ("GET" if path == "/api/own-cors" else None)


# ---- the same answers as the WSGI CORSMiddleware ----------------------------------------------


def request(
    path: str,
    method: str = "GET",
    origin: str | None = DEV_ORIGIN,
    headers: Mapping[str, str] | None = None,
) -> Case:
    """A request to compare the adapters on; the expectation half of the `Case` is not read."""
    return Case(
        method=method,
        path=path,
        origin=origin,
        headers=dict(headers or {}),
        cors=Cors.UNMATCHED,
        status=None,
    )


def asked(method: str, headers: str | None = None, **extra: str) -> dict[str, str]:
    """The headers of a preflight asking for ``method`` (and ``headers``, and ``extra``)."""
    found = {"Access-Control-Request-Method": method, **extra}
    if headers is not None:
        found["Access-Control-Request-Headers"] = headers
    return found


PRIVATE_NETWORK = {"Access-Control-Request-Private-Network": "true"}
# Every resource kind: an exact path that is not ASCII, a regex, a prefix, and one open to all.
SEVERAL_RESOURCES: dict[str, Any] = {
    "origins": [DEV_ORIGIN],
    "resources": {
        "/api/café": {"origins": [APP_ORIGIN], "allow_credentials": True},
        re.compile(r"/api/v[0-9]+/.*"): {"methods": "*", "allow_private_network": True, "max_age": 60},
        "/api/*": {"expose_headers": ["X-Total-Count"], "allow_headers": ["Content-Type"]},
        "/health": {"origins": "*"},
    },
}
CONFIGURATIONS = [
    pytest.param(EXAMPLE_CORSWARE, id="the example's policy"),
    pytest.param({}, id="no options: any origin, every path"),
    pytest.param(SEVERAL_RESOURCES, id="several resources"),
]
REQUESTS = [
    *(pytest.param(param.values[0], id=param.id) for param in [*CASES, *DJANGO_CASES]),
    pytest.param(request("/api/café", origin=APP_ORIGIN), id="non-ASCII path, second origin"),
    pytest.param(
        request("/api/café", "OPTIONS", APP_ORIGIN, asked("PUT", "x-custom")),
        id="preflight to the non-ASCII path",
    ),
    pytest.param(
        request("/api/v2/items", "OPTIONS", headers=asked("PROPFIND", **PRIVATE_NETWORK)),
        id="private-network preflight for any method on the regex resource",
    ),
    pytest.param(request("/api/v2/items", "HEAD"), id="HEAD on the regex resource"),
    pytest.param(request("/api/../health"), id="dot segments that lead out of /api/*"),
    pytest.param(request("/api/items/"), id="a trailing slash the routes do not have"),
    pytest.param(request("/api/" + "x" * 600), id="a path too long to remember"),
    pytest.param(
        request("/api/items", "OPTIONS", headers=asked("put")), id="preflight for a lower-case method"
    ),
    pytest.param(
        request("/api/items", "OPTIONS", headers=asked("GET", "x y")),
        id="preflight with a malformed header list",
    ),
    pytest.param(
        request("/api/items", "OPTIONS", origin=None, headers=asked("PUT")),
        id="OPTIONS with Access-Control-Request-Method but no Origin",
    ),
    pytest.param(request("/api/items", origin="HTTP://LOCALHOST:3000"), id="upper-case origin"),
    *(
        pytest.param(request(path), id=f"view with its own headers: {path}")
        for path in ("/api/varies", "/api/varies-on-everything", "/api/own-cors")
    ),
    pytest.param(request("/api/own-cors", origin=None), id="own CORS headers, no Origin"),
]


def summary(case: Case, outcome: Outcome) -> tuple[object, ...]:
    """What CORS decides in a response: status, CORS headers, Vary lines and body."""
    # Django's test Client drops the body of a HEAD response itself; servers do it for the others.
    body = None if case.method == "HEAD" else outcome.body
    return outcome.status, outcome.cors_headers(), outcome.values("Vary"), body


@SYNC_STREAM
@pytest.mark.parametrize("corsware", CONFIGURATIONS)
@pytest.mark.parametrize("case", REQUESTS)
def test_same_answers_as_the_wsgi_middleware(corsware: dict[str, Any], case: Case) -> None:
    """The Django middleware, sync and async, answers as CORSMiddleware wrapped around the site."""
    options = dict(corsware)
    with django_site(corsware=_UNSET, middleware=EXAMPLE_MIDDLEWARE):
        wrapped = CORSMiddleware(WSGIHandler(), resources=options.pop("resources", None), **options)
        # webtest takes the path as a URL would carry it.
        expected = summary(case, send(wrapped, dataclasses.replace(case, path=quote(case.path))))
    with django_site(corsware=corsware):
        for client in CLIENTS:
            through = client.values[0]
            if reaches(through, case):
                assert summary(case, through(case)) == expected, client.id


# ---- how Django runs it -------------------------------------------------------------------------


def sync_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("sync")


async def async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("async")


def test_the_middleware_is_a_coroutine_function_in_front_of_an_async_chain() -> None:
    """Django awaits a middleware it sees as a coroutine function, and calls any other."""
    with django_site():
        assert not iscoroutinefunction(CorsMiddleware(sync_view))
        assert iscoroutinefunction(CorsMiddleware(async_view))
    assert CorsMiddleware.sync_capable
    assert CorsMiddleware.async_capable


def test_a_preflight_never_reaches_the_rest_of_the_chain() -> None:
    """Preflights are answered first: nothing after corsware in MIDDLEWARE, nor the view, runs."""
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request.method)
        return HttpResponse("view")

    headers = {"HTTP_ORIGIN": DEV_ORIGIN, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "PUT"}
    with django_site():
        middleware = CorsMiddleware(view)
        for method in ("OPTIONS", "PUT"):
            http_request = HttpRequest()
            http_request.method, http_request.path_info = method, "/api/items"
            http_request.META = {"REQUEST_METHOD": method, **headers}
            response = middleware(http_request)
            assert response["Access-Control-Allow-Origin"] == DEV_ORIGIN
    assert seen == ["PUT"]


def test_the_setting_is_read_when_a_client_first_builds_the_chain() -> None:
    """As the docs say: a client made before ``override_settings`` uses the setting overridden."""
    preflight_case = preflight("/api/items", "PUT", origin=APP_ORIGIN, allowed=False)
    with django_site():
        client = Client()
        with override_settings(CORSWARE={"origins": [DEV_ORIGIN]}):
            refused = client.generic(**request_of(preflight_case))
        # The chain is built now, and the setting is not read again.
        also_refused = client.generic(**request_of(preflight_case))
    check(preflight_case, outcome_of(refused))
    check(preflight_case, outcome_of(also_refused))


# ---- refusals are logged -------------------------------------------------------------------------

FORGED = "https://evil.test\r\nINFO forged line"
LOGGED = [
    pytest.param(
        preflight("/api/items", "PUT", origin=FORGED, allowed=False),
        "CORS preflight rejected (origin not allowed): 'OPTIONS' '/api/items' from origin "
        "'https://evil.test\\r\\nINFO forged line', requested method 'PUT', headers (none)",
        id="refused preflight",
    ),
    pytest.param(
        Case(path="/api/café", origin="https://evil.test", cors=Cors.REFUSED, status=200),
        "CORS actual rejected (origin not allowed): 'GET' '/api/caf\\xe9' from origin "
        "'https://evil.test', requested method (none), headers (none)",
        id="refused actual request, its decoded path escaped",
    ),
    pytest.param(preflight("/api/items", "PUT"), None, id="allowed preflight"),
    pytest.param(
        Case(path="/health", origin="https://evil.test", cors=Cors.UNMATCHED, status=200),
        None,
        id="path no resource covers",
    ),
]


@pytest.mark.parametrize(("through", "case", "message"), by_client(LOGGED))
def test_refusals_are_logged_at_debug_with_escaped_values(
    through: Callable[[Case], Outcome],
    case: Case,
    message: str | None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with django_site():
        with caplog.at_level(logging.INFO, logger="corsware"):
            check(case, through(case))
        assert not [record for record in caplog.records if record.name == "corsware"]
        with caplog.at_level(logging.DEBUG, logger="corsware"):
            check(case, through(case))
    logged = [record.getMessage() for record in caplog.records if record.name == "corsware"]
    assert logged == ([] if message is None else [message])


# ---- the setting is validated when Django starts -------------------------------------------------

BAD_SETTINGS = [
    pytest.param(
        {"origins": ["https://app.example.com/"]},
        [("corsware.E003", "CORSWARE['origins'][0]")],
        id="an origin outside the grammar",
    ),
    pytest.param(
        {"origin": [APP_ORIGIN]}, [("corsware.E001", "CORSWARE['origin']")], id="a misspelt option"
    ),
    pytest.param(
        {"resources": {"/api/*": {"origins": [APP_ORIGIN], "methds": ["GET"]}}},
        [("corsware.E001", "CORSWARE['resources']['/api/*']['methds']")],
        id="a misspelt option in a resource",
    ),
    pytest.param(
        {"resources": {"/api/*": {"origins": ["https://*.com"], "allow_credentials": True}}},
        [("corsware.E013", "CORSWARE['resources']['/api/*']['origins'][0]")],
        id="credentials for every site under a public suffix",
    ),
    pytest.param(
        {"resources": {"api/*": {}, re.compile(rb"/v1/.*"): {}}},
        [
            ("corsware.E008", "CORSWARE['resources']['api/*']"),
            ("corsware.E008", "CORSWARE['resources'][re.compile(b'/v1/.*')]"),
        ],
        id="resource patterns, a regex one named as written",
    ),
    pytest.param(
        {"resources": {"/*": {}, "/api/*": {}}},
        [("corsware.E009", "CORSWARE['resources']['/api/*']")],
        id="a resource an earlier one shadows",
    ),
    pytest.param(
        {"origins": "https://a.example, https://b.example", "max_age": -1, "resource": {}},
        [
            ("corsware.E001", "CORSWARE['resource']"),
            ("corsware.E003", "CORSWARE['origins']"),
            ("corsware.E007", "CORSWARE['max_age']"),
        ],
        id="every problem at once",
    ),
    pytest.param(["https://app.example.com"], [("corsware.E002", "CORSWARE")], id="not a dict"),
    pytest.param(_UNSET, [("corsware.E002", "CORSWARE")], id="not set"),
]


@pytest.mark.parametrize(("corsware", "expected"), BAD_SETTINGS)
def test_system_check_reports_every_problem(corsware: object, expected: list[tuple[str, str]]) -> None:
    with django_site(corsware=corsware):
        found = checks.run_checks(tags=[checks.Tags.security])
        with pytest.raises(CORSConfigError) as raised:
            CorsMiddleware(sync_view)
    messages = [message for message in found if message.id.startswith("corsware.")]
    assert sorted((message.id, message.obj) for message in messages) == sorted(expected)
    assert all(message.level == checks.ERROR and message.hint for message in messages)
    # The middleware refuses to start with the same problems, named the same way.
    problems = raised.value.problems
    assert sorted(("corsware." + p.code.removeprefix("CORS-"), p.option) for p in problems) == sorted(
        expected
    )


def test_a_check_message_names_the_place_the_value_and_the_fix() -> None:
    with django_site(corsware={"resources": {"/api/*": {"origins": ["https://app.example.com/"]}}}):
        [message] = check_settings()
    text = str(message)
    assert text.startswith(
        "CORSWARE['resources']['/api/*']['origins'][0]: (corsware.E003) 'https://app.example.com/' "
    )
    assert "\n\tHINT: " in text


def test_a_valid_setting_passes_the_check() -> None:
    with django_site():
        assert check_settings() == []
        assert not [m for m in checks.run_checks() if m.id.startswith("corsware.")]


@pytest.mark.parametrize(
    ("middleware", "above"),
    [
        pytest.param((CORS_MIDDLEWARE, *EXAMPLE_MIDDLEWARE), None, id="first: nothing to say"),
        pytest.param(EXAMPLE_MIDDLEWARE, None, id="not listed: nothing to say"),
        pytest.param(
            (EXAMPLE_MIDDLEWARE[0], CORS_MIDDLEWARE, EXAMPLE_MIDDLEWARE[1]),
            EXAMPLE_MIDDLEWARE[0],
            id="after CommonMiddleware",
        ),
        pytest.param(
            ("django.middleware.security.SecurityMiddleware", *EXAMPLE_MIDDLEWARE, CORS_MIDDLEWARE),
            ", ".join(("django.middleware.security.SecurityMiddleware", *EXAMPLE_MIDDLEWARE)),
            id="last, after three",
        ),
    ],
)
def test_system_check_warns_when_the_middleware_is_not_first(
    middleware: tuple[str, ...], above: str | None
) -> None:
    with django_site(middleware=middleware):
        found = [
            m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id.startswith("corsware.")
        ]
    if above is None:
        assert found == []
        return
    [message] = found
    assert (message.id, message.level, message.obj) == ("corsware.W001", checks.WARNING, "MIDDLEWARE")
    assert f"({above})" in message.msg
    assert message.hint == f"move {CORS_MIDDLEWARE!r} to the top of MIDDLEWARE"


def test_not_first_is_a_broken_preflight_the_warning_is_about() -> None:
    """What the warning prevents: with the bearer-token check above it, a preflight (which never
    carries credentials) is refused with 401 before corsware runs, without any CORS header."""
    with django_site(middleware=(*EXAMPLE_MIDDLEWARE, CORS_MIDDLEWARE)):
        response = Client().options(
            "/api/me",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
        )
    assert response.status_code == 401
    assert "Access-Control-Allow-Origin" not in response.headers


def test_check_ids_work_with_manage_py_check_and_silencing() -> None:
    """``manage.py check`` fails on an error, and SILENCED_SYSTEM_CHECKS takes the ids as they are."""
    with django_site(corsware={"origins": ["https://app.example.com/"], "max_age": -1}):
        with pytest.raises(SystemCheckError, match=r"corsware\.E003") as raised:
            call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
        assert "CORSWARE['max_age']: (corsware.E007)" in str(raised.value)
        with override_settings(SILENCED_SYSTEM_CHECKS=["corsware.E003", "corsware.E007"]):
            output = io.StringIO()
            call_command("check", stdout=output)
    assert "no issues (2 silenced)" in output.getvalue()


def fetch_with_async_client() -> object:
    return asyncio.run(AsyncClient().get("/api/items"))


STARTS = [
    pytest.param(WSGIHandler, id="WSGIHandler (get_wsgi_application)"),
    pytest.param(ASGIHandler, id="ASGIHandler (get_asgi_application)"),
    pytest.param(lambda: Client().get("/api/items"), id="the test Client's first request"),
    pytest.param(fetch_with_async_client, id="the AsyncClient's first request"),
]


@pytest.mark.parametrize("start", STARTS)
def test_an_invalid_setting_fails_when_django_builds_the_middleware(start: Callable[[], object]) -> None:
    with (
        django_site(corsware={"origins": ["https://app.example.com/"]}),
        pytest.raises(
            CORSConfigError, match=re.escape("CORSWARE['origins'][0] = 'https://app.example.com/'")
        ),
    ):
        start()


def test_the_app_registers_the_check_when_django_starts(tmp_path: Path) -> None:
    """In a fresh process, listing the app is enough for ``django-admin check`` to run the check."""
    (tmp_path / "checked_settings.py").write_text(
        'INSTALLED_APPS = ["corsware.django.CorswareConfig"]\n'
        'CORSWARE = {"origins": ["https://app.example.com/"]}\n',
        encoding="utf-8",
    )
    result = run_python("-m", "django", "check", "--settings=checked_settings", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "CORSWARE['origins'][0]: (corsware.E003)" in result.stderr


def test_importing_corsware_does_not_import_django() -> None:
    code = (
        "import sys, corsware, corsware.middleware, corsware.engine, corsware.migrate\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
        "import corsware.django\n"
        "assert 'django' in sys.modules\n"
    )
    result = run_python("-c", code, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr


def run_python(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """This interpreter in a fresh process, with none of the test process's Django settings."""
    return subprocess.run(  # noqa: S603 - this interpreter, arguments from this module
        [sys.executable, *arguments],
        cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_only_the_wrapper_covers_what_django_answers_before_its_middleware() -> None:
    """Under ASGI, Django answers a query string that is not UTF-8 with 400 before MIDDLEWARE runs."""
    from corsware.asgi import CORSMiddleware as ASGICORSMiddleware  # noqa: PLC0415

    case = Case(path="/api/items", cors=Cors.GRANTED, status=400)

    async def fetch(application: Any) -> Outcome:
        return await call_asgi(case, application, query_string=b"q=\xff")

    with django_site():
        in_middleware = asyncio.run(fetch(ASGIHandler()))
    with django_site(corsware=_UNSET, middleware=ASYNC_CAPABLE_MIDDLEWARE):
        wrapped = asyncio.run(fetch(ASGICORSMiddleware(ASGIHandler(), **EXAMPLE_CORSWARE)))
    assert in_middleware.status == wrapped.status == 400
    assert in_middleware.cors_headers() == {}
    check(case, wrapped)


# ---- docs/django.md: every snippet runs as written, in a project startproject made ---------------

DOCS = REPO_ROOT / "docs" / "django.md"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.DOTALL | re.MULTILINE)
# Each Python snippet of the page opens with a comment naming its file, and its place in it.
SNIPPETS = {
    "settings": ("# mysite/settings.py, at the end", "MIDDLEWARE.insert"),
    "logging": ("# mysite/settings.py, at the end", "LOGGING"),
    "bad settings": ("# mysite/settings.py, at the end", "expose_headrs"),
    "migration": ("# mysite/settings.py, at the end, below your CORS_* settings", "migrate"),
    "wsgi": ("# mysite/wsgi.py", "get_wsgi_application"),
    "asgi": ("# mysite/asgi.py", "get_asgi_application"),
    "client tests": ("# mysite/tests.py", "self.client"),
    "webtest tests": ("# mysite/tests.py", "webtest"),
}
# What a project had before the migration snippet; the docs leave it to the reader's project.
DJANGO_CORS_HEADERS_SETTINGS = """
INSTALLED_APPS += ["corsware.django.CorswareConfig"]
MIDDLEWARE.insert(0, "corsware.django.CorsMiddleware")
CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = True
"""
ASGI_PREFLIGHT = """
import asyncio
from asgiref.testing import ApplicationCommunicator
from mysite.asgi import application

async def preflight():
    headers = [(b"origin", b"https://app.example.com"), (b"access-control-request-method", b"PUT")]
    scope = {"type": "http", "method": "OPTIONS", "path": "/api/items", "headers": headers}
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(10)
    print(start["status"], dict(start["headers"])[b"access-control-allow-origin"].decode())

asyncio.run(preflight())
"""


def doc_blocks(language: str) -> list[str]:
    return [code for lang, code in FENCE.findall(DOCS.read_text(encoding="utf-8")) if lang == language]


def snippet(name: str) -> str:
    first_line, marker = SNIPPETS[name]
    [code] = [
        code for code in doc_blocks("python") if code.split("\n", 1)[0] == first_line and marker in code
    ]
    return code


def test_every_python_snippet_of_the_docs_is_run() -> None:
    assert sorted(doc_blocks("python")) == sorted(snippet(name) for name in SNIPPETS)


@pytest.fixture(scope="module")
def startproject(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project as ``django-admin startproject mysite`` makes it, made once for the module."""
    made = tmp_path_factory.mktemp("startproject")
    result = run_python("-m", "django", "startproject", "mysite", str(made), cwd=made)
    assert result.returncode == 0, result.stderr
    return made


@pytest.fixture
def project(startproject: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(startproject, copy)
    return copy


def apply(project: Path, name: str) -> None:
    """Put a snippet where its first line says: at the end of its file, or as the whole file."""
    code = snippet(name)
    place = code.split("\n", 1)[0].removeprefix("# ")
    path = project / place.split(",", 1)[0]
    if "at the end" in place:
        with path.open("a", encoding="utf-8") as file:
            file.write("\n" + code)
    else:
        path.write_text(code, encoding="utf-8")


def manage(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run_python("manage.py", *arguments, cwd=project)


def test_docs_middleware_project(project: Path) -> None:
    """The settings, logging and test-client snippets: the check passes, the tests pass and log."""
    for name in ("settings", "logging", "client tests"):
        apply(project, name)
    checked = manage(project, "check")
    assert checked.returncode == 0, checked.stderr
    tested = manage(project, "test")
    assert tested.returncode == 0, tested.stderr
    assert "Ran 2 tests" in tested.stderr
    assert "CORS preflight rejected (origin not allowed)" in tested.stderr


def test_docs_check_output(project: Path) -> None:
    """``manage.py check`` prints what the page shows for its bad setting."""
    apply(project, "settings")
    apply(project, "bad settings")
    checked = manage(project, "check")
    assert checked.returncode == 1
    [shown] = [block for block in doc_blocks("text") if block.startswith("ERRORS:")]
    printed = [line.strip() for line in checked.stderr.splitlines()]
    for line in shown.splitlines():
        assert line.strip() in printed


def test_docs_wrapped_project(project: Path) -> None:
    """The wsgi.py and asgi.py snippets answer preflights; webtest tests them, the client cannot."""
    for name in ("wsgi", "asgi", "webtest tests"):
        apply(project, name)
    tested = manage(project, "test")
    assert tested.returncode == 0, tested.stderr
    assert "Ran 2 tests" in tested.stderr
    asgi = run_python("-c", ASGI_PREFLIGHT, cwd=project)
    assert asgi.returncode == 0, asgi.stderr
    assert asgi.stdout.split() == ["200", "https://app.example.com"]
    # The caveat: the test client never goes through wsgi.py, so the same CORS tests fail there.
    apply(project, "client tests")
    bypassed = manage(project, "test")
    assert bypassed.returncode == 1
    assert "FAILED (failures=2)" in bypassed.stderr


def test_docs_migration(project: Path) -> None:
    """The migration snippet turns django-cors-headers settings into a CORSWARE the tests pass with."""
    with (project / "mysite" / "settings.py").open("a", encoding="utf-8") as file:
        file.write(DJANGO_CORS_HEADERS_SETTINGS)
    apply(project, "migration")
    apply(project, "client tests")
    tested = manage(project, "test")
    assert tested.returncode == 0, tested.stderr
    printed = manage(
        project, "shell", "-c", "from django.conf import settings; print(settings.CORSWARE)"
    )
    assert printed.returncode == 0, printed.stderr
    assert "'origins': ('https://app.example.com',)" in printed.stdout
