"""The `corsware` command: see why a browser allows or blocks a cross-origin call.

``corsware demo`` runs browser scenarios against an example API; ``corsware check URL`` plays the
browser against a live server; ``corsware explain`` asks a policy offline, from a TOML file or from
the app itself. ``check`` and ``explain`` share one verdict engine, `corsware.browser.simulate`:
only the transport differs (`corsware.transports`: HTTP, or `CORSMiddleware.explain`), and
`corsware.report` prints the result.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn
from urllib.parse import urlsplit

from corsware.browser import BrowserRequest, needs_preflight, normalize_method, simulate
from corsware.browser.urls import address_space, parse_url
from corsware.browser.verdict import prepare
from corsware.discovery import find_middleware, import_app
from corsware.migrate import command as migrate_command
from corsware.report import CHECK_SCHEMA, EXPLAIN_SCHEMA, as_expected, print_demo, print_verdict
from corsware.terminal import Printer
from corsware.transports import TIMEOUT_SECONDS, UnreachableError, http_transport, policy_transport

if TYPE_CHECKING:
    from corsware.decision import Decision

__all__ = ["UsageError", "main"]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2
# A shell's status for a command that SIGINT ended (128 + 2).
EXIT_INTERRUPTED = 130

_ORIGIN = re.compile(r"null|[a-z][a-z0-9+.-]*://[^/?#@\s]+")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# RFC 9110 section 9.2.1 (TRACE, also safe, is a method fetch() refuses).
_SAFE_METHODS = frozenset(["GET", "HEAD", "OPTIONS"])

_EXIT_STATUSES = """\
exit status:
  0  {zero}
  1  {one}; also when the output pipe is closed early (corsware ... | head)
  2  a usage error{two}
  130  interrupted (Ctrl+C)
"""
_NETWORK_ERRORS = (
    ", or no verdict: the server cannot be reached, breaks the deadline or a size limit, "
    "or does not speak HTTP/1.x"
)


class UsageError(Exception):
    """A problem with the command line: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its error messages (which repeat the command line) escaped like all output."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the escaped message to stderr, and exit with status 2."""
        self.print_usage(sys.stderr)
        Printer(sys.stderr).say(f"{self.prog}: error: {message}")
        raise SystemExit(EXIT_USAGE)


class _Version(argparse.Action):
    """``--version``: read from the installed package's metadata only when asked for."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from importlib.metadata import version  # noqa: PLC0415

        print(f"corsware {version('corsware')}")
        parser.exit()


def _epilog(zero: str, one: str, *, network: bool) -> str:
    return _EXIT_STATUSES.format(zero=zero, one=one, two=_NETWORK_ERRORS if network else "")


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:  # noqa: PLR2004 - an hour is beyond any reason, NaN is refused
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds from 0 to 3600")
    return seconds


def _port(text: str) -> int:
    if not re.fullmatch(r"[0-9]{1,5}", text) or not 0 < int(text) < 1 << 16:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number from 1 to 65535")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="corsware",
        description="See what a browser does with a cross-origin request, and why.",
        epilog=_epilog(
            "the browser allows the call (demo: every scenario came out as expected)",
            "the browser blocks it (demo: a scenario did not)",
            network=True,
        ),
        formatter_class=formatter,
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the installed version and exit"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="run browser scenarios against an example API wrapped in corsware",
        description="Run browser scenarios against an example API wrapped in corsware, on 127.0.0.1.",
        epilog=_epilog("every scenario came out as expected", "a scenario did not", network=False),
        formatter_class=formatter,
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help="keep serving, with a page on a second origin to open in a browser",
    )
    demo.add_argument(
        "--port",
        type=_port,
        default=0,
        help="serve the API on this port of 127.0.0.1 (default: a free one)",
    )
    demo.add_argument("--json", action="store_true", help="print JSON (schema corsware.demo/1)")
    demo.set_defaults(handler=_demo)

    allowed = "the browser allows the call (or, without --send, its preflight allows it)"
    check = commands.add_parser(
        "check",
        help="act as a browser against a live server and give the verdict",
        description=(
            "Act as a browser against a live server: send the preflight the browser sends, then "
            "the actual request, and apply the browser's checks. The actual request is sent only "
            "when its method is safe (GET, HEAD, OPTIONS) or --send is given."
        ),
        epilog=_epilog(allowed, "the browser blocks it", network=True),
        formatter_class=formatter,
    )
    check.add_argument("url", metavar="URL", help="the http(s) URL the page fetches")
    _request_arguments(check, method_required=False, schema=CHECK_SCHEMA)
    check.add_argument(
        "--send",
        action="store_true",
        help=(
            "also send the actual request when its method is not safe in RFC 9110's sense "
            "(anything but GET, HEAD and OPTIONS: POST, PUT, DELETE...); without --send, such a "
            "request is judged from its preflight alone and is not sent"
        ),
    )
    check.add_argument(
        "--timeout",
        type=_seconds,
        default=TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"the deadline of each request and its response (default {TIMEOUT_SECONDS:g})",
    )
    check.add_argument(
        "--private-network",
        action="store_true",
        help=(
            "legacy: add the Private Network Access preflight that Chromium 104 to 141 sent when a "
            "public page called a private or loopback address (current browsers ask the user for "
            "Local Network Access instead, which check describes without this option)"
        ),
    )
    check.set_defaults(handler=_check)

    explain = commands.add_parser(
        "explain",
        help="the same verdict from a corsware TOML config file or app, offline",
        description=(
            "The same verdict, offline: ask the policy of a corsware TOML file (--config) or of "
            "the CORSMiddleware in your app (--app) what it answers."
        ),
        epilog=_epilog("the browser allows the call", "the browser blocks it", network=False),
        formatter_class=formatter,
    )
    source = explain.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", metavar="FILE", help="corsware TOML file")
    source.add_argument(
        "--app",
        metavar="MODULE:NAME",
        help=(
            "the app, as gunicorn names it (module:name, imported with the current directory on "
            "sys.path): a CORSMiddleware, a Flask app whose wsgi_app is one, or a wrapper that "
            "keeps one in .wsgi_app, .app or .application"
        ),
    )
    explain.add_argument("--path", required=True, help="the request path, such as /api/items")
    explain.add_argument(
        "--api-origin",
        metavar="ORIGIN",
        help=(
            "where the page reaches the API, such as http://192.168.1.20:8080: names the full URL "
            "and tells whether Local Network Access applies"
        ),
    )
    _request_arguments(explain, method_required=True, schema=EXPLAIN_SCHEMA)
    explain.set_defaults(handler=_explain)

    migrate = commands.add_parser("migrate", help=migrate_command.HELP)
    migrate_command.add_arguments(migrate)
    migrate.set_defaults(handler=migrate_command.handle)
    return parser


def _request_arguments(parser: argparse.ArgumentParser, *, method_required: bool, schema: str) -> None:
    parser.add_argument(
        "--origin", required=True, help="the page's origin, such as http://localhost:3000"
    )
    parser.add_argument(
        "--method",
        required=method_required,
        default="GET",
        help="the fetch() method" + ("" if method_required else " (default GET)"),
    )
    parser.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME[:VALUE]",
        help="a request header the page sets; repeat for more (default value: corsware-check)",
    )
    parser.add_argument("--credentials", action="store_true", help="fetch() with credentials: 'include'")
    parser.add_argument("--json", action="store_true", help=f"print JSON (schema {schema})")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `corsware` command.

    Args:
        argv: the arguments after the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit status: 0 when the browser allows (or the demo went as expected), 1 when it
        blocks (or the output pipe closed early), 2 on usage errors or when no verdict is possible,
        130 when interrupted (Ctrl+C).
    """
    try:
        status = _run(argv)
        sys.stdout.flush()  # inside the try: a closed pipe fails here, not at exit
    except BrokenPipeError:
        # `corsware ... | head`: the reader has gone. Point stdout at /dev/null so that the
        # interpreter's own flush at exit finds nothing to write (Python's "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_BLOCKED
    except KeyboardInterrupt:
        # Ctrl+C while waiting on a server or an import: the user knows why it stopped.
        sys.stderr.write("corsware: interrupted\n")
        return EXIT_INTERRUPTED
    return status


def _run(argv: Sequence[str] | None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage or the help already
        return EXIT_USAGE if exit_.code else EXIT_ALLOWED
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UsageError, UnreachableError) as error:
        sys.stdout.flush()
        # A configuration error lists one problem a line: each is a paragraph of its own.
        first, *others = str(error).split("\n")
        printer = Printer(sys.stderr)
        printer.say(f"corsware {args.command}: {first}")
        for line in others:
            printer.say(line.strip(), indent="  ", hanging="    ")
        return EXIT_USAGE


def _parse_headers(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    headers = []
    for value in values:
        name, colon, text = value.partition(":")
        name = name.strip()
        if not _HEADER_NAME.fullmatch(name):
            raise UsageError(f"--header {value!r}: write NAME or NAME: VALUE")
        # fetch()'s Headers throws on a value with NUL, CR or LF, or a character above U+00FF.
        if set(text) & {"\0", "\r", "\n"} or not all(ord(char) < 0x100 for char in text):  # noqa: PLR2004
            raise UsageError(
                f"--header {value!r}: a value cannot hold NUL, CR, LF or characters above U+00FF"
            )
        headers.append((name, text.strip() if colon else "corsware-check"))
    return tuple(headers)


def _build_request(args: argparse.Namespace, url: str, space: str | None) -> BrowserRequest:
    if not _ORIGIN.fullmatch(args.origin):
        raise UsageError(
            f"--origin {args.origin!r} is not an origin: write it as the browser sends it, "
            "scheme://host[:port] without a path, such as http://localhost:3000"
        )
    try:
        normalize_method(args.method)
    except ValueError as error:  # fetch() itself would throw: a forbidden or invalid method
        raise UsageError(f"--method: {error}") from None
    return BrowserRequest(
        url=url,
        origin=args.origin,
        method=args.method,
        headers=_parse_headers(args.header),
        credentials=args.credentials,
        target_address_space=space,
    )


# ---- check -------------------------------------------------------------------------------------


def _check(args: argparse.Namespace) -> int:
    url = parse_url(args.url)
    if url is None or not url.startswith(("http://", "https://")):
        raise UsageError(
            f"URL {args.url!r} must be an absolute http:// or https:// URL with a valid host and port"
        )
    space = None
    if args.private_network:
        # The legacy preflight names the spaces as Chromium then did: "local" meant loopback.
        space = "local" if address_space(urlsplit(url).hostname or "") == "loopback" else "private"
    request = _build_request(args, url, space)
    prepared, _ = prepare(request)
    method = prepared.method
    send = args.send or method in _SAFE_METHODS
    if not send and not needs_preflight(prepared):
        raise UsageError(
            f"a {method} request needs no preflight, so check can judge it only by sending it, and "
            f"{method} is not a safe method: add --send to send it"
        )
    verdict = simulate(request, http_transport(args.timeout), send_actual=send)
    print_verdict(verdict, args.json, sys.stdout)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


# ---- explain -----------------------------------------------------------------------------------


def _explain(args: argparse.Namespace) -> int:
    from corsware.config import load_config  # noqa: PLC0415 - reads TOML only for this command
    from corsware.errors import CORSConfigError  # noqa: PLC0415
    from corsware.middleware import CORSMiddleware  # noqa: PLC0415

    if not args.path.startswith("/"):
        raise UsageError(f"--path {args.path!r} must start with '/', such as /api/items")
    url = args.path
    if args.api_origin is not None:
        base = parse_url(args.api_origin) if _ORIGIN.fullmatch(args.api_origin) else None
        if base is None or not base.startswith(("http://", "https://")):
            raise UsageError(
                f"--api-origin {args.api_origin!r} must be an http(s) origin, such as "
                "http://192.168.1.20:8080"
            )
        url = base.rstrip("/") + args.path
    request = _build_request(args, url, None)
    if args.app is not None:
        try:
            middleware = find_middleware(import_app(args.app))
        except LookupError as error:
            raise UsageError(str(error)) from None
    else:
        try:
            options = load_config(args.config)
        except CORSConfigError as error:
            raise UsageError(f"{args.config}: {error}") from None
        middleware = CORSMiddleware(lambda environ, start_response: [], **options)
    decisions: list[Decision] = []
    verdict = simulate(request, policy_transport(middleware, decisions))
    policy = [_describe_decision(decision) for decision in decisions]
    # The policy knows which option refused the call; its fix is sharper than the browser's.
    fix = decisions[-1].detail.partition("Fix: ")[2] if verdict.failure else ""
    print_verdict(verdict, args.json, sys.stdout, policy=policy, fix=fix, schema=EXPLAIN_SCHEMA)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


def _describe_decision(decision: Decision) -> str:
    return f"{decision.kind}, {decision.reason}: {decision.detail}"


# ---- demo --------------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from corsware import demo  # noqa: PLC0415 - the example API is built only for this command

    try:
        page_server, api_server = demo.start_servers(quiet=not args.serve, port=args.port)
    except OSError as error:
        raise UsageError(f"--port {args.port}: cannot serve on 127.0.0.1:{args.port}: {error}") from None
    api_url, page_url = demo.url_of(api_server), demo.url_of(page_server)
    with demo.running(page_server, api_server):
        results = [
            (scenario, simulate(scenario.request(api_url), http_transport()))
            for scenario in demo.SCENARIOS
        ]
        went_as_expected = all(as_expected(s, v) for s, v in results)
        print_demo(results, api_url, args.json, sys.stdout)
        if args.serve:
            say = Printer(sys.stdout).say
            say()
            say(f"Serving the API at {api_url} and the demo page at {page_url}/ (another origin).")
            say(
                "Open the page in a browser to watch the same calls succeed and fail. "
                "Press Ctrl+C to stop."
            )
            sys.stdout.flush()
            try:
                _wait_forever()
            except KeyboardInterrupt:
                print("stopped")
    return EXIT_ALLOWED if went_as_expected else EXIT_BLOCKED


def _wait_forever() -> None:  # pragma: no cover - replaced in tests; Ctrl+C ends it
    threading.Event().wait()
