"""Regressions for the bugs the property tests and the fuzzers found in corsware itself.

Each test names the invariant that caught the bug; SECURITY.md and the changelog list them.
"""

from __future__ import annotations

import pytest

from corsware import CORSConfigError, CORSMiddleware
from tests.conftest import SpyApp


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        pytest.param("https://localhost:*", "https://localhost:443", id="any-port https :443"),
        pytest.param("http://localhost:*", "http://localhost:80", id="any-port http :80"),
        pytest.param("http://[::1]:*", "http://[::1]:80", id="any-port ipv6 :80"),
    ],
)
def test_explicit_default_port_is_not_a_browser_origin(pattern: str, origin: str) -> None:
    """Found by test_pattern_matches_exactly_what_its_grammar_says: `:*` granted `:443`.

    Browsers never send the default port, so the value was reflected into ACAO although no
    browser could match it, and regexes and callables were handed it too.
    """
    decision = CORSMiddleware(SpyApp(), origins=[pattern]).explain("GET", "/", origin=origin)
    assert not decision.allowed


@pytest.mark.parametrize(
    ("pattern", "origin"),
    [
        pytest.param("p://[::8]*", "p://[::8]", id="fuzz_origin: star after an ipv6 address"),
        pytest.param("http://[::1]8080", "http://[::1]:8080", id="port after ipv6 without colon"),
    ],
)
def test_text_after_an_ipv6_address_must_be_a_port(pattern: str, origin: str) -> None:
    """Found by fuzz_origin: `p://[::8]*` was accepted as "any port" (and `[::1]8080` as port 8080)
    because whatever followed `]` was read as the port, colon or not. It is now refused."""
    with pytest.raises(CORSConfigError, match="CORS-E003"):
        CORSMiddleware(SpyApp(), origins=[pattern])
    # Written with the colon, the same address is a valid pattern that grants the origin.
    fixed = pattern.replace("]*", "]:*").replace("]8080", "]:8080")
    assert CORSMiddleware(SpyApp(), origins=[fixed]).explain("GET", "/", origin=origin).allowed


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("a://[0]", id="ipv6 single group"),
        pytest.param("http://[::FFFF:1.2.3.4]", id="ipv6 upper case"),
        pytest.param("http://[0:0:0:0:0:0:0:1]", id="ipv6 uncompressed"),
        pytest.param("http://[::ffff:1.2.3.4]", id="ipv6 embedded dotted quad"),
        pytest.param("http://1.2.3", id="ipv4 three parts"),
        pytest.param("http://01.2.3.4", id="ipv4 leading zero"),
        pytest.param("http://999.1.1.1", id="ipv4 out of range"),
        pytest.param("http://abc.123", id="numeric last label"),
        pytest.param("h://127.0.027.0.", id="fuzz_origin: ipv4 with a trailing dot"),
        pytest.param("http://127.0.0.1.", id="canonical ipv4 with a trailing dot"),
    ],
)
def test_callables_never_see_non_canonical_ip_hosts(origin: str) -> None:
    """Found by test_callables_see_only_well_formed_origins (a callable got `a://[0]`) and by
    fuzz_origin (`h://127.0.027.0.`: the trailing dot hid the numeric last label)."""
    seen: list[str] = []
    middleware = CORSMiddleware(SpyApp(), origins=lambda value: seen.append(value) is None)
    assert not middleware.explain("GET", "/", origin=origin).allowed
    assert seen == []


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://[::1]", id="ipv6 loopback"),
        pytest.param("http://[::ffff:102:304]", id="ipv4-mapped ipv6"),
        pytest.param("http://127.0.0.1:8000", id="ipv4 with port"),
        pytest.param("http://a1", id="label ending in a digit"),
        pytest.param("http://a1.", id="label ending in a digit, trailing dot"),
    ],
)
def test_canonical_ip_and_digit_hosts_still_reach_callables(origin: str) -> None:
    """The fix refuses only what a browser cannot send."""
    middleware = CORSMiddleware(SpyApp(), origins=lambda value: value == origin)
    assert middleware.explain("GET", "/", origin=origin).allowed


@pytest.mark.parametrize(
    ("path", "resource"),
    [
        pytest.param("/api" + "/.." * 300, None, id="deep dot segments match nothing"),
        pytest.param("/api/" + "a/" * 300 + ".", None, id="one dot segment in a deep path"),
        pytest.param("/api/" + "a/" * 250 + "..", "/api/*", id="resolved up to the bound"),
        pytest.param("/api/" + "a/" * 300, "/api/*", id="deep path without dot segments"),
        pytest.param("/api/" + "a/" * 300 + ".well-known", "/api/*", id="deep, dot-file name"),
    ],
)
def test_dot_segment_resolution_is_bounded(path: str, resource: str | None) -> None:
    """Found by test_hostile_input_work_does_not_grow_with_its_size: 48 KiB of `/..` ran 49,190
    Python lines and allocated 1 MB. Browsers never send dot segments, so a path that has them
    and is deeper than 256 segments now matches no resource (and gets no CORS headers)."""
    middleware = CORSMiddleware(SpyApp(), resources={"/api/*": {"origins": "*"}})
    assert middleware.explain("GET", path, origin="https://a.example").resource == resource
