"""Run a server's command line with a deadline: ``python serve.py SECONDS gunicorn ARGS...``.

The command is ``gunicorn`` or ``waitress-serve``, and the server is the real one: its own
command-line entry point, run in this process with the arguments given, so a test runs exactly the
command the README shows. The server stops by itself: gracefully after SECONDS whatever happens,
and at once if the process that started it (the test run) dies first.
"""

import ctypes
import os
import signal
import sys
from types import FrameType

from gunicorn.app.wsgiapp import run as gunicorn
from waitress.runner import run as waitress

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def stop_with_parent() -> None:
    """Ask Linux to send SIGTERM here when the parent process dies; elsewhere rely on the deadline."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)


def main(argv: list[str]) -> None:
    """Arm the deadline, then hand the process over to the server's command-line entry point."""
    seconds, command, *arguments = argv

    def deadline_passed(signum: int, frame: FrameType | None) -> None:
        # gunicorn's arbiter handles SIGTERM as a graceful stop; waitress stops on SystemExit.
        if command == "gunicorn":
            os.kill(os.getpid(), signal.SIGTERM)
        else:
            raise SystemExit(0)

    signal.signal(signal.SIGALRM, deadline_passed)
    signal.alarm(int(seconds))
    stop_with_parent()
    if command == "gunicorn":
        sys.argv = [command, *arguments]
        gunicorn()
    elif command == "waitress-serve":
        waitress(argv=[command, *arguments])
    else:
        raise SystemExit(f"serve.py: unknown server command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
