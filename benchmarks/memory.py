"""Memory over many requests with ever-new origins and paths: any cache must stay bounded."""

from __future__ import annotations

import random
import tracemalloc
from dataclasses import dataclass, field
from typing import Any

from benchmarks import scenario
from benchmarks.apps import corsware_app
from benchmarks.drivers import null_start_response

#: Growth past the first checkpoint that still counts as flat: allocator and interning noise.
FLAT_BYTES = 64 * 1024


@dataclass
class MemoryResult:
    """Traced bytes at evenly spaced checkpoints over the run."""

    requests: int
    checkpoints: list[tuple[int, int]] = field(default_factory=list)
    peak: int = 0

    @property
    def growth(self) -> int:
        """How far the second half of the run rose above the first half's highest level.

        Bounded caches fill and empty as they go, so a single early checkpoint can catch one empty;
        comparing the highest levels of the two halves tells growth from such swings.
        """
        traced = [value for _, value in self.checkpoints]
        half = len(traced) // 2
        return max(traced[half:]) - max(traced[:half])


def _policy_app() -> Any:
    """corsware with every kind of origin matcher and path pattern, so every cache is exercised."""
    options = {
        **scenario.CORSWARE_OPTIONS,
        "origins": [*scenario.ORIGINS, "https://*.example.com", "http://localhost:*"],
    }
    resources = {
        scenario.RESOURCE: options,
        "/public/*": {"origins": "*", "allow_credentials": False},
        "/health": {"origins": scenario.ORIGINS},
    }
    return corsware_app(resources=resources)


def _requests(rng: random.Random, base: dict[str, Any]) -> Any:
    """An endless stream of requests whose origins and paths are almost never seen twice."""
    while True:
        for shape in range(4):
            token = f"{rng.getrandbits(48):x}"
            environ = base.copy()
            environ["PATH_INFO"] = ("/api/", "/public/", "/other/", "/api/v1/")[shape] + token
            if shape == 0:
                environ["HTTP_ORIGIN"] = f"https://{token}.example.com"
            elif shape == 1:
                environ["HTTP_ORIGIN"] = f"http://localhost:{rng.randrange(1, 65536)}"
            elif shape == 2:
                environ["HTTP_ORIGIN"] = f"https://{token}.evil.test"
            else:
                environ["REQUEST_METHOD"] = "OPTIONS"
                environ["HTTP_ORIGIN"] = f"https://{token}.example.com"
                environ["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "PUT"
                environ["HTTP_ACCESS_CONTROL_REQUEST_HEADERS"] = f"content-type,x-{token}"
            yield environ
            # A request without Origin on a path never seen before.
            environ = base.copy()
            environ["PATH_INFO"] = "/api/items/" + token
            yield environ


def run(requests: int, *, checkpoints: int = 20, seed: int = 4) -> MemoryResult:
    """Send ``requests`` requests through corsware under tracemalloc, sampling traced memory."""
    app = _policy_app()
    stream = _requests(random.Random(seed), scenario.wsgi_environ("GET", scenario.PATH))
    every = max(1, requests // checkpoints)
    result = MemoryResult(requests)
    tracemalloc.start()
    try:
        for done in range(1, requests + 1):
            body = app(next(stream), null_start_response)
            for _chunk in body:
                pass
            close = getattr(body, "close", None)
            if close is not None:
                close()
            if done % every == 0:
                result.checkpoints.append((done, tracemalloc.get_traced_memory()[0]))
        result.peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result
