"""Where corsware's judgement of a request could differ from the router's or the browser's.

Each test is named after the edge it closes: a path whose dot segments lead to another resource,
PEP 3333's latin-1 paths, origins that browsers write in one way only, and credentialed
configurations that admit strangers. The same edges over real servers are in
tests/integration/test_edges_servers.py.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import idna
import pytest
import webtest
from hypothesis import given
from hypothesis import strategies as st

from corsware import CORSConfigError, CORSConfigWarning, CORSMiddleware, CORSPolicy
from corsware.origins import parse_origin_pattern, split_origin
from tests.conftest import SpyApp, cors_headers, linted

EVIL = "https://evil.example"
TRUSTED = "https://trusted.example"

CARVE_OUT = {
    "/api/admin/*": {"origins": []},
    "/api/café/*": {"origins": []},
    "/api/*": {"origins": "*"},
    "/public/*": {"origins": "*"},
    "/internal/*": {"origins": [TRUSTED]},
}


def client(resources: dict[str, Any] = CARVE_OUT) -> webtest.TestApp:
    return linted(CORSMiddleware(SpyApp(), resources=resources))


def codes(**options: Any) -> list[str]:
    """The codes CORSPolicy(**options) reports, empty when it is accepted."""
    try:
        CORSPolicy(**options)
    except CORSConfigError as error:
        return [str(problem.code) for problem in error.problems]
    return []


# ---- 1. the router routes the literal PATH_INFO ----------------------------------------------------


@pytest.mark.parametrize(
    "path_info",
    [
        pytest.param("/internal/../public/x", id="internal/..%2Fpublic decoded by the server"),
        pytest.param("/api/admin/../../api/x", id="the carve-out escaped with ..%2F..%2F"),
        pytest.param("/api/admin/./../x", id="dot then dot-dot"),
        pytest.param("/internal/" + "a/" * 300 + "../../public/x", id="deeper than the bound"),
    ],
)
def test_policy_confusion_literal_and_resolved_resources_differ_grants_nothing(
    path_info: str,
) -> None:
    """Flask routes /internal/..%2Fpublic/x to the /internal handler: it never gets /public's '*'."""
    for origin in (EVIL, TRUSTED):
        response = client().get(path_info, headers={"Origin": origin})
        assert cors_headers(response) == {}
        assert response.headers["Vary"] == "Origin"
    preflight = client().options(
        path_info,
        headers={"Origin": TRUSTED, "Access-Control-Request-Method": "PUT"},
        status=403,
    )
    assert cors_headers(preflight) == {}


@pytest.mark.parametrize(
    ("path_info", "expected"),
    [
        pytest.param("/public/a/../x", {"Access-Control-Allow-Origin": "*"}, id="same resource"),
        pytest.param("/other/../public/x", {}, id="literal path uncovered: passes through"),
    ],
)
def test_policy_confusion_agreeing_or_uncovered_paths(path_info: str, expected: dict[str, str]) -> None:
    """Dot segments that stay in the resource keep its policy; an uncovered literal path is untouched."""
    response = client().get(path_info, headers={"Origin": EVIL})
    assert cors_headers(response) == expected
    if path_info.startswith("/other"):
        assert "Vary" not in response.headers


def test_policy_confusion_explain_names_both_readings() -> None:
    decision = CORSMiddleware(SpyApp(), resources=CARVE_OUT).explain(
        "GET", "/internal/../public/x", origin=TRUSTED
    )
    assert (decision.allowed, decision.resource) == (False, None)
    assert "'/internal/*'" in decision.detail
    assert "'/public/*'" in decision.detail


# ---- 2. PEP 3333 hands PATH_INFO over as latin-1 ------------------------------------------------


@pytest.mark.parametrize(
    ("path_info", "expected"),
    [
        pytest.param("/api/caf\u00c3\u00a9/x", {}, id="the carve-out, as servers deliver it"),
        pytest.param("/api/cafe/x", {"Access-Control-Allow-Origin": "*"}, id="a neighbour"),
        pytest.param(
            "/api/caf\u00e9/x", {"Access-Control-Allow-Origin": "*"}, id="one latin-1 byte is not é"
        ),
    ],
)
def test_latin1_path_info_matches_unicode_patterns(path_info: str, expected: dict[str, str]) -> None:
    """'/api/café/*' covers /api/caf%C3%A9/x, which servers put in PATH_INFO as '/api/cafÃ©/x'."""
    environ = {"PATH_INFO": path_info, "HTTP_ORIGIN": EVIL, "REQUEST_METHOD": "GET"}
    spy = SpyApp()
    middleware = CORSMiddleware(spy, resources=CARVE_OUT)
    sent: list[list[tuple[str, str]]] = []
    middleware(environ, lambda status, headers, exc_info=None: sent.append(headers))
    assert {k: v for k, v in sent[0] if k.startswith("Access-Control")} == expected


def test_latin1_explain_takes_the_path_as_the_router_sees_it() -> None:
    middleware = CORSMiddleware(SpyApp(), resources=CARVE_OUT)
    assert middleware.explain("GET", "/api/café/x", origin=EVIL).resource == "/api/café/*"


# ---- 3. origins ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "origin", "expected"),
    [
        pytest.param({}, "null", "*", id="any origin covers null with '*'"),
        pytest.param({"origins": [TRUSTED]}, "null", None, id="a list needs null listed"),
        pytest.param({"origins": [TRUSTED, "null"]}, "null", "null", id="listed null"),
    ],
)
def test_null_origin_under_any_origin(
    options: dict[str, Any], origin: str, expected: str | None
) -> None:
    """Every engine lets a sandboxed iframe read a '*' response; refusing null there protects nothing."""
    response = linted(CORSMiddleware(SpyApp(), **options)).get("/", headers={"Origin": origin})
    assert response.headers.get("Access-Control-Allow-Origin") == expected


def test_null_origin_with_credentials_is_still_refused() -> None:
    assert codes(origins=["null"], allow_credentials=True) == ["CORS-E004"]


def test_any_origin_resource_answers_star_without_origin_and_without_vary() -> None:
    """One copy for a CDN: the same headers whatever the request says."""
    app = linted(CORSMiddleware(SpyApp(), expose_headers=["X-Total"]))
    answers = {
        tuple(sorted(cors_headers(app.get("/", headers=headers)).items()))
        for headers in ({}, {"Origin": EVIL}, {"Origin": "null"}, {"Origin": "x y"})
    }
    assert answers == {
        (("Access-Control-Allow-Origin", "*"), ("Access-Control-Expose-Headers", "X-Total"))
    }
    assert "Vary" not in app.get("/").headers


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://0x7f000001", id="hex number"),
        pytest.param("http://1.2.3.0x4", id="hex last part"),
        pytest.param("http://0x", id="empty hex"),
        pytest.param("http://127.1", id="short form"),
        pytest.param("http://0177.0.0.1", id="octal"),
        pytest.param("http://example.123", id="numeric last label"),
        pytest.param("http://1.2.3.4.", id="trailing dot"),
    ],
)
def test_hosts_ending_in_a_number_are_not_origins(origin: str) -> None:
    """URL parsing reads these as IPv4 and sends the dotted quad: never match, ask or echo them."""
    asked: list[str] = []

    def allows(value: str) -> bool:
        asked.append(value)
        return True

    for options in ({"origins": allows}, {"origins": [re.compile(r".*")]}):
        app = linted(CORSMiddleware(SpyApp(), **options))
        assert cors_headers(app.get("/", headers={"Origin": origin})) == {}
    assert asked == []
    assert split_origin(origin) is None


@pytest.mark.parametrize(
    ("config", "wire"),
    [
        pytest.param(
            "http://[::ffff:c0a8:1]", "http://[::ffff:c0a8:1]", id="mapped, as browsers write it"
        ),
        pytest.param("http://[::ffff:102:304]:8080", "http://[::ffff:102:304]:8080", id="with a port"),
        pytest.param("http://[2001:db8::1]", "http://[2001:db8::1]", id="plain ipv6"),
    ],
)
def test_ipv4_mapped_ipv6_is_canonical_on_every_python(config: str, wire: str) -> None:
    """The WHATWG form, serialised by corsware itself: Python 3.13 prints it dotted."""
    app = linted(CORSMiddleware(SpyApp(), origins=[config]))
    assert cors_headers(app.get("/", headers={"Origin": wire})) == {"Access-Control-Allow-Origin": wire}


def test_ipv4_mapped_ipv6_written_dotted_in_config_is_refused_with_the_browser_form() -> None:
    with pytest.raises(CORSConfigError, match=r"\[::ffff:c0a8:1\]"):
        CORSPolicy(origins=["http://[::ffff:192.168.0.1]"])


HOST_LABELS = st.text(alphabet="abc-_0", min_size=1, max_size=5)


@given(labels=st.lists(HOST_LABELS, min_size=1, max_size=4), dot=st.booleans())
def test_hyphen_labels_agree_between_config_and_wire(labels: list[str], dot: bool) -> None:
    """An exact origin can be listed exactly when a browser can send it, and then it matches."""
    origin = "https://" + ".".join(labels) + ("." if dot else "")
    listed = not isinstance(parse_origin_pattern(origin), tuple)
    assert listed == (split_origin(origin) is not None)
    if listed:
        assert CORSPolicy(origins=[origin]).allows_origin(origin)


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("straße.de", id="sharp s stays (non-transitional)"),
        pytest.param("bücher.example", id="umlaut"),
        pytest.param("Bücher.Example", id="upper case"),
        pytest.param("ςαρ.gr", id="final sigma stays"),
        pytest.param("faß.de", id="another sharp s"),
        pytest.param("例え.テスト", id="japanese"),
        pytest.param("\uff21\uff22\uff23.com", id="full-width letters"),
    ],
)
def test_idna_fix_suggests_what_browsers_send(host: str) -> None:
    """UTS #46 without the transitional mapping, as browsers do (not IDNA 2003's straße -> strasse)."""
    problem = parse_origin_pattern(f"https://{host}")
    assert isinstance(problem, tuple)
    expected = idna.encode(host, uts46=True, transitional=False).decode("ascii")
    assert problem[1] == f"write the host as {expected!r}"


# ---- 4. configurations that must be refused with credentials ------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://*.amazonaws.com", id="parent of s3.amazonaws.com"),
        pytest.param("https://*.eu.org", id="eu.org"),
        pytest.param("https://*.duckdns.org", id="duckdns"),
        pytest.param("https://*.cloudfunctions.net", id="cloudfunctions"),
        pytest.param("https://*.replit.dev", id="replit"),
        pytest.param("https://*.azurefd.net", id="azure front door"),
        pytest.param("https://*.github.io", id="github pages"),
        pytest.param("https://*.ck", id="a wildcard rule's base"),
        pytest.param("https://*.co.uk", id="ccTLD registry"),
    ],
)
def test_public_suffix_wildcards_are_refused_with_credentials(origin: str) -> None:
    assert codes(origins=[origin], allow_credentials=True) == ["CORS-E013"]
    assert codes(origins=[origin]) == []


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://*.example.com", id="a registered domain"),
        pytest.param("https://*.you.github.io", id="below a public suffix"),
        pytest.param("https://*.example.co.uk", id="below a ccTLD registry"),
        pytest.param("http://*.localhost:*", id="loopback"),
    ],
)
def test_wildcards_below_a_registrable_domain_are_accepted_with_credentials(origin: str) -> None:
    assert codes(origins=[origin], allow_credentials=True) == []


@pytest.mark.parametrize(
    ("regex", "expected"),
    [
        pytest.param(r"https://.*example\.com", ["CORS-E004"], id="prefix glued to the domain"),
        pytest.param(r"https://example\.com.*", ["CORS-E004"], id="anything after the domain"),
        pytest.param(r"https://[a-z0-9.-]+\.(com|net)", ["CORS-E004"], id="any .com or .net"),
        pytest.param(r"https://app.example.com", ["CORS-E004"], id="unescaped dots"),
        pytest.param(r"https://[a-z]+.example.com", ["CORS-E004"], id="unescaped dots after a class"),
        pytest.param(r"https://.*\.example\.com.*", ["CORS-E004"], id="suffix after a wildcard"),
        pytest.param(r"https?://app\.example\.com", ["CORS-E012"], id="plain http allowed too"),
        pytest.param(r"https://.*", ["CORS-E004"], id="catch-all"),
        pytest.param(r"https://[a-z0-9-]+\.app\.example\.com", [], id="careful subdomains"),
        pytest.param(r"https://(www\.)?example\.com", [], id="optional www"),
        pytest.param(r"https://example\.(com|org)", [], id="two registered domains"),
        pytest.param(r"https://.*\.example\.com", [], id="any subdomain, escaped"),
        pytest.param(r"https?://localhost(:\d+)?", [], id="loopback over http"),
        pytest.param(r"https://[a-z]+\.example\.com:\d{2,5}", [], id="subdomains with a port"),
        pytest.param(r"https://(?=a)[a-z]+\.example\.com", [], id="look-ahead: not read, accepted"),
    ],
)
def test_credentialed_regexes_that_admit_strangers_are_refused(regex: str, expected: list[str]) -> None:
    assert codes(origins=[re.compile(regex)], allow_credentials=True) == expected
    assert codes(origins=[re.compile(regex)]) == []


@pytest.mark.parametrize(
    ("predicate", "expected"),
    [
        pytest.param(lambda origin: True, ["CORS-E004"], id="says yes to everyone"),
        pytest.param(lambda origin: origin == TRUSTED, [], id="says no to a stranger"),
        pytest.param(
            lambda origin: origin.endswith(".invalid"), ["CORS-E004"], id="says yes to .invalid"
        ),
    ],
)
def test_credentialed_callables_are_asked_about_a_stranger(
    predicate: Callable[[str], bool], expected: list[str]
) -> None:
    assert codes(origins=predicate, allow_credentials=True) == expected


def test_credentialed_callable_that_raises_is_accepted_with_a_warning() -> None:
    """A callable may need a database that is not there at import time."""

    def needs_a_database(origin: str) -> bool:
        raise LookupError("no database yet")

    with pytest.warns(CORSConfigWarning, match="could not check"):
        CORSPolicy(origins=needs_a_database, allow_credentials=True)


def test_callable_without_credentials_is_never_asked_at_start_up() -> None:
    asked: list[str] = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CORSPolicy(origins=lambda origin: bool(asked.append(origin)))
    assert asked == []


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda items: map(str, items), id="map"),
        pytest.param(lambda items: (item for item in items), id="generator"),
        pytest.param(iter, id="iterator"),
    ],
)
def test_one_shot_iterables_are_shared_by_every_resource(
    make: Callable[[list[str]], Iterable[str]],
) -> None:
    """Read once, when the middleware is built, and given to every resource that inherits them."""
    middleware = CORSMiddleware(
        SpyApp(),
        resources={"/a/*": {}, "/b/*": {}, "/c/*": {}},
        origins=make([TRUSTED]),
        methods=make(["GET", "PUT"]),
        expose_headers=make(["X-Total"]),
    )
    for path in ("/a/x", "/b/x", "/c/x"):
        decision = middleware.explain("GET", path, origin=TRUSTED)
        assert decision.allowed
        assert ("Access-Control-Expose-Headers", "X-Total") in decision.headers
