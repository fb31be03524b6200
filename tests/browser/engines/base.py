"""What every engine driver gives the browser suite, and the process chores they share.

A driver loads a page (any page that defines ``runCase(spec)``, as ``page.html`` does), calls
``runCase`` with a fetch spec, and hands back what the page could read plus the console text the
engine reported meanwhile. It knows nothing of corsware or of the servers: the same driver can
replay a corsware case or a page against any server behaviour.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

RUN_SECONDS = 20
"""Bound on loading the page, and the page's own bound on one runCase() call (a case makes at
most a few fetches on loopback, each well under a second)."""

DRIVER_SECONDS = RUN_SECONDS + 10
"""How long a driver waits for a page call: longer than the page's bound, so that a run that
hangs reports the page's own message rather than a driver timeout."""

SCRIPT_ERROR_KEY = "scriptError"

RUN_CASE = (
    "Promise.race([runCase(spec), new Promise((resolve, reject) => setTimeout(reject, "
    f"{RUN_SECONDS * 1000}, new Error('runCase() did not settle within {RUN_SECONDS} s')))])"
    f".catch((error) => ({{{SCRIPT_ERROR_KEY}: String(error)}}))"
)
"""The page-side call, an expression over a variable `spec`: a promise of runCase()'s value, or of
``{scriptError: ...}`` when runCase() throws or does not settle in time (a blocked fetch is not an
error: runCase() reports it as a result)."""


class EngineError(RuntimeError):
    """The engine did not start, or a page run went wrong outside of what fetch() reports."""


@dataclass(frozen=True, slots=True)
class ConsoleMessage:
    """One console entry the engine reported while a page ran (CORS failures say why only here)."""

    level: str
    text: str


@dataclass(frozen=True, slots=True)
class PageRun:
    """What one runCase() call came to.

    Attributes:
        result: runCase()'s value: ``{"id": ..., "origin": ..., "calls": [...]}`` as fetch.js builds it.
        console: The console entries of the run, in the order the engine reported them; None when
            the engine's driver cannot report console text at all (WebKitGTK's WebDriver).
    """

    result: dict[str, Any]
    console: tuple[ConsoleMessage, ...] | None


class Engine(Protocol):
    """One running browser, shared by every run of the test session.

    Each run gets a fresh page (a new tab or browser context) and the cookies of earlier runs are
    gone, but the HTTP and preflight caches may outlive a run: give every run its own URLs (both
    caches are keyed by URL, Fetch 'CORS-preflight cache').
    """

    name: str

    def run(self, page_url: str, spec: Mapping[str, Any]) -> PageRun:
        """Load `page_url`, call ``runCase(spec)`` there and return its value and the console text."""
        ...

    def close(self) -> None:
        """Stop the browser and every process started for it; safe to call on a half-started one."""
        ...


@dataclass(frozen=True, slots=True)
class EngineKind:
    """How to find and start one engine.

    Attributes:
        name: The engine's name in test ids (``chromium``, ``firefox``, ``webkit``).
        missing: Returns why the engine cannot run here (naming the Debian package to install),
            or None when everything it needs is installed.
        start: Starts the engine; raises `EngineError` when it does not come up in time.
    """

    name: str
    missing: Callable[[], str | None]
    start: Callable[[], Engine]


def page_result(value: Any) -> dict[str, Any]:
    """runCase()'s value as the page-side wrapper returned it; raises if runCase() threw."""
    if not isinstance(value, dict):
        raise EngineError(f"runCase() returned {value!r}, not an object")
    if SCRIPT_ERROR_KEY in value:
        raise EngineError(f"runCase() threw: {value[SCRIPT_ERROR_KEY]}")
    return value


def read_line(fd: int, seconds: float) -> str:
    """The first line written to the pipe `fd`, waiting at most `seconds` for it."""
    deadline = time.monotonic() + seconds
    data = b""
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise EngineError(f"nothing on the pipe within {seconds:.0f} s (got {data!r})")
        chunk = os.read(fd, 256)
        if not chunk:
            raise EngineError(f"the pipe closed before a whole line (got {data!r})")
        data += chunk
    return data.decode().strip()


def stop_process(process: subprocess.Popen[bytes], *, grace: float = 0.0) -> None:
    """Stop `process` by its PID: `grace` seconds to exit by itself, then SIGTERM, then SIGKILL."""
    for sig, seconds in ((None, grace), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
        if process.poll() is not None:
            return
        if sig is not None:
            process.send_signal(sig)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            continue
        return
    raise EngineError(f"process {process.pid} ({process.args!r}) outlived SIGKILL for 10 s")


def stop_pid(pid: int, *, grace: float) -> None:
    """Stop a process we started but hold no handle to (a driver's browser), by its PID.

    A process that has exited but is not reaped yet (a zombie) counts as stopped.
    """
    for sig in (None, signal.SIGTERM, signal.SIGKILL):
        if sig is not None:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
        deadline = time.monotonic() + (grace if sig is None else 10.0)
        while _running(pid):
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        else:
            return
    raise EngineError(f"process {pid} outlived SIGKILL for 10 s")


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # The state follows the parenthesised command name, which may itself hold spaces.
            state = stat.read().rpartition(")")[2].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")
