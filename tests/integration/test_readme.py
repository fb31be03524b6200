"""The documentation's framework snippets and server commands run as written, as the examples do.

Each framework snippet (in ``README.md`` and on its framework's page) is run as the page shows it,
then served the shared case table's requests, and must use exactly the policy of the example app it
mirrors. The "Your app" commands of the gunicorn and waitress pages serve the page's own ``myapp.py``
from a directory outside the repository, as in a user's project.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .cases import CASES, Case, check
from .frameworks import framework_context, framework_named, middleware_of, send
from .readme import YOUR_APP_SECTION, commands, file_block, python_snippet
from .servers import running

pytestmark = pytest.mark.timeout(60)


@dataclass(frozen=True, slots=True)
class Snippet:
    """A framework snippet: its page and heading, and the name of its WSGI callable."""

    page: str
    heading: str
    framework: str
    attribute: str = "app"
    checks_token: bool = True

    @property
    def id(self) -> str:
        return f"{self.page}-{self.framework}"


SNIPPETS = [
    Snippet("README", "Flask", "flask", checks_token=False),
    Snippet("README", "Django", "django", "application"),
    Snippet("flask", "Wrap `app.wsgi_app`", "flask"),
    Snippet("pyramid", "Wrap `make_wsgi_app()`", "pyramid", checks_token=False),
    Snippet("falcon", "Wrap the `falcon.App`", "falcon"),
    Snippet("bottle", "Wrap the `Bottle` app", "bottle"),
]

# The snippets serve /api/me only, so every case of the shared table on that route applies to them,
# except the 401 one to a snippet that leaves the token check to its full example.
ME_CASES = [param for param in CASES if param.values[0].path == "/api/me"]
SNIPPET_CASES = [
    pytest.param(snippet, *case.values, id=f"{snippet.id}-{case.id}")
    for snippet in SNIPPETS
    for case in ME_CASES
    if snippet.checks_token or case.values[0].status != 401
]


@pytest.fixture
def snippet_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    snippet: Snippet = request.param
    module = types.ModuleType(f"docs_{snippet.page}_{snippet.framework}")
    # Pyramid's Configurator looks its caller's module up in sys.modules, as for any imported file.
    monkeypatch.setitem(sys.modules, module.__name__, module)
    source = python_snippet(snippet.page, snippet.heading)
    code = compile(source, f"{snippet.page} ## {snippet.heading}", "exec")
    with framework_context(framework_named(snippet.framework)):
        exec(code, module.__dict__)  # noqa: S102 - the documentation's own snippet is under test
        yield getattr(module, snippet.attribute)


@pytest.mark.parametrize(("snippet_app", "case"), SNIPPET_CASES, indirect=["snippet_app"])
def test_snippet_answers(snippet_app: object, case: Case) -> None:
    """Each snippet, run as the page shows it, answers like its full example."""
    check(case, send(snippet_app, case))  # type: ignore[arg-type]


@pytest.mark.parametrize("snippet_app", [pytest.param(s, id=s.id) for s in SNIPPETS], indirect=True)
def test_snippet_mirrors_its_example(request: pytest.FixtureRequest, snippet_app: object) -> None:
    """The snippet's policy is exactly that of the example app the case table judges."""
    snippet: Snippet = request.node.callspec.params["snippet_app"]
    framework = framework_named(snippet.framework)
    with framework_context(framework):
        example = framework.load()
    assert middleware_of(snippet_app).resources == middleware_of(example).resources


YOUR_APP_COMMANDS = [
    pytest.param(command, id=f"{page}-{index}")
    for page in ("gunicorn", "waitress")
    for index, command in enumerate(commands(page, YOUR_APP_SECTION))
]
TRUSTED = "https://app.example.com"


@pytest.mark.parametrize("command", YOUR_APP_COMMANDS)
def test_your_app_commands_serve_your_module(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "Your app" commands serve the page's myapp.py from a directory of the user's own."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "myapp.py").write_text(file_block("gunicorn", "myapp.py"), encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(project))
    with running(command, tmp_path) as server:
        preflight = server.request(
            "OPTIONS",
            "/api/hello",
            {"Origin": TRUSTED, "Access-Control-Request-Method": "PUT"},
        )
        allowed = server.request("GET", "/api/hello", {"Origin": TRUSTED})
        refused = server.request("GET", "/api/hello", {"Origin": "https://evil.example"})
        outside = server.request("GET", "/health", {"Origin": TRUSTED})
    assert preflight.status == 200
    assert preflight.value("Access-Control-Allow-Origin") == TRUSTED
    assert "PUT" in preflight.tokens("Access-Control-Allow-Methods", lower=False)
    assert allowed.status == 200
    assert allowed.body == b'{"hello": "world"}'
    assert allowed.value("Access-Control-Allow-Origin") == TRUSTED
    assert refused.cors_headers() == {}
    assert "origin" in refused.tokens("Vary")
    assert outside.cors_headers() == {}
    assert "origin" not in outside.tokens("Vary")
