"""Real servers (gunicorn, waitress) as child processes on 127.0.0.1, and an HTTP client for them.

A server is started from the command line the README shows, with its port 8000 replaced by 0 so
that the kernel picks a free port; the port is read back from the server's own start-up line.
`serve.py` gives every server a deadline, and `running` stops it when the test is done.
"""

from __future__ import annotations

import http.client
import itertools
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .cases import AUTHORIZATION, Case, Cors, Outcome, check, preflight

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVE = Path(__file__).with_name("serve.py")
README_ADDRESS = "127.0.0.1:8000"
# gunicorn: "Listening at: http://127.0.0.1:PORT (PID)"; waitress: "Serving on http://127.0.0.1:PORT".
STARTED = re.compile(r"(?:Listening at:|Serving on) http://127\.0\.0\.1:(\d+)")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
LIFETIME = 240  # seconds: a server outliving its tests stops by itself
REQUEST_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Server:
    """A running server: where to reach it, and what it has printed so far."""

    port: int
    log: list[str]

    def logged(self, text: str) -> bool:
        """Whether the server prints a line containing ``text`` within a few seconds."""
        deadline = time.monotonic() + REQUEST_TIMEOUT
        while not any(text in line for line in self.log):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def connect(self) -> http.client.HTTPConnection:
        """A new HTTP/1.1 connection to the server (opened on first use)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)

    def request(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        body: bytes | None = None,
        connection: http.client.HTTPConnection | None = None,
    ) -> Outcome:
        """Send one request (on ``connection`` if given, else on a new one) and read all of it."""
        conn = connection or self.connect()
        try:
            conn.request(method, path, body=body, headers=dict(headers))
            response = conn.getresponse()
            return Outcome(response.status, response.getheaders(), response.read())
        finally:
            if connection is None:
                conn.close()


def command_for_test(readme_command: list[str]) -> list[str]:
    """The README's server command, on a free port instead of 8000."""
    assert any(README_ADDRESS in argument for argument in readme_command), readme_command
    return [argument.replace(README_ADDRESS, "127.0.0.1:0") for argument in readme_command]


def pump_output(stream: Iterator[str], lines: queue.Queue[str], log: list[str]) -> None:
    """Copy a child's output, line by line, into its log and onto the queue a start-up wait reads."""
    for line in stream:
        log.append(line)
        lines.put(line)


@contextmanager
def running(readme_command: list[str], runtime_dir: Path) -> Iterator[Server]:
    """Start the README's server command under serve.py, yield it once it listens, then stop it.

    Args:
        readme_command: The command as the README shows it (``gunicorn ...``, ``waitress-serve ...``).
        runtime_dir: A private directory for the server's runtime files (gunicorn 23+ opens a
            control socket in ``$XDG_RUNTIME_DIR``, else in ``~/.gunicorn``).
    """
    process = subprocess.Popen(  # noqa: S603 - our own launcher, with the README's arguments
        [sys.executable, str(SERVE), str(LIFETIME), *command_for_test(readme_command)],
        cwd=REPO_ROOT,
        env={**child_environment(), "XDG_RUNTIME_DIR": str(runtime_dir)},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    pump = threading.Thread(target=pump_output, args=(process.stdout, lines, log), daemon=True)
    pump.start()
    try:
        yield Server(wait_for_port(process, lines, log), log)
    finally:
        stop(process)
        pump.join(STOP_TIMEOUT)  # the pipe reaches its end once the server and its workers exit
        process.stdout.close()


def stop(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> None:
    """Stop a child process by its PID: politely, then for sure, waiting a bounded time each."""
    process.terminate()
    try:
        process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_TIMEOUT)


def child_environment() -> dict[str, str]:
    """This process's environment, with the repository root first on ``PYTHONPATH``."""
    # The child imports `examples` from the repository root, as the README's command run there does.
    path = [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(path)}


def wait_for_port(
    process: subprocess.Popen[str],
    lines: queue.Queue[str],
    log: list[str],
    started: re.Pattern[str] = STARTED,
) -> int:
    """The port a child reports in its start-up line (``started``'s group 1), within START_TIMEOUT."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            if process.poll() is not None:
                raise AssertionError(f"server exited with {process.returncode}: {log}") from None
            continue
        if match := started.search(line):
            return int(match.group(1))
    raise AssertionError(f"server did not start within {START_TIMEOUT}s: {log}")


def concurrent_tenants(server: Server, clients: int, rounds: int) -> list[int]:
    """Run ``clients`` threads at once, each with its own origins and requested header, on ``server``.

    Each thread keeps one connection (keep-alive where the server allows) and sends ``rounds``
    requests, preflights and actual requests in turn, from an allowed or a refused origin; every
    response must carry exactly what its own request deserves: its own origin (or none for the
    refused ones), its own requested header reflected, its own query echoed. Returns how many
    requests each thread checked.
    """

    def client(number: int) -> int:
        allowed = f"https://tenant{number}.example.com"
        refused = f"https://tenant{number}.example.org"
        requested = f"x-client-{number}"
        connection = server.connect()
        checked = 0
        try:
            for round_, is_preflight in zip(range(rounds), itertools.cycle([True, False])):
                is_allowed = (number + round_) % 3 != 0
                origin = allowed if is_allowed else refused
                if is_preflight:
                    case = preflight("/api/echo", "PUT", requested, origin=origin, allowed=is_allowed)
                else:
                    query = f"client={number}&round={round_}"
                    case = Case(
                        path=f"/api/echo?{query}",
                        origin=origin,
                        headers=AUTHORIZATION,
                        cors=Cors.GRANTED if is_allowed else Cors.REFUSED,
                        status=200,
                        json={"query": query},
                    )
                outcome = server.request(
                    case.method, case.path, case.request_headers(), connection=connection
                )
                check(case, outcome)
                if is_preflight and is_allowed:
                    assert outcome.tokens("Access-Control-Allow-Headers") == {requested}
                checked += 1
        finally:
            connection.close()
        return checked

    with ThreadPoolExecutor(max_workers=clients) as pool:
        return list(pool.map(client, range(clients)))
