"""corsware.probes: the sample origins read from a regex, and the strangers tried against it."""

from __future__ import annotations

import re

import pytest

from corsware.probes import Catch, catch_unowned, samples


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        pytest.param(r"https://example\.com", ["https://example.com"], id="literal"),
        pytest.param(
            r"https://(www\.)?example\.com",
            ["https://example.com", "https://www.example.com"],
            id="optional group: none and one",
        ),
        pytest.param(r"https://[a-z]+\.example\.com", ["https://a.example.com"], id="class"),
        pytest.param(r"https://[b]\.example\.com", ["https://b.example.com"], id="class without a"),
        pytest.param(r"https://[^/]\.example\.com", ["https://a.example.com"], id="negated class"),
        pytest.param(r"https://[^a-z]\.example\.com", ["https://0.example.com"], id="negated letters"),
        pytest.param(r"https://[a-]\.example\.com", ["https://a.example.com"], id="literal dash"),
        pytest.param(r"https://[\w.-]+\.example\.com", ["https://a.example.com"], id="escape in class"),
        pytest.param(r"https://\d+\.example\.com", ["https://1.example.com"], id="digit"),
        pytest.param(r"https://\D\W\S\.example\.com", ["https://a-a.example.com"], id="other escapes"),
        pytest.param(r"\Ahttps://\bexample\.com\Z", ["https://example.com"], id="anchors"),
        pytest.param(r"^https://example\.com$", ["https://example.com"], id="caret and dollar"),
        pytest.param(r"https://a{2}\.example\.com", ["https://aa.example.com"], id="exact count"),
        pytest.param(
            r"https://a{,2}b\.example\.com",
            ["https://b.example.com", "https://ab.example.com"],
            id="count from zero",
        ),
        pytest.param(r"https://.+?\.example\.com", ["https://a.example.com"], id="lazy"),
        pytest.param(
            r"https://.*example\.com",
            ["https://example.com", "https://aexample.com"],
            id="star: none and one",
        ),
        pytest.param(r"https://app.example.com", ["https://app.example.com"], id="unescaped dot"),
        pytest.param(r"(?i:https://example\.com)", ["https://example.com"], id="inline flags group"),
        pytest.param(r"https://(?P<n>a)\.example\.com", ["https://a.example.com"], id="named group"),
        pytest.param(
            r"https://example\.(com|org)",
            ["https://example.com", "https://example.org"],
            id="alternatives",
        ),
        pytest.param(r"https://x{\.example\.com", [], id="a brace that is no count: not an origin"),
        pytest.param(r"(?x) https://example\.com", [], id="verbose: not read"),
        pytest.param(r"https://(?=a)a\.example\.com", [], id="look-ahead: not read"),
        pytest.param(r"https://a\s\.example\.com", [], id="whitespace class: not read"),
        pytest.param(r"https://[^a0-]\.example\.com", [], id="negated class without a candidate"),
    ],
)
def test_samples(pattern: str, expected: list[str]) -> None:
    assert samples(re.compile(pattern)) == expected


@pytest.mark.parametrize(
    ("pattern", "catch"),
    [
        pytest.param(r".*", Catch("https://corsware-probe.invalid"), id="catch-all"),
        pytest.param(r"https://.*example\.com", Catch("https://corswareprobeexample.com"), id="glued"),
        pytest.param(
            r"https://example\.com.*",
            Catch("https://example.com.corsware-probe.invalid"),
            id="appended",
        ),
        pytest.param(r"https://app.example.com", Catch("https://appxexample.com"), id="dot"),
        pytest.param(r"https?://example\.com", Catch("http://example.com", insecure=True), id="http"),
        pytest.param(r"https?://127\.0\.0\.2", None, id="loopback ip over http"),
        pytest.param(r"https?://10\.0\.0\.1", Catch("http://10.0.0.1", insecure=True), id="private ip"),
        pytest.param(r"https://\[::1\]", None, id="ipv6"),
        pytest.param(r"https://localhost", None, id="a public suffix itself"),
        pytest.param(r"https://[a-z0-9-]+\.app\.example\.com", None, id="careful"),
    ],
)
def test_catch_unowned(pattern: str, catch: Catch | None) -> None:
    assert catch_unowned(re.compile(pattern)) == catch
