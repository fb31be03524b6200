"""The `corsware` command: see why a browser allows or blocks a cross-origin call.

``corsware demo`` runs browser scenarios against an example API; ``corsware check URL`` plays the
browser against a live server; ``corsware explain --config FILE`` asks a policy offline. ``check``
and ``explain`` share one verdict engine, `corsware.browser.simulate`: only the transport differs
(`corsware.transports`: HTTP with the standard library, or `CORSMiddleware.explain`), and
`corsware.report` prints the result.
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from corsware.browser import BrowserRequest, Transport, Verdict, simulate
from corsware.report import print_demo, print_verdict, scenario_outcome
from corsware.transports import UnreachableError, http_transport, policy_transport

if TYPE_CHECKING:
    from corsware.decision import Decision

__all__ = ["main"]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2

_ORIGIN = re.compile(r"null|[a-z][a-z0-9+.-]*://[^/?#@\s]+")


class UsageError(Exception):
    """A problem with the command line: reported in one line, exit status 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="corsware",
        description="See what a browser does with a cross-origin request, and why.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="run browser scenarios against an example API wrapped in corsware"
    )
    demo.add_argument(
        "--serve",
        action="store_true",
        help="keep serving, with a page on a second origin to open in a browser",
    )
    demo.add_argument("--json", action="store_true", help="print JSON for scripts and CI")
    demo.set_defaults(handler=_demo)

    check = commands.add_parser(
        "check", help="act as a browser against a live server and give the verdict"
    )
    check.add_argument("url", metavar="URL", help="the http(s) URL the page fetches")
    _request_arguments(check, method_required=False)
    check.add_argument(
        "--private-network",
        action="store_true",
        help="the page is public and URL is private (send Chromium's private network preflight)",
    )
    check.set_defaults(handler=_check)

    explain = commands.add_parser(
        "explain", help="the same verdict from a corsware TOML config file, offline"
    )
    explain.add_argument("--config", required=True, metavar="FILE", help="corsware TOML file")
    explain.add_argument("--path", required=True, help="the request path, such as /api/items")
    _request_arguments(explain, method_required=True)
    explain.set_defaults(handler=_explain)
    return parser


def _request_arguments(parser: argparse.ArgumentParser, *, method_required: bool) -> None:
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
    parser.add_argument("--json", action="store_true", help="print JSON for scripts and CI")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `corsware` command.

    Args:
        argv: the arguments after the program name; ``sys.argv[1:]`` when None.

    Returns:
        The exit status: 0 when the browser allows (or the demo went as expected), 1 when it
        blocks, 2 on usage or network errors.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage or the help already
        return EXIT_USAGE if exit_.code else EXIT_ALLOWED
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except (UsageError, UnreachableError) as error:
        print(f"corsware {args.command}: {error}", file=sys.stderr)
        return EXIT_USAGE


def _parse_headers(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    headers = []
    for value in values:
        name, colon, text = value.partition(":")
        name = name.strip()
        if not name or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            raise UsageError(f"--header {value!r}: write NAME or NAME: VALUE")
        headers.append((name, text.strip() if colon else "corsware-check"))
    return tuple(headers)


def _build_request(args: argparse.Namespace, url: str, address_space: str | None) -> BrowserRequest:
    if not _ORIGIN.fullmatch(args.origin):
        raise UsageError(
            f"--origin {args.origin!r} is not an origin: write it as the browser sends it, "
            "scheme://host[:port] without a path, such as http://localhost:3000"
        )
    return BrowserRequest(
        url=url,
        origin=args.origin,
        method=args.method,
        headers=_parse_headers(args.header),
        credentials=args.credentials,
        target_address_space=address_space,
    )


def _simulate(request: BrowserRequest, transport: Transport) -> Verdict:
    try:
        return simulate(request, transport)
    except ValueError as error:  # fetch() itself would throw: a forbidden or invalid method
        raise UsageError(f"--method: {error}") from None


# ---- check -------------------------------------------------------------------------------------


def _address_space(host: str) -> str:
    # Chromium's names: "local" is the loopback address space, "private" a private network.
    if host == "localhost" or host.endswith(".localhost"):
        return "local"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "private"
    return "local" if address.is_loopback else "private"


def _check(args: argparse.Namespace) -> int:
    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"URL {args.url!r} must be an absolute http:// or https:// URL")
    space = _address_space(parts.hostname) if args.private_network else None
    request = _build_request(args, args.url, space)
    verdict = _simulate(request, http_transport())
    print_verdict(verdict, args.json, sys.stdout)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


# ---- explain -----------------------------------------------------------------------------------


def _explain(args: argparse.Namespace) -> int:
    from corsware.config import load_config  # noqa: PLC0415 - reads TOML only for this command
    from corsware.errors import CORSConfigError  # noqa: PLC0415
    from corsware.middleware import CORSMiddleware  # noqa: PLC0415

    if not args.path.startswith("/"):
        raise UsageError(f"--path {args.path!r} must start with '/', such as /api/items")
    try:
        options = load_config(args.config)
    except CORSConfigError as error:
        raise UsageError(f"{args.config}: {error}") from None
    middleware = CORSMiddleware(lambda environ, start_response: [], **options)
    decisions: list[Decision] = []
    request = _build_request(args, args.path, None)
    verdict = _simulate(request, policy_transport(middleware, decisions))
    policy = [_describe_decision(decision) for decision in decisions]
    # The policy knows which option refused the call; its fix is sharper than the browser's.
    fix = decisions[-1].detail.partition("Fix: ")[2] if verdict.failure else ""
    print_verdict(verdict, args.json, sys.stdout, policy=policy, fix=fix)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


def _describe_decision(decision: Decision) -> str:
    return f"{decision.kind}, {decision.reason}: {decision.detail}"


# ---- demo --------------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from corsware import demo  # noqa: PLC0415 - the example API is built only for this command

    page_server, api_server = demo.start_servers(quiet=not args.serve)
    api_url, page_url = demo.url_of(api_server), demo.url_of(page_server)
    with demo.running(page_server, api_server):
        results = [
            (scenario, simulate(scenario.request(api_url), http_transport()))
            for scenario in demo.SCENARIOS
        ]
        as_expected = all(scenario_outcome(s, v) == s.allowed for s, v in results)
        print_demo(results, api_url, args.json, sys.stdout)
        if args.serve:
            print(
                f"\nServing the API at {api_url} and the demo page at {page_url}/ "
                "(another origin).\nOpen the page in a browser to watch the same calls succeed "
                "and fail. Press Ctrl+C to stop.",
                flush=True,
            )
            try:
                _wait_forever()
            except KeyboardInterrupt:
                print("stopped")
    return EXIT_ALLOWED if as_expected else EXIT_BLOCKED


def _wait_forever() -> None:  # pragma: no cover - replaced in tests; Ctrl+C ends it
    threading.Event().wait()
