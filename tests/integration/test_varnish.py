"""A real shared cache (Varnish) in front of gunicorn and corsware: nobody gets another's headers.

Several clients (allowed origins, refused origins, no Origin at all) ask for the same few
cacheable URLs in a shuffled, seeded order, each on its own keep-alive connection to Varnish. The
backend's own count of the requests that reached it, and Varnish's ``X-Varnish`` header (two
transaction ids on a hit), show that the cache really answered most of them.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from .cases import Outcome
from .servers import Server, running
from .varnish import Varnish, require_varnish
from .varnish import running as caching
from .varnish_app import ALLOWED, COUNTS_PATH

pytestmark = pytest.mark.timeout(60)

GUNICORN = [
    "gunicorn",
    "--bind",
    "127.0.0.1:8000",
    # One worker process: the backend's request count is kept in it.
    "--workers",
    "1",
    "--pythonpath",
    str(Path(__file__).parent),
    "varnish_app:app",
]
REFUSED = ("https://a.example.com.evil.example", "null")
CLIENTS: tuple[str | None, ...] = (*ALLOWED, *REFUSED, None)
URLS = ("/api/items", "/api/items?page=2", "/api/users")
ROUNDS = 15  # requests per client and URL: 6 clients x 3 URLs x 15 = 270 per run
SEED = 2024


@dataclass(frozen=True, slots=True)
class Stack:
    """gunicorn (asked directly only for its request counts) and the Varnish in front of it."""

    backend: Server
    cache: Varnish


@dataclass(frozen=True, slots=True)
class Seen:
    """One response, and who asked for what."""

    origin: str | None
    url: str
    outcome: Outcome

    @property
    def hit(self) -> bool:
        """Whether Varnish answered from its cache: then ``X-Varnish`` also names the storing request."""
        return len((self.outcome.value("X-Varnish") or "").split()) == 2


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_varnish()  # before gunicorn starts, so a machine without varnish skips at once
    with (
        running(GUNICORN, tmp_path_factory.mktemp("varnish-backend-runtime")) as backend,
        caching(backend.port, tmp_path_factory.mktemp("varnish")) as cache,
    ):
        yield Stack(backend, cache)


def interleaved(cache: Varnish, mount: str, clients: Sequence[str | None]) -> list[Seen]:
    """Every client asks for every URL of ``mount`` ROUNDS times, all shuffled with a fixed seed."""
    plan = [(origin, f"/{mount}{url}") for origin in clients for url in URLS for _ in range(ROUNDS)]
    random.Random(SEED).shuffle(plan)  # noqa: S311 - a reproducible order, not a secret
    connections = {origin: cache.connect() for origin in clients}
    seen = []
    try:
        for origin, url in plan:
            connection = connections[origin]
            connection.request("GET", url, headers={} if origin is None else {"Origin": origin})
            response = connection.getresponse()
            outcome = Outcome(response.status, response.getheaders(), response.read())
            assert outcome.status == 200, (origin, url, outcome)
            seen.append(Seen(origin, url, outcome))
    finally:
        for connection in connections.values():
            connection.close()
    return seen


def backend_requests(stack: Stack, mount: str) -> dict[str, int]:
    """How many requests for each URL of ``mount`` reached gunicorn (hits never do)."""
    outcome = stack.backend.request("GET", COUNTS_PATH, {})
    counts: dict[str, int] = json.loads(outcome.body)
    return {url: count for url, count in counts.items() if url.startswith(f"/{mount}/")}


def deserved(origin: str | None, *, credentials: bool) -> dict[str, str]:
    """The CORS headers a client's own request deserves under the explicit-origin policy."""
    if origin not in ALLOWED:
        return {}
    granted = {"access-control-allow-origin": origin}
    if credentials:
        granted["access-control-allow-credentials"] = "true"
    return granted


def misdelivered(seen: list[Seen], *, credentials: bool) -> list[tuple[str | None, str, dict[str, str]]]:
    """Who got CORS headers other than their own request deserves: (origin, URL, headers got)."""
    return [
        (s.origin, s.url, got)
        for s in seen
        if (got := s.outcome.cors_headers()) != deserved(s.origin, credentials=credentials)
    ]


def urls(mount: str) -> set[str]:
    return {f"/{mount}{url}" for url in URLS}


@pytest.mark.parametrize(
    ("mount", "credentials"),
    [
        pytest.param("explicit", False, id="explicit-origins"),
        pytest.param("credentials", True, id="explicit-origins-with-credentials"),
    ],
)
def test_every_client_gets_its_own_allow_origin(stack: Stack, mount: str, credentials: bool) -> None:
    """With corsware's Vary: Origin the cache keeps one copy per Origin and serves each to its own."""
    seen = interleaved(stack.cache, mount, CLIENTS)

    assert misdelivered(seen, credentials=credentials) == []
    assert all({"origin", "accept-encoding"} <= s.outcome.tokens("Vary") for s in seen)
    # One miss per URL and distinct Origin (no Origin is a variant of its own); the rest are hits.
    assert backend_requests(stack, mount) == dict.fromkeys(urls(mount), len(CLIENTS))
    assert sum(s.hit for s in seen) == len(seen) - len(CLIENTS) * len(URLS)


@pytest.mark.parametrize(
    ("mount", "credentials"),
    [
        pytest.param("explicit-no-vary", False, id="explicit-origins-vary-dropped"),
        pytest.param("credentials-no-vary", True, id="explicit-origins-with-credentials-vary-dropped"),
    ],
)
def test_dropping_vary_hands_clients_each_others_allow_origin(
    stack: Stack, mount: str, credentials: bool
) -> None:
    """The control: the same run through a layer that strips Vary poisons the cache: the test bites."""
    seen = interleaved(stack.cache, mount, CLIENTS)

    assert all("vary" not in (name.lower() for name, _ in s.outcome.headers) for s in seen)
    # One copy per URL: everyone gets the CORS headers of whoever asked for it first.
    assert backend_requests(stack, mount) == dict.fromkeys(urls(mount), 1)
    assert sum(s.hit for s in seen) == len(seen) - len(URLS)
    first = {s.url: deserved(s.origin, credentials=credentials) for s in reversed(seen)}
    assert [(s.url, got) for s in seen if (got := s.outcome.cors_headers()) != first[s.url]] == []
    # Whoever that was, some other client deserved different headers than theirs.
    assert misdelivered(seen, credentials=credentials), (
        "no poisoned response: the control proves nothing"
    )


def test_any_origin_resource_is_one_copy_for_everyone(stack: Stack) -> None:
    """Without credentials, origins="*" answers * to everyone with no Vary: Origin: one copy per URL."""
    clients = ("https://a.example.com", "https://elsewhere.example.org", "null", None)
    seen = interleaved(stack.cache, "any", clients)

    star = {"access-control-allow-origin": "*"}
    assert [(s.origin, s.url, got) for s in seen if (got := s.outcome.cors_headers()) != star] == []
    assert all("origin" not in s.outcome.tokens("Vary") for s in seen)
    assert backend_requests(stack, "any") == dict.fromkeys(urls("any"), 1)
    assert sum(s.hit for s in seen) == len(seen) - len(URLS)
