"""Fixtures of the browser suite: three browser engines, each started once, and loopback servers.

The page's server and the WSGI API's server are werkzeug's; the ASGI API's server is uvicorn,
started on the first test that needs it.

Chromium, Firefox ESR and WebKitGTK come from Debian's packages and are driven without any browser
download (see `engines`). Each starts on its first test, is warmed up, serves every later test
of the session and is stopped at the end, even when tests fail: by its PID (Firefox, Xvfb,
MiniBrowser), through its driver (WebKitWebDriver), or by Playwright, which owns Chromium's
process. Without an engine its tests skip with a loud reason naming the package, unless ``CI``
is set: there a missing engine fails them.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest

from .asgi_servers import ASGIAPI
from .asgi_servers import serving as uvicorn_serving
from .engines import Engine, EngineError
from .engines.chromium import Chromium
from .engines.session import Engines
from .servers import API, page_app, serving, warm_up_app

LAUNCH_SECONDS = pytest.StashKey[dict[str, float]]()
"""Per engine, how long its start took, for the summary at the end of the run."""

DIFFERENTIAL_SECONDS = pytest.StashKey[dict[str, float]]()
"""Per engine, how long the differential test's combinations took (warm-up included)."""

RUN_SECONDS = pytest.StashKey[dict[str, float]]()
"""Per test group (``<adapter> <engine>``), how long its tests' calls took, engine starts included."""

GROUP_PROPERTY = "group"
"""The `record_property` name under which a test names its group in the time summary."""


# Every fixture that starts something lives as long as this package's tests, not the session: the
# engines' drivers (Playwright's sync API above all, which keeps an event loop running in this
# thread) must be gone before the rest of the suite runs asyncio code of its own.
@pytest.fixture(scope="package")
def page_origin() -> Iterator[str]:
    """Origin of the server that serves the test page (http://127.0.0.1:<port>)."""
    with serving(page_app) as origin:
        yield origin


@pytest.fixture(scope="package")
def api() -> Iterator[tuple[API, str]]:
    """The recording API dispatcher and the origin it is served on (another loopback port)."""
    dispatcher = API()
    with serving(dispatcher) as origin:
        yield dispatcher, origin


@pytest.fixture(scope="package")
def asgi_api() -> Iterator[tuple[ASGIAPI, str]]:
    """The recording ASGI dispatcher and the origin uvicorn serves it on (another loopback port)."""
    dispatcher = ASGIAPI()
    with uvicorn_serving(dispatcher) as origin:
        yield dispatcher, origin


@pytest.fixture(scope="package")
def engines(request: pytest.FixtureRequest, page_origin: str, api: tuple[API, str]) -> Iterator[Engines]:
    """The session's engines, warmed up on first use and stopped at the end."""
    dispatcher, api_origin = api

    def warm_up(engine: Engine) -> None:
        # Firefox missed its preflight cache on the first repeated pair of preflighted fetches of
        # a session (in a new user context at times on the second pair too), so two pairs go to an
        # app that no case counts. The other engines need no warm-up; it shows they can fetch.
        for _ in range(2):
            prefix = dispatcher.mount(warm_up_app)
            spec = {
                "url": f"{api_origin}{prefix}/warm-up",
                "method": "PUT",
                "headers": {"Content-Type": "application/json"},
                "body": "{}",
                "credentials": "omit",
                "frame": "page",
                "calls": 2,
                "readHeaders": [],
            }
            calls = engine.run(f"{page_origin}/", spec).result["calls"]
            if [call["outcome"] for call in calls] != ["ok", "ok"]:
                raise EngineError(f"{engine.name} could not fetch from the warm-up app: {calls}")

    hub = Engines(warm_up, request.config.stash.setdefault(LAUNCH_SECONDS, {}))
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture(scope="package")
def chromium(engines: Engines) -> Chromium:
    """The session's Chromium, for the Chromium-only tests."""
    engine = engines.get("chromium")
    assert isinstance(engine, Chromium)
    return engine


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Add a test's call to the time of the group it named, for the summary at the end of the run."""
    report = yield
    if call.when == "call":
        for name, group in item.user_properties:
            if name == GROUP_PROPERTY:
                times = item.config.stash.setdefault(RUN_SECONDS, {})
                times[str(group)] = times.get(str(group), 0.0) + call.duration
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """One line with each engine's start-up time, when the browser suite started any."""
    launched = config.stash.get(LAUNCH_SECONDS, {})
    if launched:
        times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in launched.items())
        terminalreporter.write_line(f"browser engines started (launch and session): {times}")
    differential = config.stash.get(DIFFERENTIAL_SECONDS, {})
    if differential:
        times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in differential.items())
        terminalreporter.write_line(f"differential combinations run in: {times}")
    groups = config.stash.get(RUN_SECONDS, {})
    if groups:
        times = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in groups.items())
        terminalreporter.write_line(f"browser tests ran in (an engine's start included): {times}")
