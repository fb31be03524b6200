"""Discovery: the corsware middleware inside an app object, for ``corsware explain --app``.

The app is named the way gunicorn and ``flask --app`` name it (``module:attribute``), and the
middleware is looked for without running the app's code: attributes are read statically.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import sys
from typing import Any, TypeAlias

from corsware.engine import Adapter

__all__ = ["Explainer", "find_middleware", "import_app"]

# Where wrappers keep the app they wrap: Flask's wsgi_app, werkzeug's, Starlette's and corsware's
# app, Django's and gunicorn's application.
_NEXT_APP_ATTRIBUTES = ("wsgi_app", "app", "application")
_MAX_WRAPPERS = 5
_NAME = re.compile(r"[A-Za-z_][\w.]*")


Explainer: TypeAlias = Adapter[Any]
"""What ``explain`` needs of a middleware: the WSGI and the ASGI ``CORSMiddleware`` alike."""


def import_app(spec: str) -> object:
    """The object ``module:attribute`` names (``attribute`` may be dotted; default ``application``).

    As gunicorn does, the current directory comes first on ``sys.path``.

    Raises:
        LookupError: the name is malformed, the import fails or the attribute is missing; the
            message says which, in one line.
    """
    module_name, _, name = spec.partition(":")
    name = name or "application"
    if not _NAME.fullmatch(module_name) or not _NAME.fullmatch(name):
        raise LookupError(f"--app {spec!r}: write MODULE:NAME, such as myproject.wsgi:application")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        found: Any = importlib.import_module(module_name)
    except Exception as error:  # noqa: BLE001 - whatever the module raises is reported, in one line
        raise LookupError(
            f"--app {spec!r}: importing {module_name} failed: {type(error).__name__}: {error}"
        ) from None
    for part in name.split("."):
        if not hasattr(found, part):
            raise LookupError(f"--app {spec!r}: {_kind(found)} {module_name} has no attribute {part!r}")
        found = getattr(found, part)
    return found


def find_middleware(found: object) -> Explainer:
    """The corsware middleware in an app object.

    ``found`` may be the middleware itself (WSGI or ASGI), a Flask app whose ``wsgi_app`` is it, a
    Starlette or FastAPI app that added it with ``add_middleware`` (it is then built from the
    arguments given there), or a chain of up to five wrappers that each keep the next app in
    ``.wsgi_app``, ``.app`` or ``.application``. Attributes are read statically
    (`inspect.getattr_static`), so no property of the app runs.

    Raises:
        LookupError: there is none; the message names what was found.
    """
    from corsware.asgi import CORSMiddleware as ASGIMiddleware  # noqa: PLC0415

    seen = [_kind(found)]
    current = found
    for _depth in range(_MAX_WRAPPERS + 1):
        if isinstance(current, Adapter):
            return current
        added = _added_to_starlette(current, ASGIMiddleware)
        if added is not None:
            return added
        for attribute in _NEXT_APP_ATTRIBUTES:
            wrapped = inspect.getattr_static(current, attribute, None)
            if wrapped is not None and not inspect.isroutine(wrapped):
                seen.append(f".{attribute}: {_kind(wrapped)}")
                current = wrapped
                break
        else:
            break
    raise LookupError(
        f"no corsware.CORSMiddleware found: {' -> '.join(seen)} (looked in .wsgi_app, .app and "
        f".application, {_MAX_WRAPPERS} wrappers deep, and in a Starlette app's add_middleware "
        "list). Wrap the app, for example app.wsgi_app = CORSMiddleware(app.wsgi_app, ...), or name "
        "the object that is the middleware"
    )


def _added_to_starlette(app: object, middleware: type[Any]) -> Explainer | None:
    # Starlette (and FastAPI) keep add_middleware's entries in user_middleware and build the
    # instances only on the first request; build one the same way, around an app never called.
    for entry in inspect.getattr_static(app, "user_middleware", None) or ():
        if inspect.getattr_static(entry, "cls", None) is middleware:
            args = inspect.getattr_static(entry, "args", ())
            kwargs = inspect.getattr_static(entry, "kwargs", {})
            explainer: Explainer = middleware(_never_called, *args, **kwargs)
            return explainer
    return None


async def _never_called(scope: object, receive: object, send: object) -> None:  # pragma: no cover
    raise AssertionError("built only to explain")


def _kind(value: object) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"
