"""How the `corsware` command shows a verdict: text for people, JSON for scripts, the demo's table.

Text goes through `corsware.terminal` (escaped line by line, wrapped to the terminal's width); JSON
carries a versioned ``"schema"`` name and is escaped by `json.dumps` (ASCII only).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from corsware.browser import (
    EngineOutcome,
    Failure,
    Verdict,
    engine_outcomes,
    get_header,
    is_safelisted_method,
)
from corsware.terminal import Printer, printable, wrap

if TYPE_CHECKING:
    from corsware.demo import Scenario

__all__ = [
    "CHECK_SCHEMA",
    "DEMO_SCHEMA",
    "EXPLAIN_SCHEMA",
    "SHOWN_RESPONSE_HEADERS",
    "as_expected",
    "print_demo",
    "print_verdict",
    "scenario_outcome",
    "verdict_json",
    "verdict_word",
]

CHECK_SCHEMA = "corsware.check/1"
"""The ``"schema"`` of ``corsware check --json``."""
EXPLAIN_SCHEMA = "corsware.explain/1"
"""The ``"schema"`` of ``corsware explain --json``: the check schema, with a policy per exchange."""
DEMO_SCHEMA = "corsware.demo/1"
"""The ``"schema"`` of ``corsware demo --json``."""
SHOWN_RESPONSE_HEADERS = ("access-control-", "cache-control", "location", "vary")
"""The response headers shown and put in JSON, by lower-case prefix: those the verdict reads.

Others (``Date``, ``Server``, ``Content-Length``, cookies, request ids) change from one run to the
next or say nothing about CORS; their names are in the readable and hidden header lists.
"""

_REDIRECT_FAILURES = frozenset(
    ["invalid-redirect", "redirect-contains-credentials", "redirect-disallowed-scheme"]
)
_OUTCOME_WORDS = {"allowed": "allowed", "blocked": "blocked", "asks-user": "asks user"}
_OUTCOME_COLOURS = {"allowed": "32", "blocked": "31", "asks-user": "33"}


def verdict_word(verdict: Verdict) -> str:
    """``"allowed"``, ``"blocked"``, or ``"preflight-allowed"`` when the actual request was not sent."""
    if not verdict.allowed:
        return "blocked"
    return "preflight-allowed" if verdict.not_sent else "allowed"


def _stage(failure: Failure) -> str:
    if failure.preflight:
        return "preflight"
    return "redirect" if failure.code in _REDIRECT_FAILURES else "actual"


def verdict_json(verdict: Verdict, policy: Sequence[str] = (), fix: str = "") -> dict[str, Any]:
    """The verdict as the JSON object documented for ``--json`` (without its ``"schema"``)."""
    request = verdict.request
    failure = verdict.failure
    local = verdict.local_network
    unsent = verdict.not_sent
    return {
        "verdict": verdict_word(verdict),
        "request": {
            "url": request.url,
            "origin": request.origin,
            "method": request.method,
            "headers": [list(header) for header in request.headers],
            "credentials": request.credentials,
            "pna_preflight": request.target_address_space is not None,
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
                "response_headers": [
                    list(header) for header in _shown_headers(exchange.response.headers)
                ],
                **({"policy": policy[index]} if index < len(policy) else {}),
            }
            for index, exchange in enumerate(verdict.exchanges)
        ],
        "not_sent": None
        if unsent is None
        else {"method": unsent.method, "url": unsent.url, "headers": [list(h) for h in unsent.headers]},
        "failure": None
        if failure is None
        else {
            "code": failure.code,
            "stage": _stage(failure),
            "network_error": failure.network_error,
            "reason": failure.reason,
            "console_message": verdict.console_message(),
            "fix": fix or failure.fix,
        },
        "readable_headers": list(verdict.readable_headers),
        "hidden_headers": list(verdict.hidden_headers),
        "preflight_cache_seconds": verdict.preflight_cache_seconds,
        "local_network_access": None
        if local is None
        else {
            "origin": local.origin,
            "host": local.host,
            "address_space": local.space,
            "secure_context": local.secure_context,
            "explanation": local.explanation(),
        },
        "notes": list(verdict.notes),
        "warnings": list(verdict.warnings),
        "engines": [_engine_json(outcome) for outcome in engine_outcomes(verdict)],
    }


def _shown_headers(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name.lower().startswith(SHOWN_RESPONSE_HEADERS)]


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
        reasons.append(
            "--private-network: Chromium 104 to 141 sent a Private Network Access preflight for "
            f"calls to the `{request.target_address_space}` address space (legacy)"
        )
    return reasons


def _engine_json(outcome: EngineOutcome) -> dict[str, Any]:
    return {
        "engine": outcome.engine.key,
        "name": outcome.engine.name,
        "allowed": outcome.allowed,
        "preflighted": outcome.preflighted,
        "preflight_cache_seconds": outcome.cache_seconds,
        "preflighted_again": outcome.preflighted_again,
        "notes": list(outcome.notes),
    }


def _names(outcomes: Sequence[EngineOutcome]) -> str:
    names = [outcome.engine.name for outcome in outcomes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _print_engines(printer: Printer, verdict: Verdict) -> None:
    """Which engines the verdict is for, and where they part ways (their preflight caches)."""
    outcomes = engine_outcomes(verdict)
    # The CORS and preflight checks come out the same in the three engines (the browser suite's
    # differential test holds the model to each of them); only Chromium has Local Network Access.
    word = verdict_word(verdict).replace("-", " ")
    text = f"This verdict ({word}) is the one of {_names(outcomes)}, as tested."
    if verdict.allowed and verdict.local_network is not None:
        text += " Chromium makes the call only once the user grants Local Network Access."
    printer.say(text)
    if verdict.failure is not None:
        return
    seconds = {outcome.cache_seconds for outcome in outcomes}
    if seconds != {None}:
        printer.say(
            "Preflight cache: "
            + ", ".join(f"{outcome.engine.name} {outcome.cache_seconds} s" for outcome in outcomes)
            + "."
        )
    again = [outcome for outcome in outcomes if outcome.preflighted_again]
    if again:
        reasons = " ".join(note for outcome in again for note in outcome.notes)
        cached = [
            outcome for outcome in outcomes if outcome.preflighted and not outcome.preflighted_again
        ]
        text = f"Made again soon after, this request is preflighted again in {_names(again)}"
        text += f"; answered from the preflight cache in {_names(cached)}." if cached else "."
        printer.say(text + (f" {reasons}" if reasons else ""))


def print_verdict(
    verdict: Verdict,
    as_json: bool,
    out: TextIO,
    *,
    policy: Sequence[str] = (),
    fix: str = "",
    schema: str = CHECK_SCHEMA,
) -> None:
    """Print a verdict: the exchanges, then allowed or blocked with the console message and fix.

    Args:
        verdict: what the simulated browser did.
        as_json: print JSON for scripts instead of text for people.
        out: where to print; coloured only when it is a terminal.
        policy: for `corsware explain`, corsware's decision on each exchange, in order.
        fix: a fix sharper than the browser's, when the policy knows which option refused.
        schema: the JSON ``"schema"`` name.
    """
    if as_json:
        print(json.dumps({"schema": schema, **verdict_json(verdict, policy, fix)}, indent=2), file=out)
        return
    printer = Printer(out)
    say = printer.say
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
        say(
            f"> {exchange.kind}: {exchange.method} {exchange.url}", indent="  ", hanging="    ", lead=">"
        )
        for name, value in exchange.request_headers:
            printer.header(name, value, indent="      ")
        say(f"< HTTP {exchange.response.status}", indent="  ", lead="<")
        shown = _shown_headers(exchange.response.headers)
        for name, value in shown:
            printer.header(name, value, indent="      ")
        if not any(name.lower().startswith("access-control-") for name, _ in shown):
            say("(no Access-Control-* headers)", indent="      ")
        if index < len(policy):
            printer.dim(f"corsware: {policy[index]}", indent="    ", hanging="      ")
    for note in verdict.notes:
        say()
        say(f"Note: {note}")
    for warning in verdict.warnings:
        say()
        say(f"Warning: {warning}", lead="Warning", code="1;33")
    if verdict.local_network is not None:
        say()
        say(verdict.local_network.explanation(), lead="Local Network Access", code="1;33")
    say()
    if verdict.failure is None:
        _print_allowed(printer, verdict)
        _print_engines(printer, verdict)
        return
    stage = {"preflight": "the preflight", "redirect": "the redirect", "actual": "the response"}
    say(f"BLOCKED by {stage[_stage(verdict.failure)]}.", lead="BLOCKED", code="1;31")
    said = _server_said(verdict)
    if said:
        say(f"Server said: {said}")
    say(f"Chromium console: {verdict.console_message()}")
    say(f"Fix: {fix or verdict.failure.fix}")
    _print_engines(printer, verdict)


def _print_allowed(printer: Printer, verdict: Verdict) -> None:
    say = printer.say
    unsent = verdict.not_sent
    if unsent is not None:
        needs = f"Access-Control-Allow-Origin: {verdict.request.origin}"
        if verdict.request.credentials:
            needs += " and Access-Control-Allow-Credentials: true"
        say(
            f"Not sent: {unsent.method} {unsent.url}. {unsent.method} is not a safe method, so "
            "check sends it only with --send."
        )
        say(
            f"ALLOWED BY THE PREFLIGHT: the browser now sends the {unsent.method}; script can read "
            f"its response if that carries {needs} too. This verdict is based on the preflight "
            "only.",
            lead="ALLOWED BY THE PREFLIGHT",
            code="1;32",
        )
    else:
        say("ALLOWED: script can read the response.", lead="ALLOWED", code="1;32")
        say("Readable headers: " + (", ".join(verdict.readable_headers) or "(none)"))
        hidden = [name for name in verdict.hidden_headers if not name.startswith("access-control-")]
        if hidden:
            say(
                "Hidden from script: "
                + ", ".join(hidden)
                + " (list them in Access-Control-Expose-Headers to read them)"
            )


# ---- the demo ---------------------------------------------------------------------------------


def scenario_outcome(verdict: Verdict) -> str:
    """What the page gets: ``"allowed"``, ``"blocked"``, or ``"asks-user"`` (Local Network Access)."""
    if not verdict.allowed:
        return "blocked"
    return "asks-user" if verdict.local_network is not None else "allowed"


def _header_readable(scenario: Scenario, verdict: Verdict) -> bool | None:
    if scenario.read_header is None:
        return None
    return scenario.read_header.lower() in verdict.readable_headers


def as_expected(scenario: Scenario, verdict: Verdict) -> bool:
    """Whether the call, and the header read if any, came out as the scenario expects."""
    readable = _header_readable(scenario, verdict)
    return scenario_outcome(verdict) == scenario.expected and readable in (
        None,
        scenario.header_readable,
    )


def _request_text(scenario: Scenario, frontend: str) -> str:
    text = f"{scenario.method} {scenario.path}"
    if scenario.credentials:
        text += " +cookies"
    if scenario.origin != frontend:
        text += f" from {scenario.origin}"
    return text


def _why(scenario: Scenario, verdict: Verdict) -> str:
    failure = verdict.failure
    if failure is not None:
        why = ("preflight: " if failure.preflight else "") + failure.reason.split(". ")[0]
        said = _server_said(verdict)
        return why.rstrip(".") + (f" (server said {said})" if said else "")
    if scenario.why:
        return scenario.why
    if verdict.local_network is not None:
        return (
            "Local Network Access: Chromium first asks the user to let this public page reach "
            f"{verdict.local_network.host}; no response header can grant that"
        )
    name = scenario.read_header
    if name is not None:
        if name.lower() in verdict.readable_headers:
            return f"headers.get('{name}') returns its value: {name} is in Access-Control-Expose-Headers"
        return (
            f"the call succeeds, and headers.get('{name}') returns null: {name} is not in "
            "Access-Control-Expose-Headers"
        )
    final = verdict.exchanges[-1].response.headers
    why = f"Access-Control-Allow-Origin: {get_header(final, 'Access-Control-Allow-Origin')}"
    if verdict.request.credentials:
        why += " with Access-Control-Allow-Credentials: true"
    if verdict.preflight_needed:
        approved = verdict.request.method + "".join(f" + {name}" for name in verdict.unsafe_headers)
        why = f"preflight approved {approved}; {why}"
    return why


def print_demo(
    results: Sequence[tuple[Scenario, Verdict]], api_url: str, as_json: bool, out: TextIO
) -> None:
    """Print the demo's scenarios with their verdicts: as a table with the why, or as JSON."""
    frontend = results[0][0].origin
    if as_json:
        scenarios = [
            {
                "number": number,
                "title": scenario.title,
                "request": _request_text(scenario, frontend),
                "expected": scenario.expected,
                "outcome": scenario_outcome(verdict),
                "read_header": scenario.read_header,
                "header_readable": _header_readable(scenario, verdict),
                "as_expected": as_expected(scenario, verdict),
                "why": _why(scenario, verdict),
                "check": verdict_json(verdict),
            }
            for number, (scenario, verdict) in enumerate(results, start=1)
        ]
        document = {
            "schema": DEMO_SCHEMA,
            "api_url": api_url,
            "frontend_origin": frontend,
            "as_expected": all(item["as_expected"] for item in scenarios),
            "scenarios": scenarios,
        }
        print(json.dumps(document, indent=2), file=out)
        return
    printer = Printer(out)
    say = printer.say
    say(
        f"corsware demo: the example API at {api_url}, called by pages on other origins. "
        f"The trusted front end is {frontend}.",
        hanging="",
    )
    say()
    title_width = min(max(len(scenario.title) for scenario, _ in results), printer.width - 26)
    print(f" #  {'Scenario':<{title_width}}  Preflight  Browser", file=out)
    for number, (scenario, verdict) in enumerate(results, start=1):
        outcome = scenario_outcome(verdict)
        titles = wrap(printable(scenario.title), title_width, hanging="")
        preflight = "yes" if verdict.preflight_needed else "no"
        word = printer.style(_OUTCOME_WORDS[outcome], _OUTCOME_COLOURS[outcome])
        print(f"{number:>2}  {titles[0]:<{title_width}}  {preflight:<9}  {word}", file=out)
        for title in titles[1:]:
            print(f"    {title}", file=out)
        say(_request_text(scenario, frontend), indent="    ", hanging="      ")
        printer.dim(f"why: {_why(scenario, verdict)}", indent="    ", hanging="         ")
        if not as_expected(scenario, verdict):
            say("(unexpected: this scenario expects otherwise)", indent="    ", lead="(", code="1;31")
    say()
    say(
        "Chromium's own words and the fix for any call: corsware check URL --origin ORIGIN "
        "[--method M] [--header NAME[:VALUE]] [--credentials] [--send]",
        hanging="  ",
    )
