"""The verdict engine: run a request as fetch() does, over any transport, and say what happens.

Nothing here does I/O: `simulate` takes the transport as a callable, so the CLI runs the same engine
over real HTTP (`corsware check`) and against a policy (`corsware explain`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from corsware.browser import messages
from corsware.browser.checks import (
    REDIRECT_STATUSES,
    Response,
    authorization_covered_by_wildcard,
    cors_check,
    exposed_header_names,
    get_header,
    preflight_cache_seconds,
    preflight_check,
)
from corsware.browser.messages import Failure
from corsware.browser.request import (
    HTTP_WHITESPACE,
    BrowserRequest,
    Headers,
    is_forbidden_request_header,
    needs_preflight,
    normalize_method,
    preflight_request_headers,
    unsafe_request_header_names,
)

__all__ = ["Exchange", "Transport", "Verdict", "simulate"]

_SEE_OTHER = 303
_POST_TO_GET_STATUSES = frozenset([301, 302])
_MAX_REDIRECTS = 20


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP round trip the simulated browser made."""

    kind: str  # "preflight" or "actual"
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    response: Response


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the browser does with a request, and why.

    Attributes:
        request: the request as simulated (method normalized, forbidden headers dropped).
        allowed: True when script receives the response.
        preflight_needed: whether the browser sends a CORS-preflight request first.
        unsafe_headers: the CORS-unsafe request-header names, which
            ``Access-Control-Request-Headers`` lists.
        exchanges: the HTTP round trips made, in order.
        failure: why the browser blocks, or None.
        readable_headers: the response header names script can read (lower case).
        hidden_headers: response header names present but hidden from script (lower case).
        preflight_cache_seconds: how long Chromium caches a passed preflight, or None.
        notes: remarks that are not failures (dropped headers, followed redirects).
        warnings: what browsers allow today but the Fetch Standard does not, with the fix.
    """

    request: BrowserRequest
    allowed: bool
    preflight_needed: bool
    unsafe_headers: tuple[str, ...]
    exchanges: tuple[Exchange, ...]
    failure: Failure | None
    readable_headers: tuple[str, ...] = ()
    hidden_headers: tuple[str, ...] = ()
    preflight_cache_seconds: int | None = None
    notes: tuple[str, ...] = field(default=())
    warnings: tuple[str, ...] = field(default=())

    def console_message(self) -> str | None:
        """Chromium's console line for the failure, or None when the request is allowed."""
        if self.failure is None:
            return None
        last_url, first_url = self.exchanges[-1].url, self.exchanges[0].url
        redirected_from = first_url if first_url != last_url else None
        return self.failure.console_message(
            last_url, self.request.origin, redirected_from=redirected_from
        )


Transport = Callable[[str, str, Headers], Response]
"""Sends ``(method, url, request headers)``, returns the response: all the I/O `simulate` does."""


def _same_origin(first: str, second: str) -> bool:
    one, two = urlsplit(first), urlsplit(second)
    return (one.scheme, one.hostname, one.port) == (two.scheme, two.hostname, two.port)


def _prepare(request: BrowserRequest) -> tuple[BrowserRequest, list[str]]:
    notes: list[str] = []
    kept: list[tuple[str, str]] = []
    for name, value in request.headers:
        if is_forbidden_request_header(name, value):
            notes.append(
                f"fetch() drops the forbidden request header {name!r}: only the browser sets it."
            )
        else:
            # https://fetch.spec.whatwg.org/#concept-header-value-normalize
            kept.append((name, value.strip(HTTP_WHITESPACE)))
    method = normalize_method(request.method)
    prepared = BrowserRequest(
        url=request.url,
        origin=request.origin,
        method=method,
        headers=tuple(kept),
        credentials=request.credentials,
        target_address_space=request.target_address_space,
    )
    return prepared, notes


def simulate(request: BrowserRequest, transport: Transport) -> Verdict:
    """Run ``request`` the way a browser's fetch() does, through ``transport``.

    Sends the preflight when one is needed and applies the preflight check, then sends the actual
    request and applies the CORS check; follows redirects as fetch() does (a cross-origin redirect
    makes the origin ``null``). The result names the first failure, as the browser reports it.

    Raises:
        ValueError: fetch() would throw before sending anything (invalid or forbidden method).
    """
    request, notes = _prepare(request)
    first = request
    exchanges: list[Exchange] = []
    cache_seconds: int | None = None
    warnings: list[str] = []
    for _hop in range(_MAX_REDIRECTS + 1):
        if needs_preflight(request):
            preflight_headers = preflight_request_headers(request)
            response = transport("OPTIONS", request.url, preflight_headers)
            exchanges.append(Exchange("preflight", "OPTIONS", request.url, preflight_headers, response))
            failure = preflight_check(request, response)
            if failure is not None:
                return _blocked(first, exchanges, failure, notes, warnings)
            cache_seconds = preflight_cache_seconds(response.headers)
            if authorization_covered_by_wildcard(request, response):
                warnings.append(messages.AUTHORIZATION_WARNING)
        actual_headers = (("Origin", request.origin), *request.headers)
        response = transport(request.method, request.url, actual_headers)
        exchanges.append(Exchange("actual", request.method, request.url, actual_headers, response))
        failure = cors_check(request.origin, response.headers, credentials=request.credentials)
        if failure is not None:
            return _blocked(first, exchanges, failure, notes, warnings)
        location = get_header(response.headers, "Location")
        if response.status not in REDIRECT_STATUSES or location is None:
            readable = exposed_header_names(response.headers, credentials=request.credentials)
            present = {key.lower() for key, _ in response.headers}
            return Verdict(
                request=first,
                allowed=True,
                preflight_needed=bool(exchanges[0].kind == "preflight"),
                unsafe_headers=unsafe_request_header_names(first.headers),
                exchanges=tuple(exchanges),
                failure=None,
                readable_headers=tuple(sorted(readable)),
                hidden_headers=tuple(sorted(present - readable)),
                preflight_cache_seconds=cache_seconds,
                notes=tuple(notes),
                warnings=tuple(warnings),
            )
        request = _follow(request, response.status, urljoin(request.url, location), notes)
    return _blocked(first, exchanges, messages.too_many_redirects(), notes, warnings)


def _follow(request: BrowserRequest, status: int, url: str, notes: list[str]) -> BrowserRequest:
    # https://fetch.spec.whatwg.org/#http-redirect-fetch: after a cross-origin hop the request's
    # origin is tainted and serializes as "null"; 303 (and 301/302 for POST) become GET.
    origin = request.origin
    if not _same_origin(request.url, url) and not _same_origin(request.origin, request.url):
        origin = "null"
    method, headers = request.method, request.headers
    if (status == _SEE_OTHER and method not in ("GET", "HEAD")) or (
        status in _POST_TO_GET_STATUSES and method == "POST"
    ):
        method = "GET"
        headers = tuple(h for h in headers if not h[0].lower().startswith("content-"))
    notes.append(f"HTTP {status}: the browser follows the redirect to {url} with Origin: {origin}.")
    return BrowserRequest(
        url=url,
        origin=origin,
        method=method,
        headers=headers,
        credentials=request.credentials,
        target_address_space=request.target_address_space,
    )


def _blocked(
    request: BrowserRequest,
    exchanges: list[Exchange],
    failure: Failure,
    notes: Iterable[str],
    warnings: Iterable[str],
) -> Verdict:
    return Verdict(
        request=request,
        allowed=False,
        preflight_needed=exchanges[0].kind == "preflight",
        unsafe_headers=unsafe_request_header_names(request.headers),
        exchanges=tuple(exchanges),
        failure=failure,
        notes=tuple(notes),
        warnings=tuple(warnings),
    )
