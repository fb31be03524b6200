"""Unit tests of corsware.resources: path patterns, dot segments, shadowing and the resource map."""

from __future__ import annotations

import re

import pytest

from corsware import resources
from corsware.errors import ConfigProblem, CORSConfigError, closest_name
from corsware.resources import (
    PathPattern,
    ResourceMap,
    parse_path_pattern,
    resolve_dot_segments,
    shadowing_problems,
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
        pytest.param(["/api", "/api"], [("/api", "/api")], id="exact-duplicate"),
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
    problems = shadowing_problems(patterns)
    assert [(problem.value, problem.option) for problem in problems] == [
        (late, f"resources[{late!r}]") for late, _ in shadowed
    ]
    for problem, (late, early) in zip(problems, shadowed, strict=True):
        assert problem.code == "CORS-E009"
        assert repr(early) in problem.message
        assert "never match" in problem.message
        assert problem.fix == f"move {late!r} before {early!r}"


# --------------------------------------------------------------------------------------------------
# ResourceMap.lookup

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
        pytest.param("/public/../admin", "admin", id="dotdot-CVE-2020-25032"),
        pytest.param("/public/../admin/users", "admin", id="dotdot-deep"),
        pytest.param("/public/./x", "public", id="dot"),
        pytest.param("/api/../../admin/x", "admin", id="dotdot-above-root"),
        pytest.param("/admin/../public/x", "public", id="dotdot-out-of-admin"),
        pytest.param("/api/..", None, id="dotdot-to-root"),
        pytest.param("/exact", "exact", id="exact"),
        pytest.param("/exact/", None, id="exact-not-trailing-slash"),
        pytest.param("/exact/x", None, id="exact-not-prefix"),
        pytest.param("/", None, id="root"),
        pytest.param("", None, id="empty"),
        pytest.param("/other", None, id="no-match"),
    ],
)
def test_lookup(path: str, expected: str | None) -> None:
    assert ResourceMap(API_MAP).lookup(path) == expected


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
            "admin",
            id="regex-judged-on-resolved-path",
        ),
        pytest.param([(re.compile(r"/api/.*"), "regex")], "/api/x\n", None, id="regex-trailing-newline"),
        pytest.param([("/a/b/c/*", "abc")], "/a/b/c/d/e/f/g", "abc", id="depth-3-deeper-path"),
        pytest.param([("/a/b/c/*", "abc")], "/a/b/x/c", None, id="depth-3-miss"),
        pytest.param([("/a/b/c/*", "abc")], "/a/b", None, id="shallower-than-pattern"),
        pytest.param([("/exact", "e")], "/exact/x", None, id="only-exact-patterns"),
    ],
)
def test_lookup_order_and_regex(
    entries: list[tuple[str | re.Pattern[str], str]], path: str, expected: str | None
) -> None:
    assert ResourceMap(entries).lookup(path) == expected


def test_lookup_empty_map() -> None:
    assert ResourceMap([]).lookup("/anything") is None


def test_lookup_values_are_returned_as_given() -> None:
    value = object()
    assert ResourceMap([("/x", value)]).lookup("/x") is value


# --------------------------------------------------------------------------------------------------
# The lookup cache


def test_cache_is_consistent_across_repeated_lookups() -> None:
    resource_map = ResourceMap(API_MAP)
    paths = ["/api/x", "/public/../admin", "/apiary", "", "/", "/service+path", "/API/x"]
    first = [resource_map.lookup(path) for path in paths]
    assert first == ["api", "admin", None, None, None, "plus", None]
    for _ in range(3):
        assert [resource_map.lookup(path) for path in paths] == first
    assert set(resource_map.remembered) == set(paths)


def test_cache_is_bounded_under_rotating_paths() -> None:
    resource_map = ResourceMap([("/api/*", "api"), ("/exact", "exact")])
    bound = resources._CACHE_ENTRIES
    largest = 0
    for number in range(10_000):
        path = f"/api/{number}" if number % 2 else f"/other/{number}"
        assert resource_map.lookup(path) == ("api" if number % 2 else None)
        largest = max(largest, len(resource_map.remembered))
    assert largest == bound
    assert 0 < len(resource_map.remembered) <= bound
    # After the cache was cleared and refilled, answers are still right.
    assert resource_map.lookup("/api/1") == "api"
    assert resource_map.lookup("/exact") == "exact"
    assert resource_map.lookup("/other/0") is None


def test_long_paths_are_not_cached_but_resolved() -> None:
    resource_map = ResourceMap([("/api/*", "api")])
    limit = resources._CACHEABLE_PATH_LENGTH
    at_limit = "/api/" + "x" * (limit - len("/api/"))
    over_limit = "/api/" + "x" * (limit + 1 - len("/api/"))
    missing = "/nope/" + "x" * limit
    assert resource_map.lookup(at_limit) == "api"
    assert resource_map.lookup(over_limit) == "api"
    assert resource_map.lookup(over_limit) == "api"
    assert resource_map.lookup(missing) is None
    assert set(resource_map.remembered) == {at_limit}


def test_deep_paths_beyond_configured_depth_resolve() -> None:
    resource_map = ResourceMap(
        [("/api/v1/admin/*", "admin"), ("/api/*", "api"), (re.compile(r"/x(/[a-z])*"), "regex")]
    )
    deep = "/api/v1/admin/" + "/".join(["a"] * 2000)
    assert resource_map.lookup(deep) == "admin"
    assert resource_map.lookup("/api/v1/" + "/".join(["b"] * 2000)) == "api"
    assert resource_map.lookup("/x/" + "/".join(["c"] * 2000)) == "regex"
    assert resource_map.lookup("/y/" + "/".join(["c"] * 2000)) is None


# --------------------------------------------------------------------------------------------------
# ConfigProblem and CORSConfigError (corsware.errors), which shadowing_problems and policies build

PROBLEM = ConfigProblem("CORS-E009", "origins[1]", "https://A.example", "is not lower case", "write it")


def test_config_problem_str() -> None:
    assert str(PROBLEM) == (
        "origins[1] = 'https://A.example': is not lower case. Fix: write it [CORS-E009]"
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("a\r\nb", "'a\\r\\nb'", id="crlf-repr"),
        pytest.param(3, "3", id="int"),
        pytest.param(None, "None", id="none"),
        pytest.param(["x"], "['x']", id="list"),
    ],
)
def test_config_problem_str_shows_value_repr(value: object, shown: str) -> None:
    problem = ConfigProblem("CORS-E001", "opt", value, "bad", "fix")
    assert str(problem) == f"opt = {shown}: bad. Fix: fix [CORS-E001]"
    assert "\n" not in str(problem)


def test_config_problem_within() -> None:
    located = PROBLEM.within("resources['/api/*']")
    assert located == ConfigProblem(
        "CORS-E009",
        "resources['/api/*'].origins[1]",
        "https://A.example",
        "is not lower case",
        "write it",
    )
    assert PROBLEM.option == "origins[1]"
    assert located.within("file").option == "file.resources['/api/*'].origins[1]"


def test_cors_config_error_one_problem() -> None:
    error = CORSConfigError([PROBLEM])
    assert isinstance(error, ValueError)
    assert error.problems == (PROBLEM,)
    assert str(error) == f"invalid CORS configuration (1 problem):\n  - {PROBLEM}"


def test_cors_config_error_several_problems() -> None:
    second = ConfigProblem("CORS-E002", "allow_credentials", "yes", "must be True or False", "bool")
    error = CORSConfigError(problem for problem in [PROBLEM, second])
    assert error.problems == (PROBLEM, second)
    assert str(error).splitlines() == [
        "invalid CORS configuration (2 problems):",
        f"  - {PROBLEM}",
        f"  - {second}",
    ]
    with pytest.raises(ValueError, match=r"\(2 problems\)"):
        raise error


@pytest.mark.parametrize(
    ("name", "known", "expected"),
    [
        pytest.param("orgins", ["origins", "methods"], "did you mean 'origins'?", id="typo"),
        pytest.param(
            "allow_header",
            ["allow_headers", "expose_headers"],
            "did you mean 'allow_headers'?",
            id="missing-s",
        ),
        pytest.param(
            "supports_credentials",
            ["origins", "methods", "allow_credentials"],
            "did you mean 'allow_credentials'?",
            id="flask-cors-name",
        ),
        pytest.param(
            "zzz",
            ["methods", "origins", "max_age"],
            "use one of max_age, methods, origins",
            id="no-close-match-lists-all-sorted",
        ),
        pytest.param("x", iter(["b", "a"]), "use one of a, b", id="iterable-known"),
    ],
)
def test_closest_name(name: str, known: list[str], expected: str) -> None:
    assert closest_name(name, known) == expected
