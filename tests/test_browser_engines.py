"""Where Chromium, Firefox and WebKit differ (corsware.browser.engines), as measured in each engine.

Every row of these tables is a behaviour the differential browser test (tests/browser/
test_differential.py) saw in the three real engines, except the caps on Access-Control-Max-Age of
Chromium (7200 s) and Firefox (86400 s), which take hours to see. Expected values are per engine,
in the order Chromium, Firefox, WebKit.
"""

from __future__ import annotations

import pytest

from corsware import browser
from corsware.browser import BrowserRequest, Response
from corsware.browser.engines import (
    CHROMIUM,
    ENGINES,
    FIREFOX,
    WEBKIT,
    BrowserEngine,
    EngineOutcome,
    engine_outcomes,
    preflight_cache_seconds,
    preflight_reused,
)

ORIGIN = "http://localhost:3000"
URL = "http://api.test/items"
GRANT = (("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Credentials", "true"))


def request(method: str = "PUT", *headers: tuple[str, str], **options: object) -> BrowserRequest:
    return BrowserRequest(url=URL, origin=ORIGIN, method=method, headers=headers, **options)  # type: ignore[arg-type]


def preflight(*headers: tuple[str, str]) -> Response:
    return Response(204, (*GRANT, *headers))


def test_engines_are_named_as_tested() -> None:
    """WebKitGTK is WebKit, the engine of Safari: the name says both, never Safari alone."""
    assert [engine.name for engine in ENGINES] == [
        "Chromium",
        "Firefox",
        "WebKit (the engine of Safari)",
    ]
    assert [engine.key for engine in ENGINES] == ["chromium", "firefox", "webkit"]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param(None, (5, 5, 5), id="absent: 5 s everywhere"),
        pytest.param("", (5, 5, 5), id="empty: as absent"),
        pytest.param("600", (600, 600, 600), id="600"),
        pytest.param("007", (7, 7, 7), id="leading zeros"),
        pytest.param("3600", (3600, 3600, 600), id="WebKit caps at 600 s"),
        pytest.param("86400", (7200, 86400, 600), id="Chromium caps at 7200 s"),
        pytest.param("100000", (7200, 86400, 600), id="Firefox caps at 86400 s"),
        pytest.param("9" * 5000, (7200, 86400, 600), id="more digits than int() takes"),
        pytest.param("0" * 5000 + "42", (42, 42, 42), id="5000 leading zeros"),
        pytest.param("0", (0, 0, 0), id="0: no caching"),
        pytest.param("-1", (0, 0, 0), id="negative: no caching"),
        pytest.param("-0", (0, 0, 0), id="minus zero: no caching"),
        pytest.param("soon", (5, 0, 5), id="unparsable: Firefox caches nothing"),
        pytest.param("1.5", (5, 0, 5), id="a fraction is unparsable"),
        pytest.param("+5", (5, 0, 5), id="a plus sign is unparsable"),
        pytest.param("600, 600", (5, 0, 5), id="two values are unparsable"),
        pytest.param("-", (5, 0, 5), id="bare minus is unparsable"),
    ],
)
def test_preflight_cache_seconds(value: str | None, seconds: tuple[int, int, int]) -> None:
    headers = [] if value is None else [("Access-Control-Max-Age", value)]
    assert tuple(preflight_cache_seconds(headers, engine) for engine in ENGINES) == seconds


def test_checks_default_is_chromiums() -> None:
    """The engine-less reading that `simulate` reports is Chromium's."""
    for value in ("86400", "soon", "-1", "600"):
        headers = [("Access-Control-Max-Age", value)]
        assert browser.preflight_cache_seconds(headers) == preflight_cache_seconds(headers, CHROMIUM)


MAX_AGE = ("Access-Control-Max-Age", "600")
CUSTOM = ("X-Trace", "1")
AUTHORIZATION = ("Authorization", "Bearer t")


@pytest.mark.parametrize(
    ("req", "response", "reused"),
    [
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "PUT"), MAX_AGE),
            (True,) * 3,
            id="listed method",
        ),
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "PUT"), MAX_AGE, ("Cache-Control", "no-store")),
            (True,) * 3,
            id="no-store on the preflight changes nothing, Firefox included",
        ),
        pytest.param(
            request(), preflight(("Access-Control-Allow-Methods", "PUT")), (True,) * 3, id="5 s default"
        ),
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "0")),
            (False,) * 3,
            id="max-age 0",
        ),
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "soon")),
            (True, False, True),
            id="unparsable max-age: Firefox caches nothing",
        ),
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "*"), MAX_AGE),
            (True, False, True),
            id="method by '*'",
        ),
        pytest.param(
            request("GET", CUSTOM),
            preflight(
                ("Access-Control-Allow-Methods", "*"),
                ("Access-Control-Allow-Headers", "x-trace"),
                MAX_AGE,
            ),
            (True,) * 3,
            id="a safelisted method needs no method entry",
        ),
        pytest.param(
            request("GET", CUSTOM),
            preflight(("Access-Control-Allow-Headers", "X-TRACE"), MAX_AGE),
            (True,) * 3,
            id="header names match in any case",
        ),
        pytest.param(
            request("GET", CUSTOM),
            preflight(("Access-Control-Allow-Headers", "*"), MAX_AGE),
            (True, False, True),
            id="header by '*'",
        ),
        pytest.param(
            request("GET", AUTHORIZATION),
            preflight(("Access-Control-Allow-Headers", "*"), MAX_AGE),
            (False, False, True),
            id="Authorization by '*': Chromium's cache keeps the spec's rule",
        ),
        pytest.param(
            request("GET", AUTHORIZATION, CUSTOM),
            preflight(("Access-Control-Allow-Headers", "Authorization, *"), MAX_AGE),
            (True, False, True),
            id="Authorization listed, the other header by '*'",
        ),
        pytest.param(
            request("GET", AUTHORIZATION),
            preflight(("Access-Control-Allow-Headers", "authorization"), MAX_AGE),
            (True,) * 3,
            id="Authorization listed",
        ),
        pytest.param(
            request("GET", CUSTOM, credentials=True),
            preflight(("Access-Control-Allow-Headers", "X-Trace, *"), MAX_AGE),
            (True,) * 3,
            id="credentials: listed names are reused, '*' is literal",
        ),
        pytest.param(
            BrowserRequest(url=URL, origin="null", method="PUT"),
            Response(
                204,
                (("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT"), MAX_AGE),
            ),
            (False, True, True),
            id="Origin null: Chromium never reuses",
        ),
    ],
)
def test_preflight_reused(
    req: BrowserRequest, response: Response, reused: tuple[bool, bool, bool]
) -> None:
    assert browser.preflight_check(req, response) is None, "each row is a preflight that passes"
    assert tuple(preflight_reused(req, response, engine) for engine in ENGINES) == reused


class Server:
    """A scripted transport: the preflight answer, then the actual response."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)

    def __call__(self, method: str, url: str, headers: browser.Headers) -> Response:
        return self.responses.pop(0)


def outcomes(req: BrowserRequest, *responses: Response) -> dict[str, EngineOutcome]:
    verdict = browser.simulate(req, Server(*responses))
    return {outcome.engine.key: outcome for outcome in engine_outcomes(verdict)}


def test_a_simple_request_is_never_preflighted() -> None:
    found = outcomes(
        request("GET"), Response(200, (*GRANT, ("X-Id", "1"), ("Content-Type", "text/plain")))
    )
    for outcome in found.values():
        assert outcome.allowed
        assert not outcome.preflighted
        assert not outcome.preflighted_again
        assert outcome.cache_seconds is None
        assert outcome.readable_headers == ("content-type",)
        assert outcome.notes == ()


def test_a_refused_preflight_caches_nothing() -> None:
    found = outcomes(request("DELETE"), preflight(("Access-Control-Allow-Methods", "PUT")))
    for outcome in found.values():
        assert not outcome.allowed
        assert outcome.preflighted
        assert outcome.preflighted_again
        assert outcome.cache_seconds is None
        assert outcome.notes == ()


def test_the_cache_time_is_each_engines() -> None:
    found = outcomes(
        request(),
        preflight(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "3600")),
        Response(200, GRANT),
    )
    assert [found[key].cache_seconds for key in ("chromium", "firefox", "webkit")] == [3600, 3600, 600]
    assert not any(outcome.preflighted_again for outcome in found.values())


def test_firefox_drops_the_preflight_when_the_response_fails() -> None:
    """The Fetch Standard clears the cache entries when the CORS-with-preflight fetch fails."""
    found = outcomes(
        request(), preflight(("Access-Control-Allow-Methods", "PUT"), MAX_AGE), Response(200)
    )
    assert not found["firefox"].allowed
    assert found["firefox"].preflighted_again
    assert found["firefox"].cache_seconds == 600
    assert "Firefox drops the cached preflight" in found["firefox"].notes[0]
    assert not found["chromium"].preflighted_again
    assert not found["webkit"].preflighted_again


@pytest.mark.parametrize(
    ("req", "response", "engine", "note"),
    [
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "*"), MAX_AGE),
            FIREFOX,
            "Firefox does not reuse a preflight that allowed PUT only by '*'",
            id="Firefox, method by '*'",
        ),
        pytest.param(
            request("GET", CUSTOM),
            preflight(("Access-Control-Allow-Headers", "*"), MAX_AGE),
            FIREFOX,
            "Firefox does not reuse a preflight that allowed x-trace only by '*'",
            id="Firefox, header by '*'",
        ),
        pytest.param(
            request("GET", AUTHORIZATION),
            preflight(("Access-Control-Allow-Headers", "*"), MAX_AGE),
            CHROMIUM,
            "Chromium lets '*' in Access-Control-Allow-Headers cover Authorization in the preflight",
            id="Chromium, Authorization by '*'",
        ),
        pytest.param(
            BrowserRequest(url=URL, origin="null", method="PUT"),
            Response(
                204, (("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Methods", "PUT"))
            ),
            CHROMIUM,
            "Chromium never reuses a preflight sent with Origin: null",
            id="Chromium, Origin null",
        ),
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "soon")),
            FIREFOX,
            "Firefox caches nothing when Access-Control-Max-Age is not a whole number of seconds",
            id="Firefox, unparsable max-age",
        ),
        pytest.param(
            request(),
            preflight(("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "-1")),
            WEBKIT,
            "Access-Control-Max-Age: -1 asks every browser to cache nothing.",
            id="negative max-age, any engine",
        ),
    ],
)
def test_each_repeat_preflight_says_why(
    req: BrowserRequest, response: Response, engine: BrowserEngine, note: str
) -> None:
    found = outcomes(req, response, Response(200, response.headers))
    outcome = found[engine.key]
    assert outcome.allowed
    assert outcome.preflighted_again
    assert len(outcome.notes) == 1
    assert outcome.notes[0].startswith(note)
    assert outcome.notes[0].count("Safari") == outcome.notes[0].count("WebKit (the engine of Safari)")


def test_a_request_judged_on_its_preflight_alone_counts_as_passed() -> None:
    """`simulate` may stop after a passed preflight: the outcome then rests on that preflight."""
    verdict = browser.simulate(
        request(), Server(preflight(("Access-Control-Allow-Methods", "*"), MAX_AGE)), send_actual=False
    )
    found = {outcome.engine.key: outcome for outcome in engine_outcomes(verdict)}
    assert [found[key].preflighted_again for key in ("chromium", "firefox", "webkit")] == [
        False,
        True,
        False,
    ]
    assert found["chromium"].cache_seconds == 600
