"""A real shared cache for the tests: Debian's varnishd, run in the foreground on 127.0.0.1.

`running` writes a VCL that names only the backend, so the built-in VCL varnishd appends decides
what is cached, as on a stock install: GET and HEAD without Cookie or Authorization, stored for
the response's ``Cache-Control: max-age`` and keyed by URL, Host and the response's ``Vary``.

Without varnishd the tests that need it skip with a reason, unless ``CI`` is set: there a missing
varnishd fails them. Run as a script (``python varnish.py SECONDS varnishd ARGS...``), this file
is the launcher that gives varnishd a deadline before it becomes varnishd.
"""

from __future__ import annotations

import ctypes
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import pytest

VARNISHD = "/usr/sbin/varnishd"
VARNISHADM = "/usr/bin/varnishadm"
LAUNCHER = Path(__file__)
START_TIMEOUT = 30.0
LIFETIME = 240  # seconds: a varnishd outliving its tests stops by itself
REQUEST_TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# `debug.listen_address` answers "<name> <address> <port>" per listen socket, once the child runs.
LISTENING = re.compile(r"^\S+ 127\.0\.0\.1 (\d+)$", re.MULTILINE)

VCL = """\
vcl 4.1;

backend gunicorn {{
    .host = "127.0.0.1";
    .port = "{port}";
    .connect_timeout = 2s;
    .first_byte_timeout = 10s;
    .between_bytes_timeout = 10s;
}}
"""


@dataclass(frozen=True, slots=True)
class Varnish:
    """A running varnishd: where its clients connect, and the file it logs to."""

    port: int
    log: Path

    def connect(self) -> http.client.HTTPConnection:
        """A new HTTP/1.1 connection to the cache (opened on first use)."""
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)


def running_in_ci() -> bool:
    """Whether the CI environment variable is set to something other than a false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require_varnish() -> tuple[str, str]:
    """Paths of varnishd and varnishadm; skips the calling test (fails it under CI) without them."""
    varnishd = VARNISHD if os.access(VARNISHD, os.X_OK) else shutil.which("varnishd")
    varnishadm = VARNISHADM if os.access(VARNISHADM, os.X_OK) else shutil.which("varnishadm")
    if varnishd is None or varnishadm is None:
        reason = (
            "SHARED-CACHE TESTS NOT RUN: no varnishd/varnishadm (/usr/sbin/varnishd or on PATH). "
            "Install them with `apt-get install -y --no-install-recommends varnish`."
        )
        if running_in_ci():
            pytest.fail(f"{reason} CI is set, so a missing varnishd fails the run.", pytrace=False)
        pytest.skip(reason)
    return varnishd, varnishadm


def command(varnishd: str, workdir: Path, vcl: Path) -> list[str]:
    """The varnishd command line: foreground, loopback only, small and quick to start."""
    return [
        varnishd,
        "-F",
        "-n",
        str(workdir / "varnish"),
        # Port 0: the kernel picks free ports; `listen_port` reads the client one back.
        "-a",
        "127.0.0.1:0",
        "-T",
        "127.0.0.1:0",
        # As root, varnishd's default jail (unix) switches to the `varnish` and `vcache` users,
        # which cannot read pytest's 0700 temporary directories; `none` keeps the run's own user,
        # root or not, which is acceptable for a cache bound to loopback for one test module.
        "-j",
        "none",
        "-f",
        str(vcl),
        "-s",
        "malloc,32m",
        "-s",
        "Transient=malloc,8m",
        "-p",
        "thread_pools=1",
        "-p",
        "thread_pool_min=5",
        "-p",
        "thread_pool_max=50",
        "-p",
        "vsl_space=1M",
        # A crashed child must fail the tests, not come back with an empty cache.
        "-p",
        "auto_restart=off",
    ]


@contextmanager
def running(backend_port: int, workdir: Path) -> Iterator[Varnish]:
    """Start varnishd in front of ``127.0.0.1:backend_port``, yield it once it serves, then stop it.

    Args:
        backend_port: The port of the HTTP server varnishd forwards misses to.
        workdir: A private directory for the VCL, varnishd's working directory and its log.
    """
    varnishd, varnishadm = require_varnish()
    vcl = workdir / "test.vcl"
    vcl.write_text(VCL.format(port=backend_port), encoding="utf-8")
    log = workdir / "varnishd.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own launcher, with our own arguments
            [sys.executable, str(LAUNCHER), str(LIFETIME), *command(varnishd, workdir, vcl)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Varnish(listen_port(process, varnishadm, workdir / "varnish", log), log)
    finally:
        # The manager stops its child (the cache process) itself on SIGTERM. (Imported here: this
        # file also runs as the launcher script, where the test package is not importable.)
        from .servers import stop  # noqa: PLC0415

        stop(process)


def listen_port(process: subprocess.Popen[bytes], varnishadm: str, name: Path, log: Path) -> int:
    """The client port, once varnishd's child answers on its command line (VCL compiled, started)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"varnishd exited with {process.returncode}: {log.read_text()}")
        answer = subprocess.run(  # noqa: S603 - varnishadm of the same install, our arguments
            [varnishadm, "-n", str(name), "-t", "1", "debug.listen_address"],
            capture_output=True,
            text=True,
            timeout=REQUEST_TIMEOUT,
            check=False,
        )
        if answer.returncode == 0 and (match := LISTENING.search(answer.stdout)):
            return int(match.group(1))
        time.sleep(0.05)
    raise AssertionError(f"varnishd did not start within {START_TIMEOUT}s: {log.read_text()}")


def launch(argv: list[str]) -> None:
    """Become ``argv[1:]`` with a deadline of ``argv[0]`` seconds and a stop when the parent dies.

    Both the alarm and the parent-death signal survive execve (alarm(2), prctl(2)). varnishd leaves
    SIGALRM to its default action, which ends the manager, and answers SIGTERM by stopping; either
    way its child (the cache process) sees the manager go and exits too.
    """
    seconds, executable, *arguments = argv
    signal.alarm(int(seconds))
    with suppress(OSError, AttributeError):  # not Linux: the deadline alone bounds it
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() == 1:  # the parent died before prctl took effect
        raise SystemExit(1)
    os.execv(executable, [executable, *arguments])  # noqa: S606 - varnishd, found by require_varnish


if __name__ == "__main__":
    launch(sys.argv[1:])
