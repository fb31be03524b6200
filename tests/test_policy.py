"""Configuration: every mistake is reported at once, each naming the option, the value and the fix."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from corsware import CORSConfigError, CORSMiddleware, CORSPolicy
from corsware.engine import Engine
from tests.conftest import SpyApp

INVALID = [
    pytest.param(
        {"origin": ["https://a.example"]},
        [("CORS-E001", "origin", "'origins'")],
        id="misspelt option suggests the closest name",
    ),
    pytest.param({"zzz": 1}, [("CORS-E001", "zzz", "use one of")], id="unknown option lists all"),
    pytest.param(
        {"origins": "*", "allow_credentials": True},
        [("CORS-E004", "origins", "exact")],
        id="credentials with any origin",
    ),
    pytest.param(
        {"origins": ["*"], "allow_credentials": True},
        [("CORS-E004", "origins", "")],
        id="credentials with ['*']",
    ),
    pytest.param(
        {"origins": ["null"], "allow_credentials": True},
        [("CORS-E004", "origins[0]", "")],
        id="credentials with null",
    ),
    pytest.param(
        {"origins": [re.compile(r"https?://.*")], "allow_credentials": True},
        [("CORS-E004", "origins[0]", "")],
        id="credentials with a catch-all regex",
    ),
    pytest.param(
        {"origins": ["*", "https://a.example"]},
        [("CORS-E010", "origins[0]", "")],
        id="'*' among other origins",
    ),
    pytest.param(
        {"origins": ["https://a.example/"]},
        [("CORS-E003", "origins[0]", "'https://a.example'")],
        id="trailing slash",
    ),
    pytest.param(
        {"origins": ["a.example"]},
        [("CORS-E003", "origins[0]", "https://a.example")],
        id="missing scheme",
    ),
    pytest.param(
        {"origins": [r"https://.*\.example\.com"]},
        [("CORS-E003", "origins[0]", "re.compile")],
        id="regex syntax in a plain string",
    ),
    pytest.param(
        {"origins": "https://a.example, https://b.example"},
        [("CORS-E003", "origins", "list")],
        id="comma-separated string",
    ),
    pytest.param(
        {"origins": "https://a.example,https://b.example"},
        [("CORS-E003", "origins", "list")],
        id="comma-separated string without spaces",
    ),
    pytest.param(
        {"origins": [b"https://a.example"]}, [("CORS-E002", "origins[0]", "")], id="bytes item"
    ),
    pytest.param(
        {"origins": [re.compile(rb"https://a")]},
        [("CORS-E002", "origins[0]", "str pattern")],
        id="bytes regex",
    ),
    pytest.param({"origins": 42}, [("CORS-E002", "origins", "list")], id="origins of the wrong type"),
    pytest.param(
        {"origins": [["https://a.example"]]},
        [("CORS-E002", "origins[0]", "origin string")],
        id="unhashable item",
    ),
    pytest.param(
        {"methods": ["patch"]}, [("CORS-E005", "methods[0]", "'PATCH'")], id="lower-case method"
    ),
    pytest.param({"methods": ["TRACE"]}, [("CORS-E005", "methods[0]", "remove")], id="forbidden method"),
    pytest.param({"methods": ["GET POST"]}, [("CORS-E005", "methods[0]", "PUT")], id="not a token"),
    pytest.param(
        {"methods": "GET, POST"},
        [("CORS-E002", "methods", "['GET', 'POST']")],
        id="comma-separated methods string",
    ),
    pytest.param({"methods": ["*", "GET"]}, [("CORS-E010", "methods[0]", "")], id="'*' among methods"),
    pytest.param({"methods": [1]}, [("CORS-E002", "methods[0]", "str")], id="method of the wrong type"),
    pytest.param({"methods": 5}, [("CORS-E002", "methods", "list")], id="methods of the wrong type"),
    pytest.param(
        {"allow_headers": ["Cookie"]},
        [("CORS-E006", "allow_headers[0]", "remove")],
        id="forbidden request header",
    ),
    pytest.param(
        {"allow_headers": ["Sec-Fetch-Mode"]}, [("CORS-E006", "allow_headers[0]", "")], id="Sec- header"
    ),
    pytest.param(
        {"allow_headers": ["X Bad"]},
        [("CORS-E006", "allow_headers[0]", "")],
        id="header name not a token",
    ),
    pytest.param(
        {"expose_headers": ["Set-Cookie"]},
        [("CORS-E006", "expose_headers[0]", "")],
        id="Set-Cookie can never be exposed",
    ),
    pytest.param(
        {"expose_headers": ["X:1"]},
        [("CORS-E006", "expose_headers[0]", "")],
        id="exposed name not a token",
    ),
    pytest.param(
        {"origins": ["https://a.example"], "allow_credentials": True, "expose_headers": "*"},
        [("CORS-E011", "expose_headers", "")],
        id="expose '*' with credentials",
    ),
    pytest.param({"max_age": -1}, [("CORS-E007", "max_age", "0")], id="negative max_age"),
    pytest.param(
        {"max_age": timedelta(seconds=1.5)},
        [("CORS-E007", "max_age", "whole")],
        id="fractional timedelta",
    ),
    pytest.param({"max_age": "600"}, [("CORS-E002", "max_age", "int")], id="max_age string"),
    pytest.param({"max_age": True}, [("CORS-E002", "max_age", "int")], id="max_age bool"),
    pytest.param(
        {"allow_credentials": "true"},
        [("CORS-E002", "allow_credentials", "bool")],
        id="credentials as a string",
    ),
    pytest.param(
        {"allow_private_network": 1},
        [("CORS-E002", "allow_private_network", "bool")],
        id="private network as an int",
    ),
]


@pytest.mark.parametrize(("options", "expected"), INVALID)
def test_invalid_options_are_refused_with_a_fix(
    spy: SpyApp, options: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    """Each bad option becomes one problem naming the option, the value and the fix."""
    with pytest.raises(CORSConfigError) as caught:
        CORSMiddleware(spy, **options)
    found = [(problem.code, problem.option) for problem in caught.value.problems]
    assert found == [(code, option) for code, option, _ in expected]
    for problem, (_, _, fix_mentions) in zip(caught.value.problems, expected, strict=True):
        assert fix_mentions in problem.fix
        assert repr(problem.value) in str(caught.value)


def test_every_problem_is_reported_at_once(spy: SpyApp) -> None:
    """One error lists all problems, across options and resources."""
    with pytest.raises(CORSConfigError) as caught:
        CORSMiddleware(
            spy,
            resources={
                "/*": {"origins": "*", "allow_credentials": True, "max_age": -5},
                "/api/*": {"origns": []},
                "api": {},
                42: {},  # type: ignore[dict-item]
                re.compile(b"/x"): {},  # type: ignore[dict-item]
                "/bad": "nope",  # type: ignore[dict-item]
            },
            method=["GET"],  # type: ignore[call-arg]
        )
    codes = [(problem.code, problem.option) for problem in caught.value.problems]
    assert codes == [
        ("CORS-E001", "method"),
        ("CORS-E004", "resources['/*'].origins"),
        ("CORS-E007", "resources['/*'].max_age"),
        ("CORS-E001", "resources['/api/*'].origns"),
        ("CORS-E008", "resources['api']"),
        ("CORS-E008", "resources[42]"),
        ("CORS-E008", "resources[b'/x']"),
        ("CORS-E002", "resources['/bad']"),
        ("CORS-E009", "resources['/api/*']"),
        ("CORS-E009", "resources['/bad']"),
    ]
    message = str(caught.value)
    assert message.startswith("invalid CORS configuration (10 problems):\n  - method = ['GET']")
    assert "Fix: move '/api/*' before '/*'" in message


def test_resources_must_be_a_mapping(spy: SpyApp) -> None:
    with pytest.raises(CORSConfigError, match="must be a dict of path patterns"):
        CORSMiddleware(spy, resources=["/api/*"])  # type: ignore[arg-type]


def test_bad_keyword_defaults_are_reported_for_a_single_policy(spy: SpyApp) -> None:
    with pytest.raises(CORSConfigError) as caught:
        CORSMiddleware(spy, max_age=-1)
    assert [problem.option for problem in caught.value.problems] == ["max_age"]


def test_policy_errors_raise_on_construction() -> None:
    with pytest.raises(CORSConfigError, match=r"origins\[0\] = 'https://a.example/'"):
        CORSPolicy(origins=["https://a.example/"])


VALID = [
    pytest.param(
        {},
        {
            "origins": "*",
            "methods": ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"),
            "allow_headers": "*",
            "expose_headers": (),
        },
        id="defaults",
    ),
    pytest.param(
        {"origins": ["https://a.example", "https://a.example"]},
        {"origins": ("https://a.example",)},
        id="duplicates dropped",
    ),
    pytest.param(
        {"origins": (o for o in ["https://a.example"])},
        {"origins": ("https://a.example",)},
        id="a generator is stored as a tuple",
    ),
    pytest.param({"origins": ["*"]}, {"origins": "*"}, id="['*'] means '*'"),
    pytest.param(
        {"methods": ["*"], "allow_headers": ["*"]},
        {"methods": "*", "allow_headers": "*"},
        id="['*'] means '*' for methods and headers",
    ),
    pytest.param({"methods": "PUT"}, {"methods": ("PUT",)}, id="one method as a string"),
    pytest.param(
        {"expose_headers": "X-Total"}, {"expose_headers": ("X-Total",)}, id="one exposed header"
    ),
    pytest.param({"expose_headers": "*"}, {"expose_headers": ("*",)}, id="expose '*'"),
    pytest.param({"origins": []}, {"origins": ()}, id="no origins at all: nothing allowed"),
]


@pytest.mark.parametrize(("options", "expected"), VALID)
def test_valid_options_are_normalised(options: dict[str, Any], expected: dict[str, Any]) -> None:
    """The compiled form holds normalised values; the policy keeps what was written."""
    policy = CORSPolicy(**options)
    for name, value in expected.items():
        assert getattr(policy.compiled, name) == value


def test_policy_is_frozen_and_compiles_to_comparable_values() -> None:
    """Policies written differently but allowing the same compile to equal, hashable values."""
    policy = CORSPolicy(origins=["https://a.example"], max_age=timedelta(seconds=60))
    other = CORSPolicy(origins=("https://a.example",), max_age=60)
    assert policy.origins == ["https://a.example"]
    assert policy.compiled == other.compiled
    assert hash(policy.compiled) == hash(other.compiled)
    with pytest.raises(AttributeError):
        policy.origins = "*"  # type: ignore[misc]


def test_resources_inherit_keyword_defaults_and_policies_stand_alone(spy: SpyApp) -> None:
    """A dict resource inherits the keyword options; a CORSPolicy is used exactly as written."""
    middleware = CORSMiddleware(
        spy,
        resources={
            "/api/admin/*": {"origins": ["https://admin.example"], "allow_credentials": True},
            "/api/*": {"origins": ["http://localhost:3000"]},
            "/public/*": CORSPolicy(origins="*"),
            re.compile(r"/v[0-9]+/.*"): {},
        },
        max_age=600,
        expose_headers=["X-Total"],
    )
    policies = dict(middleware.resources)
    assert (
        policies["/api/admin/*"]
        == CORSPolicy(
            origins=["https://admin.example"],
            allow_credentials=True,
            max_age=600,
            expose_headers=["X-Total"],
        ).compiled
    )
    assert policies["/api/*"].max_age == 600
    assert policies["/public/*"] == CORSPolicy(origins="*").compiled
    assert [pattern for pattern, _ in middleware.resources][:3] == [
        "/api/admin/*",
        "/api/*",
        "/public/*",
    ]


def test_no_options_allows_any_origin_on_every_path(spy: SpyApp) -> None:
    middleware = CORSMiddleware(spy)
    assert middleware.resources == (("/*", CORSPolicy().compiled),)
    assert middleware.app is spy


def test_allows_origin_and_allows_any_origin() -> None:
    policy = CORSPolicy(origins=["https://a.example"])
    assert policy.allows_origin("https://a.example")
    assert not policy.allows_origin("https://b.example")
    assert not policy.compiled.allows_any_origin
    assert CORSPolicy().compiled.allows_any_origin


def test_a_key_that_is_not_a_string_is_an_unknown_option() -> None:
    """Settings dicts (Django's CORSWARE, say) may hold any key: it is reported, never a crash."""
    with pytest.raises(CORSConfigError) as caught:
        Engine(None, {1: "x"})
    assert [(p.code, p.option) for p in caught.value.problems] == [("CORS-E001", "[1]")]
