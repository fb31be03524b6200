"""Configurations that are unsafe but easy to write are refused (or warned about) with a clear fix."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta

import pytest

from corsware import CORSConfigError, CORSConfigWarning, CORSMiddleware, CORSPolicy
from corsware.publicsuffix import is_public_suffix
from tests.conftest import SpyApp


def problem_codes(**options: object) -> list[str]:
    """The codes of every problem `CORSPolicy(**options)` reports (empty when it is accepted)."""
    try:
        CORSPolicy(**options)  # type: ignore[arg-type]
    except CORSConfigError as error:
        return [problem.code for problem in error.problems]
    return []


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://app.example.com", id="plain http exact"),
        pytest.param("http://app.example.com:8080", id="plain http with port"),
        pytest.param("http://*.example.com", id="plain http subdomains"),
        pytest.param("http://192.168.1.10", id="private ip over http"),
        pytest.param("http://0.0.0.0:*", id="unspecified ip over http"),
        pytest.param("http://localhost.example.com", id="localhost look-alike"),
    ],
)
def test_credentials_with_insecure_origin_are_refused(origin: str) -> None:
    """A network attacker can script a plain-http origin, then read credentialed responses."""
    with pytest.raises(CORSConfigError, match="CORS-E012") as caught:
        CORSPolicy(origins=[origin], allow_credentials=True)
    assert "use 'https" in str(caught.value)


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://localhost:3000", id="localhost"),
        pytest.param("http://localhost:*", id="localhost any port"),
        pytest.param("http://app.localhost", id="name under localhost"),
        pytest.param("http://*.localhost:*", id="every name under localhost"),
        pytest.param("http://127.0.0.1:8000", id="ipv4 loopback"),
        pytest.param("http://127.8.9.10", id="ipv4 loopback range"),
        pytest.param("http://[::1]:*", id="ipv6 loopback"),
        pytest.param("https://app.example.com", id="https"),
    ],
)
def test_credentials_with_loopback_or_https_origins_are_accepted(origin: str) -> None:
    """Development on loopback keeps working with credentials."""
    assert problem_codes(origins=[origin], allow_credentials=True) == []


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://*.github.io", id="github pages"),
        pytest.param("https://*.vercel.app", id="vercel"),
        pytest.param("https://*.herokuapp.com:*", id="heroku any port"),
        pytest.param("https://*.co.uk", id="country-code registry"),
        pytest.param("https://*.com.au", id="com under a country code"),
        pytest.param("https://*.com", id="top-level domain"),
        pytest.param("https://*.io", id="another top-level domain"),
    ],
)
def test_credentials_with_public_suffix_wildcard_are_refused(origin: str) -> None:
    """Anyone can register a subdomain of a public suffix, so the wildcard trusts strangers."""
    with pytest.raises(CORSConfigError, match="CORS-E013") as caught:
        CORSPolicy(origins=[origin], allow_credentials=True)
    assert "list the exact origins" in str(caught.value)


@pytest.mark.parametrize(
    ("options", "codes"),
    [
        pytest.param({"origins": ["https://*.github.io"]}, [], id="public suffix without credentials"),
        pytest.param({"origins": ["http://app.example.com"]}, [], id="http without credentials"),
        pytest.param(
            {"origins": ["https://you.github.io"], "allow_credentials": True},
            [],
            id="exact origin on a public suffix",
        ),
        pytest.param(
            {"origins": ["https://*.example.co.uk"], "allow_credentials": True},
            [],
            id="subdomains of a registered domain",
        ),
        pytest.param(
            {"origins": ["http://*.github.io", "https://ok.example"], "allow_credentials": True},
            ["CORS-E012", "CORS-E013"],
            id="both problems of one origin at once",
        ),
    ],
)
def test_origin_checks_apply_only_with_credentials(options: dict[str, object], codes: list[str]) -> None:
    """Without credentials a response is public anyway; the checks do not get in the way."""
    assert problem_codes(**options) == codes


@pytest.mark.parametrize(
    ("regex", "codes"),
    [
        pytest.param(r"https://.*", ["CORS-E004"], id="any https origin"),
        pytest.param(r"https?://[^/]+", ["CORS-E004"], id="any host"),
        pytest.param(r"https://[a-z.-]+(:[0-9]+)?", ["CORS-E004"], id="any dotted name"),
        pytest.param(r".*", ["CORS-E004"], id="everything"),
        pytest.param(r"https://[a-z0-9-]+\.example\.com", [], id="anchored to a domain"),
    ],
)
def test_credentials_with_regex_matching_unowned_origins_are_refused(
    regex: str, codes: list[str]
) -> None:
    """A regex that matches a `.invalid` origin is not tied to any domain its author controls."""
    assert problem_codes(origins=[re.compile(regex)], allow_credentials=True) == codes
    assert problem_codes(origins=[re.compile(regex)]) == []


def preflight(middleware: CORSMiddleware, request_headers: str) -> str:
    """The status of a preflight asking for `request_headers`."""
    decision = middleware.explain(
        "OPTIONS",
        "/",
        origin="https://app.example.com",
        headers={
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": request_headers,
        },
    )
    return decision.status or ""


@pytest.mark.parametrize(
    ("options", "request_headers", "status"),
    [
        pytest.param({"allow_credentials": True}, "authorization", "200 OK", id="star+creds"),
        pytest.param({}, "authorization", "200 OK", id="star without credentials"),
        pytest.param(
            {"allow_credentials": True, "allow_headers": ["content-type"]},
            "authorization,content-type",
            "403 Forbidden",
            id="listed names without Authorization",
        ),
        pytest.param(
            {"allow_credentials": True, "allow_headers": ["Authorization"]},
            "authorization",
            "200 OK",
            id="Authorization listed",
        ),
    ],
)
def test_wildcard_allow_headers_covers_authorization_only_for_listed_origins(
    options: dict[str, object], request_headers: str, status: str
) -> None:
    """Decision (SECURITY.md): `"*"` reflects `authorization` like any other validated name.

    corsware never sends a literal `*`: it reflects names to an origin the policy lists (with
    credentials: https or loopback, never a public suffix), whose scripts already hold any token
    they send. Listing names instead of `"*"` keeps Authorization out.
    """
    middleware = CORSMiddleware(SpyApp(), origins=["https://app.example.com"], **options)  # type: ignore[arg-type]
    assert preflight(middleware, request_headers) == status


def test_wildcard_allow_headers_never_reaches_a_refused_origin() -> None:
    """The reflected Authorization grant goes to listed origins only."""
    middleware = CORSMiddleware(SpyApp(), origins=["https://app.example.com"], allow_credentials=True)
    decision = middleware.explain(
        "OPTIONS",
        "/",
        origin="https://evil.example",
        headers={
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
    )
    assert decision.status == "403 Forbidden"
    assert [name for name, _ in decision.headers] == ["Vary"]


@pytest.mark.parametrize(
    "max_age",
    [
        pytest.param(86401, id="one second over"),
        pytest.param(timedelta(days=7), id="a week as timedelta"),
    ],
)
def test_max_age_beyond_what_browsers_honour_warns(max_age: int | timedelta) -> None:
    """The warning points at the caller's line, so it is easy to find."""
    with pytest.warns(CORSConfigWarning, match="longer than any browser caches") as record:
        CORSMiddleware(SpyApp(), max_age=max_age)
    assert record[0].filename == __file__


@pytest.mark.parametrize(
    "max_age",
    [pytest.param(86400, id="firefox cap"), pytest.param(7200, id="chromium cap"), pytest.param(0)],
)
def test_max_age_browsers_honour_is_silent(max_age: int) -> None:
    """Values a browser honours stay quiet, and are sent as they are."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        policy = CORSPolicy(max_age=max_age)
    assert caught == []
    assert policy.compiled.max_age == max_age


@pytest.mark.parametrize(
    ("domain", "public"),
    [
        pytest.param("com", True, id="tld"),
        pytest.param("co.uk", True, id="registry label under cc"),
        pytest.param("ne.jp", True, id="japanese registry label"),
        pytest.param("github.io", True, id="multi-tenant host"),
        pytest.param("up.railway.app", True, id="three-label multi-tenant host"),
        pytest.param("example.com", False, id="registered domain"),
        pytest.param("co.example", False, id="registry label under a long tld"),
        pytest.param("app.github.io", False, id="one tenant"),
        pytest.param("example.co.uk", False, id="registered under cc registry"),
    ],
)
def test_public_suffix_rules(domain: str, public: bool) -> None:
    """The bundled rules documented in SECURITY.md."""
    assert is_public_suffix(domain) is public
