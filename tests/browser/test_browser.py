"""End to end in headless Chromium: a page on one loopback origin fetches an API behind corsware.

The page is served from http://127.0.0.1:A and the API from http://127.0.0.1:B: the ports differ,
so the origins differ and every fetch is cross-origin. Both are loopback, so Chromium's Local
Network Access does not apply (loopback to loopback is not a local-network request); the suite
checks that no preflight asks for private-network access.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser

from corsware import CORSMiddleware

from .cases import CASES, BrowserCase, resolve_options
from .servers import API, SeenRequest, echo_app


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


def run_in_browser(browser: Browser, page_origin: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Open a fresh context (own cookie jar, HTTP and preflight caches), load the page, run spec."""
    context = browser.new_context()
    try:
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{page_origin}/")
        result: dict[str, Any] = page.evaluate("spec => runCase(spec)", spec)
    finally:
        context.close()
    return result


def describe(seen: list[SeenRequest]) -> str:
    """The server's view of a case, for assertion messages."""
    return "\n".join(f"  {request}" for request in seen) or "  (nothing)"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_browser_reaches_the_expected_outcome(
    case: BrowserCase,
    browser: Browser,
    page_origin: str,
    api: tuple[API, str],
    record_property: Any,
) -> None:
    """Chromium lets the page read the response exactly when the case says, and the API server
    sees exactly the preflights and requests the Fetch Standard prescribes."""
    dispatcher, api_origin = api
    prefix = dispatcher.mount(
        CORSMiddleware(echo_app, **resolve_options(case.options, page_origin))
    )
    headers = dict(case.headers or {})
    spec = {
        "url": f"{api_origin}{prefix}{case.path}",
        "method": case.method,
        "headers": headers,
        "body": case.body,
        "credentials": case.credentials,
        "frame": case.frame,
        "calls": case.calls,
        "readHeaders": list(case.read_headers),
    }

    result = run_in_browser(browser, page_origin, spec)
    seen = dispatcher.seen(prefix)
    record_property("browser_result", result)
    record_property("server_saw", [(r.method, r.status) for r in seen])
    context = f"browser: {result}\nserver saw:\n{describe(seen)}"

    origin = "null" if case.frame == "sandbox" else page_origin
    assert result["origin"] == origin, context
    assert len(result["calls"]) == case.calls, context
    for call in result["calls"]:
        assert call["outcome"] == case.outcome, context
        if case.outcome == "ok":
            assert call["status"] == case.status, context
            assert call["headers"] == dict(case.visible or {}), context
            assert (case.body_contains or "") in call["body"], context

    preflights = [request for request in seen if request.is_preflight]
    actual = [request for request in seen if not request.is_preflight]
    assert len(preflights) == case.preflights, context
    assert len(actual) == case.app_calls, context
    for preflight in preflights:
        assert preflight.status == case.preflight_status, context
        assert preflight.origin == origin, context
        assert preflight.request_method == case.method, context
        assert preflight.request_headers == unsafe_header_names(headers), context
        # Fetch 'CORS-preflight fetch': a preflight never carries credentials.
        assert preflight.cookie is None, context
        assert preflight.authorization is None, context
    for request in actual:
        assert request.method == case.method, context
        assert request.origin == origin, context
        assert (request.cookie is not None) == case.cookie_sent, context
    # Loopback to loopback is no local-network request: Chromium asks no private-network access.
    assert all(request.private_network is None for request in seen), context
