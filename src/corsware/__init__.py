"""corsware: a strict, fast CORS middleware for WSGI, built to the WHATWG Fetch Standard.

The public API is exactly the names in ``__all__``::

    from corsware import CORSMiddleware

    app.wsgi_app = CORSMiddleware(app.wsgi_app, origins=["http://localhost:3000"])
"""

from __future__ import annotations

from corsware.decision import Decision
from corsware.errors import ConfigProblem, CORSConfigError, CORSConfigWarning, ErrorCode
from corsware.middleware import CORSMiddleware
from corsware.policy import CompiledPolicy, CORSPolicy

__all__ = [
    "CORSConfigError",
    "CORSConfigWarning",
    "CORSMiddleware",
    "CORSPolicy",
    "CompiledPolicy",
    "ConfigProblem",
    "Decision",
    "ErrorCode",
]


def __getattr__(name: str) -> str:
    # The version comes from the installed metadata, read only when asked for.
    if name == "__version__":
        from importlib.metadata import version  # noqa: PLC0415

        return version("corsware")
    raise AttributeError(f"module 'corsware' has no attribute {name!r}")
