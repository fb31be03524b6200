"""Differential test: corsware's model of the browser against Chromium, Firefox and WebKit.

Each combination of `behaviours` (a raw WSGI server behaviour and one fetch against it) runs in the
three engines and through `corsware.browser.simulate`, whose transport calls the same app in
process; `corsware.browser.engines.engine_outcomes` then says what each engine makes of that one
simulation. Engine and model must agree on everything both can observe: whether the page reads
the response (with its status, body and readable headers, call by call), what preflights the
server received (origin, Access-Control-Request-Method and -Headers) and what actual requests.
Combinations with two calls show whether the second one was preflighted again.

``CORSWARE_DIFFERENTIAL=N`` runs N combinations instead of the default 200 (the anchors and the
pairwise covering always come first), ``CORSWARE_DIFFERENTIAL_SEED`` picks another list. Each
engine runs a batch of combinations per page load, all at once, each against its own URL (both
caches are keyed by URL), so that no preflight answer leaks from one combination to another.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from wsgiref.util import setup_testing_defaults

import pytest

from corsware.browser import BrowserRequest, Headers, Response, Transport, Verdict, get_header, simulate
from corsware.browser.engines import ENGINES as ENGINE_FACTS
from corsware.browser.engines import EngineOutcome, engine_outcomes, preflight_cache_seconds

from .behaviours import (
    ALL_PAIRS,
    ANCHORS,
    READ_HEADERS,
    Combination,
    behaviour_app,
    combinations,
    pairs,
)
from .cases import ENGINES
from .conftest import DIFFERENTIAL_SECONDS
from .engines import Engine, EngineError
from .engines.session import Engines
from .servers import API, FETCH_JS, HTML, SeenRequest, serving

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

COUNT = int(os.environ.get("CORSWARE_DIFFERENTIAL", "200"))
SEED = int(os.environ.get("CORSWARE_DIFFERENTIAL_SEED", "20261201"))
BATCH = 25
"""Combinations per page load: a few seconds of fetches at most, well inside the page's bound."""

COMBINATIONS = combinations(COUNT, SEED)

PAGE_HTML = (Path(__file__).parent / "differential.html").read_bytes()

WARM_UP_TRIES = 3
"""Repeated pairs sent from each frame before the counted combinations (see `_warm_up`)."""


def page_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """Serves the page's fetch runner at ``/fetch.js`` and the differential page at every other path."""
    content_type, page = FETCH_JS if environ["PATH_INFO"] == "/fetch.js" else (HTML, PAGE_HTML)
    start_response(
        "200 OK",
        [
            ("Content-Type", content_type),
            ("Content-Length", str(len(page))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [page]


def warm_up_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """Lets any origin PUT, its preflight answer cached 600 s: nothing a combination counts."""
    headers = [("Access-Control-Allow-Origin", "*"), ("Content-Length", "0")]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        headers += [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", "600")]
    start_response("200 OK", headers)
    return []


def in_process(app: WSGIApplication) -> Transport:
    """A transport for `simulate` that calls `app` itself, as the loopback server would."""

    def transport(method: str, url: str, headers: Headers) -> Response:
        parts = urlsplit(url)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": parts.path,
            "QUERY_STRING": parts.query,
            "SERVER_NAME": parts.hostname or "",
            "SERVER_PORT": str(parts.port),
            "wsgi.input": BytesIO(),
            "wsgi.errors": sys.stderr,
        }
        for name, value in headers:
            key = "HTTP_" + name.upper().replace("-", "_")
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        setup_testing_defaults(environ)
        started: list[Any] = []

        def start_response(
            status: str, response_headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            started[:] = [int(status[:3]), tuple(response_headers)]
            return lambda data: None

        body = b"".join(app(environ, start_response))
        return Response(started[0], started[1], body.decode())

    return transport


@dataclass(frozen=True, slots=True)
class Observed:
    """What one combination came to, in the terms both an engine and the model can be held to.

    Attributes:
        calls: Per call, ``("blocked",)`` or ``("ok", status, readable headers, body)`` where the
            readable headers are the (lower-case name, value) pairs of `READ_HEADERS` the page
            could read.
        preflights: Per preflight the server received: (Origin, Access-Control-Request-Method,
            Access-Control-Request-Headers, Authorization).
        requests: Per actual request the server received: (method, Origin, Authorization).
    """

    calls: tuple[tuple[Any, ...], ...]
    preflights: tuple[tuple[str | None, ...], ...]
    requests: tuple[tuple[str | None, ...], ...]


def engine_view(calls: list[dict[str, Any]], seen: list[SeenRequest]) -> Observed:
    """An engine's run of a combination: the page's calls and the server's log."""
    views: list[tuple[Any, ...]] = []
    for call in calls:
        if call["outcome"] == "ok":
            readable = tuple(
                sorted(
                    (name.lower(), value) for name, value in call["headers"].items() if value is not None
                )
            )
            views.append(("ok", call["status"], readable, call["body"]))
        else:
            views.append(("blocked",))
    return Observed(
        calls=tuple(views),
        preflights=tuple(
            (request.origin, request.request_method, request.request_headers, request.authorization)
            for request in seen
            if request.is_preflight
        ),
        requests=tuple(
            (request.method, request.origin, request.authorization)
            for request in seen
            if not request.is_preflight
        ),
    )


def model_view(verdict: Verdict, outcome: EngineOutcome, calls: int) -> Observed:
    """What the model says one engine makes of `calls` identical fetches, from one simulation."""
    last = verdict.exchanges[-1].response
    if outcome.allowed:
        readable = tuple(
            sorted(
                (name.lower(), get_header(last.headers, name) or "")
                for name in READ_HEADERS
                if name.lower() in outcome.readable_headers
            )
        )
        call: tuple[Any, ...] = ("ok", last.status, readable, last.body)
    else:
        call = ("blocked",)
    preflights: list[tuple[str | None, ...]] = []
    first = verdict.exchanges[0]
    if outcome.preflighted:
        asked = dict(first.request_headers)
        preflight = (
            asked["Origin"],
            asked["Access-Control-Request-Method"],
            asked.get("Access-Control-Request-Headers"),
            asked.get("Authorization"),
        )
        preflights = [preflight] * (1 + (calls - 1) * outcome.preflighted_again)
    requests = [
        (
            exchange.method,
            dict(exchange.request_headers)["Origin"],
            get_header(exchange.request_headers, "Authorization"),
        )
        for exchange in verdict.exchanges
        if exchange.kind == "actual"
    ]
    return Observed(
        calls=(call,) * calls, preflights=tuple(preflights), requests=tuple(requests * calls)
    )


@dataclass(frozen=True, slots=True)
class Run:
    """One combination as an engine ran it, with what the model needs to replay it."""

    url: str
    origin: str
    observed: Observed
    console: tuple[str, ...] | None


class Differential:
    """Runs the combinations in the engines batch by batch, on first use, and keeps the runs."""

    def __init__(
        self, engines: Engines, page_origin: str, api: tuple[API, str], seconds: dict[str, float]
    ) -> None:
        """Keep the session's engines, the page's origin, the API and where to add up run times."""
        self._engines = engines
        self.page = f"{page_origin}/"
        self._page_origin = page_origin
        self.api, self.api_origin = api
        self._seconds = seconds
        self._warm: set[str] = set()
        self._runs: dict[tuple[str, int], Run] = {}

    def warm_engine(self, engine_name: str) -> Engine:
        """The session's engine `engine_name`, warmed up for this page (see `_warm_up`)."""
        engine = self._engines.get(engine_name)
        if engine_name not in self._warm:
            self._warm_up(engine)
            self._warm.add(engine_name)
        return engine

    def run(self, engine_name: str, index: int) -> Run:
        """Combination `index` as engine `engine_name` ran it (its whole batch runs the first time)."""
        if (engine_name, index) not in self._runs:
            self._engines.get(engine_name)  # started before the clock runs: its launch is timed apart
            began = time.monotonic()
            engine = self.warm_engine(engine_name)
            start = index - index % BATCH
            self._run_batch(engine, range(start, min(start + BATCH, len(COMBINATIONS))))
            self._seconds[engine_name] = self._seconds.get(engine_name, 0.0) + time.monotonic() - began
        return self._runs[engine_name, index]

    def spec(self, key: str, url: str, combination: Combination) -> dict[str, Any]:
        """The page's fetch spec for `combination` against `url`, reported under `key`."""
        return {
            "id": key,
            "url": url,
            "method": combination.method,
            "headers": dict(combination.request_headers),
            "credentials": combination.credentials,
            "frame": combination.frame,
            "calls": int(combination.calls),
            "readHeaders": list(READ_HEADERS),
        }

    def _warm_up(self, engine: Engine) -> None:
        # Firefox missed its preflight cache on the first repeated pair (or two) from each origin
        # of a session, the page's and a sandboxed iframe's `null` alike; this page's origin is
        # new to it. So each frame sends pairs until one is answered from the cache. Chromium never
        # reuses a preflight sent from `null` (the model knows): its sandbox pairs all miss.
        for frame in ("page", "sandbox"):
            for _ in range(WARM_UP_TRIES):
                prefix = self.api.mount(warm_up_app)
                spec = self.spec(
                    "warm-up",
                    f"{self.api_origin}{prefix}/warm-up",
                    Combination(method="PUT", frame=frame, calls="2"),
                )
                calls = engine.run(self.page, {"specs": [spec]}).result["results"][0]["calls"]
                if [call["outcome"] for call in calls] != ["ok", "ok"]:
                    raise EngineError(f"{engine.name} could not fetch from the warm-up app: {calls}")
                if sum(request.is_preflight for request in self.api.seen(prefix)) == 1:
                    break

    def _run_batch(self, engine: Engine, indices: range) -> None:
        specs, where = [], {}
        for index in indices:
            prefix = self.api.mount(behaviour_app(COMBINATIONS[index]))
            url = f"{self.api_origin}{prefix}/c{index}"
            where[str(index)] = (prefix, url)
            specs.append(self.spec(str(index), url, COMBINATIONS[index]))
        run = engine.run(self.page, {"specs": specs})
        results = {result["id"]: result for result in run.result["results"]}
        if results.keys() != where.keys():
            raise EngineError(f"{engine.name} reported {sorted(results)}, not {sorted(where)}")
        console = None if run.console is None else tuple(message.text for message in run.console)
        for key, (prefix, url) in where.items():
            result = results[key]
            origin = "null" if COMBINATIONS[int(key)].frame == "sandbox" else self._page_origin
            if result["origin"] != origin:
                raise EngineError(
                    f"{engine.name} ran combination {key} from {result['origin']}, not {origin}"
                )
            observed = engine_view(result["calls"], self.api.seen(prefix))
            self._runs[engine.name, int(key)] = Run(url, origin, observed, console)


@pytest.fixture(scope="module")
def differential(
    request: pytest.FixtureRequest, engines: Engines, api: tuple[API, str]
) -> Iterator[Differential]:
    """The combinations' runs, engine by engine, from a page on its own loopback origin."""
    seconds = request.config.stash.setdefault(DIFFERENTIAL_SECONDS, {})
    with serving(page_app) as page_origin:
        yield Differential(engines, page_origin, api, seconds)


def table() -> list[Any]:
    """Every combination in every engine, engine by engine."""
    return [
        pytest.param(engine, index, id=f"{engine}-{index:04d} {combination.label}")
        for engine in ENGINES
        for index, combination in enumerate(COMBINATIONS)
    ]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("engine_name", "index"), table())
def test_engine_and_model_agree(
    engine_name: str,
    index: int,
    differential: Differential,
    record_property: Callable[[str, object], None],
) -> None:
    """The engine does with the combination exactly what the model says this engine does."""
    combination = COMBINATIONS[index]
    run = differential.run(engine_name, index)
    request = BrowserRequest(
        url=run.url,
        origin=run.origin,
        method=combination.method,
        headers=combination.request_headers,
        credentials=combination.credentials == "include",
    )
    verdict = simulate(request, in_process(behaviour_app(combination)))
    outcome = {outcome.engine.key: outcome for outcome in engine_outcomes(verdict)}[engine_name]
    expected = model_view(verdict, outcome, int(combination.calls))
    record_property("combination", combination.levels())
    context = f"{combination}\nmodel: {verdict.failure}, {outcome}\nconsole of the batch: {run.console}"
    assert run.observed == expected, context


def test_the_combinations_are_fixed_by_the_seed_and_cover_every_pair() -> None:
    """The list depends on the seed alone, starts with the anchors and pairs every two levels."""
    assert combinations(COUNT, SEED) == COMBINATIONS
    assert len(COMBINATIONS) == max(COUNT, len(combinations(0, SEED)))
    assert COMBINATIONS[: len(ANCHORS)] == ANCHORS
    assert set().union(*(pairs(combination) for combination in COMBINATIONS)) == ALL_PAIRS
    assert combinations(COUNT, SEED + 1) != COMBINATIONS


SLOW = os.environ.get("CORSWARE_DIFFERENTIAL_SLOW", "").strip() not in ("", "0")
CAP_WAIT_SECONDS = 615
CAP_MAX_AGES = ("650", "86400")


def cap_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """Lets any origin PUT, with the Max-Age its path ends with."""
    headers = [("Access-Control-Allow-Origin", "*"), ("Content-Length", "0")]
    if environ["REQUEST_METHOD"] == "OPTIONS":
        max_age = environ["PATH_INFO"].rpartition("/")[2]
        headers += [("Access-Control-Allow-Methods", "PUT"), ("Access-Control-Max-Age", max_age)]
    start_response("200 OK", headers)
    return []


@pytest.mark.skipif(not SLOW, reason="waits over 10 minutes: set CORSWARE_DIFFERENTIAL_SLOW=1 to run it")
@pytest.mark.timeout(CAP_WAIT_SECONDS + 180)
def test_the_engines_cap_max_age_as_the_model_says(differential: Differential) -> None:
    """A PUT preflighted with Max-Age 650 or 86400, then again after 615 s: WebKit, which keeps a
    preflight 600 s at most, preflights again; Firefox (24 h) does not. Chromium (2 h) cannot be
    asked: its driver gives every run a fresh browser context, and a run lasts seconds."""
    plan = []
    for name in ("firefox", "webkit"):
        engine = differential.warm_engine(name)
        prefix = differential.api.mount(cap_app)
        urls = [f"{differential.api_origin}{prefix}/{max_age}" for max_age in CAP_MAX_AGES]
        plan.append((engine, prefix, urls))
    began = time.monotonic()
    for turn in range(2):
        if turn:
            time.sleep(max(0.0, began + CAP_WAIT_SECONDS - time.monotonic()))
        for engine, _, urls in plan:
            specs = [differential.spec(url, url, Combination(method="PUT")) for url in urls]
            results = engine.run(differential.page, {"specs": specs}).result["results"]
            assert [call["outcome"] for result in results for call in result["calls"]] == ["ok", "ok"]
    elapsed = time.monotonic() - began
    assert elapsed < int(CAP_MAX_AGES[0]), "the second turn came too late to tell the caps apart"
    for engine, prefix, _ in plan:
        model = next(known for known in ENGINE_FACTS if known.key == engine.name)
        seen = differential.api.seen(prefix)
        for max_age in CAP_MAX_AGES:
            preflights = sum(r.is_preflight and r.path.endswith(f"/{max_age}") for r in seen)
            headers = [("Access-Control-Max-Age", max_age)]
            expected = 1 if preflight_cache_seconds(headers, model) > elapsed else 2
            assert preflights == expected, f"{engine.name}, Max-Age {max_age}: {seen}"
