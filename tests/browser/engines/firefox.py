"""Debian's Firefox ESR, driven through its built-in WebDriver BiDi server (no geckodriver).

Firefox starts headless on a fresh profile with ``--remote-debugging-port=0`` and prints the
WebSocket URL it listens on to stderr; one BiDi session then drives it. Every run gets a new tab
(browsing context) in the default user context and the cookies are deleted after it. The suite
stays in that one user context on purpose: Firefox missed its preflight cache on the first one or
two repeated preflighted fetches of every new user context, so a context per run would make the
cache cases flaky, while one warmed-up context reuses preflights as the other engines do.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from . import base

START_SECONDS = 60.0
COMMAND_SECONDS = 10.0

LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")

# Handed the spec as JSON text and returning JSON text: plain strings cross BiDi as they are,
# with none of its value serialisation in the way.
FUNCTION = (
    "(json) => { const spec = JSON.parse(json); "
    f"return {base.RUN_CASE}.then((value) => JSON.stringify(value)); }}"
)


def find_firefox() -> str | None:
    """Path of Firefox ESR: Debian's /usr/bin/firefox-esr, else `firefox-esr` on PATH."""
    if os.access("/usr/bin/firefox-esr", os.X_OK):
        return "/usr/bin/firefox-esr"
    return shutil.which("firefox-esr")


def missing() -> str | None:
    """Why Firefox cannot run here, or None."""
    if find_firefox() is None:
        return (
            "no Firefox ESR binary (/usr/bin/firefox-esr or `firefox-esr` on PATH); install Debian's "
            "`firefox-esr` package: `apt-get install -y --no-install-recommends firefox-esr`"
        )
    return None


class BiDi:
    """One WebDriver BiDi connection: commands answered in order, events kept as they come."""

    def __init__(self, url: str) -> None:
        """Connect to `url` (bounded by `START_SECONDS`)."""
        self._stack = ExitStack()
        self._socket: ClientConnection = self._stack.enter_context(
            connect(url, open_timeout=START_SECONDS, close_timeout=5, max_size=None)
        )
        self._ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []

    def command(
        self, method: str, params: Mapping[str, Any], *, seconds: float = COMMAND_SECONDS
    ) -> dict[str, Any]:
        """Send a command and return its result; events that arrive meanwhile go to `events`."""
        number = next(self._ids)
        self._socket.send(json.dumps({"id": number, "method": method, "params": params}))
        deadline = time.monotonic() + seconds
        while True:
            try:
                message = json.loads(self._socket.recv(timeout=max(deadline - time.monotonic(), 0)))
            except TimeoutError:
                raise base.EngineError(
                    f"Firefox did not answer {method} within {seconds:.0f} s"
                ) from None
            if message.get("type") == "event":
                self.events.append(message)
            elif message.get("id") == number:
                if message.get("type") == "error":
                    raise base.EngineError(f"{method}: {message['error']}: {message.get('message')}")
                result: dict[str, Any] = message["result"]
                return result

    def close(self) -> None:
        """Close the WebSocket."""
        self._stack.close()


class Firefox:
    """A headless Firefox ESR on a fresh profile, and the BiDi session that drives it."""

    name = "firefox"

    def __init__(self, binary: str) -> None:
        """Start Firefox and open the session; stops everything again if that fails."""
        self._directory = tempfile.TemporaryDirectory(prefix="corsware-firefox-")
        root = Path(self._directory.name)
        (root / "profile").mkdir()
        self._log = root / "stderr.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._bidi: BiDi | None = None
        try:
            with self._log.open("wb") as log:
                command = [binary, "--headless", "--no-remote", "--remote-debugging-port=0"]
                self._process = subprocess.Popen(  # noqa: S603 - the system's Firefox, our arguments
                    [*command, "--profile", str(root / "profile"), "about:blank"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"},
                )
            self._bidi = BiDi(f"{self._listening_url(self._process)}/session")
            self._bidi.command("session.new", {"capabilities": {}}, seconds=START_SECONDS)
            self._bidi.command("session.subscribe", {"events": ["log.entryAdded"]})
        except BaseException:
            self.close()
            raise

    def _listening_url(self, process: subprocess.Popen[bytes]) -> str:
        # Firefox writes the URL to stderr; a file rather than a pipe, so that a chatty Firefox
        # can never block on a full pipe that nobody reads after start-up.
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            log = self._log.read_text(errors="replace")
            if match := LISTENING.search(log):
                return match.group(1)
            if process.poll() is not None:
                raise base.EngineError(f"Firefox exited ({process.returncode}) at start: {log[-2000:]}")
            time.sleep(0.05)
        raise base.EngineError(f"Firefox printed no BiDi URL within {START_SECONDS:.0f} s")

    def run(self, page_url: str, spec: Mapping[str, Any]) -> base.PageRun:
        """Run `spec` on `page_url` in a new tab; the console entries of the run come along."""
        if self._bidi is None:
            raise base.EngineError("Firefox is closed")
        bidi = self._bidi
        bidi.events.clear()
        context = bidi.command("browsingContext.create", {"type": "tab"})["context"]
        target = {"context": context}
        try:
            bidi.command(
                "browsingContext.navigate",
                {**target, "url": page_url, "wait": "complete"},
                seconds=base.RUN_SECONDS,
            )
            reply = bidi.command(
                "script.callFunction",
                {
                    "functionDeclaration": FUNCTION,
                    "arguments": [{"type": "string", "value": json.dumps(spec)}],
                    "target": target,
                    "awaitPromise": True,
                },
                seconds=base.DRIVER_SECONDS,
            )
            # Firefox reports the console entry of a blocked simple request only after fetch()
            # has rejected; a round trip through the page lets it in before the run ends.
            bidi.command("script.evaluate", {"expression": "0", "target": target, "awaitPromise": False})
        finally:
            bidi.command("browsingContext.close", target)
            bidi.command("storage.deleteCookies", {})
        if reply["type"] == "exception":
            raise base.EngineError(f"runCase() failed: {reply['exceptionDetails']['text']}")
        console = tuple(
            base.ConsoleMessage(event["params"]["level"], event["params"]["text"])
            for event in bidi.events
            if event["method"] == "log.entryAdded"
        )
        return base.PageRun(base.page_result(json.loads(reply["result"]["value"])), console)

    def close(self) -> None:
        """End the session (Firefox then exits), stop the process by its PID, remove the profile."""
        asked_to_quit = False
        try:
            if self._bidi is not None:
                try:
                    self._bidi.command("browser.close", {})
                except (base.EngineError, ConnectionClosed):
                    asked_to_quit = False  # a Firefox that cannot take it is stopped by signal below
                else:
                    asked_to_quit = True
                self._bidi.close()
                self._bidi = None
        finally:
            try:
                if self._process is not None:
                    base.stop_process(self._process, grace=20.0 if asked_to_quit else 0.0)
            finally:
                self._directory.cleanup()


def start() -> Firefox:
    """Start one headless Firefox ESR and its BiDi session."""
    binary = find_firefox()
    if binary is None:
        raise base.EngineError(missing())
    return Firefox(binary)
