"""The README's framework snippets run as written, and use the policy of the example they mirror."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from .cases import CASES, Case, check
from .frameworks import framework_context, framework_named, middleware_of, send
from .readme import python_snippet


@dataclass(frozen=True, slots=True)
class Snippet:
    """A framework's README snippet: its heading, and the name of its WSGI callable."""

    heading: str
    framework: str
    attribute: str = "app"
    checks_token: bool = True


SNIPPETS = [
    Snippet("Flask", "flask"),
    Snippet("Django", "django", "application"),
    Snippet("Pyramid", "pyramid", checks_token=False),
    Snippet("Falcon", "falcon"),
    Snippet("Bottle", "bottle"),
]

# The snippets serve /api/me only, so every case of the shared table on that route applies to them,
# except the 401 one to a snippet that leaves the token check to its full example.
ME_CASES = [param for param in CASES if param.values[0].path == "/api/me"]
SNIPPET_CASES = [
    pytest.param(snippet, *case.values, id=f"{snippet.framework}-{case.id}")
    for snippet in SNIPPETS
    for case in ME_CASES
    if snippet.checks_token or case.values[0].status != 401
]


@pytest.fixture
def snippet_app(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    snippet: Snippet = request.param
    module = types.ModuleType(f"readme_{snippet.framework}")
    # Pyramid's Configurator looks its caller's module up in sys.modules, as for any imported file.
    monkeypatch.setitem(sys.modules, module.__name__, module)
    code = compile(python_snippet(snippet.heading), f"README.md ### {snippet.heading}", "exec")
    with framework_context(framework_named(snippet.framework)):
        exec(code, module.__dict__)  # noqa: S102 - the README's own snippet is the code under test
        yield getattr(module, snippet.attribute)


@pytest.mark.parametrize(("snippet_app", "case"), SNIPPET_CASES, indirect=["snippet_app"])
def test_snippet_answers(snippet_app: object, case: Case) -> None:
    """Each snippet, run as the README shows it, answers like its full example."""
    check(case, send(snippet_app, case))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "snippet_app", [pytest.param(s, id=s.framework) for s in SNIPPETS], indirect=True
)
def test_snippet_mirrors_its_example(request: pytest.FixtureRequest, snippet_app: object) -> None:
    """The snippet's policy is exactly that of the example app the case table judges."""
    snippet: Snippet = request.node.callspec.params["snippet_app"]
    framework = framework_named(snippet.framework)
    with framework_context(framework):
        example = framework.load()
    assert middleware_of(snippet_app).resources == middleware_of(example).resources
