"""One regression test per published CORS-middleware vulnerability class (shared/reference/).

Each test is named after the CVE, GHSA or issue that made the class public, reproduces the trigger
from the advisory against corsware, and asserts corsware's safe answer.
"""

from __future__ import annotations

import logging
import re
import tracemalloc
from typing import Any

import pytest

from corsware import CORSConfigError, CORSMiddleware, CORSPolicy

from . import invariants
from .invariants import Outcome, Request, SpyApp

EVIL = "https://evil.example"
TRUSTED = "https://trusted.example"


def send(middleware_options: dict[str, Any], request: Request, **app: Any) -> Outcome:
    """Run one request through a validated middleware stack."""
    stack, spy = invariants.build_app(lambda a: CORSMiddleware(a, **middleware_options), **app)
    return invariants.run(stack, spy, request.environ())


def get(path: str, origin: str | None, **extra: str) -> Request:
    """A GET request."""
    return Request("GET", path, origin, None, None, None, tuple(extra.items()))


def preflight(
    path: str, origin: str, method: str = "PUT", headers: str | None = None, pna: str | None = None
) -> Request:
    """A preflight request."""
    return Request("OPTIONS", path, origin, method, headers, pna)


def acao(outcome: Outcome) -> list[str]:
    """The Access-Control-Allow-Origin values."""
    return outcome.values("Access-Control-Allow-Origin")


# ---- flask-cors ---------------------------------------------------------------------------------


def test_cve_2024_6866_case_insensitive_path() -> None:
    """flask-cors matched paths case-insensitively: /PUBLIC/secret got the /public policy."""
    options = {"resources": {"/public/*": {"origins": "*"}, "/*": {"origins": [TRUSTED]}}}
    assert acao(send(options, get("/PUBLIC/secret", EVIL))) == []
    assert acao(send(options, get("/public/secret", EVIL))) == ["*"]


@pytest.mark.parametrize(
    ("path", "origin", "granted"),
    [
        pytest.param("/service+path", "http://foo.example", True, id="plus path, its origin"),
        pytest.param("/service+path", "http://bar.example", False, id="plus path, space origin"),
        pytest.param("/service path", "http://bar.example", True, id="space path, its origin"),
        pytest.param("/service path", "http://foo.example", False, id="space path, plus origin"),
    ],
)
def test_cve_2024_6844_plus_in_path_is_not_a_space(path: str, origin: str, granted: bool) -> None:
    """flask-cors unquote_plus'ed the path, so /service+path got the /service path policy."""
    options = {
        "resources": {
            "/service+path": {"origins": ["http://foo.example"]},
            "/service path": {"origins": ["http://bar.example"]},
        }
    }
    assert (acao(send(options, get(path, origin))) == [origin]) is granted


@pytest.mark.parametrize(
    "resources",
    [
        pytest.param(
            {
                "/api/v1/admin/secret": {"origins": [TRUSTED]},
                re.compile(r"/api/.*|/static/.*|/public/.*"): {"origins": "*"},
            },
            id="literal before a longer regex",
        ),
        pytest.param(
            {
                re.compile(r"/api/v1/admin/.*"): {"origins": [TRUSTED]},
                re.compile(r"/(api|v1|v2)/(public|open|shared)/?.*|/api/.*"): {"origins": "*"},
            },
            id="regex before a regex with more slashes",
        ),
    ],
)
def test_cve_2024_6839_resources_are_tried_in_the_order_written(resources: dict[Any, Any]) -> None:
    """flask-cors ranked resources by pattern length, so a broad regex beat the specific one."""
    outcome = send({"resources": resources}, get("/api/v1/admin/secret", EVIL))
    assert acao(outcome) == []
    assert acao(send({"resources": resources}, get("/api/v1/admin/secret", TRUSTED))) == [TRUSTED]


@pytest.mark.parametrize(
    ("path", "origin", "acrh"),
    [
        pytest.param("/foo\r\nINFO:fake entry", EVIL, None, id="crlf in path"),
        pytest.param("/foo", EVIL + "\r\nINFO:fake entry", None, id="crlf in origin"),
        pytest.param("/foo", EVIL, "x\nINFO:fake entry", id="lf in request headers"),
        pytest.param("/foo", "\x1b[31mred\u2028", None, id="terminal escape and line separator"),
    ],
)
def test_cve_2024_1681_log_injection(
    caplog: pytest.LogCaptureFixture, path: str, origin: str, acrh: str | None
) -> None:
    """flask-cors logged the decoded path with %s, so CR/LF in it forged log lines."""
    options = {"origins": [TRUSTED]}
    request = Request("OPTIONS", path, origin, "PUT", acrh, None)
    with caplog.at_level(logging.DEBUG, logger="corsware"):
        send(options, request)
        send(options, get(path, origin))
    assert len(caplog.records) == 2
    for record in caplog.records:
        message = record.getMessage()
        assert message.isascii()
        assert not any(ch in message for ch in "\r\n\x1b\x00")


@pytest.mark.parametrize(
    ("allow_private_network", "origin", "expected"),
    [
        pytest.param(False, TRUSTED, [], id="default never grants"),
        pytest.param(True, EVIL, [], id="opt-in, refused origin"),
        pytest.param(True, TRUSTED, ["true"], id="opt-in, allowed origin"),
    ],
)
def test_cve_2024_6221_private_network_access_not_granted_by_default(
    allow_private_network: bool, origin: str, expected: list[str]
) -> None:
    """flask-cors answered Access-Control-Request-Private-Network: true with true by default."""
    options = {"origins": [TRUSTED], "allow_private_network": allow_private_network}
    outcome = send(options, preflight("/", origin, pna="true"))
    assert outcome.values("Access-Control-Allow-Private-Network") == expected


@pytest.mark.parametrize(
    ("path", "resource"),
    [
        pytest.param("/api/../admin", "/*", id="dot-dot leaves /api"),
        pytest.param("/api/./../admin/x", "/*", id="dot then dot-dot"),
        pytest.param("/public%2f..%2fadmin", "/*", id="encoded slashes are not decoded again"),
        pytest.param("/public/%2e%2e/admin", "/public/*", id="encoded dots are not decoded again"),
        pytest.param("/admin/../api/x", "/api/*", id="dot-dot into /api"),
    ],
)
def test_cve_2020_25032_paths_judged_by_where_they_lead(path: str, resource: str) -> None:
    """flask-cors matched /api/../foo.txt against /api/*, then decoded PATH_INFO a second time."""
    middleware = CORSMiddleware(
        SpyApp(),
        resources={
            "/api/*": {"origins": "*"},
            "/public/*": {"origins": "*"},
            "/*": {"origins": [TRUSTED]},
        },
    )
    assert middleware.explain("GET", path, origin=EVIL).resource == resource


@pytest.mark.parametrize(
    ("method", "status"),
    [
        pytest.param("E", "403 Forbidden", id="one letter of DELETE"),
        pytest.param("PU", "403 Forbidden", id="prefix of PUT"),
        pytest.param("GET, PUT", "403 Forbidden", id="two methods"),
        pytest.param("put", "403 Forbidden", id="lower case"),
        pytest.param("PUT", "200 OK", id="listed method"),
    ],
)
def test_flask_cors_substring_method_check(method: str, status: str) -> None:
    """flask-cors checked ACRM as a substring of 'DELETE, GET, ...', so 'E' was allowed."""
    outcome = send({"origins": [TRUSTED], "methods": ["PUT", "DELETE"]}, preflight("/", TRUSTED, method))
    assert outcome.status == status


def test_flask_cors_324_unknown_option_is_an_error() -> None:
    """flask-cors logged unknown options invisibly and fell back to allowing every origin."""
    with pytest.raises(CORSConfigError, match="did you mean 'origins'"):
        CORSMiddleware(SpyApp(), origin=TRUSTED)  # type: ignore[call-arg]


# ---- origin matching: sanic-cors, Starlette, django-cors-headers, express, jub0bs, koa ---------------


@pytest.mark.parametrize(
    ("origin", "granted"),
    [
        pytest.param("https://foo.example.org", True, id="intended"),
        pytest.param("https://foo.example.org.evil.com", False, id="suffix appended"),
        pytest.param("https://foo.example.org\n", False, id="trailing newline"),
        pytest.param("https://fooXexample.org", False, id="dot is escaped by the user"),
    ],
)
def test_cve_2026_37737_origin_regex_must_match_in_full(origin: str, granted: bool) -> None:
    """sanic-cors (and Starlette #801, django-cors-headers) used re.match: no end anchor."""
    options = {"origins": [re.compile(r"https://[a-z]+\.example\.org")]}
    assert (acao(send(options, get("/", origin))) == [origin]) is granted


@pytest.mark.parametrize(
    ("origins", "origin"),
    [
        pytest.param(["https://foo.com", "https://bar.com"], "https://barfoo.com", id="exact pair"),
        pytest.param(["https://*.foo.com", "https://bar.com"], "https://barfoo.com", id="wildcard"),
        pytest.param(["https://*.foo.com"], "https://x.barfoo.com", id="label boundary"),
        pytest.param(["https://*.foo.com"], "https://foo.com", id="apex is not a subdomain"),
        pytest.param(["https://foo.com"], "https://evilfoo.com", id="suffix look-alike"),
        pytest.param(["http://localhost:*"], "http://localhost.evil.com", id="port wildcard"),
    ],
)
def test_ghsa_vhxv_fg4m_p2w8_shared_suffix_origins(origins: list[str], origin: str) -> None:
    """jub0bs/cors (and fcors GHSA-v84h-653v-4pq9) matched on shared host suffixes."""
    assert acao(send({"origins": origins}, get("/", origin))) == []


@pytest.mark.parametrize(
    "origin",
    [pytest.param(EVIL, id="any origin"), pytest.param("null", id="null origin")],
)
def test_cve_2023_49803_default_policy_never_reflects_the_origin(origin: str) -> None:
    """koa/cors reflected the request's Origin when no origin option was given."""
    outcome = send({}, get("/", origin))
    assert acao(outcome) in ([], ["*"])
    assert origin not in {value for _, value in outcome.headers}


@pytest.mark.parametrize(
    "origins",
    [
        pytest.param("*", id="star"),
        pytest.param(["null"], id="null"),
        pytest.param(["h*"], id="rs-cors-197 partial star"),
        pytest.param(["https://*"], id="star host"),
        pytest.param([re.compile(".*")], id="match-all regex"),
    ],
)
def test_rs_cors_55_and_197_wildcard_with_credentials_is_refused(origins: object) -> None:
    """rs/cors reflected any origin with credentials for '*' (#55) and still does for 'h*' (#197)."""
    with pytest.raises(CORSConfigError):
        CORSPolicy(origins=origins, allow_credentials=True)  # type: ignore[arg-type]


def test_starlette_star_with_cookie_never_reflects() -> None:
    """Starlette reflected any Origin for allow_origins=['*'] when the request had a Cookie."""
    outcome = send({}, get("/", EVIL, HTTP_COOKIE="session=1"))
    assert acao(outcome) == ["*"]
    assert outcome.values("Access-Control-Allow-Credentials") == []


# ---- header handling: rs/cors, go-safeweb, Starlette, express, wsgicors, aiohttp-cors ---------------


def test_go_2024_2883_rs_cors_preflight_commas_are_bounded() -> None:
    """rs/cors (GHSA-vh9x-phq6-fx54, #170) spent 127 ms and 121 MB on a preflight full of commas."""
    middleware = CORSMiddleware(SpyApp(), origins=[TRUSTED], allow_headers=["x-a"])
    environ = preflight("/", TRUSTED, headers="," * 1024 * 1024).environ()
    statuses: list[str] = []
    # Measured without wsgiref.validate around it: the linter's own checks allocate megabytes.
    tracemalloc.start()
    try:
        b"".join(middleware(environ, lambda status, headers, exc_info=None: statuses.append(status)))  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert statuses == ["403 Forbidden"]
    assert peak < 16 * 1024, f"{peak} bytes for one preflight"


@pytest.mark.parametrize(
    "method",
    [
        pytest.param("GET, DELETE", id="comma list"),
        pytest.param("PUT\r\nX-Injected: 1", id="crlf"),
        pytest.param("PUT ", id="trailing space"),
        pytest.param("", id="empty"),
    ],
)
def test_go_safeweb_372_requested_method_reflected_only_when_a_token(method: str) -> None:
    """go-safeweb reflected an ACRM holding a comma list into Access-Control-Allow-Methods."""
    options = {"origins": [TRUSTED], "methods": "*", "allow_credentials": True}
    outcome = send(options, preflight("/", TRUSTED, method))
    assert outcome.status == "403 Forbidden"
    assert outcome.values("Access-Control-Allow-Methods") == []


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(get("/", EVIL), id="refused origin"),
        pytest.param(get("/", None), id="no origin"),
        pytest.param(get("/", TRUSTED), id="allowed origin"),
        pytest.param(preflight("/", EVIL), id="refused preflight"),
    ],
)
def test_gorilla_handlers_248_vary_origin_on_every_response(request_: Request) -> None:
    """gorilla/handlers#248, express#330: no Vary on refused responses poisons shared caches."""
    outcome = send({"origins": [TRUSTED]}, request_, extra_headers=[("Vary", "Accept-Encoding")])
    vary = ", ".join(outcome.values("Vary"))
    assert "Origin" in vary
    # The app's own Vary survives on the responses it produced (preflights never reach it).
    assert ("Accept-Encoding" in vary) is (outcome.app_calls == 1)


def test_starlette_2560_refused_origin_gets_no_credentials_or_expose_headers() -> None:
    """Starlette (#2560) and express sent ACAC and ACEH to refused origins."""
    options = {"origins": [TRUSTED], "allow_credentials": True, "expose_headers": ["X-Total"]}
    outcome = send(options, get("/", EVIL))
    assert outcome.cors_headers() == []


@pytest.mark.parametrize(
    "app_headers",
    [
        pytest.param([("Access-Control-Allow-Origin", "*")], id="app sets star"),
        pytest.param([("access-control-allow-origin", EVIL)], id="app sets another origin"),
        pytest.param(
            [("Access-Control-Allow-Credentials", "true"), ("Access-Control-Expose-Headers", "x")],
            id="app sets credentials",
        ),
    ],
)
def test_aiohttp_cors_271_and_wsgicors_duplicate_allow_origin(
    app_headers: list[tuple[str, str]],
) -> None:
    """wsgicors appended a second ACAO to the app's, which browsers reject (aiohttp-cors#271)."""
    allowed = send({"origins": [TRUSTED]}, get("/", TRUSTED), extra_headers=app_headers)
    assert acao(allowed) == [TRUSTED]
    assert allowed.values("Access-Control-Allow-Credentials") == []
    refused = send({"origins": [TRUSTED]}, get("/", EVIL), extra_headers=app_headers)
    assert refused.cors_headers() == []


def test_aiohttp_cors_rejection_body_never_echoes_the_request() -> None:
    """aiohttp-cors and Cornice echoed the attacker's Origin into the rejection body."""
    marker = "https://x.example<script>"
    outcome = send({"origins": [TRUSTED]}, preflight("/", marker, "PUT", "x-<b>"))
    assert outcome.status == "403 Forbidden"
    assert b"<" not in outcome.body
    assert b"x.example" not in outcome.body


def test_rs_cors_198_app_and_server_cannot_mutate_shared_header_values() -> None:
    """rs/cors handed shared header slices to handlers, so one response could corrupt the next."""
    shared_app_headers = [("Content-Type", "text/plain"), ("Content-Length", "2")]

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", shared_app_headers)
        return [b"ok"]

    middleware = CORSMiddleware(app, origins=[TRUSTED], allow_credentials=True)
    sent: list[list[tuple[str, str]]] = []

    def mutating_server(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        sent.append(list(headers))
        headers[:] = [(name, "tampered") for name, _ in headers]
        return lambda data: None

    for origin in (TRUSTED, TRUSTED, EVIL):
        environ = get("/", origin).environ()
        b"".join(middleware(environ, mutating_server))  # type: ignore[arg-type]
    assert shared_app_headers == [("Content-Type", "text/plain"), ("Content-Length", "2")]
    assert ("Access-Control-Allow-Credentials", "true") in sent[1]
    assert sent[0] == sent[1]
    assert ("Access-Control-Allow-Origin", TRUSTED) not in sent[2]


# ---- PortSwigger's 2016 classes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param(TRUSTED + "\rContent-Type: text/html; charset=UTF-7", id="bare cr"),
        pytest.param(TRUSTED + "\r\nSet-Cookie: a=b", id="crlf"),
        pytest.param(TRUSTED + "\x00", id="nul"),
        pytest.param(TRUSTED + "\u0100", id="beyond latin-1"),
    ],
)
@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"origins": [TRUSTED]}, id="listed origin"),
        pytest.param({"origins": [re.compile(r"https://trusted\.example.*", re.DOTALL)]}, id="regex"),
        pytest.param({"origins": lambda origin: True}, id="callable"),
    ],
)
def test_portswigger_2016_origin_header_injection(origin: str, options: dict[str, Any]) -> None:
    """Reflecting an unvalidated Origin is response splitting (IE treated a bare CR as a break)."""
    outcome = send(options, get("/", origin))
    assert acao(outcome) == []
    invariants.check_header_values(outcome)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({}, id="any origin"),
        pytest.param({"origins": ["https://*.example"]}, id="wildcard"),
        pytest.param({"origins": lambda origin: True}, id="callable"),
        pytest.param({"origins": [re.compile(r".*")]}, id="regex"),
    ],
)
def test_portswigger_2016_null_origin_trusted_only_when_listed(options: dict[str, Any]) -> None:
    """Sandboxed iframes send `Origin: null` at will; trusting it trusts everyone."""
    assert acao(send(options, get("/", "null"))) == []
    listed = send({"origins": ["null"]}, get("/", "null"))
    assert acao(listed) == ["null"]


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://trusted.example", id="http downgrade of an https origin"),
        pytest.param("https://trusted.example:8443", id="other port"),
        pytest.param("https://sub.trusted.example", id="subdomain of an exact origin"),
        pytest.param("HTTPS://TRUSTED.EXAMPLE", id="upper case"),
        pytest.param("https://trusted.example/", id="trailing slash"),
        pytest.param("https://trusted.example.", id="trailing dot"),
    ],
)
def test_portswigger_2016_exact_origin_is_exact(origin: str) -> None:
    """An exact origin grants that origin byte for byte, nothing around it."""
    assert acao(send({"origins": [TRUSTED], "allow_credentials": True}, get("/", origin))) == []
