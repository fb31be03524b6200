"""How the `corsware` command shows a verdict: text for people, JSON for scripts, the demo's table."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit

from corsware.browser import Verdict, get_header, is_safelisted_method

if TYPE_CHECKING:
    from corsware.demo import Scenario

__all__ = ["print_demo", "print_verdict", "scenario_outcome"]

_SHOWN_RESPONSE_HEADERS = ("access-control-", "vary", "location")


class _Style:
    """ANSI colour, only on a terminal and never when NO_COLOR is set (https://no-color.org)."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = stream.isatty() and not os.environ.get("NO_COLOR")

    def __call__(self, text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text


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


def print_verdict(
    verdict: Verdict, as_json: bool, out: TextIO, *, policy: Sequence[str] = (), fix: str = ""
) -> None:
    """Print a verdict: the exchanges, then allowed or blocked with the console message and fix.

    Args:
        verdict: what the simulated browser did.
        as_json: print JSON for scripts instead of text for people.
        out: where to print; coloured only when it is a terminal.
        policy: for `corsware explain`, corsware's decision on each exchange, in order.
        fix: a fix sharper than the browser's, when the policy knows which option refused.
    """
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


def scenario_outcome(scenario: Scenario, verdict: Verdict) -> bool:
    """Whether the demo page gets what the scenario is about: the response, or the header too."""
    if scenario.read_header is None:
        return verdict.allowed
    return verdict.allowed and scenario.read_header.lower() in verdict.readable_headers


def _scenario_json(scenario: Scenario, verdict: Verdict) -> dict[str, Any]:
    return {
        "title": scenario.title,
        "expected": "allowed" if scenario.allowed else "blocked",
        "outcome": "allowed" if scenario_outcome(scenario, verdict) else "blocked",
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


def print_demo(
    results: Sequence[tuple[Scenario, Verdict]], api_url: str, as_json: bool, out: TextIO
) -> None:
    """Print the demo's scenarios with their verdicts: as a table with the why, or as JSON."""
    if as_json:
        print(json.dumps([_scenario_json(s, v) for s, v in results], indent=2), file=out)
        return
    style = _Style(out)
    print(f"corsware demo: the example API at {api_url}, called by pages on other origins.", file=out)
    print(f"The trusted front end is {results[0][0].origin}.\n", file=out)
    print(f" #  {'Scenario':<40} {'Request':<40} {'Preflight':<9}  Browser", file=out)
    for number, (scenario, verdict) in enumerate(results, start=1):
        outcome = scenario_outcome(scenario, verdict)
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
