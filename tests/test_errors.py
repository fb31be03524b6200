"""Unit tests of corsware.errors: problems, their locations, the error and the code catalogue."""

from __future__ import annotations

import re

import pytest

from corsware.errors import (
    ConfigProblem,
    CORSConfigError,
    ErrorCode,
    Location,
    closest_name,
    render_location,
)

PROBLEM = ConfigProblem(
    ErrorCode.SHADOWED_RESOURCE, "origins[1]", "https://A.example", "is not lower case", "write it"
)


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
    problem = ConfigProblem(ErrorCode.UNKNOWN_OPTION, "opt", value, "bad", "fix")
    assert str(problem) == f"opt = {shown}: bad. Fix: fix [CORS-E001]"
    assert "\n" not in str(problem)


@pytest.mark.parametrize(
    ("location", "rendered"),
    [
        pytest.param(("origins",), "origins", id="option"),
        pytest.param(("origins", 2), "origins[2]", id="item"),
        pytest.param(("resources", "/api/*"), "resources['/api/*']", id="resource"),
        pytest.param(("resources", "api"), "resources['api']", id="resource-named-like-an-option"),
        pytest.param(
            ("resources", "/api/*", "origins", 0), "resources['/api/*'].origins[0]", id="nested"
        ),
        pytest.param(
            ("resources", re.compile(r"/v[0-9]+/.*"), "max_age"),
            "resources['/v[0-9]+/.*'].max_age",
            id="regex-resource",
        ),
        pytest.param(("resources", 42), "resources[42]", id="wrong-key-type"),
    ],
)
def test_locations_render_as_python_reaches_them(location: Location, rendered: str) -> None:
    assert render_location(location) == rendered
    assert ConfigProblem.at(ErrorCode.WRONG_TYPE, location, 1, "m", "f").option == rendered


def test_problems_keep_their_structured_location() -> None:
    problem = ConfigProblem.at(
        ErrorCode.INVALID_ORIGIN, ("resources", "/api/*", "origins", 1), 1, "m", "f"
    )
    assert problem.location == ("resources", "/api/*", "origins", 1)


def test_error_codes_are_stable_and_unique() -> None:
    """The catalogue the reference documents: every code is CORS-Ennn, each used once."""
    values = [code.value for code in ErrorCode]
    assert len(values) == len(set(values))
    assert all(re.fullmatch(r"CORS-E0[0-9]{2}", value) for value in values)
    assert ErrorCode.UNKNOWN_OPTION == "CORS-E001"
    assert f"[{ErrorCode.INVALID_ORIGIN}]" == "[CORS-E003]"


def test_cors_config_error_one_problem() -> None:
    error = CORSConfigError([PROBLEM])
    assert isinstance(error, ValueError)
    assert error.problems == (PROBLEM,)
    assert str(error) == f"invalid CORS configuration (1 problem):\n  - {PROBLEM}"


def test_cors_config_error_several_problems() -> None:
    second = ConfigProblem(
        ErrorCode.WRONG_TYPE, "allow_credentials", "yes", "must be True or False", "bool"
    )
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
