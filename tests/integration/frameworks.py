"""The example apps under test, loaded the way their framework expects, and a webtest driver."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import django
import webtest
from django.test import override_settings

from corsware import CORSMiddleware
from examples.django_app import settings as example

from .cases import Case, Outcome

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

# Settings that are not the example's own to override when Django was configured elsewhere first.
DJANGO_PROCESS_WIDE = {"INSTALLED_APPS", "DATABASES"}


@dataclass(frozen=True, slots=True)
class Framework:
    """An example app: where it lives and how its framework treats an exception in a view.

    Attributes:
        name: Test id.
        module: Dotted module name of the example.
        attribute: The module's WSGI callable.
        handles_exceptions: Whether the framework turns an exception in a view into a 500
            response (a bare WSGI app lets it propagate to the server).
    """

    name: str
    module: str
    attribute: str = "app"
    handles_exceptions: bool = True

    def load(self) -> WSGIApplication:
        """Import the example and return its WSGI callable."""
        app: WSGIApplication = getattr(importlib.import_module(self.module), self.attribute)
        return app


FRAMEWORKS = [
    Framework("flask", "examples.flask_app"),
    Framework("django", "examples.django_app.wsgi", "application"),
    Framework("pyramid", "examples.pyramid_app"),
    Framework("falcon", "examples.falcon_app"),
    Framework("bottle", "examples.bottle_app"),
    Framework("plain-wsgi", "examples.gunicorn_app", handles_exceptions=False),
]


def framework_named(name: str) -> Framework:
    """The entry of `FRAMEWORKS` called ``name``."""
    [framework] = [framework for framework in FRAMEWORKS if framework.name == name]
    return framework


def middleware_of(app: object) -> CORSMiddleware:
    """The CORSMiddleware of an example: the app itself, or Flask's ``app.wsgi_app``."""
    found = app if isinstance(app, CORSMiddleware) else getattr(app, "wsgi_app", None)
    assert isinstance(found, CORSMiddleware), f"{app!r} is not wrapped in CORSMiddleware"
    return found


@contextmanager
def django_settings() -> Iterator[None]:
    """Django's settings are process-wide: configure them from the example, or override them.

    Whichever test configures Django first wins for the whole process, so when another suite has
    configured it already, the example's settings are applied on top for the duration.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", example.__name__)
    django.setup()
    options = {
        name: getattr(example, name)
        for name in dir(example)
        if name.isupper() and name not in DJANGO_PROCESS_WIDE
    }
    with override_settings(**options):
        yield


@contextmanager
def framework_context(framework: Framework) -> Iterator[None]:
    """Whatever process-wide setup a framework needs while its example is exercised."""
    if framework.name == "django":
        with django_settings():
            yield
    else:
        yield


def send(app: WSGIApplication, case: Case) -> Outcome:
    """Send ``case`` to ``app`` in-process through webtest, with its WSGI linter on."""
    extra = {} if case.encoded_body() is None else {"body": case.encoded_body()}
    response = webtest.TestApp(app, lint=True).request(
        case.path,
        method=case.method,
        headers=case.request_headers(),
        expect_errors=True,
        **extra,
    )
    return Outcome(response.status_int, response.headerlist, response.body)
