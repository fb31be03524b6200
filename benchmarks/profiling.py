"""``--profile KIND``: where one request kind's time goes, under cProfile, in corsware and others.

cProfile adds its own cost to every call, so its totals are larger than the timed ones; what it
shows is the split between functions. Code inlined in a function counts in that function's own time.
"""

from __future__ import annotations

import contextlib
import cProfile
import io
import pstats
from typing import Any

from benchmarks import peers, scenario
from benchmarks.apps import IdentityMiddleware, bare_wsgi_app, corsware_app
from benchmarks.drivers import wsgi_call
from benchmarks.minimal import minimal_cors

REQUESTS = 200_000


def _profile(app: Any, kind: scenario.RequestKind, requests: int) -> str:
    call = wsgi_call(app, scenario.wsgi_environ(kind.method, scenario.PATH, kind.headers))
    for _ in range(1000):  # fill every cache first, as in the timed runs
        call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


def run(kind_key: str, requests: int = REQUESTS) -> str:
    """cProfile tables for ``requests`` requests of one kind through the bare app, the identity
    middleware, the minimal layer, corsware and wsgicors (when installed)."""
    kind = next(kind for kind in scenario.KINDS if kind.key == kind_key)
    apps: dict[str, Any] = {
        "bare WSGI app": bare_wsgi_app,
        "identity": IdentityMiddleware(bare_wsgi_app),
        "minimal": minimal_cors(bare_wsgi_app),
        "corsware": corsware_app(),
    }
    with contextlib.suppress(ImportError):
        apps["wsgicors"] = peers.wsgicors()[1]
    parts = [f"Profile: {requests:,} requests of kind {kind.label!r}, sorted by own time"]
    for name, app in apps.items():
        parts.append(f"--- {name} ---")
        parts.append(_profile(app, kind, requests).strip())
    return "\n".join(parts)
