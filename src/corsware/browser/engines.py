"""Where Chromium, Firefox and WebKit part ways, as data, and each engine's outcome of one simulation.

The CORS check and the preflight check come out the same in the three engines (what
`corsware.browser.checks` decides is what each of them decides); they differ in their
CORS-preflight cache: how long it keeps an answer, which answers it reuses, and whether a failed
request empties it. Those facts decide whether an identical fetch made soon after is preflighted
again, which is what a developer sees as "the OPTIONS request comes every time in one browser".

Each fact was measured in Chromium 156, Firefox ESR 153 and WebKitGTK 2.50 (the engine of Safari),
except the caps on ``Access-Control-Max-Age`` of Chromium and Firefox, which take hours to see
and come from their sources (Chromium's ``kMaxTimeout``, Firefox's 24-hour limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from corsware.browser.checks import (
    CHROMIUM_MAX_AGE,
    DEFAULT_MAX_AGE,
    Response,
    get_header,
    parse_header_list,
)
from corsware.browser.checks import preflight_cache_seconds as _cache_seconds
from corsware.browser.request import (
    BrowserRequest,
    Headers,
    is_safelisted_method,
    unsafe_request_header_names,
)

if TYPE_CHECKING:
    from corsware.browser.verdict import Verdict

__all__ = [
    "CHROMIUM",
    "ENGINES",
    "FIREFOX",
    "WEBKIT",
    "BrowserEngine",
    "EngineOutcome",
    "engine_outcomes",
    "preflight_cache_seconds",
    "preflight_reused",
]

WildcardReuse = Literal["never", "except-authorization", "always"]


@dataclass(frozen=True, slots=True)
class BrowserEngine:
    """One browser engine and the facts of its CORS-preflight cache.

    Attributes:
        key: A short lower-case identifier (``"chromium"``, ``"firefox"``, ``"webkit"``).
        name: The name to show a developer.
        max_age_cap: The most seconds it keeps a preflight answer, whatever Max-Age says.
        unparsable_max_age: The seconds it keeps an answer whose Max-Age is neither absent nor
            ``delta-seconds`` (``soon``, ``1.5``): the spec's 5, or Firefox's 0.
        reuses_null_origin: Whether it reuses a preflight sent with ``Origin: null`` (a sandboxed
            iframe); Chromium never does.
        wildcard_reuse: What a ``*`` in Allow-Methods or Allow-Headers covers when the cache is
            asked again: nothing (Firefox matches its cache literally), every name but
            Authorization (Chromium, as the Fetch Standard's cache does), or everything (WebKit).
        keeps_after_failure: Whether the answer stays cached when the actual response then fails
            the CORS check; the Fetch Standard clears it ("clear cache entries"), as Firefox does.
    """

    key: str
    name: str
    max_age_cap: int
    unparsable_max_age: int
    reuses_null_origin: bool
    wildcard_reuse: WildcardReuse
    keeps_after_failure: bool


CHROMIUM = BrowserEngine(
    key="chromium",
    name="Chromium",
    max_age_cap=CHROMIUM_MAX_AGE,
    unparsable_max_age=DEFAULT_MAX_AGE,
    reuses_null_origin=False,
    wildcard_reuse="except-authorization",
    keeps_after_failure=True,
)
"""Chromium (Chrome, Edge, Opera and the other Chromium browsers)."""

FIREFOX = BrowserEngine(
    key="firefox",
    name="Firefox",
    max_age_cap=86400,
    unparsable_max_age=0,
    reuses_null_origin=True,
    wildcard_reuse="never",
    keeps_after_failure=False,
)
"""Firefox (Gecko)."""

WEBKIT = BrowserEngine(
    key="webkit",
    name="WebKit (the engine of Safari)",
    max_age_cap=600,
    unparsable_max_age=DEFAULT_MAX_AGE,
    reuses_null_origin=True,
    wildcard_reuse="always",
    keeps_after_failure=True,
)
"""WebKit: Safari, every browser on iOS, and WebKitGTK."""

ENGINES = (CHROMIUM, FIREFOX, WEBKIT)
"""The three engines, in the order they are reported."""


def preflight_cache_seconds(headers: Headers, engine: BrowserEngine) -> int:
    """How long `engine` keeps a passed preflight answered with `headers` (``Access-Control-Max-Age``).

    Absent: 5 s everywhere; negative: nothing; above the engine's cap: the cap; anything else
    that is not ``delta-seconds``: 5 s in Chromium and WebKit, nothing in Firefox.
    """
    return _cache_seconds(headers, cap=engine.max_age_cap, unparsable=engine.unparsable_max_age)


def _cache_misses(request: BrowserRequest, response: Response, engine: BrowserEngine) -> list[str]:
    # Why `engine` sends a new preflight for `request` right after `response` let it through.
    seconds = preflight_cache_seconds(response.headers, engine)
    value = get_header(response.headers, "Access-Control-Max-Age")
    if seconds <= 0:
        if _cache_seconds(response.headers, cap=engine.max_age_cap) > 0:  # 5 s by the spec's rule
            return [
                f"{engine.name} caches nothing when Access-Control-Max-Age is not a whole number of "
                f"seconds ({value!r}); the Fetch Standard, and the other engines, use 5 s."
            ]
        return [f"Access-Control-Max-Age: {value} asks every browser to cache nothing."]
    if request.origin == "null" and not engine.reuses_null_origin:
        return [
            f"{engine.name} never reuses a preflight sent with Origin: null (a sandboxed iframe, or "
            "another opaque origin): every such request is preflighted."
        ]
    misses: list[str] = []
    # '*' is a wildcard only without credentials (Fetch, CORS-preflight fetch step 7).
    wildcard = not request.credentials
    methods = parse_header_list(get_header(response.headers, "Access-Control-Allow-Methods")) or ()
    if not (
        is_safelisted_method(request.method)
        or request.method in methods
        or (wildcard and engine.wildcard_reuse != "never" and "*" in methods)
    ):
        misses.append(
            f"{engine.name} does not reuse a preflight that allowed {request.method} only by '*' in "
            "Access-Control-Allow-Methods: its cache matches names literally. Name the method."
        )
    allowed = parse_header_list(get_header(response.headers, "Access-Control-Allow-Headers")) or ()
    allowed_lower = {name.lower() for name in allowed}
    for name in unsafe_request_header_names(request.headers):
        if name in allowed_lower or not wildcard or "*" not in allowed_lower:
            continue
        if engine.wildcard_reuse == "never":
            misses.append(
                f"{engine.name} does not reuse a preflight that allowed {name} only by '*' in "
                "Access-Control-Allow-Headers: its cache matches names literally. Name the header."
            )
        elif engine.wildcard_reuse == "except-authorization" and name == "authorization":
            misses.append(
                f"{engine.name} lets '*' in Access-Control-Allow-Headers cover Authorization in the "
                "preflight check but not in its preflight cache (whose rule is the Fetch "
                "Standard's), so it preflights every such request. Name Authorization."
            )
    return misses


def preflight_reused(request: BrowserRequest, response: Response, engine: BrowserEngine) -> bool:
    """Whether `engine` answers `request`, made again right after, from its preflight cache.

    `response` is the preflight answer `request` passed. https://fetch.spec.whatwg.org/#http-fetch
    looks the method (unless safelisted) and each CORS-unsafe header name up in the cache, which
    holds an entry per item of Allow-Methods and Allow-Headers for the Max-Age seconds; the engines
    differ on which entries they keep and what a '*' entry matches (see `BrowserEngine`).
    """
    return not _cache_misses(request, response, engine)


@dataclass(frozen=True, slots=True)
class EngineOutcome:
    """What one engine does with a simulated request.

    Attributes:
        engine: The engine.
        allowed: Whether script receives the response (the same in every engine today).
        preflighted: Whether the engine sends a preflight first.
        readable_headers: The response header names script can read, lower case.
        cache_seconds: How long the engine keeps the passed preflight's answer; None when no
            preflight passed.
        preflighted_again: Whether the same fetch, made again a moment later, sends a preflight
            of its own (False when the request needs none).
        notes: Why this engine preflights again where the preflight passed, one sentence each.
    """

    engine: BrowserEngine
    allowed: bool
    preflighted: bool
    readable_headers: tuple[str, ...]
    cache_seconds: int | None
    preflighted_again: bool
    notes: tuple[str, ...] = ()


def _outcome(verdict: Verdict, engine: BrowserEngine) -> EngineOutcome:
    first = verdict.exchanges[0]
    seconds: int | None = None
    again = False
    notes: list[str] = []
    if first.kind == "preflight" and len(verdict.exchanges) == 1 and not verdict.allowed:
        again = True  # the preflight failed, so nothing was cached
    elif first.kind == "preflight":
        seconds = preflight_cache_seconds(first.response.headers, engine)
        if not verdict.allowed and not engine.keeps_after_failure:
            notes.append(
                f"{engine.name} drops the cached preflight when the response then fails the CORS "
                'check, as the Fetch Standard says ("clear cache entries"); the other engines keep it.'
            )
        else:
            notes = _cache_misses(verdict.request, first.response, engine)
        again = bool(notes)
    return EngineOutcome(
        engine=engine,
        allowed=verdict.allowed,
        preflighted=first.kind == "preflight",
        readable_headers=verdict.readable_headers,
        cache_seconds=seconds,
        preflighted_again=again,
        notes=tuple(notes),
    )


def engine_outcomes(verdict: Verdict) -> tuple[EngineOutcome, ...]:
    """What each engine of `ENGINES` does with the request `verdict` simulated, from its exchanges.

    The checks are the same in all three; the outcomes differ in the preflight cache: how long it
    keeps the answer (`EngineOutcome.cache_seconds`) and whether the same request made again soon
    after is preflighted again (`EngineOutcome.preflighted_again`, with the reason in `notes`).
    Only the first exchange's preflight counts: a redirected request's later preflights are not
    looked at.
    """
    return tuple(_outcome(verdict, engine) for engine in ENGINES)
