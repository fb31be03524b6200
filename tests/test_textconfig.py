"""textconfig: where setting strings become typed options, with errors named by setting key."""

from __future__ import annotations

import re

import pytest

from corsware import ConfigProblem, CORSConfigError, CORSMiddleware, ErrorCode
from corsware.errors import Location
from corsware.textconfig import SETTING_NAMES, Names, origin_names, parse_setting, parse_settings


def located(error: CORSConfigError) -> list[tuple[str, str]]:
    return [(problem.option, problem.code) for problem in error.problems]


@pytest.mark.parametrize(
    ("key", "text", "expected"),
    [
        pytest.param("origins", "*", "*", id="origins star alone is any origin"),
        pytest.param(
            "origins",
            " https://a.example ,http://localhost:*\n  https://b.example ",
            ("https://a.example", "http://localhost:*", "https://b.example"),
            id="origins split on commas and any whitespace",
        ),
        pytest.param("origins", "https://a.example", ("https://a.example",), id="one origin is a list"),
        pytest.param(
            "origins", "* https://a.example", ("*", "https://a.example"), id="star among others"
        ),
        pytest.param("methods", "GET,PUT", ("GET", "PUT"), id="methods comma separated"),
        pytest.param("methods", "*", "*", id="methods star"),
        pytest.param("allow_headers", "*", "*", id="allow_headers star"),
        pytest.param(
            "allow_headers",
            "content-type authorization",
            ("content-type", "authorization"),
            id="allow_headers space separated",
        ),
        pytest.param("expose_headers", "*", ("*",), id="expose_headers star stays a list"),
        pytest.param("expose_headers", "X-Total", ("X-Total",), id="expose_headers one name"),
        pytest.param("allow_credentials", "true", True, id="true"),
        pytest.param("allow_credentials", " false ", False, id="false with whitespace"),
        pytest.param("allow_private_network", "true", True, id="private network true"),
        pytest.param("max_age", "600", 600, id="max_age seconds"),
        pytest.param("max_age", "0", 0, id="max_age zero"),
        pytest.param("paths", "/api/* /public/*", ("/api/*", "/public/*"), id="paths"),
    ],
)
def test_parse_setting_turns_text_into_typed_values(key: str, text: str, expected: object) -> None:
    assert parse_setting(key, text) == expected


def test_origin_regexes_split_on_whitespace_only_and_compile() -> None:
    """Commas belong to regular expressions ({1,3}), so only whitespace separates them."""
    regexes = parse_setting("origin_regexes", r"https://a{1,3}\.example  https://[a-z]+\.test")
    assert regexes == (re.compile(r"https://a{1,3}\.example"), re.compile(r"https://[a-z]+\.test"))


@pytest.mark.parametrize(
    ("key", "text", "option", "code", "fix"),
    [
        pytest.param("allow_credentials", "True", "allow_credentials", "CORS-E002", "write true",
                     id="Python-style True"),
        pytest.param("allow_credentials", "yes", "allow_credentials", "CORS-E002",
                     "write true or false", id="yes is not a boolean"),
        pytest.param("allow_private_network", "1", "allow_private_network", "CORS-E002",
                     "write true or false", id="1 is not a boolean"),
        pytest.param("max_age", "10m", "max_age", "CORS-E002", "such as 600", id="units"),
        pytest.param("max_age", "-5", "max_age", "CORS-E002", "such as 600", id="negative"),
        pytest.param("max_age", "\uff16\uff10\uff10", "max_age", "CORS-E002", "such as 600",
                     id="non-ASCII digits"),
        pytest.param("origins", " , ", "origins", "CORS-E002", "list at least one",
                     id="empty list"),
        pytest.param("origin_regexes", r"https://ok\.test https://(x", "origin_regexes[1]",
                     "CORS-E002", "match the whole origin", id="bad regex named by index"),
        pytest.param("orgins", "*", "orgins", "CORS-E001", "did you mean 'origins'?",
                     id="misspelt key suggests the closest"),
    ],
)  # fmt: skip
def test_parse_setting_names_the_key_and_the_fix(
    key: str, text: str, option: str, code: str, fix: str
) -> None:
    with pytest.raises(CORSConfigError) as caught:
        parse_setting(key, text)
    (problem,) = caught.value.problems
    assert (problem.option, problem.code, problem.value) == (option, code, problem.value)
    assert fix in problem.fix


def test_every_setting_name_has_a_parser() -> None:
    for key in SETTING_NAMES:
        assert parse_setting(key, "/x" if key == "paths" else "1" if key == "max_age" else "true")


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param({}, {}, id="no settings: the middleware's defaults"),
        pytest.param(
            {"origins": "https://app.example", "origin_regexes": r"https://[a-z]+\.preview\.test"},
            {
                "origins": ("https://app.example", re.compile(r"https://[a-z]+\.preview\.test")),
            },
            id="origin_regexes appended to origins",
        ),
        pytest.param(
            {"origin_regexes": r"https://[a-z]+\.test"},
            {"origins": (re.compile(r"https://[a-z]+\.test"),)},
            id="origin_regexes alone",
        ),
        pytest.param(
            {"origins": "*", "paths": "/api/* /health"},
            {"origins": "*", "resources": {"/api/*": {}, "/health": {}}},
            id="paths become resources with the same policy",
        ),
        pytest.param(
            {
                "origins": "https://app.example",
                "methods": "GET POST",
                "allow_headers": "content-type",
                "expose_headers": "x-total",
                "allow_credentials": "true",
                "max_age": "600",
                "allow_private_network": "false",
            },
            {
                "origins": ("https://app.example",),
                "methods": ("GET", "POST"),
                "allow_headers": ("content-type",),
                "expose_headers": ("x-total",),
                "allow_credentials": True,
                "max_age": 600,
                "allow_private_network": False,
            },
            id="every policy setting",
        ),
    ],
)
def test_parse_settings_returns_middleware_keyword_arguments(
    settings: dict[str, str], expected: dict[str, object]
) -> None:
    options = parse_settings(settings)
    assert options == expected
    assert CORSMiddleware(lambda environ, start_response: [], **options).resources


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            {"allow_credentials": "yes", "max_age": "1h", "orgins": "*"},
            [
                ("app.ini: allow_credentials", "CORS-E002"),
                ("app.ini: max_age", "CORS-E002"),
                ("app.ini: orgins", "CORS-E001"),
            ],
            id="text problems, all at once",
        ),
        pytest.param(
            {
                "origins": "https://a.example/ https://b.example",
                "origin_regexes": "https://c\\.test .*",
                "allow_credentials": "true",
            },
            [
                ("app.ini: origins[0]", "CORS-E003"),
                ("app.ini: origin_regexes[1]", "CORS-E004"),
            ],
            id="policy problems named by setting key and index",
        ),
        pytest.param(
            {"origins": "https://a.example/", "paths": "/api/* api /api/v1"},
            [
                ("app.ini: origins[0]", "CORS-E003"),
                ("app.ini: paths[1]", "CORS-E008"),
                ("app.ini: paths[2]", "CORS-E009"),
            ],
            id="inherited problems reported once, path problems by index",
        ),
        pytest.param(
            {"max_age": "x", "origins": "https://a.example/"},
            [("app.ini: max_age", "CORS-E002"), ("app.ini: origins[0]", "CORS-E003")],
            id="text and policy problems together",
        ),
    ],
)
def test_parse_settings_reports_every_problem_by_setting_key(
    settings: dict[str, str], expected: list[tuple[str, str]]
) -> None:
    with pytest.raises(CORSConfigError) as caught:
        parse_settings(settings, where="app.ini")
    assert located(caught.value) == expected


@pytest.mark.parametrize(
    ("options", "expected_names", "expected_origins"),
    [
        pytest.param({"origins": "https://a.example"}, {}, "https://a.example", id="one-string"),
        pytest.param(
            {"origins": ("https://a.example", "https://b.example")},
            {
                ("resources", "/a/*", "origins", 0): "resources[0].origins[0]",
                ("resources", "/a/*", "origins", 1): "resources[0].origins[1]",
            },
            ("https://a.example", "https://b.example"),
            id="a-list",
        ),
        pytest.param(
            {"origins": ("https://a.example",), "origin_regexes": (re.compile("x"),)},
            {
                ("resources", "/a/*", "origins", 0): "resources[0].origins[0]",
                ("resources", "/a/*", "origins", 1): "resources[0].origin_regexes[0]",
            },
            ("https://a.example", re.compile("x")),
            id="regexes-appended",
        ),
    ],
)
def test_origin_names_name_each_origin_as_written(
    options: dict[str, object], expected_names: dict[Location, str], expected_origins: object
) -> None:
    names = origin_names(options, ("resources", "/a/*"), "resources[0].")
    assert names == expected_names
    assert options == {"origins": expected_origins}


NAMES = Names(
    "f",
    {
        ("origins", 0): "CORS_ORIGINS[0]",
        ("origins",): "CORS_ALLOWED",
        ("resources", "/a/*"): "R[0].path",
        ("resources", "/a/*", "methods"): "R[0].methods",
        ("resources", "/a/*", "origins", 0): "R[0].own[0]",
    },
)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        pytest.param(("origins", 0), "f: CORS_ORIGINS[0]", id="an origin by its own name"),
        pytest.param(("origins",), "f: CORS_ALLOWED", id="whole option renamed"),
        pytest.param(("max_age",), "f: max_age", id="unnamed option"),
        pytest.param(("resources", "/a/*"), "f: R[0].path", id="the pattern itself"),
        pytest.param(("resources", "/a/*", "methods", 2), "f: R[0].methods[2]", id="own option"),
        pytest.param(("resources", "/a/*", "origins", 0), "f: R[0].own[0]", id="own origin names"),
        pytest.param(("origins", 7), "f: CORS_ALLOWED[7]", id="beyond the names: the parent's"),
    ],
)
def test_names_find_the_longest_named_part_of_a_location(location: Location, expected: str) -> None:
    assert NAMES.name_of(location) == expected


def test_relocate_reports_a_problem_found_in_several_resources_once() -> None:
    problem = ConfigProblem.at(ErrorCode.INVALID_MAX_AGE, ("max_age",), -1, "is negative", "use 0")
    error = CORSConfigError([problem, problem])
    assert located(Names("", {}).relocate(error)) == [("max_age", "CORS-E007")]
