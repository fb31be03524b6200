"""Unit tests of corsware.headers: token grammar, request-header lists, response rewriting, escaping."""

from __future__ import annotations

import pytest

from corsware import headers
from corsware.headers import (
    MAX_HEADER_LIST_LENGTH,
    MAX_HEADER_LIST_NAMES,
    escape,
    is_token,
    parse_header_names,
    rewrite_response_headers,
)

# --------------------------------------------------------------------------------------------------
# is_token (RFC 9110 §5.6.2)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("GET", True, id="method"),
        pytest.param("patch", True, id="lower-method"),
        pytest.param("Content-Type", True, id="header-name"),
        pytest.param("x-custom_header.v2", True, id="underscore-dot"),
        pytest.param("!#$%&'*+-.^_`|~", True, id="every-tchar-symbol"),
        pytest.param("a" * headers._MAX_TOKEN_LENGTH, True, id="at-length-bound"),
        pytest.param("a" * (headers._MAX_TOKEN_LENGTH + 1), False, id="over-length-bound"),
        pytest.param("", False, id="empty"),
        pytest.param("X Foo", False, id="space"),
        pytest.param("X-Foo\r\n", False, id="crlf"),
        pytest.param("X-Foo\n", False, id="trailing-lf"),
        pytest.param("a,b", False, id="comma"),
        pytest.param("a:b", False, id="colon"),
        pytest.param('a"b', False, id="quote"),
        pytest.param("a(b)", False, id="parens"),
        pytest.param("a/b", False, id="slash"),
        pytest.param("a\x00", False, id="nul"),
        pytest.param("\u00e9", False, id="non-ascii"),
        pytest.param("\u212a", False, id="kelvin-sign"),
    ],
)
def test_is_token(value: str, expected: bool) -> None:
    assert is_token(value) is expected


# --------------------------------------------------------------------------------------------------
# parse_header_names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("content-type,x-foo", ("content-type", "x-foo"), id="browser-form"),
        pytest.param("x-foo", ("x-foo",), id="one"),
        pytest.param("content-type, x-foo", ("content-type", "x-foo"), id="ows-after-comma"),
        pytest.param(" \tcontent-type ,\tx-foo\t ", ("content-type", "x-foo"), id="ows-everywhere"),
        pytest.param("a,,b", ("a", "b"), id="empty-item"),
        pytest.param(",a,", ("a",), id="leading-trailing-comma"),
        pytest.param("a, ,b", ("a", "b"), id="blank-item"),
        pytest.param("Content-Type,X-Foo", ("content-type", "x-foo"), id="upper-lowered"),
        pytest.param("X-FOO", ("x-foo",), id="all-upper"),
        pytest.param("x-foo,x-foo", ("x-foo", "x-foo"), id="duplicates-kept"),
        pytest.param("", (), id="empty"),
        pytest.param(" ", (), id="only-space"),
        pytest.param(",,,", (), id="only-commas"),
        pytest.param("x foo", None, id="inner-space"),
        pytest.param("x\tfoo", None, id="inner-tab"),
        pytest.param("a, b c", None, id="inner-space-second-item"),
        pytest.param("x-foo;y", None, id="semicolon"),
        pytest.param("x:foo", None, id="colon"),
        pytest.param('"x-foo"', None, id="quoted"),
        pytest.param("x-foo\r\nset-cookie", None, id="crlf"),
        pytest.param("x-foo\n", None, id="lf"),
        pytest.param("x-foo\r", None, id="cr"),
        pytest.param("x-foo\x00", None, id="nul"),
        pytest.param("x-f\u00f6o", None, id="non-ascii"),
        pytest.param("x-foo\u00a0", None, id="nbsp"),
        pytest.param("\u212aey", None, id="kelvin-sign-lowers-to-k"),
    ],
)
def test_parse_header_names(value: str, expected: tuple[str, ...] | None) -> None:
    assert parse_header_names(value) == expected


@pytest.mark.parametrize(
    ("value", "count"),
    [
        pytest.param("a" * MAX_HEADER_LIST_LENGTH, 1, id="length-at-bound"),
        pytest.param(
            ",".join(["a"] * MAX_HEADER_LIST_NAMES), MAX_HEADER_LIST_NAMES, id="names-at-bound"
        ),
        pytest.param("," * (MAX_HEADER_LIST_NAMES - 1), 0, id="commas-at-bound"),
    ],
)
def test_parse_header_names_at_bounds(value: str, count: int) -> None:
    parsed = parse_header_names(value)
    assert parsed is not None
    assert len(parsed) == count


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("a" * (MAX_HEADER_LIST_LENGTH + 1), id="length-over-bound"),
        pytest.param(",".join(["a"] * (MAX_HEADER_LIST_NAMES + 1)), id="names-over-bound"),
        pytest.param("," * MAX_HEADER_LIST_NAMES, id="commas-over-bound"),
        pytest.param("," * 1_000_000, id="million-commas"),
        pytest.param("a " * 100_000, id="long-with-spaces"),
    ],
)
def test_parse_header_names_over_bounds(value: str) -> None:
    assert parse_header_names(value) is None


# --------------------------------------------------------------------------------------------------
# rewrite_response_headers

CT = ("Content-Type", "text/plain")
ACAO = ("Access-Control-Allow-Origin", "https://a.example")
VARY_ORIGIN = ("Vary", "Origin")
VARY_PREFLIGHT = (
    "Vary",
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
)


@pytest.mark.parametrize(
    ("app", "cors", "expected"),
    [
        pytest.param([CT], (ACAO, VARY_ORIGIN), [CT, ACAO, VARY_ORIGIN], id="no-app-vary-appended"),
        pytest.param([CT], (), [CT], id="nothing-to-add"),
        pytest.param([], (ACAO,), [ACAO], id="no-app-headers"),
        pytest.param(
            [CT, ("Access-Control-Allow-Origin", "*")],
            (ACAO, VARY_ORIGIN),
            [CT, ACAO, VARY_ORIGIN],
            id="app-acao-replaced",
        ),
        pytest.param(
            [
                ("access-control-allow-origin", "*"),
                ("ACCESS-CONTROL-ALLOW-CREDENTIALS", "true"),
                ("Access-Control-Expose-Headers", "X-Secret"),
                ("Access-Control-Max-Age", "86400"),
                CT,
            ],
            (),
            [CT],
            id="app-access-control-dropped-any-case",
        ),
        pytest.param(
            [("Access-Control-Whatever", "x"), ("X-Access-Control-Note", "kept")],
            (),
            [("X-Access-Control-Note", "kept")],
            id="only-access-control-prefix-dropped",
        ),
        pytest.param(
            [CT, ("Vary", "Accept-Encoding"), ("X-After", "1")],
            (ACAO, VARY_ORIGIN),
            [CT, ("Vary", "Accept-Encoding, Origin"), ("X-After", "1"), ACAO],
            id="merged-into-app-vary",
        ),
        pytest.param(
            [("vary", "Accept-Encoding")],
            (VARY_ORIGIN,),
            [("vary", "Accept-Encoding, Origin")],
            id="lower-case-app-vary-name-kept",
        ),
        pytest.param(
            [("Vary", "Accept-Encoding"), ("Vary", "Cookie")],
            (VARY_ORIGIN,),
            [("Vary", "Accept-Encoding, Origin"), ("Vary", "Cookie")],
            id="merged-into-first-of-two",
        ),
        pytest.param(
            [("Vary", "Origin")], (VARY_ORIGIN,), [("Vary", "Origin")], id="origin-already-there"
        ),
        pytest.param(
            [("Vary", "accept-encoding, ORIGIN")],
            (VARY_ORIGIN,),
            [("Vary", "accept-encoding, ORIGIN")],
            id="origin-already-there-case-insensitive",
        ),
        pytest.param(
            [("Vary", "Accept-Encoding"), ("Vary", " origin ")],
            (VARY_ORIGIN,),
            [("Vary", "Accept-Encoding"), ("Vary", " origin ")],
            id="origin-in-second-vary-line",
        ),
        pytest.param(
            [("Vary", "Cookie,Origin")],
            (VARY_PREFLIGHT,),
            [
                (
                    "Vary",
                    "Cookie,Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
                )
            ],
            id="only-missing-fields-added",
        ),
        pytest.param([("Vary", "*")], (VARY_ORIGIN,), [("Vary", "*")], id="vary-star-left-alone"),
        pytest.param(
            [("Vary", "Accept-Encoding"), ("Vary", "*")],
            (VARY_PREFLIGHT,),
            [("Vary", "Accept-Encoding"), ("Vary", "*")],
            id="vary-star-in-second-line",
        ),
        pytest.param([("Vary", "")], (VARY_ORIGIN,), [("Vary", "Origin")], id="empty-app-vary"),
        pytest.param([("Vary", "  ")], (VARY_ORIGIN,), [("Vary", "Origin")], id="blank-app-vary"),
        pytest.param([("Vary", "")], (VARY_PREFLIGHT,), [VARY_PREFLIGHT], id="empty-app-vary-preflight"),
    ],
)
def test_rewrite_response_headers(
    app: list[tuple[str, str]],
    cors: tuple[tuple[str, str], ...],
    expected: list[tuple[str, str]],
) -> None:
    original = list(app)
    result = rewrite_response_headers(app, cors)
    assert result == expected
    assert app == original
    assert result is not app


def test_rewrite_response_headers_does_not_mutate_app_list_when_merging() -> None:
    app = [("Vary", "Accept-Encoding"), ("Access-Control-Allow-Origin", "*")]
    app_copy = list(app)
    first = rewrite_response_headers(app, (VARY_ORIGIN,))
    second = rewrite_response_headers(app, (VARY_ORIGIN,))
    assert first == second == [("Vary", "Accept-Encoding, Origin")]
    assert app == app_copy
    first.append(("X", "y"))
    assert second == [("Vary", "Accept-Encoding, Origin")]


# --------------------------------------------------------------------------------------------------
# escape


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(None, "(none)", id="none"),
        pytest.param("", "''", id="empty"),
        pytest.param("https://a.example", "'https://a.example'", id="plain"),
        pytest.param("/foo\r\nINFO:fake entry", "'/foo\\r\\nINFO:fake entry'", id="crlf-CVE-2024-1681"),
        pytest.param("a\x00b\x1b[31m", "'a\\x00b\\x1b[31m'", id="control"),
        pytest.param("b\u00fccher", "'b\\xfccher'", id="latin1"),
        pytest.param("\u2028x", "'\\u2028x'", id="line-separator"),
        pytest.param("\U0001f600", "'\\U0001f600'", id="astral"),
        pytest.param("it's", '"it\'s"', id="quote"),
    ],
)
def test_escape(value: str | None, expected: str) -> None:
    assert escape(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("a" * 200, "'" + "a" * 200 + "'", id="at-limit-not-truncated"),
        pytest.param("a" * 201, "'" + "a" * 200 + "'...(201 characters)", id="over-limit"),
        pytest.param("\n" * 100_000, "'" + "\\n" * 200 + "'...(100000 characters)", id="long-newlines"),
    ],
)
def test_escape_truncates_long_values(value: str, expected: str) -> None:
    assert escape(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("x\r\ny", id="crlf"),
        pytest.param("\u0085\u2028\u2029\x0b\x0c\x1c\x1d\x1e", id="unicode-line-breaks"),
        pytest.param("\u00e9" * 500, id="long-non-ascii"),
    ],
)
def test_escape_is_one_ascii_line(value: str) -> None:
    escaped = escape(value)
    assert escaped.isascii()
    assert len(escaped.splitlines()) == 1
