"""The `corsware` command: see why a browser allows or blocks a cross-origin call.

``corsware demo`` runs browser scenarios against an example API; ``corsware check URL`` plays the
browser against a live server; ``corsware explain --config FILE`` asks a policy offline. ``check``
and ``explain`` share one verdict engine, `corsware.browser.simulate`: only the transport differs
(HTTP with the standard library, or `CORSMiddleware.explain`).
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import re
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from corsware.browser import (
    BrowserRequest,
    Headers,
    Response,
    Transport,
    Verdict,
    get_header,
    is_safelisted_method,
    simulate,
)

if TYPE_CHECKING:
    from corsware.decision import Decision
    from corsware.demo import Scenario
    from corsware.middleware import CORSMiddleware

__all__ = ["main"]

EXIT_ALLOWED = 0
EXIT_BLOCKED = 1
EXIT_USAGE = 2

_TIMEOUT_SECONDS = 10.0
_BODY_LIMIT = 1 << 20
_BODY_SHOWN = 200
_ORIGIN = re.compile(r"null|[a-z][a-z0-9+.-]*://[^/?#@\s]+")
_SHOWN_RESPONSE_HEADERS = ("access-control-", "vary", "location")


class UsageError(Exception):
    """A problem with the command line or the network: reported in one line, exit status 2."""


class _Style:
    """ANSI colour, only on a terminal and never when NO_COLOR is set (https://no-color.org)."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and not os.environ.get("NO_COLOR")

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text


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
    except UsageError as error:
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


def http_transport(timeout: float = _TIMEOUT_SECONDS) -> Transport:
    """A transport that sends each request with http.client, never following redirects.

    Raises:
        UsageError: the server cannot be reached or does not speak HTTP.
    """

    def send(method: str, url: str, headers: Headers) -> Response:
        parts = urlsplit(url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, target, headers=_combine(headers))
            response = connection.getresponse()
            body = response.read(_BODY_LIMIT)
            text = body[:_BODY_SHOWN].decode("utf-8", "replace") if _is_text(response) else ""
            return Response(response.status, tuple(response.getheaders()), text)
        except (OSError, http.client.HTTPException) as error:
            raise UsageError(f"cannot reach {url}: {str(error) or type(error).__name__}") from None
        finally:
            connection.close()

    return send


def _combine(headers: Headers) -> dict[str, str]:
    # A header set twice by script goes out once, its values joined, as fetch()'s Headers does.
    names: dict[str, str] = {}
    for name, _ in headers:
        names.setdefault(name.lower(), name)
    return {name: get_header(headers, name) or "" for name in names.values()}


def _is_text(response: http.client.HTTPResponse) -> bool:
    return (response.getheader("Content-Type") or "").lower().startswith("text/plain")


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
    _report(verdict, args.json, sys.stdout)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


# ---- explain -----------------------------------------------------------------------------------


def policy_transport(middleware: CORSMiddleware, decisions: list[Decision]) -> Transport:
    """A transport answered by ``middleware.explain()``: the headers corsware would send.

    When the app would answer (an actual request, or a path no resource covers), the status is
    assumed to be 200: corsware adds the same CORS headers to every status.
    """

    def send(method: str, url: str, headers: Headers) -> Response:
        origin = get_header(headers, "Origin")
        others = {name: value for name, value in headers if name.lower() != "origin"}
        decision = middleware.explain(method, urlsplit(url).path, origin=origin, headers=others)
        decisions.append(decision)
        status = int(decision.status.split()[0]) if decision.status else 200
        body = decision.reason if decision.status and not decision.allowed else ""
        return Response(status, decision.headers, body)

    return send


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
    _report(verdict, args.json, sys.stdout, policy=policy, fix=fix)
    return EXIT_ALLOWED if verdict.allowed else EXIT_BLOCKED


def _describe_decision(decision: Decision) -> str:
    return f"{decision.kind}, {decision.reason}: {decision.detail}"


# ---- demo --------------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from corsware import demo  # noqa: PLC0415 - imports werkzeug, which only the demo needs

    page_server, api_server = demo.start_servers(quiet=not args.serve)
    api_url, page_url = demo.url_of(api_server), demo.url_of(page_server)
    with demo.running(page_server, api_server):
        results = [
            (scenario, simulate(scenario.request(api_url), http_transport()))
            for scenario in demo.SCENARIOS
        ]
        as_expected = all(_outcome(s, v) == s.allowed for s, v in results)
        if args.json:
            print(json.dumps([_scenario_json(s, v) for s, v in results], indent=2))
        else:
            _print_demo(results, api_url, sys.stdout)
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


def _outcome(scenario: Scenario, verdict: Verdict) -> bool:
    if scenario.read_header is None:
        return verdict.allowed
    return verdict.allowed and scenario.read_header.lower() in verdict.readable_headers


def _scenario_json(scenario: Scenario, verdict: Verdict) -> dict[str, Any]:
    return {
        "title": scenario.title,
        "expected": "allowed" if scenario.allowed else "blocked",
        "outcome": "allowed" if _outcome(scenario, verdict) else "blocked",
        "read_header": scenario.read_header,
        **_verdict_json(verdict),
    }


def _why(scenario: Scenario, verdict: Verdict) -> str:
    failure = verdict.failure
    if failure is not None:
        why = ("preflight: " if failure.preflight else "") + failure.reason.split(". ")[0]
        said = _server_said(verdict)
        return why.rstrip(".") + (f" (server said {said})" if said else "")
    if scenario.read_header is not None:
        name = scenario.read_header
        if name.lower() in verdict.readable_headers:
            return f"{name} is listed in Access-Control-Expose-Headers, so script can read it"
        return f"the call succeeds, but {name} is not exposed: headers.get() returns null"
    final = verdict.exchanges[-1].response.headers
    allow_origin = get_header(final, "Access-Control-Allow-Origin")
    why = f"Access-Control-Allow-Origin: {allow_origin}"
    if verdict.request.credentials:
        why += " with Access-Control-Allow-Credentials: true"
    if verdict.preflight_needed:
        why = (
            f"preflight approved {verdict.request.method}"
            + (f" + {', '.join(verdict.unsafe_headers)}" if verdict.unsafe_headers else "")
            + f"; {why}"
        )
    return why


def _print_demo(results: list[tuple[Scenario, Verdict]], api_url: str, out: TextIO) -> None:
    style = _Style(out)
    print(f"corsware demo: the example API at {api_url}, called by pages on other origins.", file=out)
    print(f"The trusted front end is {results[0][0].origin}.\n", file=out)
    print(f" #  {'Scenario':<40} {'Request':<40} {'Preflight':<9}  Browser", file=out)
    for number, (scenario, verdict) in enumerate(results, start=1):
        outcome = _outcome(scenario, verdict)
        word = style("allowed", "32") if outcome else style("blocked", "31")
        mark = "" if outcome == scenario.allowed else style("  (unexpected!)", "1;31")
        request = f"{scenario.method} {scenario.path}"
        if scenario.credentials:
            request += " +cookies"
        if scenario.origin != results[0][0].origin:
            request += f" from {urlsplit(scenario.origin).hostname}"
        preflight = "yes" if verdict.preflight_needed else "no"
        print(
            f"{number:>2}  {scenario.title:<40} {request:<40} {preflight:<9}  {word}{mark}",
            file=out,
        )
        print(style(f"    why: {_why(scenario, verdict)}", "2"), file=out)
    print(
        "\nSee the browser's own words and the fix for any call with `corsware check URL "
        "--origin ORIGIN [--method M] [--header NAME] [--credentials]`.",
        file=out,
    )


# ---- rendering ---------------------------------------------------------------------------------


def _verdict_json(verdict: Verdict, policy: Sequence[str] = (), fix: str = "") -> dict[str, Any]:
    request = verdict.request
    failure = verdict.failure
    return {
        "verdict": "allowed" if verdict.allowed else "blocked",
        "allowed": verdict.allowed,
        "request": {
            "url": request.url,
            "origin": request.origin,
            "method": request.method,
            "headers": [list(header) for header in request.headers],
            "credentials": request.credentials,
            "private_network": request.target_address_space is not None,
        },
        "preflight": verdict.preflight_needed,
        "preflight_reasons": _preflight_reasons(verdict),
        "unsafe_headers": list(verdict.unsafe_headers),
        "exchanges": [
            {
                "kind": exchange.kind,
                "method": exchange.method,
                "url": exchange.url,
                "request_headers": [list(header) for header in exchange.request_headers],
                "status": exchange.response.status,
                "response_headers": [list(header) for header in exchange.response.headers],
                **({"policy": policy[index]} if index < len(policy) else {}),
            }
            for index, exchange in enumerate(verdict.exchanges)
        ],
        "failure": None
        if failure is None
        else {
            "code": failure.code,
            "stage": "preflight" if failure.preflight else "actual",
            "reason": failure.reason,
            "message": verdict.console_message(),
            "fix": fix or failure.fix,
        },
        "readable_headers": list(verdict.readable_headers),
        "hidden_headers": list(verdict.hidden_headers),
        "preflight_cache_seconds": verdict.preflight_cache_seconds,
        "notes": list(verdict.notes),
        "warnings": list(verdict.warnings),
    }


def _server_said(verdict: Verdict) -> str:
    response = verdict.exchanges[-1].response
    if response.status in range(200, 300) or not response.body.strip():
        return ""
    return f"HTTP {response.status} {response.body.strip()!r}"


def _preflight_reasons(verdict: Verdict) -> list[str]:
    request = verdict.request
    reasons = []
    if not is_safelisted_method(request.method):
        reasons.append(f"method {request.method} is not GET, HEAD or POST")
    if verdict.unsafe_headers:
        reasons.append("CORS-unsafe request headers: " + ", ".join(verdict.unsafe_headers))
    if request.target_address_space is not None:
        reasons.append(f"private network request to the `{request.target_address_space}` space")
    return reasons


def _printable(text: str) -> str:
    # Header values and bodies come from the server: control characters (a terminal escape
    # sequence, say) are shown escaped, never sent to the terminal.
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def _report(
    verdict: Verdict, as_json: bool, out: TextIO, *, policy: Sequence[str] = (), fix: str = ""
) -> None:
    if as_json:
        print(json.dumps(_verdict_json(verdict, policy, fix), indent=2), file=out)
        return
    style = _Style(out)

    def say(text: str = "", *, lead: str = "") -> None:
        print(lead + _printable(text), file=out)

    request = verdict.request
    credentials = "include" if request.credentials else "same-origin"
    say(
        f"fetch({request.url!r}) {request.method} from origin {request.origin} "
        f"(credentials: {credentials})"
    )
    reasons = _preflight_reasons(verdict)
    say("Preflight: " + ("yes, because " + "; ".join(reasons) if reasons else "no (a simple request)"))
    for index, exchange in enumerate(verdict.exchanges):
        say()
        say(f" {exchange.kind}: {exchange.method} {exchange.url}", lead="  " + style(">", "2"))
        for name, value in exchange.request_headers:
            say(f"      {name}: {value}")
        say(f" HTTP {exchange.response.status}", lead="  " + style("<", "2"))
        shown = [
            (name, value)
            for name, value in exchange.response.headers
            if name.lower().startswith(_SHOWN_RESPONSE_HEADERS)
        ]
        for name, value in shown:
            say(f"      {name}: {value}")
        if not shown:
            say("      (no Access-Control-* headers)")
        if index < len(policy):
            say(lead=style(_printable(f"    corsware: {policy[index]}"), "2"))
    for note in verdict.notes:
        say()
        say(f"Note: {note}")
    for warning in verdict.warnings:
        say()
        say(f": {warning}", lead=style("Warning", "1;33"))
    say()
    if verdict.failure is None:
        say(": script can read the response.", lead=style("ALLOWED", "1;32"))
        say("Readable headers: " + (", ".join(verdict.readable_headers) or "(none)"))
        hidden = [name for name in verdict.hidden_headers if not name.startswith("access-control-")]
        if hidden:
            say(
                "Hidden from script: "
                + ", ".join(hidden)
                + " (list them in Access-Control-Expose-Headers to read them)"
            )
        if verdict.preflight_cache_seconds is not None:
            say(f"Chromium caches this preflight for {verdict.preflight_cache_seconds} s.")
        return
    stage = "the preflight" if verdict.failure.preflight else "the response"
    say(f" by {stage}.", lead=style("BLOCKED", "1;31"))
    said = _server_said(verdict)
    if said:
        say(f"Server said: {said}")
    say(f"Browser console: {verdict.console_message()}")
    say(f"Fix: {fix or verdict.failure.fix}")
