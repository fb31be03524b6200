"""WebKitGTK: Debian's WebKitWebDriver and MiniBrowser, driven by selenium, under Xvfb.

MiniBrowser has no headless mode, so the engine starts its own Xvfb on a free display and points
the driver at it. Selenium Manager is never used (the driver's path is given). WebDriver gives no
console text, so a run reports only what the page could read. Every run loads the page afresh and
the cookies are deleted after it; WebDriver offers no separate cookie jar or cache per run.

The session is selenium's generic ``webdriver.Remote`` with the WebKitGTK options and service,
not ``webdriver.WebKitGTK``: that class (selenium 4.51) raises a DeprecationWarning of its own
making at start, and takes no client configuration, so its HTTP calls to the driver would wait
without a timeout.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

from selenium import webdriver
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.remote_connection import RemoteConnection
from selenium.webdriver.webkitgtk.options import Options
from selenium.webdriver.webkitgtk.service import Service

from . import base

START_SECONDS = 30
XVFB = "Xvfb"
DRIVER = "WebKitWebDriver"

SCRIPT = f"const spec = arguments[0], done = arguments[1]; {base.RUN_CASE}.then(done);"


def find_program(name: str) -> str | None:
    """Path of `name`: /usr/bin/<name>, else `name` on PATH."""
    if os.access(f"/usr/bin/{name}", os.X_OK):
        return f"/usr/bin/{name}"
    return shutil.which(name)


def find_minibrowser() -> str | None:
    """MiniBrowser's path: Debian ships it in libwebkit2gtk-4.1-0, under the multiarch libdir."""
    found = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))
    return found[0] if found else None


def missing() -> str | None:
    """Why WebKitGTK cannot run here (every missing part), or None."""
    needs = [
        part
        for part, found in (
            ("WebKitWebDriver (Debian package webkit2gtk-driver)", find_program(DRIVER)),
            ("MiniBrowser (libwebkit2gtk-4.1-0, which webkit2gtk-driver pulls in)", find_minibrowser()),
            ("Xvfb (Debian package xvfb)", find_program(XVFB)),
        )
        if found is None
    ]
    if needs:
        return (
            f"no {', '.join(needs)}; install them with "
            "`apt-get install -y --no-install-recommends webkit2gtk-driver xvfb`"
        )
    return None


def start_xvfb(binary: str) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a display it picks itself and return it with that display (``:N``)."""
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(  # noqa: S603 - the system's Xvfb, our arguments
            [binary, "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_end)
        write_end = -1
        try:
            number = base.read_line(read_end, START_SECONDS)
        except BaseException:
            base.stop_process(process)
            raise
    finally:
        os.close(read_end)
        if write_end != -1:
            os.close(write_end)
    return process, f":{number}"


def children(pid: int) -> list[int]:
    """The PIDs of `pid`'s child processes (Linux /proc)."""
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as listing:
        return [int(child) for child in listing.read().split()]


class WebKit:
    """One MiniBrowser driven by WebKitWebDriver, on a private Xvfb display."""

    name = "webkit"

    def __init__(self, driver: str, minibrowser: str, xvfb: str) -> None:
        """Start Xvfb, the driver and the browser; stops everything again if that fails."""
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._service: Service | None = None
        self._driver: webdriver.Remote | None = None
        self._browser_pids: list[int] = []
        try:
            self._xvfb, display = start_xvfb(xvfb)
            options = Options()
            options.binary_location = minibrowser
            # Needed once the binary is set: it is what lets WebKitWebDriver control MiniBrowser.
            options.add_argument("--automation")
            self._service = Service(
                executable_path=driver,
                env={**os.environ, "DISPLAY": display, "NO_AT_BRIDGE": "1"},
                log_output=subprocess.DEVNULL,
            )
            self._service.start()
            config = ClientConfig(self._service.service_url, timeout=base.DRIVER_SECONDS + 10)
            self._driver = webdriver.Remote(
                RemoteConnection(client_config=config, ignore_proxy=True), options=options
            )
            self._browser_pids = children(self._service.process.pid)
            self._driver.set_page_load_timeout(base.RUN_SECONDS)
            self._driver.set_script_timeout(base.DRIVER_SECONDS)
        except BaseException:
            self.close()
            raise

    def run(self, page_url: str, spec: Mapping[str, Any]) -> base.PageRun:
        """Run `spec` on `page_url`, loaded afresh; WebDriver reports no console text."""
        if self._driver is None:
            raise base.EngineError("WebKit is closed")
        try:
            self._driver.get(page_url)
            result = self._driver.execute_async_script(SCRIPT, dict(spec))
        finally:
            self._driver.delete_all_cookies()
        return base.PageRun(base.page_result(result), None)

    def close(self) -> None:
        """End the session, stop the driver, then the browser (if left) and Xvfb, by their PIDs."""
        try:
            if self._driver is not None:
                self._driver.quit()
                self._driver = None
        finally:
            try:
                if self._service is not None:
                    self._service.stop()
                    self._service = None
            finally:
                try:
                    for pid in self._browser_pids:
                        base.stop_pid(pid, grace=10.0)
                finally:
                    if self._xvfb is not None:
                        base.stop_process(self._xvfb)


def start() -> WebKit:
    """Start one MiniBrowser under a private Xvfb."""
    driver, minibrowser, xvfb = find_program(DRIVER), find_minibrowser(), find_program(XVFB)
    if driver is None or minibrowser is None or xvfb is None:
        raise base.EngineError(missing())
    return WebKit(driver, minibrowser, xvfb)
