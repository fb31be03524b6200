"""Unit tests of corsware.resources: path patterns, dot segments, shadowing and the resource map."""

from __future__ import annotations

import re

import pytest

from corsware import CORSConfigError
from corsware.configuration import compile_configuration
from corsware.resources import (
    PathPattern,
    ResourceMap,
    parse_path_pattern,
    resolve_dot_segments,
    wsgi_path,
)

# --------------------------------------------------------------------------------------------------
# parse_path_pattern


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("/api", PathPattern("/api", "/api", prefix=False), id="exact"),
        pytest.param("/", PathPattern("/", "/", prefix=False), id="root-exact"),
        pytest.param("/api/", PathPattern("/api/", "/api/", prefix=False), id="exact-trailing-slash"),
        pytest.param("/api/*", PathPattern("/api/*", "/api", prefix=True), id="prefix"),
        pytest.param("/api/v1/*", PathPattern("/api/v1/*", "/api/v1", prefix=True), id="deep-prefix"),
        pytest.param("/*", PathPattern("/*", "", prefix=True), id="everything"),
        pytest.param(
            "/service+path", PathPattern("/service+path", "/service+path", prefix=False), id="plus"
        ),
        pytest.param(
            "/.well-known/x",
            PathPattern("/.well-known/x", "/.well-known/x", prefix=False),
            id="dot-name-not-dot-segment",
        ),
        pytest.param("/a..b", PathPattern("/a..b", "/a..b", prefix=False), id="double-dot-in-name"),
    ],
)
def test_parse_path_pattern_accepts(text: str, expected: PathPattern) -> None:
    assert parse_path_pattern(text) == expected


@pytest.mark.parametrize(
    ("text", "in_message", "fix"),
    [
        pytest.param("", "start with '/'", "write '/*' for every path", id="empty"),
        pytest.param("*", "start with '/'", "write '/*' for every path", id="star"),
        pytest.param("api/*", "start with '/'", "write '/api/*'", id="relative"),
        pytest.param(".*", "start with '/'", "write '/.*'", id="regex-like"),
        pytest.param("/api/*/x", "not a trailing '/*'", None, id="inner-star"),
        pytest.param("/api*", "not a trailing '/*'", None, id="star-without-slash"),
        pytest.param("/api/.*", "not a trailing '/*'", None, id="regex-dot-star"),
        pytest.param("/**", "not a trailing '/*'", None, id="double-star"),
        pytest.param("/api\n", "control characters", "remove them", id="lf"),
        pytest.param("/api\r\n/*", "control characters", "remove them", id="crlf-prefix"),
        pytest.param("/a\x00b", "control characters", "remove them", id="nul"),
        pytest.param("/a\x7fb", "control characters", "remove them", id="del"),
        pytest.param("/public/../admin", "'.' or '..'", "write '/admin'", id="dotdot"),
        pytest.param("/public/../admin/*", "'.' or '..'", "write '/admin/*'", id="dotdot-prefix"),
        pytest.param("/a/./b", "'.' or '..'", "write '/a/b'", id="dot"),
        pytest.param("/../x", "'.' or '..'", "write '/x'", id="above-root"),
        pytest.param("/api/..", "'.' or '..'", "write '/'", id="trailing-dotdot"),
        pytest.param("/.", "'.' or '..'", "write '/'", id="root-dot"),
    ],
)
def test_parse_path_pattern_errors(text: str, in_message: str, fix: str | None) -> None:
    result = parse_path_pattern(text)
    assert isinstance(result, tuple), result
    message, suggestion = result
    assert in_message in message
    if fix is None:
        assert "trailing '/*'" in suggestion
        assert "re.compile" in suggestion
    else:
        assert suggestion == fix


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        pytest.param("/api/./*", "write '/api/*'", id="trailing-dot-prefix"),
        pytest.param("/a/b/../*", "write '/a/*'", id="trailing-dotdot-prefix"),
    ],
)
def test_parse_path_pattern_dot_segment_fix_for_prefix(text: str, fix: str) -> None:
    result = parse_path_pattern(text)
    assert isinstance(result, tuple)
    assert result[1] == fix


# --------------------------------------------------------------------------------------------------
# resolve_dot_segments (RFC 3986 §5.2.4)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/public/../admin", "/admin", id="dotdot"),
        pytest.param("/a/./b", "/a/b", id="dot"),
        pytest.param("/a/b/..", "/a/", id="trailing-dotdot"),
        pytest.param("/a/b/.", "/a/b/", id="trailing-dot"),
        pytest.param("/a/..", "/", id="trailing-dotdot-to-root"),
        pytest.param("/..", "/", id="only-dotdot"),
        pytest.param("/.", "/", id="only-dot"),
        pytest.param("/../x", "/x", id="above-root"),
        pytest.param("/../../../etc/passwd", "/etc/passwd", id="far-above-root"),
        pytest.param("/a/b/c/../../d", "/a/d", id="two-up"),
        pytest.param("/a//b/../c", "/a//c", id="empty-segment-kept"),
        pytest.param("/a//../b", "/a/b", id="dotdot-removes-empty-segment"),
        pytest.param("/a/.b/c", "/a/.b/c", id="dot-name-kept"),
        pytest.param("/a/..b", "/a/..b", id="dotdot-name-kept"),
        pytest.param("/a/.../b", "/a/.../b", id="three-dots-kept"),
        pytest.param("/api/x/", "/api/x/", id="no-dots"),
        pytest.param("//", "//", id="double-slash"),
    ],
)
def test_resolve_dot_segments(path: str, expected: str) -> None:
    assert resolve_dot_segments(path) == expected


def test_resolve_dot_segments_fast_path_returns_same_object() -> None:
    path = "".join(["/api/", "users/", "42"])  # built at run time, so not an interned constant
    assert resolve_dot_segments(path) is path


# --------------------------------------------------------------------------------------------------
# PathPattern.covers and shadowing_problems


def _parsed(text: str) -> PathPattern:
    pattern = parse_path_pattern(text)
    assert isinstance(pattern, PathPattern)
    return pattern


@pytest.mark.parametrize(
    ("first", "second", "covers"),
    [
        pytest.param("/*", "/anything/*", True, id="everything-covers-prefix"),
        pytest.param("/*", "/", True, id="everything-covers-root"),
        pytest.param("/api/*", "/api/v1/*", True, id="prefix-covers-deeper-prefix"),
        pytest.param("/api/*", "/api/*", True, id="prefix-covers-itself"),
        pytest.param("/api/*", "/api", True, id="prefix-covers-its-base"),
        pytest.param("/api/*", "/api/", True, id="prefix-covers-base-slash"),
        pytest.param("/api/*", "/api/x", True, id="prefix-covers-exact-below"),
        pytest.param("/api/*", "/apiary", False, id="prefix-not-sibling"),
        pytest.param("/api/*", "/apiary/*", False, id="prefix-not-sibling-prefix"),
        pytest.param("/api/v1/*", "/api/*", False, id="deeper-not-shallower"),
        pytest.param("/api", "/api", True, id="exact-covers-itself"),
        pytest.param("/api", "/api/*", False, id="exact-not-prefix"),
        pytest.param("/api", "/api/x", False, id="exact-not-other"),
    ],
)
def test_path_pattern_covers(first: str, second: str, covers: bool) -> None:
    assert _parsed(first).covers(_parsed(second)) is covers


@pytest.mark.parametrize(
    ("patterns", "shadowed"),
    [
        pytest.param(["/api/*", "/api/admin/*"], [("/api/admin/*", "/api/*")], id="prefix-first"),
        pytest.param(["/*", "/api"], [("/api", "/*")], id="everything-first"),
        pytest.param(["/*", re.compile(r"/api/.*")], [(r"/api/.*", "/*")], id="everything-before-regex"),
        pytest.param(["/api/*", "/api"], [("/api", "/api/*")], id="prefix-before-its-base"),
        pytest.param(["/api/admin/*", "/api/*"], [], id="deeper-first-is-fine"),
        pytest.param(["/api", "/api/*"], [], id="exact-before-prefix-is-fine"),
        pytest.param([re.compile(r"/.*"), "/api"], [], id="regex-before-string-not-judged"),
        pytest.param(["/api/*", re.compile(r"/api/x")], [], id="prefix-before-regex-not-judged"),
        pytest.param(["/a/*", "/b/*", "/c"], [], id="disjoint"),
        pytest.param(["api", "/api/*", "/api/x"], [("/api/x", "/api/*")], id="invalid-skipped"),
        pytest.param(
            ["/*", "/api/*", "/api/x"],
            [("/api/*", "/*"), ("/api/x", "/*")],
            id="one-problem-each-naming-the-first-cover",
        ),
    ],
)
def test_shadowing_problems(
    patterns: list[str | re.Pattern[str]], shadowed: list[tuple[str, str]]
) -> None:
    try:
        compile_configuration({key: {} for key in patterns}, {})
    except CORSConfigError as error:
        problems = [problem for problem in error.problems if problem.code == "CORS-E009"]
    else:
        problems = []
    assert [(problem.value, problem.option) for problem in problems] == [
        (late, f"resources[{late!r}]") for late, _ in shadowed
    ]
    for problem, (late, early) in zip(problems, shadowed, strict=True):
        assert problem.code == "CORS-E009"
        assert repr(early) in problem.message
        assert "never match" in problem.message
        assert problem.fix == f"move {late!r} before {early!r}"


# --------------------------------------------------------------------------------------------------
# ResourceMap.resource_for: the literal path decides; dot segments that lead elsewhere get "conflict"

API_MAP: list[tuple[str | re.Pattern[str], str]] = [
    ("/api/*", "api"),
    ("/admin/*", "admin"),
    ("/public/*", "public"),
    ("/service+path", "plus"),
    ("/service path", "space"),
    ("/exact", "exact"),
]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/api", "api", id="prefix-base"),
        pytest.param("/api/", "api", id="prefix-base-slash"),
        pytest.param("/api/x", "api", id="prefix-child"),
        pytest.param("/api/x/y/z", "api", id="prefix-deep"),
        pytest.param("/api//x", "api", id="prefix-double-slash"),
        pytest.param("/apiary", None, id="not-sibling"),
        pytest.param("/apiary/x", None, id="not-sibling-child"),
        pytest.param("/API/x", None, id="case-sensitive-CVE-2024-6866"),
        pytest.param("/Api", None, id="case-sensitive-base"),
        pytest.param("/service+path", "plus", id="plus-stays-plus-CVE-2024-6844"),
        pytest.param("/service path", "space", id="space-is-space-CVE-2024-6844"),
        pytest.param("/service%20path", None, id="percent-not-decoded-again"),
        pytest.param("/public/../admin", "conflict", id="dotdot-CVE-2020-25032"),
        pytest.param("/public/../admin/users", "conflict", id="dotdot-deep"),
        pytest.param("/public/./x", "public", id="dot-same-resource"),
        pytest.param("/public/a/../x", "public", id="dotdot-same-resource"),
        pytest.param("/api/../../admin/x", "conflict", id="dotdot-above-root"),
        pytest.param("/admin/../public/x", "conflict", id="dotdot-out-of-admin"),
        pytest.param("/api/..", "conflict", id="dotdot-to-uncovered-root"),
        pytest.param("/other/../api/x", None, id="literal-uncovered-passes-through"),
        pytest.param("/api/.well-known/x", "api", id="dot-name-is-not-a-dot-segment"),
        pytest.param("/exact", "exact", id="exact"),
        pytest.param("/exact/", None, id="exact-not-trailing-slash"),
        pytest.param("/exact/x", None, id="exact-not-prefix"),
        pytest.param("/", None, id="root"),
        pytest.param("", None, id="empty"),
        pytest.param("/other", None, id="no-match"),
    ],
)
def test_resource_for(path: str, expected: str | None) -> None:
    assert ResourceMap(API_MAP, "conflict").resource_for(path) == expected


@pytest.mark.parametrize(
    ("entries", "path", "expected"),
    [
        pytest.param([("/*", "all")], "", "all", id="empty-path-is-root"),
        pytest.param([("/", "root")], "", "root", id="empty-path-exact-root"),
        pytest.param([("/*", "all")], "/", "all", id="everything-root"),
        pytest.param([("/*", "all")], "/a/b/c", "all", id="everything-deep"),
        pytest.param(
            [("/api/*", "api"), ("/api/admin/*", "admin")], "/api/admin/x", "api", id="first-wins"
        ),
        pytest.param(
            [("/api/admin/*", "admin"), ("/api/*", "api")], "/api/admin/x", "admin", id="deeper-first"
        ),
        pytest.param(
            [("/api/admin/*", "admin"), ("/api/*", "api")], "/api/other", "api", id="deeper-miss"
        ),
        pytest.param([("/x", "exact"), ("/x/*", "prefix")], "/x", "exact", id="exact-before-prefix"),
        pytest.param([("/x/*", "prefix"), ("/x", "exact")], "/x", "prefix", id="prefix-before-exact"),
        pytest.param(
            [("/x/*", "first"), ("/x/*", "second")], "/x/y", "first", id="duplicate-first-wins"
        ),
        pytest.param([("/x", "first"), ("/x", "second")], "/x", "first", id="duplicate-exact"),
        pytest.param(
            [(re.compile(r"/api/.*"), "regex"), ("/api/*", "string")],
            "/api/x",
            "regex",
            id="regex-before-string-wins",
        ),
        pytest.param(
            [("/api/*", "string"), (re.compile(r"/api/.*"), "regex")],
            "/api/x",
            "string",
            id="string-before-regex-wins",
        ),
        pytest.param(
            [("/api/*", "string"), (re.compile(r"/other/.*"), "regex")],
            "/other/x",
            "regex",
            id="regex-after-unmatched-string",
        ),
        pytest.param(
            [(re.compile(r"/a/.*"), "a"), (re.compile(r"/b/.*"), "b")], "/b/x", "b", id="second-regex"
        ),
        pytest.param(
            [(re.compile(r"/a/.*"), "a"), (re.compile(r"/b/.*"), "b")], "/c/x", None, id="no-regex"
        ),
        pytest.param([(re.compile(r"/api"), "regex")], "/api/x", None, id="regex-fullmatch-not-prefix"),
        pytest.param([(re.compile(r"/api/.*"), "regex")], "/API/x", None, id="regex-case-sensitive"),
        pytest.param(
            [(re.compile(r"/public/.*"), "public"), ("/admin/*", "admin")],
            "/public/../admin/x",
            "conflict",
            id="regex-literal-and-resolved-disagree",
        ),
        pytest.param(
            [(re.compile(r"/public/.*"), "public")],
            "/public/a/../b",
            "public",
            id="regex-literal-and-resolved-agree",
        ),
        pytest.param([(re.compile(r"/api/.*"), "regex")], "/api/x\n", None, id="regex-trailing-newline"),
        pytest.param([("/a/b/c/*", "abc")], "/a/b/c/d/e/f/g", "abc", id="depth-3-deeper-path"),
        pytest.param([("/a/b/c/*", "abc")], "/a/b/x/c", None, id="depth-3-miss"),
        pytest.param([("/a/b/c/*", "abc")], "/a/b", None, id="shallower-than-pattern"),
        pytest.param([("/exact", "e")], "/exact/x", None, id="only-exact-patterns"),
    ],
)
def test_resource_for_order_and_regex(
    entries: list[tuple[str | re.Pattern[str], str]], path: str, expected: str | None
) -> None:
    assert ResourceMap(entries, "conflict").resource_for(path) == expected


def test_empty_map_covers_nothing() -> None:
    assert ResourceMap([], "conflict").resource_for("/anything") is None


def test_values_are_returned_as_given() -> None:
    value = object()
    assert ResourceMap([("/x", value)], "conflict").resource_for("/x") is value


def test_first_match_ignores_dot_segments() -> None:
    resource_map = ResourceMap(API_MAP, "conflict")
    assert resource_map.first_match("/public/../admin") == "public"
    assert resource_map.first_match(resolve_dot_segments("/public/../admin")) == "admin"


# --------------------------------------------------------------------------------------------------
# Deep paths, and the bound on dot-segment work


def test_deep_paths_beyond_configured_depth_resolve() -> None:
    resource_map_entries: list[tuple[str | re.Pattern[str], str]] = [
        ("/api/v1/admin/*", "admin"),
        ("/api/*", "api"),
        (re.compile(r"/x(/[a-z])*"), "regex"),
    ]
    deep = "/api/v1/admin/" + "/".join(["a"] * 2000)
    resource_map = ResourceMap(resource_map_entries, "conflict")
    assert resource_map.resource_for(deep) == "admin"
    assert resource_map.resource_for("/api/v1/" + "/".join(["b"] * 2000)) == "api"
    assert resource_map.resource_for("/x/" + "/".join(["c"] * 2000)) == "regex"
    assert resource_map.resource_for("/y/" + "/".join(["c"] * 2000)) is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/api/" + "a/" * 250 + "..", "api", id="dot-segments-resolved-up-to-the-bound"),
        pytest.param("/api/" + "a/" * 300 + "..", "conflict", id="dot-segment-beyond-the-bound"),
        pytest.param("/api" + "/.a" * 16_000, "api", id="dot-names-are-never-resolved"),
        pytest.param("/other" + "/.." * 16_000, None, id="uncovered-whatever-its-depth"),
    ],
)
def test_dot_segments_are_resolved_only_within_the_bound(path: str, expected: str | None) -> None:
    """Browsers remove dot segments, so a deep path that still has them is granted nothing."""
    assert ResourceMap([("/api/*", "api")], "conflict").resource_for(path) == expected


@pytest.mark.parametrize(
    ("path_info", "expected"),
    [
        pytest.param("/api/x", "/api/x", id="ascii-unchanged"),
        pytest.param("/api/caf\u00c3\u00a9", "/api/caf\u00e9", id="utf-8-bytes-as-latin-1"),
        pytest.param("/api/caf\u00e9", "/api/caf\ufffd", id="latin-1-byte-that-is-not-utf-8"),
        pytest.param("/api/\u20ac", "/api/\u20ac", id="already-decoded-by-the-server"),
    ],
)
def test_wsgi_path_is_what_routers_match(path_info: str, expected: str) -> None:
    """PEP 3333 hands the path bytes over as latin-1; routers decode them as UTF-8."""
    assert wsgi_path(path_info) == expected
