"""Fixtures of the browser suite: Debian's Chromium driven by Playwright, and two loopback servers.

Playwright drives the system's /usr/bin/chromium through ``executable_path``; it never downloads
a browser (``playwright install`` is neither needed nor run). Without a Chromium binary the suite
skips with a loud reason, unless ``CI`` is set: there a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from .servers import API, page_app, serving

# The flags our developers' guide prescribes for headless Chromium on a closed network, running as
# root. Playwright adds --headless itself and gives every launch a fresh temporary user-data dir.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    """Path of the Chromium binary: Debian's /usr/bin/chromium, else `chromium` on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def running_in_ci() -> bool:
    """Whether the CI environment variable is set to something other than a false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The Chromium to drive; skips the suite (fails it under CI) when there is none."""
    path = find_chromium()
    if path is None:
        reason = (
            "BROWSER SUITE NOT RUN: no Chromium binary (/usr/bin/chromium or `chromium` on PATH). "
            "Install it with `apt-get install -y --no-install-recommends chromium`; "
            "`bash .ci/run` installs it itself."
        )
        if running_in_ci():
            pytest.fail(f"{reason} CI is set, so a missing browser fails the run.", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def launch_chromium(chromium_path: str) -> Iterator[Callable[..., Browser]]:
    """Launches headless Chromiums with our flags (plus any given); closes them all at the end."""
    launched: list[Browser] = []
    with sync_playwright() as playwright:

        def launch(*extra_flags: str) -> Browser:
            chromium = playwright.chromium.launch(
                executable_path=chromium_path,
                args=[*CHROMIUM_FLAGS, *extra_flags],
                timeout=60_000,
            )
            launched.append(chromium)
            return chromium

        try:
            yield launch
        finally:
            for chromium in launched:
                chromium.close()


@pytest.fixture(scope="session")
def browser(launch_chromium: Callable[..., Browser]) -> Browser:
    """One headless Chromium for the session; each case opens its own context in it."""
    return launch_chromium()


@pytest.fixture(scope="session")
def page_origin() -> Iterator[str]:
    """Origin of the server that serves the test page (http://127.0.0.1:<port>)."""
    with serving(page_app) as origin:
        yield origin


@pytest.fixture(scope="session")
def api() -> Iterator[tuple[API, str]]:
    """The recording API dispatcher and the origin it is served on (another loopback port)."""
    dispatcher = API()
    with serving(dispatcher) as origin:
        yield dispatcher, origin
