"""TOML config files: load_config returns CORSMiddleware keyword arguments, or says what is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corsware import CORSConfigError, CORSMiddleware
from corsware.config import load_config
from tests.conftest import linted

EXAMPLE = Path(__file__).parent.parent / "examples" / "corsware.toml"


def hello(environ: dict[str, object], start_response: object) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])  # type: ignore[operator]
    return [b"hello"]


def write(tmp_path: Path, text: str, name: str = "corsware.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", {}, id="empty file: the middleware's defaults"),
        pytest.param(
            'origins = ["http://localhost:3000"]',
            {"origins": ("http://localhost:3000",)},
            id="the smallest useful config",
        ),
        pytest.param(
            'origins = "*"\nmethods = "*"\nallow_headers = "*"',
            {"origins": "*", "methods": "*", "allow_headers": "*"},
            id="star as a string",
        ),
        pytest.param(
            'origins = "https://a.example https://b.example"\nmax_age = "600"\n'
            'allow_credentials = "true"',
            {
                "origins": ("https://a.example", "https://b.example"),
                "max_age": 600,
                "allow_credentials": True,
            },
            id="strings read with the INI grammar",
        ),
        pytest.param(
            "origins = ['https://a.example']\norigin_regexes = ['https://[a-z]+\\.b\\.example']",
            {"origins": ("https://a.example", re.compile(r"https://[a-z]+\.b\.example"))},
            id="origin regexes compiled and appended",
        ),
        pytest.param(
            "origins = ['https://a.example']\nallow_credentials = true\n"
            "allow_private_network = true\nmax_age = 0\nexpose_headers = ['X-Total']",
            {
                "origins": ("https://a.example",),
                "allow_credentials": True,
                "allow_private_network": True,
                "max_age": 0,
                "expose_headers": ("X-Total",),
            },
            id="native TOML booleans, integers and arrays",
        ),
        pytest.param(
            "origins = ['https://a.example']\n"
            "[[resources]]\npath = '/api/*'\nmethods = ['GET']\n"
            "[[resources]]\npath_regex = '/v[0-9]+/.*'\norigin_regexes = ['https://x\\.test']\n"
            "[[resources]]\npath = '/health'",
            {
                "origins": ("https://a.example",),
                "resources": {
                    "/api/*": {"methods": ("GET",)},
                    re.compile("/v[0-9]+/.*"): {"origins": (re.compile(r"https://x\.test"),)},
                    "/health": {},
                },
            },
            id="resources in file order, each overriding the top level",
        ),
    ],
)
def test_load_config_returns_middleware_keyword_arguments(
    tmp_path: Path, text: str, expected: dict[str, object]
) -> None:
    options = load_config(write(tmp_path, text))
    assert options == expected
    assert CORSMiddleware(hello, **options).resources


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "orgins = ['https://a.example']\n[[resources]]\npath = '/x'\nmethds = ['GET']",
            [("orgins", "CORS-E001", "'origins'"), ("resources[0].methds", "CORS-E001", "'methods'")],
            id="misspelt keys suggest the closest",
        ),
        pytest.param(
            "max_age = '10 minutes'\nallow_credentials = 'yes'",
            [("max_age", "CORS-E002", "600"), ("allow_credentials", "CORS-E002", "true or false")],
            id="strings that do not parse",
        ),
        pytest.param(
            "origin_regexes = 'https://(x'\n[[resources]]\npath = '/a'\norigin_regexes = [1]",
            [
                ("origin_regexes[0]", "CORS-E002", "whole origin"),
                ("resources[0].origin_regexes[0]", "CORS-E002", "as a string"),
            ],
            id="bad origin regexes, as a string and in an array",
        ),
        pytest.param(
            "origin_regexes = {regex = 'x'}",
            [("origin_regexes", "CORS-E002", "list of strings")],
            id="origin regexes must be a list",
        ),
        pytest.param(
            "origins = ['https://a.example/', 'http://localhost:3000']\n"
            "origin_regexes = ['.*']\nallow_credentials = true\nmax_age = 1.5",
            [
                ("origins[0]", "CORS-E003", "'https://a.example'"),
                ("origin_regexes[0]", "CORS-E004", "exact origins"),
                ("max_age", "CORS-E002", "int"),
            ],
            id="policy problems named by TOML key",
        ),
        pytest.param(
            "methods = ['GET', 'get']\n[[resources]]\npath = '/a/*'\n"
            "[[resources]]\npath = '/b/*'\nmethods = ['TRACE']\n"
            "[[resources]]\npath = '/a/b'",
            [
                ("methods[1]", "CORS-E005", "'GET'"),
                ("resources[1].methods[0]", "CORS-E005", "remove it"),
                ("resources[2].path", "CORS-E009", "move '/a/b' before '/a/*'"),
            ],
            id="inherited problems once, resource problems by index",
        ),
        pytest.param(
            "[[resources]]\norigins = '*'\n"
            "[[resources]]\npath = '/a'\npath_regex = '/a'\n"
            "[[resources]]\npath = 3\n"
            "[[resources]]\npath_regex = '/v[0-9'\n"
            "[[resources]]\npath = 'api'\n"
            "[[resources]]\npath = '/x'\n[[resources]]\npath = '/x'",
            [
                ("resources[0]", "CORS-E008", "path = '/api/*'"),
                ("resources[1]", "CORS-E008", "path_regex"),
                ("resources[2].path", "CORS-E008", "a string"),
                ("resources[3].path_regex", "CORS-E008", "whole path"),
                ("resources[6].path", "CORS-E009", "merge"),
                ("resources[4].path", "CORS-E008", "'/api'"),
            ],
            id="resource patterns",
        ),
        pytest.param(
            "resources = ['/api/*']",
            [("resources", "CORS-E002", "[[resources]]")],
            id="resources must be tables",
        ),
    ],
)
def test_load_config_names_the_file_the_key_and_the_fix(
    tmp_path: Path, text: str, expected: list[tuple[str, str, str]]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CORSConfigError) as caught:
        load_config(path)
    got = caught.value.problems
    assert [(p.option, p.code) for p in got] == [(f"{path}: {key}", code) for key, code, _ in expected]
    for problem, (_, _, fix) in zip(got, expected, strict=True):
        assert fix in problem.fix


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"origins = [\n", "is not valid TOML", id="TOML syntax"),
        pytest.param(b"origins = '\xff'", "is not valid TOML", id="not UTF-8"),
        pytest.param(None, "cannot be read", id="missing file"),
    ],
)
def test_an_unusable_file_is_one_problem_located_at_the_file(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "corsware.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CORSConfigError) as caught:
        load_config(str(path))
    (problem,) = caught.value.problems
    assert (problem.option, problem.code, problem.message) == (str(path), "CORS-E020", message)


def test_the_example_file_loads_and_behaves_as_its_comments_say() -> None:
    app = linted(CORSMiddleware(hello, **load_config(EXAMPLE)))
    preview = {"Origin": "https://pr-42.preview.example.com"}
    api = app.get("/api/items", headers=preview)
    assert api.headers["Access-Control-Allow-Origin"] == "https://pr-42.preview.example.com"
    assert api.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Origin" not in app.get("/apiary", headers=preview).headers
    public = app.get("/public/logo", headers={"Origin": "https://anyone.test"})
    assert public.headers["Access-Control-Allow-Origin"] == "*"
    report = app.get("/v2/reports/q3", headers={"Origin": "http://localhost:5173"})
    assert report.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    preflight = app.options(
        "/public/logo",
        headers={"Origin": "https://anyone.test", "Access-Control-Request-Method": "PUT"},
        status=403,
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
