"""The browser side of the CORS protocol (corsware.browser), in tables from Fetch and wpt."""

from __future__ import annotations

import pytest

from corsware import browser
from corsware.browser import BrowserRequest, Response, messages
from corsware.browser.urls import address_space, parse_url
from corsware.browser.verdict import LocalNetworkAccess, UnsentRequest

ORIGIN = "http://localhost:3000"
URL = "http://api.test/items"


def request(method: str = "GET", *headers: tuple[str, str], **options: object) -> BrowserRequest:
    return BrowserRequest(url=URL, origin=ORIGIN, method=method, headers=headers, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value", "safelisted"),
    [
        pytest.param("Accept", "application/json", True, id="accept"),
        pytest.param("Accept", "text/html, */*;q=0.1", True, id="accept with q"),
        pytest.param("Accept", 'a"b', False, id="accept with quote"),
        pytest.param("Accept", "a\x01b", False, id="accept with control byte"),
        pytest.param("Accept", "a\tb", True, id="accept with tab is fine"),
        pytest.param("accept-language", "en-GB, fr;q=0.8", True, id="accept-language"),
        pytest.param("Content-Language", "de_DE", False, id="content-language underscore"),
        pytest.param("Content-Type", "text/plain", True, id="text/plain"),
        pytest.param("Content-Type", "TEXT/Plain; charset=utf-8", True, id="case and params"),
        pytest.param("content-type", "text/plain;garbage", True, id="wpt garbage parameter"),
        pytest.param("Content-Type", "multipart/form-data; boundary=x", True, id="multipart"),
        pytest.param("Content-Type", "application/x-www-form-urlencoded", True, id="form"),
        pytest.param("Content-Type", " text/plain ", True, id="surrounding whitespace"),
        pytest.param("Content-Type", "application/json", False, id="json"),
        pytest.param("Content-Type", "text /plain", False, id="wpt space in type"),
        pytest.param("Content-Type", "text/plain,", False, id="wpt trailing comma"),
        pytest.param("Content-Type", "text/plain,text/plain", False, id="wpt two types"),
        pytest.param("Content-Type", "text/plain\v", False, id="wpt vertical tab"),
        pytest.param("Content-Type", "application/x-www-form-urlencoded;\x7f", False, id="wpt DEL"),
        pytest.param("Content-Type", "text", False, id="no slash"),
        pytest.param("Content-Type", "text/", False, id="empty subtype"),
        pytest.param("Content-Type", "text/plain; x=" + "a" * 120, False, id="over 128 bytes"),
        pytest.param("Range", "bytes=0-", True, id="range open"),
        pytest.param("Range", "bytes=5-10", True, id="range closed"),
        pytest.param("Range", "bytes=10-5", False, id="range reversed"),
        pytest.param("Range", "bytes=-500", False, id="suffix range"),
        pytest.param("Range", "bytes=0-1,3-4", False, id="two ranges"),
        pytest.param("Range", "bytes = 0-", False, id="range whitespace"),
        pytest.param("Range", "bytes=0", False, id="range without dash"),
        pytest.param("Range", "items=0-", False, id="range unit"),
        pytest.param("Range", "bytes=\u0661-", False, id="range non-ascii digit"),
        pytest.param("X-Requested-With", "XMLHttpRequest", False, id="other name"),
        pytest.param("Authorization", "Bearer x", False, id="authorization"),
    ],
)
def test_safelisted_request_header(name: str, value: str, safelisted: bool) -> None:
    assert browser.is_safelisted_request_header(name, value) is safelisted


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param((), (), id="none"),
        pytest.param((("Accept", "*/*"),), (), id="safelisted only"),
        pytest.param(
            (("X-B", "1"), ("Authorization", "t"), ("x-b", "2")),
            ("authorization", "x-b"),
            id="lower-cased, deduplicated, sorted",
        ),
        pytest.param(
            (("Accept", "a" * 100), ("Accept-Language", "b" * 100)) * 6,
            ("accept", "accept-language"),
            id="over the 1024-byte budget",
        ),
        pytest.param(
            (("Accept", "a" * 128),) * 8,
            (),
            id="exactly 1024 bytes",
        ),
    ],
)
def test_unsafe_request_header_names(
    headers: tuple[tuple[str, str], ...], expected: tuple[str, ...]
) -> None:
    assert browser.unsafe_request_header_names(headers) == expected


@pytest.mark.parametrize(
    ("req", "expected"),
    [
        pytest.param(request("GET"), False, id="simple GET"),
        pytest.param(request("HEAD"), False, id="HEAD"),
        pytest.param(request("POST", ("Content-Type", "text/plain")), False, id="form POST"),
        pytest.param(request("POST", ("Content-Type", "application/json")), True, id="JSON POST"),
        pytest.param(request("PUT"), True, id="PUT"),
        pytest.param(request("GET", ("Authorization", "Bearer t")), True, id="Authorization"),
        pytest.param(request("GET", target_address_space="local"), True, id="private network"),
    ],
)
def test_needs_preflight(req: BrowserRequest, expected: bool) -> None:
    assert browser.needs_preflight(req) is expected


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        pytest.param("get", "GET", id="get upper-cased"),
        pytest.param("delete", "DELETE", id="delete upper-cased"),
        pytest.param("patch", "patch", id="patch kept"),
        pytest.param("PATCH", "PATCH", id="PATCH"),
        pytest.param("PROPFIND", "PROPFIND", id="extension method"),
    ],
)
def test_normalize_method(method: str, expected: str) -> None:
    assert browser.normalize_method(method) == expected


@pytest.mark.parametrize(
    "method",
    [
        pytest.param("", id="empty"),
        pytest.param("GET PUT", id="space"),
        pytest.param("trace", id="forbidden trace"),
        pytest.param("CONNECT", id="forbidden connect"),
    ],
)
def test_normalize_method_refuses(method: str) -> None:
    with pytest.raises(ValueError, match="method"):
        browser.normalize_method(method)


def test_preflight_request_headers() -> None:
    req = request(
        "PUT",
        ("X-B", "1"),
        ("Authorization", "t"),
        ("Content-Type", "text/plain"),
        target_address_space="private",
    )
    assert browser.preflight_request_headers(req) == (
        ("Accept", "*/*"),
        ("Origin", ORIGIN),
        ("Access-Control-Request-Method", "PUT"),
        ("Access-Control-Request-Headers", "authorization,x-b"),
        ("Access-Control-Request-Private-Network", "true"),
        ("Sec-Fetch-Mode", "cors"),
    )
    assert dict(browser.preflight_request_headers(request("DELETE"))).keys() == {
        "Accept",
        "Origin",
        "Access-Control-Request-Method",
        "Sec-Fetch-Mode",
    }


@pytest.mark.parametrize(
    ("headers", "credentials", "code"),
    [
        pytest.param([("Access-Control-Allow-Origin", "*")], False, None, id="star"),
        pytest.param([("access-control-allow-origin", " *\t")], False, None, id="star with OWS"),
        pytest.param([("Access-Control-Allow-Origin", ORIGIN)], False, None, id="exact origin"),
        pytest.param([], False, "missing-allow-origin", id="absent"),
        pytest.param(
            [("Access-Control-Allow-Origin", "*")],
            True,
            "wildcard-origin-not-allowed",
            id="star with credentials",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", ORIGIN)] * 2,
            False,
            "multiple-allow-origin-values",
            id="two identical headers",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", f"*, {ORIGIN}")],
            False,
            "multiple-allow-origin-values",
            id="a list",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", ORIGIN + "/")],
            False,
            "allow-origin-mismatch",
            id="trailing slash",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "HTTP://localhost:3000")],
            False,
            "allow-origin-mismatch",
            id="upper-case scheme",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "null")], False, "allow-origin-mismatch", id="null"
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "localhost")],
            False,
            "invalid-allow-origin-value",
            id="bare host",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "http://")],
            False,
            "invalid-allow-origin-value",
            id="no host",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "1http://a")],
            False,
            "invalid-allow-origin-value",
            id="bad scheme",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "localhost:3000")],
            False,
            "allow-origin-mismatch",
            id="a URL with scheme localhost, as Chromium parses it",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "http:api.test")],
            False,
            "allow-origin-mismatch",
            id="special scheme without slashes",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", "http://user@")],
            False,
            "invalid-allow-origin-value",
            id="userinfo without host",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Credentials", "true")],
            True,
            None,
            id="credentials",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", ORIGIN)],
            True,
            "invalid-allow-credentials",
            id="credentials without ACAC",
        ),
        pytest.param(
            [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Credentials", "True")],
            True,
            "invalid-allow-credentials",
            id="ACAC is case-sensitive",
        ),
    ],
)
def test_cors_check(headers: list[tuple[str, str]], credentials: bool, code: str | None) -> None:
    failure = browser.cors_check(ORIGIN, headers, credentials=credentials)
    assert (failure.code if failure else None) == code


def test_cors_check_messages_are_chromiums() -> None:
    missing = browser.cors_check(ORIGIN, [], credentials=False)
    assert missing is not None
    assert missing.console_message(URL, ORIGIN) == (
        f"Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
        "No 'Access-Control-Allow-Origin' header is present on the requested resource."
    )
    credentials = browser.cors_check(
        ORIGIN,
        [("Access-Control-Allow-Origin", ORIGIN), ("Access-Control-Allow-Credentials", "True")],
        credentials=True,
        preflight=True,
    )
    assert credentials is not None
    assert credentials.console_message(URL, ORIGIN, redirected_from="http://api.test/old") == (
        f"Access to fetch at '{URL}' (redirected from 'http://api.test/old') from origin "
        f"'{ORIGIN}' has been blocked by CORS policy: Response to preflight request doesn't pass "
        "access control check: The value of the 'Access-Control-Allow-Credentials' header in the "
        "response is 'True' which must be 'true' when the request's credentials mode is 'include'."
    )
    assert "allow_credentials=True" in credentials.fix


GRANT = (("Access-Control-Allow-Origin", ORIGIN),)
GRANT_CREDENTIALS = (*GRANT, ("Access-Control-Allow-Credentials", "true"))


@pytest.mark.parametrize(
    ("req", "response", "code", "in_fix"),
    [
        pytest.param(
            request("PUT"),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", "GET, PUT"))),
            None,
            "",
            id="method listed",
        ),
        pytest.param(
            request("PUT"),
            Response(204, (*GRANT, ("Access-Control-Allow-Methods", "*"))),
            None,
            "",
            id="method star",
        ),
        pytest.param(
            request("GET", ("X-A", "1")),
            Response(200, (*GRANT, ("Access-Control-Allow-Headers", "x-a"))),
            None,
            "",
            id="safelisted method needs no ACAM",
        ),
        pytest.param(
            request("PUT"),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", "GET, POST"))),
            "method-disallowed-by-preflight-response",
            "Add PUT",
            id="method not listed",
        ),
        pytest.param(
            request("patch"),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", "PATCH"))),
            "method-disallowed-by-preflight-response",
            "Add patch",
            id="method match is case-sensitive",
        ),
        pytest.param(
            request("PUT", credentials=True),
            Response(200, (*GRANT_CREDENTIALS, ("Access-Control-Allow-Methods", "*"))),
            "method-disallowed-by-preflight-response",
            "literal",
            id="method star is literal with credentials",
        ),
        pytest.param(
            request("GET", ("X-A", "1"), ("X-B", "2")),
            Response(200, (*GRANT, ("Access-Control-Allow-Headers", "X-A"))),
            "header-disallowed-by-preflight-response",
            "Add x-b",
            id="header not listed",
        ),
        pytest.param(
            request("GET", ("X-A", "1")),
            Response(200, (*GRANT, ("Access-Control-Allow-Headers", "*"))),
            None,
            "",
            id="header star",
        ),
        pytest.param(
            request("GET", ("Authorization", "Bearer t")),
            Response(200, (*GRANT, ("Access-Control-Allow-Headers", "*"))),
            None,
            "",
            id="star covers Authorization in browsers (with a warning)",
        ),
        pytest.param(
            request("GET", ("Authorization", "Bearer t")),
            Response(200, (*GRANT, ("Access-Control-Allow-Headers", "*, authorization"))),
            None,
            "",
            id="Authorization listed beside star",
        ),
        pytest.param(
            request("GET", ("X-A", "1"), credentials=True),
            Response(200, (*GRANT_CREDENTIALS, ("Access-Control-Allow-Headers", "*"))),
            "header-disallowed-by-preflight-response",
            "literal",
            id="header star is literal with credentials",
        ),
        pytest.param(
            request("PUT"),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", "PUT, Bad method"))),
            "invalid-allow-methods-preflight-response",
            "tokens",
            id="wpt ACAM not a token",
        ),
        pytest.param(
            request("GET", ("X-A", "1")),
            Response(200, (*GRANT, ("Access-Control-Allow-Headers", "x-a, header name"))),
            "invalid-allow-headers-preflight-response",
            "tokens",
            id="wpt ACAH not a token",
        ),
        pytest.param(
            request("PUT"),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", ",PUT,,"))),
            None,
            "",
            id="empty list items skipped",
        ),
        pytest.param(
            request("PUT"),
            Response(401, ()),
            "missing-allow-origin",
            "allow origin http://localhost:3000, method PUT for this path",
            id="401 without CORS headers reports the missing origin first",
        ),
        pytest.param(
            request("PUT"),
            Response(401, (*GRANT, ("Access-Control-Allow-Methods", "PUT"))),
            "preflight-invalid-status",
            "HTTP 401",
            id="401 with CORS headers",
        ),
        pytest.param(
            request("PUT"),
            Response(300, (*GRANT, ("Access-Control-Allow-Methods", "PUT"))),
            "preflight-invalid-status",
            "HTTP 300",
            id="300 is not ok",
        ),
        pytest.param(
            request("PUT"),
            Response(301, (("Location", "https://api.test/items"), *GRANT)),
            "preflight-disallowed-redirect",
            "https://api.test/items",
            id="redirect",
        ),
        pytest.param(
            request("PUT", credentials=True),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", "PUT"))),
            "invalid-allow-credentials",
            "preflight response too",
            id="credentials need ACAC on the preflight",
        ),
        pytest.param(
            request("GET", target_address_space="local"),
            Response(200, GRANT),
            "preflight-missing-allow-private-network",
            "allow_private_network=True",
            id="private network without ACAPN",
        ),
        pytest.param(
            request("GET", target_address_space="private"),
            Response(200, (*GRANT, ("Access-Control-Allow-Private-Network", "TRUE"))),
            "preflight-invalid-allow-private-network",
            "allow_private_network=True",
            id="private network ACAPN not lower case",
        ),
        pytest.param(
            request("GET", target_address_space="local"),
            Response(200, (*GRANT, ("Access-Control-Allow-Private-Network", "true"))),
            None,
            "",
            id="private network granted",
        ),
    ],
)
def test_preflight_check(req: BrowserRequest, response: Response, code: str | None, in_fix: str) -> None:
    failure = browser.preflight_check(req, response)
    assert (failure.code if failure else None) == code
    if failure is not None:
        assert failure.preflight
        assert in_fix in failure.fix


@pytest.mark.parametrize(
    ("failure_request", "response", "reason"),
    [
        pytest.param(
            request("DELETE"),
            Response(200, GRANT),
            "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response.",
            id="method",
        ),
        pytest.param(
            request("GET", ("X-Debug", "1")),
            Response(200, GRANT),
            "Request header field x-debug is not allowed by Access-Control-Allow-Headers in "
            "preflight response.",
            id="header",
        ),
        pytest.param(
            request("PUT"),
            Response(403, GRANT),
            "It does not have HTTP ok status.",
            id="status",
        ),
        pytest.param(
            request("PUT"),
            Response(200, (*GRANT, ("Access-Control-Allow-Methods", "a b"))),
            "Cannot parse Access-Control-Allow-Methods response header field in preflight response.",
            id="parse",
        ),
        pytest.param(
            request("GET", target_address_space="local"),
            Response(200, GRANT),
            "No 'Access-Control-Allow-Private-Network' header was present in the preflight "
            "response for this private network request targeting the `local` address space.",
            id="private network",
        ),
        pytest.param(
            request("PUT"),
            Response(200, (("Access-Control-Allow-Origin", "localhost"),)),
            "The 'Access-Control-Allow-Origin' header contains the invalid value "
            "'localhost'. Have the server send the header with a valid value.",
            id="invalid origin",
        ),
    ],
)
def test_preflight_reasons_are_chromiums(
    failure_request: BrowserRequest, response: Response, reason: str
) -> None:
    failure = browser.preflight_check(failure_request, response)
    assert failure is not None
    assert failure.reason == reason


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param(None, 5, id="absent"),
        pytest.param("600", 600, id="600"),
        pytest.param("86400", 7200, id="capped at two hours"),
        pytest.param("-1", 0, id="negative"),
        pytest.param("soon", 5, id="unparsable"),
        pytest.param("-", 5, id="bare minus"),
    ],
)
def test_preflight_cache_seconds(value: str | None, seconds: int) -> None:
    headers = [] if value is None else [("Access-Control-Max-Age", value)]
    assert browser.preflight_cache_seconds(headers) == seconds


RESPONSE_HEADERS = [
    ("Content-Type", "application/json"),
    ("X-Request-Id", "1"),
    ("X-Secret", "2"),
    ("Set-Cookie", "a=b"),
]


@pytest.mark.parametrize(
    ("expose", "credentials", "readable"),
    [
        pytest.param(None, False, {"content-type"}, id="safelisted only"),
        pytest.param("X-Request-Id", False, {"content-type", "x-request-id"}, id="listed"),
        pytest.param(
            "*",
            False,
            {"content-type", "x-request-id", "x-secret", "access-control-expose-headers"},
            id="star without credentials",
        ),
        pytest.param("*", True, {"content-type"}, id="star is literal with credentials"),
        pytest.param("Set-Cookie", False, {"content-type"}, id="set-cookie never"),
        pytest.param("a b", False, {"content-type"}, id="unparsable list exposes nothing"),
    ],
)
def test_exposed_header_names(expose: str | None, credentials: bool, readable: set[str]) -> None:
    headers = RESPONSE_HEADERS + ([("Access-Control-Expose-Headers", expose)] if expose else [])
    assert browser.exposed_header_names(headers, credentials=credentials) == readable


@pytest.mark.parametrize(
    ("name", "value", "forbidden"),
    [
        pytest.param("Cookie", "a=b", True, id="cookie"),
        pytest.param("Origin", "x", True, id="origin"),
        pytest.param("Sec-Fetch-Mode", "cors", True, id="sec- prefix"),
        pytest.param("Proxy-Authorization", "x", True, id="proxy- prefix"),
        pytest.param("X-HTTP-Method-Override", "get, TRACE", True, id="override to TRACE"),
        pytest.param("X-HTTP-Method-Override", "PUT", False, id="override to PUT"),
        pytest.param("Authorization", "x", False, id="authorization is allowed"),
    ],
)
def test_forbidden_request_header(name: str, value: str, forbidden: bool) -> None:
    assert browser.is_forbidden_request_header(name, value) is forbidden


class Server:
    """A scripted transport: answers each request from a table and records what it was sent."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.sent: list[tuple[str, str, tuple[tuple[str, str], ...]]] = []

    def __call__(self, method: str, url: str, headers: browser.Headers) -> Response:
        self.sent.append((method, url, tuple(headers)))
        return self.responses.pop(0)


def test_simulate_simple_request_sends_no_preflight() -> None:
    server = Server(Response(200, (*GRANT, ("X-Secret", "1"), ("Content-Type", "text/plain"))))
    verdict = browser.simulate(request("get", ("Cookie", "a=b"), ("Accept", " */* ")), server)
    assert verdict.allowed
    assert not verdict.preflight_needed
    assert server.sent == [("GET", URL, (("Origin", ORIGIN), ("Accept", "*/*")))]
    assert verdict.readable_headers == ("content-type",)
    assert verdict.hidden_headers == ("access-control-allow-origin", "x-secret")
    assert verdict.console_message() is None
    assert verdict.preflight_cache_seconds is None
    assert verdict.notes == (
        "fetch() drops the forbidden request header 'Cookie': only the browser sets it.",
    )


def test_simulate_preflight_then_actual() -> None:
    server = Server(
        Response(
            204,
            (
                *GRANT_CREDENTIALS,
                ("Access-Control-Allow-Methods", "PUT"),
                ("Access-Control-Allow-Headers", "Authorization"),
                ("Access-Control-Max-Age", "600"),
            ),
        ),
        Response(200, GRANT_CREDENTIALS),
    )
    verdict = browser.simulate(request("put", ("Authorization", "Bearer t"), credentials=True), server)
    assert verdict.allowed
    assert verdict.preflight_needed
    assert verdict.unsafe_headers == ("authorization",)
    assert [exchange.kind for exchange in verdict.exchanges] == ["preflight", "actual"]
    assert server.sent[0][0] == "OPTIONS"
    assert ("Access-Control-Request-Headers", "authorization") in server.sent[0][2]
    assert ("Authorization", "Bearer t") not in server.sent[0][2]
    assert server.sent[1] == ("PUT", URL, (("Origin", ORIGIN), ("Authorization", "Bearer t")))
    assert verdict.preflight_cache_seconds == 600


def test_simulate_blocked_preflight_stops_before_the_actual_request() -> None:
    server = Server(Response(401, ()))
    verdict = browser.simulate(request("DELETE"), server)
    assert not verdict.allowed
    assert len(server.sent) == 1
    assert verdict.failure is not None
    assert verdict.failure.code == "missing-allow-origin"
    message = verdict.console_message()
    assert message is not None
    assert "Response to preflight request doesn't pass access control check" in message


def test_simulate_blocked_actual_response() -> None:
    verdict = browser.simulate(request("GET"), Server(Response(200, ())))
    assert not verdict.allowed
    assert not verdict.preflight_needed
    assert verdict.failure is not None
    assert not verdict.failure.preflight


def test_simulate_follows_a_same_origin_redirect() -> None:
    server = Server(
        Response(307, (*GRANT, ("Location", "/new"))),
        Response(200, GRANT),
    )
    verdict = browser.simulate(request("GET"), server)
    assert verdict.allowed
    assert server.sent[1] == ("GET", "http://api.test/new", (("Origin", ORIGIN),))
    assert "follows the redirect to http://api.test/new with Origin: " + ORIGIN in verdict.notes[0]


def test_simulate_cross_origin_redirect_taints_the_origin() -> None:
    server = Server(
        Response(303, (*GRANT, ("Location", "http://other.test/x"))),
        Response(200, ()),
    )
    verdict = browser.simulate(request("POST", ("Content-Type", "text/plain")), server)
    assert server.sent[1] == ("GET", "http://other.test/x", (("Origin", "null"),))
    assert not verdict.allowed
    message = verdict.console_message()
    assert message is not None
    assert message.startswith(
        f"Access to fetch at 'http://other.test/x' (redirected from '{URL}') from origin '{ORIGIN}'"
    )


def test_simulate_post_redirect_keeps_method_on_307() -> None:
    server = Server(
        Response(307, (*GRANT, ("Location", "/b"))),
        Response(200, GRANT),
    )
    browser.simulate(request("POST", ("Content-Type", "text/plain")), server)
    assert server.sent[1][0] == "POST"
    assert ("Content-Type", "text/plain") in server.sent[1][2]


def test_simulate_redirect_loop() -> None:
    server = Server(*[Response(302, (*GRANT, ("Location", URL)))] * 21)
    verdict = browser.simulate(request("GET"), server)
    assert verdict.failure is not None
    assert verdict.failure.code == "too-many-redirects"
    assert len(server.sent) == 21


def test_simulate_refuses_forbidden_method() -> None:
    with pytest.raises(ValueError, match="forbidden"):
        browser.simulate(request("TRACK"), Server())


@pytest.mark.parametrize(
    ("req", "allow_headers", "warned"),
    [
        pytest.param(request("GET", ("Authorization", "t")), "*", True, id="star only"),
        pytest.param(request("GET", ("Authorization", "t")), "*, Authorization", False, id="listed too"),
        pytest.param(request("GET", ("X-A", "t")), "*", False, id="no Authorization"),
        pytest.param(request("GET", ("Authorization", "t")), "x-a", False, id="no star"),
        pytest.param(request("GET", ("Authorization", "t")), "a b", False, id="unparsable"),
    ],
)
def test_authorization_covered_by_wildcard(
    req: BrowserRequest, allow_headers: str, warned: bool
) -> None:
    response = Response(200, (*GRANT, ("Access-Control-Allow-Headers", allow_headers)))
    assert browser.authorization_covered_by_wildcard(req, response) is warned


def test_simulate_warns_when_only_star_covers_authorization() -> None:
    preflight = Response(200, (*GRANT, ("Access-Control-Allow-Headers", "*")))
    server = Server(preflight, Response(200, GRANT))
    verdict = browser.simulate(request("GET", ("Authorization", "Bearer t")), server)
    assert verdict.allowed
    assert len(verdict.warnings) == 1
    assert "list Authorization in Access-Control-Allow-Headers" in verdict.warnings[0]


def test_unprefixed_preflight_failures_read_as_chromium_prints_them() -> None:
    failure = browser.preflight_check(request("DELETE"), Response(200, GRANT))
    assert failure is not None
    assert failure.console_message(URL, ORIGIN) == (
        f"Access to fetch at '{URL}' from origin '{ORIGIN}' has been blocked by CORS policy: "
        "Method DELETE is not allowed by Access-Control-Allow-Methods in preflight response."
    )


# ---- redirects: https://fetch.spec.whatwg.org/#http-redirect-fetch ------------------------------


@pytest.mark.parametrize(
    ("location", "base", "expected"),
    [
        pytest.param("/ok", URL, "http://api.test/ok", id="path"),
        pytest.param("?q=1", URL, "http://api.test/items?q=1", id="query"),
        pytest.param("ok", "http://api.test/a/b", "http://api.test/a/ok", id="relative path"),
        pytest.param(" /o\tk\n ", URL, "http://api.test/ok", id="spaces, tab and newline removed"),
        pytest.param("/\\other.test/x", URL, "http://other.test/x", id="backslash is a slash"),
        pytest.param("///other.test/x", URL, "http://other.test/x", id="extra slashes skipped"),
        pytest.param("//other.test", URL, "http://other.test/", id="scheme-relative"),
        pytest.param("http:///other.test", URL, "http://other.test/", id="absolute with three slashes"),
        pytest.param("http:next", URL, "http://api.test/next", id="same scheme without slashes"),
        pytest.param("https:other.test", URL, "https://other.test/", id="other scheme without slashes"),
        pytest.param(
            "HTTP://API.Test:80/a b?c d#e", URL, "http://api.test/a%20b?c%20d#e", id="normalized"
        ),
        pytest.param("https://api.test:443/", URL, "https://api.test/", id="default https port"),
        pytest.param("http://api.test:8080/é", URL, "http://api.test:8080/%C3%A9", id="utf-8 path"),
        pytest.param("http://[::1]:80/", URL, "http://[::1]/", id="ipv6"),
        pytest.param("http://u:p@api.test/", URL, "http://u:p@api.test/", id="userinfo kept"),
        pytest.param("http://@api.test/", URL, "http://api.test/", id="empty userinfo"),
        pytest.param("gopher://x/", URL, "gopher://x/", id="another scheme as written"),
        pytest.param("data:text/plain,hi", URL, "data:text/plain,hi", id="data"),
        pytest.param("http://a b/", URL, None, id="space in host"),
        pytest.param("http://a%20b/", URL, None, id="escaped space in host"),
        pytest.param("http://a\x01b/", URL, None, id="control character in host"),
        pytest.param("http://[::1", URL, None, id="unclosed ipv6"),
        pytest.param("http://[::g]/", URL, None, id="bad ipv6"),
        pytest.param("http://[fe80::1%25eth0]/", URL, None, id="ipv6 zone"),
        pytest.param("http://[v1.x]/", URL, None, id="IPvFuture"),
        pytest.param("http://x:99999/", URL, None, id="port out of range"),
        pytest.param("http://x:port/", URL, None, id="port not a number"),
        pytest.param("http://", URL, None, id="no host"),
        pytest.param("//", URL, None, id="scheme-relative without host"),
        pytest.param("/x", None, None, id="relative without base"),
        pytest.param("/x", "gopher://a/", None, id="relative to another scheme"),
        pytest.param("//x", "gopher://a/", None, id="scheme-relative to another scheme"),
        pytest.param("http://x", None, "http://x/", id="absolute without base"),
        pytest.param("http://127.1/", None, "http://127.0.0.1/", id="short ipv4"),
        pytest.param("http://0x7f.0.0.1./", None, "http://127.0.0.1/", id="hexadecimal ipv4"),
        pytest.param("http://1.2.3.4.5/", None, None, id="ends in a number, not ipv4"),
        pytest.param("http://a.0x/", None, None, id="ends in an empty hexadecimal number"),
        pytest.param("http://1.a/", None, "http://1.a/", id="a name with a number in it"),
    ],
)
def test_parse_url(location: str, base: str | None, expected: str | None) -> None:
    assert parse_url(location, base) == expected


@pytest.mark.parametrize(
    ("host", "space"),
    [
        pytest.param("localhost", "loopback", id="localhost"),
        pytest.param("api.localhost", "loopback", id="subdomain of localhost"),
        pytest.param("LOCALHOST.", "loopback", id="upper case, trailing dot"),
        pytest.param("127.0.0.1", "loopback", id="127.0.0.1"),
        pytest.param("127.9.9.9", "loopback", id="all of 127/8"),
        pytest.param("[::1]", "loopback", id="::1"),
        pytest.param("::ffff:127.0.0.1", "loopback", id="ipv4-mapped loopback"),
        pytest.param("10.0.0.7", "local", id="10/8"),
        pytest.param("172.20.0.1", "local", id="172.16/12"),
        pytest.param("192.168.1.20", "local", id="192.168/16"),
        pytest.param("169.254.1.1", "local", id="link-local v4"),
        pytest.param("fd12::1", "local", id="unique local fc00::/7"),
        pytest.param("fe80::1", "local", id="link-local v6"),
        pytest.param("printer.local", "local", id=".local name"),
        pytest.param("172.32.0.1", "public", id="just outside 172.16/12"),
        pytest.param("8.8.8.8", "public", id="public v4"),
        pytest.param("printer.lan", "public", id="any other name"),
    ],
)
def test_address_space(host: str, space: str) -> None:
    assert address_space(host) == space


def redirect(location: str, status: int = 302, *extra: tuple[str, str]) -> Response:
    return Response(status, (*GRANT, ("Location", location), *extra))


@pytest.mark.parametrize(
    ("location", "code", "reason", "network_error"),
    [
        pytest.param(
            "gopher://x/",
            "redirect-disallowed-scheme",
            "Cross origin requests are only supported for protocol schemes: chrome, "
            "chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, "
            "http, https, isolated-app.",
            False,
            id="gopher: a CORS error in Chromium",
        ),
        pytest.param("ftp://x/", "redirect-disallowed-scheme", "Cross origin requests", False, id="ftp"),
        pytest.param(
            "javascript:alert(1)", "redirect-disallowed-scheme", "Cross origin", False, id="javascript"
        ),
        pytest.param(
            "data:text/plain,hi",
            "redirect-disallowed-scheme",
            "net::ERR_UNSAFE_REDIRECT",
            True,
            id="data",
        ),
        pytest.param(
            "file:///etc/passwd",
            "redirect-disallowed-scheme",
            "net::ERR_UNSAFE_REDIRECT",
            True,
            id="file",
        ),
        pytest.param(
            "ws://x/", "redirect-disallowed-scheme", "net::ERR_UNKNOWN_URL_SCHEME", True, id="ws"
        ),
        pytest.param(
            "http://user:secret@api.test/x",
            "redirect-contains-credentials",
            "Redirect location '' contains a username and password",
            False,
            id="user name and password",
        ),
        pytest.param(
            "http://user@api.test/x",
            "redirect-contains-credentials",
            "Redirect location",
            False,
            id="user name",
        ),
        pytest.param(
            "http://a b/", "invalid-redirect", "net::ERR_INVALID_REDIRECT", True, id="space in host"
        ),
        pytest.param(
            "http://[::1", "invalid-redirect", "net::ERR_INVALID_REDIRECT", True, id="unclosed ipv6"
        ),
    ],
)
def test_simulate_refuses_a_bad_redirect(
    location: str, code: str, reason: str, network_error: bool
) -> None:
    server = Server(redirect(location))
    verdict = browser.simulate(request("GET"), server)
    assert not verdict.allowed
    assert len(server.sent) == 1
    assert verdict.failure is not None
    assert (verdict.failure.code, verdict.failure.network_error) == (code, network_error)
    assert verdict.failure.reason.startswith(reason)
    assert not verdict.failure.preflight
    assert "Fix the Location header the server sends" in verdict.failure.fix


def test_a_refused_scheme_names_the_redirect_target_in_the_console() -> None:
    verdict = browser.simulate(request("GET"), Server(redirect("gopher://x/")))
    assert verdict.console_message() == (
        f"Access to fetch at 'gopher://x/' (redirected from '{URL}') from origin '{ORIGIN}' has "
        "been blocked by CORS policy: Cross origin requests are only supported for protocol "
        "schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, "
        "chrome-untrusted, data, http, https, isolated-app."
    )


@pytest.mark.parametrize(
    ("response", "line"),
    [
        pytest.param(
            redirect("http://[::1"), "Failed to load resource: net::ERR_INVALID_REDIRECT", id="invalid"
        ),
        pytest.param(
            redirect("data:,x"), "Failed to load resource: net::ERR_UNSAFE_REDIRECT", id="unsafe"
        ),
        pytest.param(
            Response(200, (*GRANT, ("Location", "/a"), ("Location", "/b"))),
            "Failed to load resource: net::ERR_RESPONSE_HEADERS_MULTIPLE_LOCATION",
            id="two different Location headers",
        ),
    ],
)
def test_network_errors_read_as_chromium_logs_them(response: Response, line: str) -> None:
    verdict = browser.simulate(request("GET"), Server(response))
    assert verdict.console_message() == line


def test_two_identical_location_headers_are_one() -> None:
    server = Server(
        Response(302, (*GRANT, ("Location", "/new"), ("location", " /new"))), Response(200, GRANT)
    )
    assert browser.simulate(request("GET"), server).allowed
    assert server.sent[1][1] == "http://api.test/new"


def test_a_preflight_with_two_locations_is_a_network_error() -> None:
    preflight = Response(204, (*GRANT, ("Location", "/a"), ("Location", "/b")))
    verdict = browser.simulate(request("PUT"), Server(preflight))
    assert verdict.failure is not None
    assert verdict.failure.code == "multiple-location"
    assert "'/a', '/b'" in verdict.failure.fix


def test_the_redirect_response_must_pass_the_cors_check_first() -> None:
    """A bad Location behind a refused redirect: the CORS failure is what the browser reports."""
    verdict = browser.simulate(request("GET"), Server(Response(302, (("Location", "gopher://x/"),))))
    assert verdict.failure is not None
    assert verdict.failure.code == "missing-allow-origin"


def test_an_empty_location_is_no_redirect() -> None:
    """Chromium hands a 302 with an empty Location to script as it is."""
    verdict = browser.simulate(request("GET"), Server(redirect(" ")))
    assert verdict.allowed
    assert verdict.exchanges[-1].response.status == 302


def test_a_huge_location_is_shown_shortened() -> None:
    location = "http://[" + "a" * 5000
    verdict = browser.simulate(request("GET"), Server(redirect(location)))
    assert verdict.failure is not None
    assert f"Location 'http://[{'a' * 192}...'" in verdict.failure.fix
    assert len(verdict.failure.fix) < 600


def test_a_cross_origin_redirect_drops_authorization_and_taints_the_origin() -> None:
    """Fetch "HTTP-redirect fetch": Authorization goes, the next hop has Origin: null, no preflight."""
    server = Server(
        Response(204, (*GRANT, ("Access-Control-Allow-Headers", "authorization"))),
        redirect("http://other.test/x"),
        Response(200, (("Access-Control-Allow-Origin", "*"),)),
    )
    verdict = browser.simulate(request("GET", ("Authorization", "Bearer t")), server)
    assert verdict.allowed
    assert server.sent == [
        ("OPTIONS", URL, browser.preflight_request_headers(request("GET", ("Authorization", "t")))),
        ("GET", URL, (("Origin", ORIGIN), ("Authorization", "Bearer t"))),
        ("GET", "http://other.test/x", (("Origin", "null"),)),
    ]
    assert "HTTP 302 to another origin: the browser drops the Authorization header." in verdict.notes


def test_a_same_origin_redirect_keeps_authorization_and_preflights_again() -> None:
    preflight = Response(204, (*GRANT, ("Access-Control-Allow-Headers", "authorization")))
    server = Server(preflight, redirect("/new"), preflight, Response(200, GRANT))
    verdict = browser.simulate(request("GET", ("Authorization", "Bearer t")), server)
    assert verdict.allowed
    assert [method for method, _, _ in server.sent] == ["OPTIONS", "GET", "OPTIONS", "GET"]
    assert dict(server.sent[-1][2]) == {"Origin": ORIGIN, "Authorization": "Bearer t"}


# ---- the preflight alone, caching, warnings ------------------------------------------------------


def test_simulate_can_stop_after_the_preflight() -> None:
    server = Server(Response(204, (*GRANT, ("Access-Control-Allow-Methods", "DELETE"))))
    verdict = browser.simulate(request("delete"), server, send_actual=False)
    assert verdict.allowed
    assert [method for method, _, _ in server.sent] == ["OPTIONS"]
    assert verdict.not_sent == UnsentRequest("DELETE", URL, (("Origin", ORIGIN),))
    assert verdict.preflight_cache_seconds == 5


def test_simulate_without_sending_still_reports_a_refused_preflight() -> None:
    verdict = browser.simulate(request("DELETE"), Server(Response(204, GRANT)), send_actual=False)
    assert verdict.failure is not None
    assert verdict.not_sent is None
    assert verdict.preflight_cache_seconds is None


def test_simulate_cannot_judge_a_simple_request_without_sending_it() -> None:
    with pytest.raises(ValueError, match="only be judged by sending it"):
        browser.simulate(request("POST"), Server(), send_actual=False)


@pytest.mark.parametrize(
    ("max_age", "seconds"),
    [
        pytest.param("9" * 5000, 7200, id="5000 digits"),
        pytest.param("-" + "9" * 5000, 0, id="5000 digits, negative"),
        pytest.param("0" * 5000 + "42", 42, id="5000 leading zeros"),
        pytest.param("1" * 19, 7200, id="19 digits"),
        pytest.param("600", 600, id="600"),
        pytest.param("1" * 5000 + "x", 5, id="5000 digits and a letter"),
    ],
)
def test_a_huge_max_age_caches_for_the_cap(max_age: str, seconds: int) -> None:
    preflight = Response(
        204, (*GRANT, ("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", max_age))
    )
    verdict = browser.simulate(request("PUT"), Server(preflight), send_actual=False)
    assert verdict.preflight_cache_seconds == seconds


@pytest.mark.parametrize(
    ("cache_control", "max_age", "warned"),
    [
        pytest.param("no-store", "600", True, id="no-store"),
        pytest.param("private, No-Store", "600", True, id="in a list, any case"),
        pytest.param("no-cache", "600", False, id="no-cache is not no-store"),
        pytest.param("no-storey", "600", False, id="another directive"),
        pytest.param("no-store", None, False, id="no max age"),
    ],
)
def test_no_store_on_a_cached_preflight_warns_of_the_contradiction(
    cache_control: str, max_age: str | None, warned: bool
) -> None:
    headers = [*GRANT, ("Cache-Control", cache_control), ("Access-Control-Allow-Methods", "PUT")]
    if max_age is not None:
        headers.append(("Access-Control-Max-Age", max_age))
    verdict = browser.simulate(request("PUT"), Server(Response(204, tuple(headers))), send_actual=False)
    contradiction = [warning for warning in verdict.warnings if "which says the opposite" in warning]
    assert bool(contradiction) is warned
    if warned:
        assert "ignore no-store here and cache the preflight" in contradiction[0]


# ---- Local Network Access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "url", "expected"),
    [
        pytest.param(
            "https://app.example", "http://192.168.1.20/x", ("local", True), id="public to local"
        ),
        pytest.param("http://app.example", "http://127.0.0.1/x", ("loopback", False), id="http page"),
        pytest.param("http://localhost:3000", "http://127.0.0.1/x", None, id="loopback to loopback"),
        pytest.param(
            "http://192.168.1.5", "http://127.0.0.1/x", None, id="local to loopback, not enforced"
        ),
        pytest.param("https://app.example", "https://api.example/x", None, id="public to public"),
        pytest.param("null", "http://127.0.0.1/x", None, id="opaque origin"),
    ],
)
def test_local_network_access_is_recognised(
    origin: str, url: str, expected: tuple[str, bool] | None
) -> None:
    req = BrowserRequest(url=url, origin=origin)
    verdict = browser.simulate(req, Server(Response(200, (("Access-Control-Allow-Origin", "*"),))))
    local = verdict.local_network
    assert (None if local is None else (local.space, local.secure_context)) == expected


def test_a_redirect_into_the_local_network_is_recognised() -> None:
    req = BrowserRequest(url="https://api.example/x", origin="https://app.example")
    server = Server(
        Response(302, (("Access-Control-Allow-Origin", "*"), ("Location", "http://10.0.0.2/"))),
        Response(200, (("Access-Control-Allow-Origin", "*"),)),
    )
    verdict = browser.simulate(req, server)
    assert verdict.local_network is not None
    assert verdict.local_network.host == "10.0.0.2"
    explanation = verdict.local_network.explanation()
    assert "an address on the local network" in explanation
    assert "`fetch(url, {targetAddressSpace: 'local'})`" in explanation
    assert "No response header can grant the permission" in explanation


def test_the_explanation_depends_on_the_secure_context() -> None:
    secure = LocalNetworkAccess("https://a.example", "127.0.0.1", "loopback", secure_context=True)
    plain = LocalNetworkAccess("http://a.example", "127.0.0.1", "loopback", secure_context=False)
    assert "first asks the user" in secure.explanation()
    assert "lets only a secure (https) page ask" in plain.explanation()


# ---- failure codes --------------------------------------------------------------------------------


def every_failure() -> list[browser.Failure]:
    m = messages
    return [
        m.wildcard_origin_not_allowed(ORIGIN, preflight=False),
        m.missing_allow_origin(ORIGIN, preflight=False),
        m.invalid_allow_credentials(None, preflight=False),
        m.multiple_allow_origin_values("a, b", preflight=False),
        m.invalid_allow_origin_value(ORIGIN, "x", preflight=False),
        m.allow_origin_mismatch(ORIGIN, "x", preflight=False),
        m.preflight_disallowed_redirect(301, "/x"),
        m.invalid_redirect(302, "http://[::1"),
        m.multiple_location(["/a", "/b"]),
        m.redirect_disallowed_scheme(302, "gopher://x/"),
        m.redirect_contains_credentials(302, "http://u:p@x/"),
        m.preflight_invalid_status(401),
        m.missing_allow_private_network("local"),
        m.invalid_allow_private_network("local", "TRUE"),
        m.unparsable_allow_list("Access-Control-Allow-Methods"),
        m.unparsable_allow_list("Access-Control-Allow-Headers"),
        m.method_disallowed("PUT", star_is_literal=False),
        m.header_disallowed("x-a", star_is_literal=False),
        m.too_many_redirects(),
    ]


def test_failure_codes_lists_every_code_the_model_produces() -> None:
    assert sorted({failure.code for failure in every_failure()}) == list(messages.FAILURE_CODES)


def test_the_legacy_private_network_fix_says_current_chromium_asks_the_user() -> None:
    fix = messages.missing_allow_private_network("local").fix
    assert "only Chromium 104 to 141" in fix
    assert "which no response header can grant" in fix


def test_engines_are_named_as_tested() -> None:
    """WebKitGTK is WebKit, not Safari; wording that is Chromium's says so."""
    texts = [failure.fix for failure in every_failure()] + [
        messages.AUTHORIZATION_WARNING,
        messages.no_store_max_age_warning("600"),
    ]
    for text in texts:
        assert text.count("Safari") == text.count("WebKit (the engine of Safari)")
    assert "Chromium, Firefox and WebKit (the engine of Safari)" in messages.AUTHORIZATION_WARNING


def test_an_origin_urlsplit_refuses_is_no_crash() -> None:
    """Origins of other schemes are kept as written; one that urlsplit refuses is still an origin."""
    req = BrowserRequest(url=URL, origin="foo://[x")
    server = Server(
        Response(302, (("Access-Control-Allow-Origin", "*"), ("Location", "http://other.test/"))),
        Response(200, (("Access-Control-Allow-Origin", "*"),)),
    )
    verdict = browser.simulate(req, server)
    assert verdict.allowed
    assert verdict.local_network is None
    assert server.sent[1][2] == (("Origin", "null"),)


def test_a_location_that_is_text_already_is_kept() -> None:
    """A transport other than HTTP may hand over any text: it is parsed as it is."""
    server = Server(redirect("/\u20ac"), Response(200, GRANT))
    assert browser.simulate(request("GET"), server).allowed
    assert server.sent[1][1] == "http://api.test/%E2%82%AC"
