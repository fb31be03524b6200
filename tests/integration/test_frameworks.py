"""Every example app, on its real framework and in-process, against the shared case table."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from werkzeug.test import EnvironBuilder

from .cases import CASES, DEV_ORIGIN, STREAM_BODY, Case, Outcome, check, check_explained
from .frameworks import FRAMEWORKS, Framework, framework_context, middleware_of, send

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication


@pytest.fixture(scope="module", params=FRAMEWORKS, ids=[f.name for f in FRAMEWORKS])
def framework(request: pytest.FixtureRequest) -> Iterator[Framework]:
    framework: Framework = request.param
    with framework_context(framework):
        yield framework


@pytest.fixture
def app(framework: Framework) -> WSGIApplication:
    return framework.load()


@pytest.mark.parametrize("case", CASES)
def test_case_table(framework: Framework, app: WSGIApplication, case: Case) -> None:
    """The example answers the case as the table says, and as ``explain()`` predicts."""
    if case.crashes and not framework.handles_exceptions:
        with pytest.raises(RuntimeError, match="a bug"):
            send(app, case)
        return
    outcome = send(app, case)
    check(case, outcome)

    check_explained(case, outcome, middleware_of(app))


def test_stream_close_reaches_the_generator(
    framework: Framework, app: WSGIApplication, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that goes away mid-stream: the server's close() must reach the app's generator."""
    sent: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
        sent.append((status, headers))

    environ = EnvironBuilder(path="/api/stream", headers={"Origin": DEV_ORIGIN}).get_environ()
    with caplog.at_level(logging.INFO, logger=framework.module.removesuffix(".wsgi")):
        body = app(environ, start_response)  # type: ignore[arg-type]
        first = next(iter(body))
        assert STREAM_BODY.startswith(first)
        assert "stream closed" not in caplog.messages
        body.close()  # type: ignore[attr-defined]
    assert "stream closed" in caplog.messages
    [(status, headers)] = sent
    assert status == "200 OK"
    assert Outcome(200, headers, b"").value("Access-Control-Allow-Origin") == DEV_ORIGIN


def test_framework_examples_share_one_policy() -> None:
    """The table's expectations hold for every framework only if they all use the same policy."""
    policies = {}
    for framework in FRAMEWORKS:
        if framework.name != "plain-wsgi":  # a server entry point with a wider origin list
            with framework_context(framework):
                policies[framework.name] = middleware_of(framework.load()).resources
    flask = policies.pop("flask")
    assert [pattern for pattern, _ in flask] == ["/api/*"]
    assert all(resources == flask for resources in policies.values()), policies
