"""The browser case table: what a page may read from an API behind corsware.

Each `BrowserCase` names a corsware configuration, one `fetch()` made by a page on another
loopback origin, and the outcome a browser that follows the Fetch Standard must reach, together
with what the API server must have seen (preflights, actual requests, cookies). The table is plain
data so that any driver can replay it: `test_browser.py` runs it in Chromium, Firefox and WebKit.

The expectations are the Fetch Standard's. Where an engine does otherwise, the case says so in
`engines` (only that engine's expectations change) and its `why` tells what the engine does and
how that stands against the standard.

The page's origin is only known once its server has a port, so options name it with `PAGE`;
`resolve_options` puts the real origin in.

`CASES` is played against both adapters, ``corsware.CORSMiddleware`` (WSGI) and
``corsware.asgi.CORSMiddleware``, with the same expectations: they are what the browser does.
`WEBSOCKET_CASES`, for the ASGI adapter alone, are WebSocket handshakes from the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

PAGE = "<page origin>"
"""Placeholder for the page's origin (``http://127.0.0.1:<port>``) in a case's options."""

OTHER_ORIGIN = "https://app.example.com"
"""An origin that is never the page's: allowing only it shuts the page out."""

COOKIE_NAME = "corsware_session"
"""The cookie the page server sets; the API echoes it when the browser sends it."""

COOKIE_VALUE = "browser-suite"

REQUEST_ID = "req-42"
"""The value of the ``X-Request-Id`` header on every API response (exposed or not)."""

JSON_BODY = '{"hello": "corsware"}'

ENGINES = ("chromium", "firefox", "webkit")
"""The engines the table is played in, in the order the suite runs them."""

Outcome = Literal["ok", "blocked"]

EXPECTATIONS = frozenset(
    (
        "outcome",
        "status",
        "visible",
        "preflights",
        "preflight_status",
        "app_calls",
        "cookie_sent",
        "body_contains",
    )
)
"""The fields of a case that say what must come of it: the only ones an engine may override."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BrowserCase:
    """One fetch from the page to the API, and what must come of it.

    Attributes:
        id: Readable test id.
        why: The rule (Fetch Standard section or corsware behaviour) that decides the outcome.
        options: Keyword options for `CORSMiddleware` (`PAGE` stands for the page's origin).
        path: API path the page fetches (``/api/echo`` echoes the request, ``/api/boom``
            answers 500, ``/api/cached`` echoes with ``Cache-Control: public, max-age=60``,
            ``/private/echo`` echoes outside ``/api``).
        method: The fetch's method.
        headers: Request headers the script sets.
        body: Request body, or None.
        credentials: The fetch's credentials mode.
        frame: ``"page"`` runs the fetch in the page; ``"sandbox"`` in a sandboxed iframe whose
            origin is opaque (``Origin: null``).
        calls: How many times the page makes the same fetch, one after the other.
        read_headers: Response headers the page tries to read.
        outcome: ``"ok"`` if the page can read the response, ``"blocked"`` if fetch rejects.
        status: The status the page reads (only when ``outcome == "ok"``).
        visible: Header name -> value the page must read (None: hidden from the page).
        preflights: How many CORS preflights the API server receives.
        preflight_status: The status corsware answers them with (None when there are none).
        app_calls: How many actual (non-preflight) requests reach the API server.
        cookie_sent: Whether those actual requests carry the page's cookie.
        body_contains: Text the page must read in the response body (only when ``"ok"``).
        engines: Engine name -> the expectations that engine reaches instead (the others keep
            the ones above); the case's `why` says why.
    """

    id: str
    why: str
    options: Mapping[str, Any]
    path: str = "/api/echo"
    method: str = "GET"
    headers: Mapping[str, str] | None = None
    body: str | None = None
    credentials: Literal["omit", "same-origin", "include"] = "same-origin"
    frame: Literal["page", "sandbox"] = "page"
    calls: int = 1
    read_headers: tuple[str, ...] = ()
    outcome: Outcome
    status: int | None = None
    visible: Mapping[str, str | None] | None = None
    preflights: int = 0
    preflight_status: int | None = None
    app_calls: int = 1
    cookie_sent: bool = False
    body_contains: str | None = None
    engines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Reject overrides for an unknown engine or of anything but an expectation."""
        for engine, overrides in self.engines.items():
            if engine not in ENGINES:
                raise ValueError(f"case {self.id!r}: unknown engine {engine!r}")
            if not overrides.keys() <= EXPECTATIONS:
                raise ValueError(f"case {self.id!r}: {engine} may override only {sorted(EXPECTATIONS)}")

    def expect(self, engine: str) -> BrowserCase:
        """The case with `engine`'s own expectations where they differ."""
        return dataclasses.replace(self, engines={}, **self.engines.get(engine, {}))


def resolve_options(value: Any, page_origin: str) -> Any:
    """Return `value` (a case's options) with every `PAGE` replaced by `page_origin`."""
    if value == PAGE:
        return page_origin
    if isinstance(value, Mapping):
        return {key: resolve_options(item, page_origin) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return type(value)(resolve_options(item, page_origin) for item in value)
    return value


# Parts that recur in the table, named for what they mean.
JSON_REQUEST: dict[str, Any] = {"headers": {"Content-Type": "application/json"}, "body": JSON_BODY}
"""A JSON body: application/json is not a CORS-safelisted Content-Type, so the browser preflights."""

READ_AFTER_PREFLIGHT: dict[str, Any] = {
    "outcome": "ok",
    "status": 200,
    "preflights": 1,
    "preflight_status": 200,
}
"""One preflight, answered 200 by corsware; then the page reads the app's 200."""

REFUSED_AT_PREFLIGHT: dict[str, Any] = {
    "outcome": "blocked",
    "preflights": 1,
    "preflight_status": 403,
    "app_calls": 0,
}
"""corsware refuses the preflight with 403: the browser never sends the request to the app."""

CASES: tuple[BrowserCase, ...] = (
    # ---- simple GET: sent without a preflight; CORS decides only whether the page may read it.
    BrowserCase(
        id="simple GET, exact origin allowed",
        why="ACAO equals the page's serialized origin (Fetch 'CORS check' step 3).",
        options={"origins": PAGE},
        outcome="ok",
        status=200,
        body_contains='"cookie": null',
    ),
    BrowserCase(
        id="simple GET, any origin allowed",
        why="ACAO is `*` and the request carries no credentials (CORS check step 2).",
        options={},
        outcome="ok",
        status=200,
    ),
    BrowserCase(
        id="simple GET, origin matched by a regex",
        why="The pattern fullmatches the page's origin, so corsware answers with that origin.",
        options={"origins": (re.compile(r"http://127\.0\.0\.1:[0-9]{1,5}"),)},
        outcome="ok",
        status=200,
    ),
    BrowserCase(
        id="simple GET, origin not listed: blocked, yet sent",
        why="No ACAO, so the CORS check fails; a simple request still reaches the app.",
        options={"origins": OTHER_ORIGIN},
        outcome="blocked",
    ),
    BrowserCase(
        id="simple GET, path outside the resources: blocked",
        why="/private matches no resource pattern, so corsware adds no CORS headers at all.",
        options={"resources": {"/api/*": {"origins": PAGE}}},
        path="/private/echo",
        outcome="blocked",
    ),
    BrowserCase(
        id="simple POST text/plain, no preflight",
        why="POST with a CORS-safelisted Content-Type needs no preflight (Fetch 'Main fetch').",
        options={"origins": PAGE},
        method="POST",
        headers={"Content-Type": "text/plain"},
        body="plain text",
        outcome="ok",
        status=200,
    ),
    # ---- preflighted requests
    BrowserCase(
        id="JSON POST, preflight seen and allowed",
        why="application/json is not a safelisted Content-Type, so the browser preflights first.",
        options={"origins": PAGE},
        method="POST",
        **JSON_REQUEST,
        **READ_AFTER_PREFLIGHT,
        body_contains='"method": "POST"',
    ),
    BrowserCase(
        id="PUT allowed",
        why="PUT is not a safelisted method; corsware's default methods list it.",
        options={"origins": PAGE},
        method="PUT",
        **JSON_REQUEST,
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="DELETE allowed",
        why="DELETE is not a safelisted method; corsware's default methods list it.",
        options={"origins": PAGE},
        method="DELETE",
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="PATCH allowed",
        why="PATCH is not a safelisted method; corsware's default methods list it.",
        options={"origins": PAGE},
        method="PATCH",
        **JSON_REQUEST,
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="lower-case 'patch': preflight refused, app never called",
        why="fetch() upper-cases only DELETE/GET/HEAD/OPTIONS/POST/PUT; methods are case-sensitive.",
        options={"origins": PAGE},
        method="patch",
        **JSON_REQUEST,
        **REFUSED_AT_PREFLIGHT,
    ),
    BrowserCase(
        id="DELETE not in methods: preflight refused, app never called",
        why="corsware refuses the preflight (403); the browser never sends the DELETE.",
        options={"origins": PAGE, "methods": ("GET", "POST")},
        method="DELETE",
        **REFUSED_AT_PREFLIGHT,
    ),
    # ---- request headers
    BrowserCase(
        id="custom header listed in allow_headers",
        why="X-Trace is not safelisted; ACAH names it (preflight 'header rule').",
        options={"origins": PAGE, "allow_headers": ("X-Trace",)},
        headers={"X-Trace": "abc"},
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="custom header with allow_headers='*'",
        why="corsware reflects the requested header names after validating them.",
        options={"origins": PAGE, "allow_headers": "*"},
        headers={"X-Trace": "abc"},
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="custom header not listed: blocked, app never called",
        why="The requested X-Trace is not allowed, so the preflight fails.",
        options={"origins": PAGE, "allow_headers": ("X-Other",)},
        headers={"X-Trace": "abc"},
        **REFUSED_AT_PREFLIGHT,
    ),
    BrowserCase(
        id="Authorization listed in allow_headers",
        why="Authorization must be named in ACAH explicitly (preflight 'Authorization rule').",
        options={"origins": PAGE, "allow_headers": ("Authorization",)},
        headers={"Authorization": "Bearer token-1"},
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="Authorization with allow_headers='*'",
        why="A literal ACAH `*` never covers Authorization, but corsware reflects the name.",
        options={"origins": PAGE, "allow_headers": "*"},
        headers={"Authorization": "Bearer token-1"},
        **READ_AFTER_PREFLIGHT,
    ),
    BrowserCase(
        id="Authorization not listed: blocked, app never called",
        why="allow_headers names only X-Trace; Authorization is refused at the preflight.",
        options={"origins": PAGE, "allow_headers": ("X-Trace",)},
        headers={"Authorization": "Bearer token-1"},
        **REFUSED_AT_PREFLIGHT,
    ),
    # ---- credentials: the page server set a SameSite=Lax cookie for 127.0.0.1
    BrowserCase(
        id="credentials include, explicit origin and credentials on",
        why="ACAO is the exact origin and ACAC is `true` (CORS check step 5).",
        options={"origins": PAGE, "allow_credentials": True},
        credentials="include",
        outcome="ok",
        status=200,
        cookie_sent=True,
        body_contains=f'"cookie": "{COOKIE_VALUE}"',
    ),
    BrowserCase(
        id="credentials include, PUT preflighted without the cookie",
        why="The preflight never carries credentials; the PUT after it does.",
        options={"origins": PAGE, "allow_credentials": True},
        method="PUT",
        **JSON_REQUEST,
        credentials="include",
        **READ_AFTER_PREFLIGHT,
        cookie_sent=True,
        body_contains=f'"cookie": "{COOKIE_VALUE}"',
    ),
    BrowserCase(
        id="credentials include, any origin: blocked",
        why="ACAO `*` is not accepted for a credentialed request (CORS check step 2 skipped).",
        options={},
        credentials="include",
        outcome="blocked",
        cookie_sent=True,
    ),
    BrowserCase(
        id="credentials include, credentials off: blocked",
        why="ACAO matches but ACAC is absent, so the credentialed CORS check fails.",
        options={"origins": PAGE},
        credentials="include",
        outcome="blocked",
        cookie_sent=True,
    ),
    # ---- response headers the page may read
    BrowserCase(
        id="exposed header visible",
        why="X-Request-Id is listed in ACEH; Content-Type is always safelisted.",
        options={"origins": PAGE, "expose_headers": ("X-Request-Id",)},
        read_headers=("X-Request-Id", "Content-Type"),
        outcome="ok",
        status=200,
        visible={"X-Request-Id": REQUEST_ID, "Content-Type": "application/json"},
    ),
    BrowserCase(
        id="expose_headers='*' exposes every header without credentials",
        why="ACEH `*` is a wildcard for requests without credentials (Fetch 'main fetch').",
        options={"origins": PAGE, "expose_headers": "*"},
        read_headers=("X-Request-Id",),
        outcome="ok",
        status=200,
        visible={"X-Request-Id": REQUEST_ID},
    ),
    BrowserCase(
        id="unexposed header hidden",
        why="Without ACEH the page sees only CORS-safelisted response headers.",
        options={"origins": PAGE},
        read_headers=("X-Request-Id", "Content-Type"),
        outcome="ok",
        status=200,
        visible={"X-Request-Id": None, "Content-Type": "application/json"},
    ),
    # ---- preflight cache (Fetch 'CORS-preflight cache'; Chromium caps max-age at 7200 s)
    BrowserCase(
        id="max_age=600: second PUT sends no preflight",
        why=(
            "ACMA 600 lets the browser cache the preflight for this origin and URL. Firefox does so "
            "only after the session's first repeated pair, which the suite's warm-up spends."
        ),
        options={"origins": PAGE, "max_age": 600},
        method="PUT",
        **JSON_REQUEST,
        calls=2,
        **READ_AFTER_PREFLIGHT,
        app_calls=2,
    ),
    BrowserCase(
        id="max_age=0: every PUT is preflighted",
        why="ACMA 0 forbids caching, so the second call preflights again.",
        options={"origins": PAGE, "max_age": 0},
        method="PUT",
        **JSON_REQUEST,
        calls=2,
        outcome="ok",
        status=200,
        preflights=2,
        preflight_status=200,
        app_calls=2,
    ),
    BrowserCase(
        id="no max_age: cached for the browser's default 5 s",
        why="Without ACMA the browser still caches for 5 s, and the calls are milliseconds apart.",
        options={"origins": PAGE},
        method="PUT",
        **JSON_REQUEST,
        calls=2,
        **READ_AFTER_PREFLIGHT,
        app_calls=2,
    ),
    # ---- the browser's HTTP cache (RFC 9111; Fetch 'HTTP-network-or-cache fetch')
    BrowserCase(
        id="cacheable GET, exact origin: second call from the HTTP cache",
        why=(
            "The response is fresh for 60 s and its `Vary: Origin` names a header that is the same "
            "on both calls, so the browser may reuse it (RFC 9111 section 4.1) and the stored ACAO "
            "still matches. WebKit under WebDriver never reused it: it fetched again, which a "
            "cache may always do."
        ),
        options={"origins": PAGE},
        path="/api/cached",
        calls=2,
        outcome="ok",
        status=200,
        app_calls=1,
        engines={"webkit": {"app_calls": 2}},
    ),
    # ---- the opaque origin of a sandboxed iframe
    BrowserCase(
        id="sandboxed iframe, null origin not listed: blocked",
        why="The iframe's origin is opaque (`Origin: null`); the policy lists only the page.",
        options={"origins": PAGE},
        frame="sandbox",
        outcome="blocked",
    ),
    BrowserCase(
        id="sandboxed iframe, null origin listed: allowed",
        why="`null` listed explicitly (without credentials) gets `ACAO: null`, which matches.",
        options={"origins": ("null",)},
        frame="sandbox",
        outcome="ok",
        status=200,
    ),
    BrowserCase(
        id="sandboxed iframe, any origin without credentials: readable",
        why=(
            "ACAO `*` without credentials passes the CORS check whatever the origin, `null` included "
            "(CORS check step 2), in every engine; refusing `null` here protects nothing."
        ),
        options={"origins": "*"},
        frame="sandbox",
        outcome="ok",
        status=200,
    ),
    # ---- errors and strangers
    BrowserCase(
        id="500 from the app readable by the page",
        why="CORS headers go on every status, so the page can read the app's error.",
        options={"origins": PAGE},
        path="/api/boom",
        outcome="ok",
        status=500,
        body_contains="the app failed",
    ),
    BrowserCase(
        id="origin not allowed at all: preflight refused, app never called",
        why="Only another origin is allowed; the PUT's preflight is refused with 403.",
        options={"origins": OTHER_ORIGIN},
        method="PUT",
        **JSON_REQUEST,
        **REFUSED_AT_PREFLIGHT,
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebSocketCase:
    """A WebSocket the page opens to an ASGI app behind corsware, and whether it opens.

    CORS does not apply to WebSockets: the browser sends ``Origin`` (and the site's cookies) with
    every handshake and leaves it to the server to refuse (RFC 6455 section 10.2). corsware's ASGI
    adapter refuses, before the app, a handshake on a covered path from an origin the resource's
    `origins` do not allow, with 403 (ASGI's WebSocket Denial Response extension, which uvicorn
    supports); ``websocket_guard=False`` lets every handshake through.

    Attributes:
        id: Readable test id.
        why: The rule that decides the outcome.
        options: Keyword options for ``corsware.asgi.CORSMiddleware`` (`PAGE` as in `CASES`).
        opens: True: the handshake reaches the app, which accepts it (101), and the page's message
            comes back; False: corsware answers 403, the app is never called, and the page sees
            an error, then a close with 1006 (RFC 6455 section 7.1.5: no close frame came).
    """

    id: str
    why: str
    options: Mapping[str, Any]
    opens: bool


WEBSOCKET_CASES: tuple[WebSocketCase, ...] = (
    WebSocketCase(
        id="WebSocket, page origin allowed: open",
        why="The handshake's Origin is in the resource's origins, so it reaches the app.",
        options={"origins": PAGE},
        opens=True,
    ),
    WebSocketCase(
        id="WebSocket, page origin not allowed: refused before the app",
        why="Only another origin is allowed: corsware answers the handshake 403 itself.",
        options={"origins": OTHER_ORIGIN},
        opens=False,
    ),
    WebSocketCase(
        id="WebSocket, origin not allowed, websocket_guard off: open",
        why="websocket_guard=False leaves handshakes to the app, whatever their origin.",
        options={"origins": OTHER_ORIGIN, "websocket_guard": False},
        opens=True,
    ),
)
