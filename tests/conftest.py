"""Shared fixtures: small WSGI apps that record what reached them, and a linted test client."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
import webtest
from werkzeug.middleware.lint import LintMiddleware

from corsware import CORSMiddleware

StartResponse = Callable[..., Any]
Environ = dict[str, Any]


@dataclass
class SpyApp:
    """A WSGI app that answers 200 text and records every request that reaches it."""

    status: str = "200 OK"
    headers: list[tuple[str, str]] = field(
        default_factory=lambda: [("Content-Type", "text/plain; charset=utf-8")]
    )
    body: bytes = b"hello"
    calls: list[Environ] = field(default_factory=list)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        self.calls.append(dict(environ))
        start_response(self.status, list(self.headers))
        return [self.body]

    @property
    def called(self) -> bool:
        return bool(self.calls)


def linted(app: Any) -> webtest.TestApp:
    """A webtest client around ``app`` with both linters: webtest's and werkzeug's LintMiddleware."""
    return webtest.TestApp(LintMiddleware(app), lint=True)


@pytest.fixture
def spy() -> SpyApp:
    return SpyApp()


@pytest.fixture
def client(spy: SpyApp) -> Callable[..., webtest.TestApp]:
    """Build a webtest client around ``CORSMiddleware(spy, **options)``, linted twice.

    webtest's lint (wsgiref.validate) and werkzeug's LintMiddleware check every request and
    response; any complaint of either fails the test (warnings are errors).
    """

    def build(**options: Any) -> webtest.TestApp:
        return linted(CORSMiddleware(spy, **options))

    return build


def preflight_headers(
    origin: str, method: str = "PUT", request_headers: str | None = None
) -> dict[str, str]:
    """Headers of a browser preflight."""
    headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    return headers


def cors_headers(response: webtest.TestResponse) -> dict[str, str]:
    """The response's Access-Control-* headers, by name; fails if one appears twice."""
    found: dict[str, str] = {}
    for name, value in response.headerlist:
        if name.lower().startswith("access-control-"):
            assert name not in found, f"duplicate {name}"
            found[name] = value
    return found
