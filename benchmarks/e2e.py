"""End to end: gunicorn serves the bare app and the corsware-wrapped app; a load generator on
127.0.0.1 measures each one's throughput in alternating rounds.

A third server, the control, runs the bare app setting by itself the very headers corsware adds:
the difference between it and the bare app is what sending those headers costs the server
(gunicorn validates and serialises every header), whoever adds them.

The load generator is ``wrk`` when it is on PATH (Debian: ``apt-get install -y wrk``), because it
costs the server's machine the least CPU; otherwise a small keep-alive client written with the
standard library (threads and raw sockets) takes its place. The report says which one ran.

Two throughputs are reported per round: requests per wall-clock second, and requests per CPU second
of the gunicorn processes (read from Linux's /proc). The second is what one server core can sustain;
it does not move when other processes on a shared machine take the CPU away for a while, so the
target is judged on it where /proc is available.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import scenario

ROOT = Path(__file__).resolve().parent.parent
#: The servers, by their factory in benchmarks.e2e_apps.
APPS = ("bare", "headers", "wrapped")
REQUEST = (
    f"GET {scenario.PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: {scenario.ALLOWED_ORIGIN}\r\n"
    "Accept: */*\r\nUser-Agent: benchmarks\r\n\r\n"
).encode("ascii")
START_TIMEOUT = 20.0


@dataclass(frozen=True)
class Round:
    """One load round against one app."""

    requests: int
    seconds: float
    #: CPU time the gunicorn processes used during the round, or None where /proc is missing.
    cpu_seconds: float | None

    @property
    def rate(self) -> float:
        """Requests per wall-clock second."""
        return self.requests / self.seconds

    @property
    def capacity(self) -> float | None:
        """Requests per CPU second of the server: what one fully busy core would serve."""
        return self.requests / self.cpu_seconds if self.cpu_seconds else None


@dataclass
class E2EResult:
    """Every round of each app."""

    generator: str
    server: str
    rounds: dict[str, list[Round]] = field(default_factory=lambda: {app: [] for app in APPS})

    @property
    def by_cpu(self) -> bool:
        """Whether server CPU time was measured, so that capacities can be compared."""
        return all(r.capacity is not None for rounds in self.rounds.values() for r in rounds)

    def throughput(self, round_: Round) -> float:
        """A round's throughput: its capacity where CPU time is known, else its rate."""
        return round_.capacity or 0.0 if self.by_cpu else round_.rate

    def ratios(self, app: str = "wrapped", base: str = "bare") -> list[float]:
        """``app``'s throughput over ``base``'s, for each pair of back-to-back rounds."""
        pairs = zip(self.rounds[app], self.rounds[base], strict=True)
        return [self.throughput(ours) / self.throughput(theirs) for ours, theirs in pairs]

    def cost_of(self, app: str = "wrapped", base: str = "bare") -> float:
        """The share of ``base``'s throughput that ``app`` loses.

        Each round is paired with the other app's round run right beside it, under the same load
        from the rest of the machine, and the median pair decides: one disturbed round moves it
        little.
        """
        return 1 - statistics.median(self.ratios(app, base))

    @property
    def cost(self) -> float:
        """The share of the bare app's throughput that corsware takes away: the target's figure."""
        return self.cost_of()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers), read from /proc."""
    found = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat, encoding="ascii", errors="replace") as file:
                fields = file.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.split("/")[2]))
    return found


def _cpu_seconds(pids: list[int]) -> float | None:
    """CPU time used so far by every thread of ``pids``, to the nanosecond, or None without /proc."""
    total = 0
    found = False
    for pid in pids:
        for schedstat in glob.glob(f"/proc/{pid}/task/*/schedstat"):
            with contextlib.suppress(OSError, ValueError), open(schedstat, encoding="ascii") as file:
                total += int(file.read().split()[0])
                found = True
    return total / 1e9 if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            msg = f"gunicorn exited with status {process.returncode} before listening"
            raise RuntimeError(msg)
        # The master listens before its worker has loaded the app: wait for a whole answer.
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 2) as sock:
            sock.sendall(REQUEST)
            _read_response(sock, bytearray())
            return
        time.sleep(0.1)
    msg = f"gunicorn did not listen on 127.0.0.1:{port} within {START_TIMEOUT:.0f} s"
    raise RuntimeError(msg)


@contextlib.contextmanager
def serve(app: str, threads: int, worker_class: str = "gthread") -> Iterator[tuple[int, list[int]]]:
    """Run gunicorn (one gthread worker, keep-alive) serving ``benchmarks.e2e_apps:<app>``.

    Yields the port and the process ids of the master and its worker.
    """
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        f"benchmarks.e2e_apps:{app}()",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        _wait_until_listening(port, process)
        yield port, [process.pid, *_children(process.pid)]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _read_response(sock: socket.socket, buffer: bytearray) -> bool:
    """Read one response off a keep-alive connection; say whether the server will keep it open."""
    while (end := buffer.find(b"\r\n\r\n")) < 0:
        chunk = sock.recv(65536)
        if not chunk:
            msg = "the server closed the connection mid-response"
            raise ConnectionError(msg)
        buffer += chunk
    head = bytes(buffer[:end]).lower()
    match = re.search(rb"\r\ncontent-length:\s*(\d+)", head)
    length = int(match.group(1)) if match else 0
    while len(buffer) < end + 4 + length:
        chunk = sock.recv(65536)
        if not chunk:
            msg = "the server closed the connection mid-body"
            raise ConnectionError(msg)
        buffer += chunk
    del buffer[: end + 4 + length]
    return b"\r\nconnection: close" not in head


def _python_load(port: int, seconds: float, connections: int) -> tuple[int, float]:
    """Requests answered to ``connections`` keep-alive clients in about ``seconds``, and the time."""
    counts = [0] * connections
    errors: list[BaseException] = []
    start = time.perf_counter()
    deadline = start + seconds

    def client(index: int) -> None:
        done = 0
        buffer = bytearray()
        sock = None
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            while time.perf_counter() < deadline:
                sock.sendall(REQUEST)
                if not _read_response(sock, buffer):
                    sock.close()
                    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                done += 1
        except (OSError, ConnectionError) as error:
            errors.append(error)
        finally:
            if sock is not None:
                sock.close()
            counts[index] = done

    workers = [threading.Thread(target=client, args=(i,)) for i in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 30)
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    return sum(counts), elapsed


def _wrk_load(wrk: str, port: int, seconds: float, connections: int) -> tuple[int, float]:
    command = [
        wrk,
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--header",
        f"Origin: {scenario.ALLOWED_ORIGIN}",
        f"http://127.0.0.1:{port}{scenario.PATH}",
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    count = re.search(r"(\d+) requests in", output)
    rate = re.search(r"Requests/sec:\s*([\d.]+)", output)
    if count is None or rate is None or "Non-2xx" in output or "Socket errors" in output:
        msg = f"wrk reported errors or no rate:\n{output}"
        raise RuntimeError(msg)
    requests = int(count.group(1))
    return requests, requests / float(rate.group(1))


def run(
    *, rounds: int, seconds: float, connections: int = 4, threads: int = 4, generator: str = "auto"
) -> E2EResult:
    """Rotate load rounds among gunicorn serving the bare app, the control and corsware."""
    wrk = shutil.which("wrk") if generator in {"auto", "wrk"} else None
    if generator == "wrk" and wrk is None:
        msg = "--load-generator wrk asked for, but wrk is not on PATH (apt-get install -y wrk)"
        raise RuntimeError(msg)
    used = f"wrk ({wrk})" if wrk else "Python keep-alive client (wrk not on PATH)"
    server = f"gunicorn, 1 gthread worker x {threads} threads, keep-alive; {connections} connections"
    result = E2EResult(used, server)
    with contextlib.ExitStack() as stack:
        servers = {app: stack.enter_context(serve(app, threads)) for app in APPS}
        for port, _ in servers.values():  # warm each: imports, first-request paths
            _python_load(port, 0.3, 1)
        for index in range(rounds):
            # Rotate the order so that no app always runs first, or right after the same one.
            shift = index % len(APPS)
            for app in APPS[shift:] + APPS[:shift]:
                port, pids = servers[app]
                before = _cpu_seconds(pids)
                if wrk:
                    requests, elapsed = _wrk_load(wrk, port, seconds, connections)
                else:
                    requests, elapsed = _python_load(port, seconds, connections)
                after = _cpu_seconds(pids)
                used = after - before if after is not None and before is not None else None
                result.rounds[app].append(Round(requests, elapsed, used))
    return result
