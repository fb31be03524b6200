"""Unit tests of corsware.origins: the Origin grammar, the pattern grammar and the matcher."""

from __future__ import annotations

import logging
import re

import pytest

from corsware.origins import (
    MAX_ORIGIN_LENGTH,
    OriginMatcher,
    OriginPattern,
    parse_origin_pattern,
    split_origin,
)

# --------------------------------------------------------------------------------------------------
# split_origin: what a browser can send passes, everything else is None (spec.md §1.8)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        pytest.param("https://example.com", ("https", "example.com", None), id="https"),
        pytest.param("http://example.com", ("http", "example.com", None), id="http"),
        pytest.param("http://localhost:3000", ("http", "localhost", "3000"), id="localhost-port"),
        pytest.param("https://a.example.com:8443", ("https", "a.example.com", "8443"), id="port"),
        pytest.param("http://x.test:1", ("http", "x.test", "1"), id="port-1"),
        pytest.param("http://x.test:65535", ("http", "x.test", "65535"), id="port-65535"),
        pytest.param(
            "chrome-extension://abcdefghijklmnop",
            ("chrome-extension", "abcdefghijklmnop", None),
            id="custom-scheme-chrome-extension",
        ),
        pytest.param("web+app.v2://host", ("web+app.v2", "host", None), id="custom-scheme-plus-dot"),
        pytest.param("http://[::1]", ("http", "[::1]", None), id="ipv6"),
        pytest.param("http://[::1]:8080", ("http", "[::1]", "8080"), id="ipv6-port"),
        pytest.param("http://127.0.0.1:5000", ("http", "127.0.0.1", "5000"), id="ipv4-port"),
        pytest.param("https://my_host.example", ("https", "my_host.example", None), id="underscore"),
        pytest.param("https://example.com.", ("https", "example.com.", None), id="trailing-dot"),
        pytest.param(
            "https://xn--bcher-kva.example", ("https", "xn--bcher-kva.example", None), id="idn"
        ),
        pytest.param(
            "https://" + "a" * (MAX_ORIGIN_LENGTH - len("https://")),
            ("https", "a" * (MAX_ORIGIN_LENGTH - len("https://")), None),
            id="exactly-max-length",
        ),
    ],
)
def test_split_origin_accepts_what_browsers_send(
    origin: str, expected: tuple[str, str, str | None]
) -> None:
    assert split_origin(origin) == expected


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("", id="empty"),
        pytest.param("null", id="null"),
        pytest.param("example.com", id="no-scheme"),
        pytest.param("https://", id="no-host"),
        pytest.param("HTTPS://example.com", id="upper-scheme"),
        pytest.param("https://Example.com", id="upper-host"),
        pytest.param("https://example.com/", id="trailing-slash"),
        pytest.param("https://example.com/path", id="path"),
        pytest.param("https://example.com?q=1", id="query"),
        pytest.param("https://example.com#f", id="fragment"),
        pytest.param("https://user@example.com", id="userinfo"),
        pytest.param("https://evil.com\\@example.com", id="userinfo-backslash-trick"),
        pytest.param("https://evil.com@example.com", id="userinfo-at"),
        pytest.param(" https://example.com", id="leading-space"),
        pytest.param("https://example.com ", id="trailing-space"),
        pytest.param("https://exa mple.com", id="inner-space"),
        pytest.param("https://exa\tmple.com", id="tab"),
        pytest.param("https://example.com\r\nX-Injected: 1", id="crlf-injection"),
        pytest.param("https://exa\r\nmple.com", id="crlf-inside-host"),
        pytest.param("https://example.com\n", id="trailing-lf"),
        pytest.param("https://example.com\r", id="trailing-cr"),
        pytest.param("https://example.com\x00", id="nul"),
        pytest.param("https://b\u00c3\u00bccher.example", id="latin1-mojibake"),
        pytest.param("https://b\u00fccher.example", id="non-ascii"),
        pytest.param("https://ex%41mple.com", id="percent-encoded"),
        pytest.param("https://example.com:0", id="port-0"),
        pytest.param("https://example.com:65536", id="port-65536"),
        pytest.param("https://example.com:99999", id="port-99999"),
        pytest.param("https://example.com:080", id="port-leading-zero"),
        pytest.param("https://example.com:", id="empty-port"),
        pytest.param("https://example.com:4_43", id="port-underscore"),
        pytest.param("https://example.com:+443", id="port-plus"),
        pytest.param("https://example.com:\u00b3", id="port-superscript-digit"),
        pytest.param("https://example.com:123456", id="port-six-digits"),
        pytest.param("https://a.example,https://evil.example", id="comma-joined-repeated-header"),
        pytest.param("https://a.example, https://evil.example", id="comma-space-joined"),
        pytest.param("https://a..example", id="empty-label"),
        pytest.param(".example.com", id="leading-dot-no-scheme"),
        pytest.param("1https://example.com", id="scheme-starts-with-digit"),
        pytest.param("https://[::1", id="unclosed-ipv6"),
        pytest.param("https://" + "a" * MAX_ORIGIN_LENGTH, id="over-max-length"),
        pytest.param("https://" + "a" * 16 * 1024, id="16-kib"),
    ],
)
def test_split_origin_rejects_malformed(origin: str) -> None:
    assert split_origin(origin) is None


# --------------------------------------------------------------------------------------------------
# parse_origin_pattern: accepted forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "https://app.example.com",
            OriginPattern("https", "app.example.com", None, any_subdomain=False, any_port=False),
            id="exact",
        ),
        pytest.param(
            "http://localhost:3000",
            OriginPattern("http", "localhost", "3000", any_subdomain=False, any_port=False),
            id="exact-with-port",
        ),
        pytest.param(
            "https://*.example.com",
            OriginPattern("https", "example.com", None, any_subdomain=True, any_port=False),
            id="subdomain-wildcard",
        ),
        pytest.param(
            "http://localhost:*",
            OriginPattern("http", "localhost", None, any_subdomain=False, any_port=True),
            id="port-wildcard",
        ),
        pytest.param(
            "https://*.example.com:8443",
            OriginPattern("https", "example.com", "8443", any_subdomain=True, any_port=False),
            id="subdomain-wildcard-with-port",
        ),
        pytest.param(
            "https://*.example.com:*",
            OriginPattern("https", "example.com", None, any_subdomain=True, any_port=True),
            id="subdomain-and-port-wildcard",
        ),
        pytest.param(
            "http://127.0.0.1:5000",
            OriginPattern("http", "127.0.0.1", "5000", any_subdomain=False, any_port=False),
            id="ipv4",
        ),
        pytest.param(
            "http://[::1]",
            OriginPattern("http", "[::1]", None, any_subdomain=False, any_port=False),
            id="ipv6",
        ),
        pytest.param(
            "http://[::1]:8080",
            OriginPattern("http", "[::1]", "8080", any_subdomain=False, any_port=False),
            id="ipv6-port",
        ),
        pytest.param(
            "http://[::1]:*",
            OriginPattern("http", "[::1]", None, any_subdomain=False, any_port=True),
            id="ipv6-any-port",
        ),
        pytest.param(
            "https://my_host.example.",
            OriginPattern("https", "my_host.example.", None, any_subdomain=False, any_port=False),
            id="underscore-and-trailing-dot",
        ),
        pytest.param(
            "chrome-extension://abcdefghijklmnop",
            OriginPattern(
                "chrome-extension", "abcdefghijklmnop", None, any_subdomain=False, any_port=False
            ),
            id="custom-scheme",
        ),
        pytest.param(
            "ws://example.com:443",
            OriginPattern("ws", "example.com", "443", any_subdomain=False, any_port=False),
            id="443-is-not-default-for-ws",
        ),
        pytest.param(
            "https://example.com:80",
            OriginPattern("https", "example.com", "80", any_subdomain=False, any_port=False),
            id="80-is-not-default-for-https",
        ),
        pytest.param(
            "https://-a.example",
            OriginPattern("https", "-a.example", None, any_subdomain=False, any_port=False),
            id="leading-hyphen-as-browsers-send-it",
        ),
        pytest.param(
            "https://a-.example",
            OriginPattern("https", "a-.example", None, any_subdomain=False, any_port=False),
            id="trailing-hyphen-as-browsers-send-it",
        ),
        pytest.param(
            "http://[::ffff:c0a8:1]",
            OriginPattern("http", "[::ffff:c0a8:1]", None, any_subdomain=False, any_port=False),
            id="ipv4-mapped-ipv6-as-browsers-send-it",
        ),
    ],
)
def test_parse_origin_pattern_accepts(text: str, expected: OriginPattern) -> None:
    assert parse_origin_pattern(text) == expected


# --------------------------------------------------------------------------------------------------
# parse_origin_pattern: every error names what is wrong and how to fix it


@pytest.mark.parametrize(
    ("text", "in_message", "in_fix"),
    [
        pytest.param("", "empty", "https://app.example.com", id="empty"),
        pytest.param(" https://a.example ", "whitespace", "'https://a.example'", id="whitespace"),
        pytest.param("https://a.example\n", "whitespace", "'https://a.example'", id="newline"),
        pytest.param("https://a.example,https://b.example", "several origins", "list", id="comma-list"),
        pytest.param(
            r"https://.*\.example\.com", "regular-expression", "re.compile", id="regex-dot-star"
        ),
        pytest.param(r"^https://a\.com$", "regular-expression", "re.compile", id="regex-anchors"),
        pytest.param("https://(a|b).com", "regular-expression", "re.compile", id="regex-group"),
        pytest.param("https://a.com.*", "regular-expression", "https://*.example.com", id="dot-star"),
        pytest.param("example.com", "no scheme", "'https://example.com'", id="missing-scheme"),
        pytest.param("//example.com", "no scheme", "'https://example.com'", id="scheme-relative"),
        pytest.param("HTTPS://example.com", "lower case", "'https://example.com'", id="upper-scheme"),
        pytest.param("https://App.Example.com", "lower case", "'https://app.example.com'", id="upper"),
        pytest.param("1http://example.com", "invalid scheme", "https", id="invalid-scheme"),
        pytest.param("file:///home/x", "file:", "'null'", id="file"),
        pytest.param("https://example.com/", "trailing slash", "'https://example.com'", id="slash"),
        pytest.param("https://example.com/app", "path", "'https://example.com'", id="path"),
        pytest.param("https://example.com#top", "fragment", "scheme://host[:port]", id="fragment"),
        pytest.param("https://user@example.com", "user name", "scheme://host[:port]", id="userinfo"),
        pytest.param("https://example.com:0", "invalid port", "1 to 65535", id="port-0"),
        pytest.param("https://example.com:65536", "invalid port", "1 to 65535", id="port-65536"),
        pytest.param("https://example.com:08080", "invalid port", "leading zeros", id="port-zero"),
        pytest.param("https://example.com:", "invalid port", "1 to 65535", id="port-empty"),
        pytest.param("https://example.com:http", "invalid port", "1 to 65535", id="port-name"),
        pytest.param("http://[::1]x", "not ':port'", "'[::1]:8080'", id="ipv6-junk-after-bracket"),
        pytest.param(
            "https://example.com:443", "default port 443", "'https://example.com'", id="default-443"
        ),
        pytest.param(
            "http://example.com:80", "default port 80", "'http://example.com'", id="default-80"
        ),
        pytest.param("wss://example.com:443", "default port 443", "'wss://example.com'", id="wss"),
        pytest.param("https://foo*.com", "'*'", "https://*.example.com", id="stray-star-in-label"),
        pytest.param("https://*", "'*'", "https://*.example.com", id="star-host"),
        pytest.param("https://a*b.example.com", "'*'", "https://*.example.com", id="inner-star"),
        pytest.param("https://*.a*.example.com", "'*'", "https://*.example.com", id="second-star"),
        pytest.param("https://*.*.example.com", "regular-expression", "re.compile", id="star-dot-star"),
        pytest.param("https://*example.com", "'*'", "https://*.example.com", id="star-no-dot"),
        pytest.param(
            "https://b\u00fccher.example",
            "non-ASCII",
            "'xn--bcher-kva.example'",
            id="non-ascii-punycode-suggestion",
        ),
        pytest.param(
            "https://" + "a" * 64 + "\u00fc.com",
            "non-ASCII",
            "'xn--" + "a" * 64 + "-ewg.com'",
            id="non-ascii-long-label",
        ),
        pytest.param(
            "https://stra\u00dfe.de", "non-ASCII", "'xn--strae-oqa.de'", id="idna-non-transitional"
        ),
        pytest.param(
            "https://B\u00fccher.example",
            "non-ASCII",
            "'xn--bcher-kva.example'",
            id="non-ascii-upper-case",
        ),
        pytest.param(
            "https://example.123", "invalid IPv4", "'127.0.0.1'", id="numeric-last-label-is-ipv4"
        ),
        pytest.param(
            "http://0x7f000001", "non-canonical IPv4", "'127.0.0.1'", id="hex-ipv4-as-one-number"
        ),
        pytest.param("http://1.2.3.0x4", "non-canonical IPv4", "'1.2.3.4'", id="hex-last-part"),
        pytest.param(
            "http://[::ffff:192.168.0.1]",
            "non-canonical IPv6",
            "'[::ffff:c0a8:1]'",
            id="ipv4-mapped-dotted-tail",
        ),
        pytest.param("https://a..example", "invalid host", "app.example.com", id="empty-label"),
        pytest.param("https://a\x00.example", "invalid host", "app.example.com", id="nul"),
        pytest.param("https://a%41.example", "invalid host", "app.example.com", id="percent"),
        pytest.param("https://*.", "invalid host", "app.example.com", id="wildcard-of-nothing"),
        pytest.param("http://[0:0::1]", "non-canonical IPv6", "'[::1]'", id="ipv6-non-canonical"),
        pytest.param(
            "http://[0:0:0:0:0:0:0:1]:8080", "non-canonical IPv6", "'[::1]'", id="ipv6-full-form"
        ),
        pytest.param("http://[::g]", "invalid IPv6", "'[::1]'", id="ipv6-invalid"),
        pytest.param("http://[1:2]", "invalid IPv6", "'[::1]'", id="ipv6-too-short"),
        pytest.param(
            "http://[::1]*", "'*' that is not", "'http://localhost:*'", id="ipv6-star-no-colon"
        ),
        pytest.param("http://[::1]80", "not ':port'", "'[::1]:8080'", id="ipv6-port-no-colon"),
        pytest.param(
            "http://*.[::1]:8080", "wildcard on an IP", "address itself", id="wildcard-on-ipv6"
        ),
        pytest.param("http://*.1.2.3.4", "wildcard on an IP", "address itself", id="wildcard-on-ipv4"),
        pytest.param("http://999.1.1.1", "invalid IPv4", "'127.0.0.1'", id="ipv4-999"),
        pytest.param("http://127.1", "non-canonical IPv4", "'127.0.0.1'", id="ipv4-short"),
        pytest.param("http://01.2.3.4", "non-canonical IPv4", "'1.2.3.4'", id="ipv4-leading-zero"),
        pytest.param("http://010.0.0.1", "non-canonical IPv4", "'8.0.0.1'", id="ipv4-octal"),
    ],
)
def test_parse_origin_pattern_errors(text: str, in_message: str, in_fix: str) -> None:
    result = parse_origin_pattern(text)
    assert isinstance(result, tuple), result
    message, fix = result
    assert in_message in message
    assert in_fix in fix


def test_parse_origin_pattern_query_is_reported_as_query() -> None:
    result = parse_origin_pattern("https://example.com?x=1")
    assert isinstance(result, tuple)
    assert "query" in result[0]


def test_parse_origin_pattern_wildcard_on_portless_ipv6() -> None:
    result = parse_origin_pattern("http://*.[::1]")
    assert isinstance(result, tuple)
    assert "wildcard on an IP" in result[0]


def test_parse_origin_pattern_rejects_ipv6_zone_id() -> None:
    assert isinstance(parse_origin_pattern("http://[fe80::1%25eth0]"), tuple)


# --------------------------------------------------------------------------------------------------
# OriginPattern


@pytest.mark.parametrize(
    ("text", "is_exact"),
    [
        pytest.param("https://app.example.com", True, id="exact"),
        pytest.param("http://localhost:3000", True, id="exact-port"),
        pytest.param("http://[::1]:8080", True, id="ipv6-port"),
        pytest.param("https://*.example.com", False, id="subdomain"),
        pytest.param("http://localhost:*", False, id="any-port"),
        pytest.param("https://*.example.com:8443", False, id="subdomain-port"),
        pytest.param("https://*.example.com:*", False, id="subdomain-any-port"),
    ],
)
def test_origin_pattern_serialise_round_trips(text: str, is_exact: bool) -> None:
    pattern = parse_origin_pattern(text)
    assert isinstance(pattern, OriginPattern)
    assert pattern.serialise() == text
    assert pattern.is_exact is is_exact


# --------------------------------------------------------------------------------------------------
# OriginMatcher


def _patterns(*texts: str) -> list[OriginPattern]:
    parsed = [parse_origin_pattern(text) for text in texts]
    assert all(isinstance(pattern, OriginPattern) for pattern in parsed)
    return parsed  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("patterns", "origin", "allowed"),
    [
        pytest.param(["https://a.example"], "https://a.example", True, id="exact-hit"),
        pytest.param(["https://a.example"], "https://b.example", False, id="exact-miss"),
        pytest.param(["https://a.example"], "http://a.example", False, id="exact-other-scheme"),
        pytest.param(["https://a.example"], "https://a.example:8443", False, id="exact-other-port"),
        pytest.param(["https://a.example"], "https://A.example", False, id="exact-upper-case"),
        pytest.param(["https://a.example"], "https://a.example/", False, id="exact-trailing-slash"),
        pytest.param(["https://a.example"], "https://a.example.", False, id="exact-trailing-dot"),
        pytest.param(["http://[::1]:8080"], "http://[::1]:8080", True, id="exact-ipv6"),
        pytest.param(["https://*.example.com"], "https://a.example.com", True, id="sub-depth-1"),
        pytest.param(["https://*.example.com"], "https://a.b.c.example.com", True, id="sub-deep"),
        pytest.param(["https://*.example.com"], "https://example.com", False, id="sub-never-apex"),
        pytest.param(["https://*.example.com"], "http://a.example.com", False, id="sub-other-scheme"),
        pytest.param(["https://*.example.com"], "https://evilexample.com", False, id="sub-suffix"),
        pytest.param(
            ["https://*.example.com"], "https://a.evilexample.com", False, id="sub-suffix-deep"
        ),
        pytest.param(["https://*.example.com"], "https://example.com.evil.net", False, id="sub-prefix"),
        pytest.param(
            ["https://*.example.com"], "https://a.example.com.evil.net", False, id="sub-in-middle"
        ),
        pytest.param(["https://*.example.com"], "https://a.example.com:8443", False, id="sub-port"),
        pytest.param(["https://*.example.com"], "https://.example.com", False, id="sub-empty-label"),
        pytest.param(["https://*.example.com"], "https://a.example.com.", False, id="sub-trail-dot"),
        pytest.param(
            ["https://*.example.com:8443"], "https://a.example.com:8443", True, id="sub-port-hit"
        ),
        pytest.param(
            ["https://*.example.com:8443"], "https://a.example.com", False, id="sub-port-no-port"
        ),
        pytest.param(
            ["https://*.example.com:8443"], "https://a.example.com:9443", False, id="sub-port-other"
        ),
        pytest.param(["https://*.example.com:*"], "https://a.example.com:9443", True, id="sub-any-port"),
        pytest.param(["https://*.example.com:*"], "https://a.example.com", True, id="sub-any-port-none"),
        pytest.param(
            ["https://*.example.com:*"], "https://example.com:9443", False, id="sub-any-port-apex"
        ),
        pytest.param(
            ["http://*.example.com", "https://*.example.com:8443"],
            "https://a.example.com:8443",
            True,
            id="sub-two-entries-same-domain",
        ),
        pytest.param(["https://*.b.example.com"], "https://a.b.example.com", True, id="sub-of-sub-hit"),
        pytest.param(
            ["https://*.b.example.com"], "https://a.c.example.com", False, id="sub-of-sub-miss"
        ),
        pytest.param(["http://localhost:*"], "http://localhost:3000", True, id="any-port"),
        pytest.param(["http://localhost:*"], "http://localhost", True, id="any-port-no-port"),
        pytest.param(["http://localhost:*"], "http://localhost:65535", True, id="any-port-max"),
        pytest.param(["http://localhost:*"], "https://localhost:3000", False, id="any-port-scheme"),
        pytest.param(
            ["http://localhost:*"], "http://localhost.evil.com", False, id="any-port-host-suffix"
        ),
        pytest.param(
            ["http://localhost:*"], "http://localhost.evil.com:3000", False, id="any-port-host-port"
        ),
        pytest.param(["http://localhost:*"], "http://a.localhost:3000", False, id="any-port-sub"),
        pytest.param(["http://localhost:*"], "http://localhost:0", False, id="any-port-bad-port"),
        pytest.param(["http://localhost:*"], "http://localhost:70000", False, id="any-port-70000"),
        pytest.param(["http://[::1]:*"], "http://[::1]:5173", True, id="any-port-ipv6"),
    ],
)
def test_origin_matcher_patterns(patterns: list[str], origin: str, allowed: bool) -> None:
    matcher = OriginMatcher(patterns=_patterns(*patterns))
    assert matcher.allows(origin) is allowed


ALWAYS = re.compile(r".*")


@pytest.mark.parametrize(
    ("matcher", "allowed"),
    [
        pytest.param(OriginMatcher(null=True), True, id="listed"),
        pytest.param(OriginMatcher(), False, id="empty-matcher"),
        pytest.param(OriginMatcher(any_origin=True), True, id="any-origin-answers-null-alike"),
        pytest.param(OriginMatcher(regexes=[ALWAYS]), False, id="regex-matching-everything"),
        pytest.param(OriginMatcher(regexes=[re.compile("null")]), False, id="regex-null"),
        pytest.param(OriginMatcher(predicate=lambda _: True), False, id="callable-true"),
        pytest.param(
            OriginMatcher(patterns=_patterns("https://*.example.com", "http://localhost:*")),
            False,
            id="wildcards",
        ),
        pytest.param(
            OriginMatcher(any_origin=True, null=True, regexes=[ALWAYS]), True, id="listed-and-any"
        ),
    ],
)
def test_null_only_when_listed(matcher: OriginMatcher, allowed: bool) -> None:
    assert matcher.allows("null") is allowed


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("NULL", id="upper-null"),
        pytest.param("Null", id="title-null"),
        pytest.param("null ", id="null-space"),
    ],
)
def test_null_is_case_sensitive(origin: str) -> None:
    assert OriginMatcher(null=True).allows(origin) is False


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://anything.example", id="well-formed"),
        pytest.param("http://localhost:3000", id="with-port"),
        pytest.param("chrome-extension://abc", id="custom-scheme"),
        pytest.param("null", id="null"),
        pytest.param("", id="empty"),
        pytest.param("https://a.example\r\nX: 1", id="crlf"),
        pytest.param("https://A.example", id="upper-case"),
        pytest.param("https://" + "a" * MAX_ORIGIN_LENGTH, id="too-long"),
        pytest.param("*", id="star"),
    ],
)
def test_any_origin_answers_every_value_alike(origin: str) -> None:
    """'*' is public: every Origin value gets the same '*', none is echoed, so none is refused."""
    assert OriginMatcher(any_origin=True).allows(origin) is True


@pytest.mark.parametrize(
    ("regex", "origin", "allowed"),
    [
        pytest.param(r"https://a\.example\.com", "https://a.example.com", True, id="exact-hit"),
        pytest.param(
            r"https://a\.example\.com", "https://a.example.com.evil.net", False, id="fullmatch-end"
        ),
        pytest.param(r"a\.example\.com", "https://a.example.com", False, id="fullmatch-start"),
        pytest.param(r"https://.*\.example\.com", "https://x.example.com", True, id="sub-hit"),
        pytest.param(
            r"https://.*\.example\.com", "https://x.example.com\n", False, id="trailing-newline"
        ),
        pytest.param(r"https://.*\.example\.com$", "https://x.example.com\n", False, id="dollar-lf"),
        pytest.param(
            r"https://.*\.example\.com", "https://x.example.com:444", False, id="port-not-in-regex"
        ),
        pytest.param(
            r"https://.*\.example\.com",
            "https://X.example.com",
            False,
            id="malformed-never-reaches-regex",
        ),
        pytest.param(r"https?://example\.com", "http://example.com", True, id="optional-s"),
    ],
)
def test_origin_matcher_regex_fullmatch(regex: str, origin: str, allowed: bool) -> None:
    assert OriginMatcher(regexes=[re.compile(regex)]).allows(origin) is allowed


def test_origin_matcher_tries_every_regex() -> None:
    matcher = OriginMatcher(
        regexes=[re.compile(r"https://a\.example"), re.compile(r"https://b\.example")]
    )
    assert matcher.allows("https://b.example") is True
    assert matcher.allows("https://c.example") is False


@pytest.mark.parametrize(
    ("origin", "called"),
    [
        pytest.param("https://a.example", True, id="well-formed"),
        pytest.param("http://localhost:3000", True, id="with-port"),
        pytest.param("null", False, id="null"),
        pytest.param("", False, id="empty"),
        pytest.param("https://a.example/", False, id="trailing-slash"),
        pytest.param("https://a.example\r\n", False, id="crlf"),
        pytest.param("https://A.example", False, id="upper-case"),
        pytest.param("https://user@a.example", False, id="userinfo"),
        pytest.param("https://" + "a" * MAX_ORIGIN_LENGTH, False, id="too-long"),
    ],
)
def test_callable_gets_only_well_formed_origins(origin: str, called: bool) -> None:
    seen: list[str] = []

    def predicate(value: str) -> bool:
        seen.append(value)
        return True

    assert OriginMatcher(predicate=predicate).allows(origin) is called
    assert seen == ([origin] if called else [])


@pytest.mark.parametrize(
    ("result", "allowed"),
    [
        pytest.param(True, True, id="true"),
        pytest.param(False, False, id="false"),
        pytest.param(1, True, id="truthy-int"),
        pytest.param("yes", True, id="truthy-str"),
        pytest.param(0, False, id="falsy-int"),
        pytest.param(None, False, id="none"),
        pytest.param([], False, id="empty-list"),
    ],
)
def test_callable_truthiness_counts(result: object, allowed: bool) -> None:
    matcher = OriginMatcher(predicate=lambda _: result)  # type: ignore[arg-type,return-value]
    assert matcher.allows("https://a.example") is allowed


def test_callable_not_asked_when_a_pattern_already_allows() -> None:
    seen: list[str] = []

    def predicate(value: str) -> bool:
        seen.append(value)
        return False

    matcher = OriginMatcher(patterns=_patterns("https://*.example.com"), predicate=predicate)
    assert matcher.allows("https://a.example.com") is True
    assert seen == []
    assert matcher.allows("https://a.other.com") is False
    assert seen == ["https://a.other.com"]


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(RuntimeError("database down"), id="runtime-error"),
        pytest.param(KeyError("x"), id="key-error"),
        pytest.param(ValueError("bad\r\nINFO:forged"), id="message-with-crlf"),
    ],
)
def test_callable_exception_is_logged_and_denied(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    def predicate(value: str) -> bool:
        raise error

    caplog.set_level(logging.DEBUG, logger="corsware")
    assert OriginMatcher(predicate=predicate).allows("https://a.example") is False
    records = [record for record in caplog.records if record.name == "corsware"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[1] is error
    message = record.getMessage()
    assert "'https://a.example'" in message
    assert "not allowed" in message
    assert "\n" not in message
    assert "\r" not in message


def test_callable_exception_is_silent_below_error(caplog: pytest.LogCaptureFixture) -> None:
    def predicate(value: str) -> bool:
        raise RuntimeError

    caplog.set_level(logging.CRITICAL, logger="corsware")
    assert OriginMatcher(predicate=predicate).allows("https://a.example") is False
    assert [record for record in caplog.records if record.name == "corsware"] == []


def test_combined_matcher() -> None:
    matcher = OriginMatcher(
        patterns=_patterns("https://app.example.com", "https://*.example.org", "http://localhost:*"),
        regexes=[re.compile(r"https://pr-[0-9]+\.preview\.example\.net")],
        predicate=lambda origin: origin.endswith(".partner.test"),
    )
    allowed = {
        "https://app.example.com",
        "https://x.example.org",
        "http://localhost:8000",
        "https://pr-42.preview.example.net",
        "https://a.partner.test",
    }
    denied = {
        "https://example.org",
        "https://other.example.com",
        "https://pr-x.preview.example.net",
        "http://app.example.com",
        "https://a.partner.test.evil.net",
        "null",
    }
    assert {origin for origin in allowed | denied if matcher.allows(origin)} == allowed
