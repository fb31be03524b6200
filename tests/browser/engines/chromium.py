"""Debian's Chromium, driven by Playwright through ``executable_path``.

Playwright never downloads a browser here (``playwright install`` is neither needed nor run). It
launches /usr/bin/chromium itself, with a fresh temporary user-data directory, and stops it on
``close()``; every run gets its own browser context (own cookie jar, HTTP and preflight caches).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Any

from playwright.sync_api import Browser, ConsoleMessage, Playwright, sync_playwright

from . import base

# The flags our developers' guide prescribes for headless Chromium on a closed network, running as
# root. Playwright adds --headless itself.
FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

LAUNCH_MS = 60_000


def find_chromium() -> str | None:
    """Path of the Chromium binary: Debian's /usr/bin/chromium, else `chromium` on PATH."""
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def missing() -> str | None:
    """Why Chromium cannot run here, or None."""
    if find_chromium() is None:
        return (
            "no Chromium binary (/usr/bin/chromium or `chromium` on PATH); install Debian's "
            "`chromium` package: `apt-get install -y --no-install-recommends chromium`"
        )
    return None


class Chromium:
    """A headless Chromium; `with_flags` launches more of them in the same Playwright."""

    name = "chromium"

    def __init__(
        self, playwright: Playwright, executable: str, flags: tuple[str, ...], *, owner: bool
    ) -> None:
        """Launch Chromium with our flags plus `flags`; the `owner` stops Playwright on close."""
        self._playwright = playwright
        self._owner = owner
        self._executable = executable
        self._siblings: list[Chromium] = []
        self._browser: Browser = playwright.chromium.launch(
            executable_path=executable, args=[*FLAGS, *flags], timeout=LAUNCH_MS
        )

    def with_flags(self, *flags: str) -> Chromium:
        """Another Chromium launched with extra `flags`; closed together with this one."""
        sibling = Chromium(self._playwright, self._executable, flags, owner=False)
        self._siblings.append(sibling)
        return sibling

    def run(self, page_url: str, spec: Mapping[str, Any]) -> base.PageRun:
        """Run `spec` on `page_url` in a fresh browser context."""
        console: list[base.ConsoleMessage] = []

        def record(message: ConsoleMessage) -> None:
            console.append(base.ConsoleMessage(message.type, message.text))

        context = self._browser.new_context()
        try:
            context.set_default_timeout(base.RUN_SECONDS * 1000)
            page = context.new_page()
            page.on("console", record)
            page.goto(page_url)
            result = page.evaluate(f"spec => {base.RUN_CASE}", dict(spec))
            # A round trip through the page, so that console events the fetch caused are in.
            page.evaluate("0")
        finally:
            context.close()
        return base.PageRun(base.page_result(result), tuple(console))

    def close(self) -> None:
        """Close the siblings, then this browser (Playwright stops the process), then Playwright."""
        try:
            for sibling in self._siblings:
                sibling.close()
        finally:
            try:
                self._browser.close()
            finally:
                if self._owner:
                    self._playwright.stop()


def start() -> Chromium:
    """Start Playwright and one headless Chromium."""
    executable = find_chromium()
    if executable is None:
        raise base.EngineError(missing())
    playwright = sync_playwright().start()
    try:
        return Chromium(playwright, executable, (), owner=True)
    except BaseException:
        playwright.stop()
        raise
