"""Hostile requests cost bounded work, and nothing in the middleware grows with what clients send.

No wall-clock assertions: work is counted as Python lines executed inside corsware (an operation
counter that does not depend on the machine) and as memory allocated (tracemalloc), and caches are
measured by what they retain. `benchmarks/bench_hostile.py` reports the times.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import corsware
from corsware import CORSMiddleware
from tests.conftest import SpyApp

from .invariants import Request

PACKAGE = str(Path(corsware.__file__).parent)
TRUSTED = "https://app.example.com"
KIB = 1024

# A policy that exercises every per-request path: exact, wildcard and any-port origins, listed
# methods and headers, credentials, and several resources.
OPTIONS: dict[str, Any] = {
    "resources": {
        "/api/*": {
            "origins": [TRUSTED, "https://*.example.org", "http://localhost:*"],
            "allow_credentials": True,
            "methods": ["GET", "PUT"],
            "allow_headers": ["x-api-key", "content-type"],
        },
        "/public/*": {"origins": "*", "allow_headers": "*", "methods": "*"},
    }
}

HOSTILE = [
    pytest.param({"request_headers": "a," * (32 * KIB)}, id="64 KiB request-headers"),
    pytest.param({"request_headers": "," * (64 * KIB)}, id="64 KiB of commas"),
    pytest.param({"request_headers": ", " * 4000}, id="4000 empty items with spaces"),
    pytest.param({"request_headers": ",," * 1023}, id="just under the item cap"),
    pytest.param({"request_headers": "x" * (64 * KIB)}, id="one 64 KiB header name"),
    pytest.param({"request_headers": "x-api-key " * 6000}, id="names split by spaces"),
    pytest.param({"origin": "https://" + "a." * (8 * KIB)}, id="16 KiB origin"),
    pytest.param({"origin": "https://" + "a" * (64 * KIB) + ".example.org"}, id="64 KiB wildcard"),
    pytest.param({"origin": TRUSTED + "\r\n" * (8 * KIB)}, id="origin with 8k CRLF"),
    pytest.param({"request_method": "P" * (64 * KIB)}, id="64 KiB method"),
    pytest.param({"path": "/api" + "/.." * (16 * KIB)}, id="48 KiB of dot segments"),
    pytest.param({"path": "/api" + "/.a" * (16 * KIB)}, id="48 KiB of dot-names, no dot segment"),
    pytest.param({"path": "/api" + "/a/.." * (8 * KIB)}, id="48 KiB of segments that resolve away"),
    pytest.param({"path": "/api/" + "a/" * (32 * KIB)}, id="32k path segments"),
]


def hostile_preflight(path: str = "/api/x", **overrides: str) -> dict[str, Any]:
    """A preflight environ with one part replaced by something hostile."""
    parts = {
        "path": path,
        "origin": TRUSTED,
        "request_method": "PUT",
        "request_headers": "content-type,x-api-key",
    }
    parts.update(overrides)
    return Request(
        "OPTIONS",
        parts["path"],
        parts["origin"],
        parts["request_method"],
        parts["request_headers"],
        None,
    ).environ()


def call(middleware: CORSMiddleware, environ: dict[str, Any]) -> str:
    """One request straight through the middleware (no linter: it allocates on its own)."""
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return None

    b"".join(middleware(environ, start_response))  # type: ignore[arg-type]
    return statuses[0]


@contextmanager
def counting_lines() -> Iterator[list[int]]:
    """Count the Python lines executed in corsware's modules: work that no machine speeds up."""
    count = [0]

    def tracer(frame: FrameType, event: str, arg: object) -> Callable[..., Any] | None:
        if not frame.f_code.co_filename.startswith(PACKAGE):
            return None
        if event == "line":
            count[0] += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield count
    finally:
        sys.settrace(previous)


def lines_for(middleware: CORSMiddleware, environ: dict[str, Any]) -> int:
    """Lines of corsware executed by one request."""
    with counting_lines() as count:
        call(middleware, environ)
    return count[0]


def peak_bytes(middleware: CORSMiddleware, environ: dict[str, Any]) -> int:
    """The most memory allocated at once while one request is handled."""
    call(middleware, environ)  # warm caches so that only per-request allocation is measured
    tracemalloc.start()
    try:
        call(middleware, environ)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def middleware() -> CORSMiddleware:
    """The middleware under OPTIONS."""
    return CORSMiddleware(SpyApp(), **OPTIONS)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_costs_no_more_lines_than_an_ordinary_preflight(
    middleware: CORSMiddleware, hostile: dict[str, str]
) -> None:
    """Caps are checked before parsing: a huge value runs no more Python than a normal one.

    Both are measured on a fresh middleware, so that neither is answered from a memo.
    """
    ordinary = lines_for(CORSMiddleware(SpyApp(), **OPTIONS), hostile_preflight())
    hostile_lines = lines_for(CORSMiddleware(SpyApp(), **OPTIONS), hostile_preflight(**hostile))
    assert hostile_lines <= ordinary + 40


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_work_does_not_grow_with_its_size(
    middleware: CORSMiddleware, hostile: dict[str, str]
) -> None:
    """Doubling the hostile value does not add a single executed line (each on a fresh middleware)."""
    ((key, value),) = hostile.items()
    doubled = value[:8] + value  # same shape, twice as long (the prefix keeps paths valid)
    assert lines_for(CORSMiddleware(SpyApp(), **OPTIONS), hostile_preflight(**{key: value})) == (
        lines_for(
            CORSMiddleware(SpyApp(), **OPTIONS),
            hostile_preflight(**{key: value + doubled[len(value[:8]) :]}),
        )
    )


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_input_allocates_little(middleware: CORSMiddleware, hostile: dict[str, str]) -> None:
    """Nothing proportional to the hostile value is allocated (rs/cors#170 allocated 121 MB)."""
    assert peak_bytes(middleware, hostile_preflight(**hostile)) < 16 * KIB


@pytest.mark.parametrize(
    "environ",
    [
        pytest.param(hostile_preflight(), id="ordinary preflight"),
        pytest.param(Request("GET", "/api/x", TRUSTED, None, None, None).environ(), id="actual"),
        pytest.param(Request("GET", "/api/x", None, None, None, None).environ(), id="no origin"),
    ],
)
def test_ordinary_requests_allocate_little(middleware: CORSMiddleware, environ: dict[str, Any]) -> None:
    """The baseline the hostile cases are compared with."""
    assert peak_bytes(middleware, environ) < 4 * KIB


def retained_by_corsware() -> int:
    """Bytes still allocated by corsware's own lines."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [tracemalloc.Filter(inclusive=True, filename_pattern=f"{PACKAGE}/*")]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.mark.parametrize(
    "make_environ",
    [
        pytest.param(
            lambda i: Request("GET", "/api/x", f"https://u{i}.example.org", None, None, None),
            id="rotating allowed origins",
        ),
        pytest.param(
            lambda i: Request("GET", "/api/x", f"https://evil{i}.example", None, None, None),
            id="rotating refused origins",
        ),
        pytest.param(
            lambda i: Request("GET", f"/api/{i:0400d}", TRUSTED, None, None, None),
            id="rotating 400-byte paths",
        ),
        pytest.param(
            lambda i: Request("OPTIONS", f"/p{i}", f"https://e{i}.example", "PUT", f"x-{i}", None),
            id="rotating everything",
        ),
    ],
)
def test_no_cache_grows_without_limit(make_environ: Callable[[int], Request]) -> None:
    """20,000 distinct requests leave a bounded footprint, not one that grows with each request."""
    middleware = CORSMiddleware(SpyApp(), **OPTIONS)
    tracemalloc.start()
    try:
        for i in range(20_000):
            call(middleware, make_environ(i).environ())
        retained = retained_by_corsware()
    finally:
        tracemalloc.stop()
    # 20,000 x 400-byte paths would be 8 MB if every one were remembered.
    assert retained < 3 * 1024 * KIB, f"{retained} bytes retained"


def test_every_function_cache_in_corsware_has_a_size_limit() -> None:
    """Any functools cache added for speed must be bounded (wsgicors' lru_cache keyed on Origin)."""
    unbounded = []
    for module_info in pkgutil.walk_packages(corsware.__path__, "corsware."):
        if module_info.name.endswith("__main__"):
            continue  # importing it runs the CLI
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            parameters = getattr(value, "cache_parameters", None)
            if parameters is not None and parameters()["maxsize"] is None:
                unbounded.append(f"{module_info.name}.{name}")
    assert unbounded == []
