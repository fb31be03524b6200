"""End to end in three engines: a page on one loopback origin fetches an API behind corsware.

The page is served from http://127.0.0.1:A and the API from http://127.0.0.1:B: the ports differ,
so the origins differ and every fetch is cross-origin. The case table runs in Chromium, Firefox
ESR and WebKitGTK, against the WSGI middleware (ids ``<engine>-<case>``, werkzeug serving it) and
against the ASGI one (ids ``asgi-<engine>-<case>``, uvicorn serving it), each engine held to the
Fetch Standard's outcome unless the case records how that engine differs: the same expectations
for both adapters, since they are what the browser does. Both origins are loopback, so Chromium's
Local Network Access does not apply (loopback to loopback is not a local-network request); the suite
checks that no preflight asks for private-network access, and a control test shows that the same
Chromium does enforce Local Network Access on a page it believes public.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

import corsware.asgi
from corsware import CORSMiddleware

from . import asgi_servers, servers
from .cases import CASES, ENGINES, PAGE, BrowserCase, resolve_options
from .conftest import GROUP_PROPERTY
from .engines.chromium import Chromium
from .engines.session import Engines
from .servers import API, SeenRequest


@dataclass(frozen=True, slots=True)
class Adapter:
    """One of corsware's adapters, as the table runs against it.

    Attributes:
        name: ``wsgi`` or ``asgi``.
        id_prefix: What the adapter's test ids start with (nothing for WSGI, the suite's first).
        fixture: The fixture of its API server: a (dispatcher, origin) pair.
        wrap: Wraps the adapter's echo app in its corsware middleware with the given options.
    """

    name: str
    id_prefix: str
    fixture: str
    wrap: Callable[..., object]


ADAPTERS = (
    Adapter("wsgi", "", "api", lambda **options: CORSMiddleware(servers.echo_app, **options)),
    Adapter(
        "asgi",
        "asgi-",
        "asgi_api",
        lambda **options: corsware.asgi.CORSMiddleware(asgi_servers.echo_app, **options),
    ),
)


def unsafe_header_names(headers: dict[str, str]) -> str | None:
    """The Access-Control-Request-Headers value a browser sends for `headers`, or None.

    Fetch 'CORS-preflight fetch': the CORS-unsafe names, lowercased, sorted, joined by ",".
    Of the headers in the case table only a text/plain Content-Type is CORS-safelisted.
    """
    names = sorted(
        name.lower()
        for name, value in headers.items()
        if not (name.lower() == "content-type" and value == "text/plain")
    )
    return ",".join(names) or None


def fetch_spec(case: BrowserCase, api_base: str) -> dict[str, Any]:
    """The argument of the page's runCase() for `case`, against the API mounted at `api_base`."""
    return {
        "url": f"{api_base}{case.path}",
        "method": case.method,
        "headers": dict(case.headers or {}),
        "body": case.body,
        "credentials": case.credentials,
        "frame": case.frame,
        "calls": case.calls,
        "readHeaders": list(case.read_headers),
    }


def describe(seen: list[SeenRequest]) -> str:
    """The server's view of a case, for assertion messages."""
    return "\n".join(f"  {request}" for request in seen) or "  (nothing)"


def table() -> list[Any]:
    """Every case in every engine against each adapter, adapter by adapter, engine by engine."""
    return [
        pytest.param(adapter, engine, case, id=f"{adapter.id_prefix}{engine}-{case.id}")
        for adapter in ADAPTERS
        for engine in ENGINES
        for case in CASES
    ]


@pytest.mark.timeout(90)
@pytest.mark.parametrize(("adapter", "engine_name", "case"), table())
def test_browser_reaches_the_expected_outcome(
    adapter: Adapter,
    engine_name: str,
    case: BrowserCase,
    engines: Engines,
    page_origin: str,
    request: pytest.FixtureRequest,
    record_property: Callable[[str, object], None],
) -> None:
    """The engine lets the page read the response exactly when the case says, and the API server
    sees exactly the preflights and requests the Fetch Standard prescribes (or, where the case
    records it, the ones this engine sends)."""
    record_property(GROUP_PROPERTY, f"{adapter.name} {engine_name}")
    engine = engines.get(engine_name)
    expected = case.expect(engine_name)
    dispatcher, api_origin = request.getfixturevalue(adapter.fixture)
    options = resolve_options(case.options, page_origin)
    prefix = dispatcher.mount(adapter.wrap(**options))

    run = engine.run(f"{page_origin}/", fetch_spec(case, f"{api_origin}{prefix}"))
    result = run.result
    seen = dispatcher.seen(prefix)
    record_property("browser", [(call["outcome"], call.get("status")) for call in result["calls"]])
    record_property("server", [(request.method, request.status) for request in seen])
    # The reason for a blocked fetch is in the console only; kept for reading, never asserted.
    record_property("console", None if run.console is None else [m.text for m in run.console])
    context = f"{engine_name}: {result}\nconsole: {run.console}\nserver saw:\n{describe(seen)}"

    origin = "null" if case.frame == "sandbox" else page_origin
    assert result["origin"] == origin, context
    assert len(result["calls"]) == case.calls, context
    for call in result["calls"]:
        assert call["outcome"] == expected.outcome, context
        if expected.outcome == "ok":
            assert call["status"] == expected.status, context
            assert call["headers"] == dict(expected.visible or {}), context
            assert (expected.body_contains or "") in call["body"], context

    preflights = [request for request in seen if request.is_preflight]
    actual = [request for request in seen if not request.is_preflight]
    assert len(preflights) == expected.preflights, context
    assert len(actual) == expected.app_calls, context
    for preflight in preflights:
        assert preflight.status == expected.preflight_status, context
        assert preflight.origin == origin, context
        assert preflight.request_method == case.method, context
        assert preflight.request_headers == unsafe_header_names(dict(case.headers or {})), context
        # Fetch 'CORS-preflight fetch': a preflight never carries credentials.
        assert preflight.cookie is None, context
        assert preflight.authorization is None, context
    for received in actual:
        assert received.method == case.method, context
        assert received.origin == origin, context
        assert (received.cookie is not None) == expected.cookie_sent, context
    # Loopback to loopback is no local-network request: no engine asks private-network access.
    assert all(received.private_network is None for received in seen), context


@pytest.mark.timeout(90)
def test_local_network_access_is_live_and_loopback_pages_are_exempt(
    chromium: Chromium,
    page_origin: str,
    api: tuple[API, str],
) -> None:
    """Control for the table: this Chromium enforces Local Network Access. Told that the page's
    address is public, it refuses an allowed fetch to the loopback API before sending it, and
    corsware's allow_private_network cannot grant that permission. The same fetch from the
    loopback page succeeds: loopback to loopback is not a local-network request."""
    dispatcher, api_origin = api
    options = resolve_options({"origins": PAGE, "allow_private_network": True}, page_origin)
    prefix = dispatcher.mount(CORSMiddleware(servers.echo_app, **options))
    spec = fetch_spec(CASES[0], f"{api_origin}{prefix}")
    port = page_origin.rpartition(":")[2]
    public_page = chromium.with_flags(f"--ip-address-space-overrides=127.0.0.1:{port}=public")

    from_loopback = chromium.run(f"{page_origin}/", spec).result["calls"]
    from_public = public_page.run(f"{page_origin}/", spec).result["calls"]

    assert [(call["outcome"], call.get("status")) for call in from_loopback] == [("ok", 200)]
    assert [call["outcome"] for call in from_public] == ["blocked"]
    # Only the loopback page's fetch reached the server: nothing at all from the "public" page.
    assert [(request.method, request.status) for request in dispatcher.seen(prefix)] == [("GET", 200)]
