"""What hostile requests cost corsware, as ratios to an ordinary preflight.

    python benchmarks/bench_hostile.py            # about 20 seconds
    python benchmarks/bench_hostile.py --quick    # a smoke run

Each case is one environ, built once and sent many times straight into the middleware (no server,
no linter), best of several rounds. A ratio near 1 means the hostile input is refused as cheaply
as an ordinary request is answered; the cost-bound tests in tests/security/test_cost_bounds.py
assert the same property without clocks (lines executed, bytes allocated).
"""

from __future__ import annotations

import argparse
import io
import timeit
import tracemalloc
from collections.abc import Callable, Iterable
from typing import Any

from corsware import CORSMiddleware

ORIGIN = "https://app.example.com"
KIB = 1024


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The smallest WSGI app."""
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]


def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    """A server that accepts anything."""


MIDDLEWARE = CORSMiddleware(
    app,
    resources={
        "/api/*": {
            "origins": [ORIGIN, "https://*.example.org", "http://localhost:*"],
            "allow_credentials": True,
            "methods": ["GET", "PUT"],
            "allow_headers": ["x-api-key", "content-type"],
        },
        "/*": {"origins": "*"},
    },
)


def environ(
    method: str = "OPTIONS",
    path: str = "/api/items",
    origin: str | None = ORIGIN,
    request_method: str | None = "PUT",
    request_headers: str | None = "content-type,x-api-key",
) -> dict[str, Any]:
    """A WSGI environ for one request."""
    env: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
        "wsgi.url_scheme": "http",
    }
    for key, value in (
        ("HTTP_ORIGIN", origin),
        ("HTTP_ACCESS_CONTROL_REQUEST_METHOD", request_method),
        ("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", request_headers),
    ):
        if value is not None:
            env[key] = value
    return env


CASES: list[tuple[str, dict[str, Any]]] = [
    ("ordinary preflight (baseline)", environ()),
    ("ordinary actual request", environ("GET", request_method=None, request_headers=None)),
    ("64 KiB Access-Control-Request-Headers", environ(request_headers="a," * (32 * KIB))),
    ("1 MiB of commas (rs/cors#170)", environ(request_headers="," * (1024 * KIB))),
    ("4000 empty items", environ(request_headers=", " * 4000)),
    ("1023 empty items (just under the cap)", environ(request_headers=",," * 1023)),
    ("16 KiB Origin", environ(origin="https://" + "a." * (8 * KIB))),
    ("64 KiB Origin on a wildcard", environ(origin="https://" + "a" * (64 * KIB) + ".example.org")),
    ("64 KiB method", environ(request_method="P" * (64 * KIB))),
    ("48 KiB of dot segments", environ(path="/api" + "/.." * (16 * KIB))),
    ("250 dot segments (just under the bound)", environ(path="/api" + "/a/.." * 125)),
]


def rotating(kind: str, count: int) -> list[dict[str, Any]]:
    """Environs whose origin or path changes on every request (cache-busting)."""
    if kind == "origins":
        return [environ("GET", origin=f"https://u{i}.example.org") for i in range(count)]
    return [environ("GET", path=f"/api/{i:0400d}") for i in range(count)]


def per_request(env: dict[str, Any], number: int, rounds: int) -> float:
    """Best-of-rounds seconds per request."""
    timer = timeit.Timer(lambda: MIDDLEWARE(env, start_response))
    return min(timer.repeat(repeat=rounds, number=number)) / number


def peak_bytes(env: dict[str, Any]) -> int:
    """Peak memory allocated while handling one request."""
    MIDDLEWARE(env, start_response)
    tracemalloc.start()
    MIDDLEWARE(env, start_response)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    """Time every case and print a table of ratios to the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few iterations, for a smoke run")
    args = parser.parse_args()
    number, rounds = (200, 2) if args.quick else (5000, 5)
    per_request(CASES[0][1], number, rounds)  # warm up caches and the allocator
    times = [(name, env, per_request(env, number, rounds)) for name, env in CASES]
    baseline = times[0][2]
    print(f"{'case':45} {'us/request':>11} {'x baseline':>11} {'peak bytes':>11}")
    for name, env, seconds in times:
        print(f"{name:45} {seconds * 1e6:11.2f} {seconds / baseline:11.2f} {peak_bytes(env):11}")
    for kind in ("origins", "paths"):
        envs = rotating(kind, number)
        iterator = iter(envs * (rounds + 1))
        timer = timeit.Timer(lambda it=iterator: MIDDLEWARE(next(it), start_response))
        seconds = min(timer.repeat(repeat=rounds, number=number)) / number
        name = f"rotating {kind} ({number} distinct)"
        print(f"{name:45} {seconds * 1e6:11.2f} {seconds / baseline:11.2f} {'':>11}")


if __name__ == "__main__":
    main()
