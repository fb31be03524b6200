"""PasteDeploy: real ini files loaded with paste.deploy.loadapp, corsware found as egg:corsware."""

from __future__ import annotations

from pathlib import Path

import pytest
import webtest
from paste.deploy import loadapp

from corsware import CORSConfigError, CORSMiddleware
from corsware.paste import filter_app_factory

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "paste.ini"


@pytest.fixture(autouse=True)
def importable_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ini files name their app as ``call:examples.paste_pyramid:main``."""
    monkeypatch.syspath_prepend(str(ROOT))


def ini(tmp_path: Path, filter_settings: str) -> Path:
    path = tmp_path / "app.ini"
    path.write_text(
        "[app:api]\nuse = call:examples.paste_pyramid:main\n\n"
        f"[filter:cors]\nuse = egg:corsware\n{filter_settings}\n\n"
        "[pipeline:main]\npipeline = cors api\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def example() -> webtest.TestApp:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(ROOT))
        app = loadapp(f"config:{EXAMPLE}")
    assert isinstance(app, CORSMiddleware)
    return webtest.TestApp(app, lint=True)


@pytest.mark.parametrize(
    ("method", "path", "headers", "status", "expected"),
    [
        pytest.param(
            "GET",
            "/api/items",
            {"Origin": "http://localhost:3000"},
            200,
            {
                "Access-Control-Allow-Origin": "http://localhost:3000",
                "Access-Control-Allow-Credentials": "true",
                "Access-Control-Expose-Headers": "x-total-count",
            },
            id="allowed origin reads the API with credentials",
        ),
        pytest.param(
            "GET",
            "/api/items",
            {"Origin": "https://pr-7.preview.example.com"},
            200,
            {"Access-Control-Allow-Origin": "https://pr-7.preview.example.com"},
            id="origin_regexes from the ini",
        ),
        pytest.param(
            "GET",
            "/api/items",
            {"Origin": "https://evil.test"},
            200,
            {"Access-Control-Allow-Origin": None, "Vary": "Origin"},
            id="other origins get no grant",
        ),
        pytest.param(
            "GET",
            "/health",
            {"Origin": "http://localhost:3000"},
            200,
            {"Access-Control-Allow-Origin": None, "Vary": None},
            id="paths outside paths= pass through untouched",
        ),
        pytest.param(
            "OPTIONS",
            "/api/items",
            {
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
            200,
            {
                "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE",
                "Access-Control-Allow-Headers": "authorization,content-type",
                "Access-Control-Max-Age": "600",
            },
            id="preflight answered from the ini's methods, headers and max_age",
        ),
        pytest.param(
            "OPTIONS",
            "/api/items",
            {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PATCH"},
            403,
            {"Access-Control-Allow-Origin": None},
            id="method not in the ini refused",
        ),
    ],
)
def test_example_ini_pipeline(
    example: webtest.TestApp,
    method: str,
    path: str,
    headers: dict[str, str],
    status: int,
    expected: dict[str, str | None],
) -> None:
    response = example.request(path, method=method, headers=headers, status=status)
    for name, value in expected.items():
        assert response.headers.get(name) == value


def test_ini_without_cors_settings_allows_any_origin_without_credentials(tmp_path: Path) -> None:
    app = webtest.TestApp(loadapp(f"config:{ini(tmp_path, '')}"), lint=True)
    response = app.get("/api/items", headers={"Origin": "https://anyone.test"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json == [{"id": 1, "name": "widget"}]


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            "origins = https://a.example/\nallow_credentials = yes\nmax_age = 10m",
            [
                ("allow_credentials", "CORS-E002"),
                ("max_age", "CORS-E002"),
                ("origins[0]", "CORS-E003"),
            ],
            id="text and policy problems",
        ),
        pytest.param(
            "origin = https://a.example\npaths = api/*",
            [("origin", "CORS-E001"), ("paths[0]", "CORS-E008")],
            id="misspelt setting and bad path",
        ),
        pytest.param(
            "origin_regexes = https://[a-z]+\\.example\\.test .*\nallow_credentials = true",
            [("origin_regexes[1]", "CORS-E004")],
            id="credentials with a regex admitting everyone",
        ),
    ],
)
def test_a_wrong_ini_stops_the_app_naming_file_and_setting(
    tmp_path: Path, settings: str, expected: list[tuple[str, str]]
) -> None:
    path = ini(tmp_path, settings)
    with pytest.raises(CORSConfigError) as caught:
        loadapp(f"config:{path}")
    where = f"{path} (corsware filter)"
    assert [(p.option, p.code) for p in caught.value.problems] == [
        (f"{where}: {key}", code) for key, code in expected
    ]


def test_factory_called_directly_names_pastedeploy_when_there_is_no_file() -> None:
    with pytest.raises(CORSConfigError) as caught:
        filter_app_factory(lambda environ, start_response: [], {}, max_age="soon")
    assert caught.value.problems[0].option == "PasteDeploy config (corsware filter): max_age"
