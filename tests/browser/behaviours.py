"""Server behaviours for the differential test, and the raw WSGI app that plays each of them.

A `Combination` is one server behaviour (the CORS headers and status of its preflight and actual
responses) and one fetch() made against it (method, headers, credentials mode, frame, how many
identical calls). `combinations` picks a fixed list of them for a seed: named anchors first (the
behaviours where the engines are known to part ways), then enough rows to cover every pair of
factor levels at least once, then single and double changes to a behaviour that lets the fetch
through, so that each failure is also seen on its own. `behaviour_app` answers as the combination
says with no corsware in the way: the point is to hold corsware's model of the browser
(`corsware.browser`) to what the real engines do with whatever a server sends.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from http import HTTPStatus
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

OTHER_ORIGIN = "https://other.example"
"""The second origin of a two-valued ``Access-Control-Allow-Origin``."""

EXPOSED = "X-Corsware-Exposed"
"""A response header that `Combination.expose` lists (or not) in Access-Control-Expose-Headers."""

HIDDEN = "X-Corsware-Hidden"
"""A response header never listed: only ``Access-Control-Expose-Headers: *`` shows it."""

READ_HEADERS = ("Content-Type", "Content-Length", EXPOSED, HIDDEN)
"""The response headers the page tries to read on every call."""

CUSTOM = ("X-Corsware-Test", "1")
AUTHORIZATION = ("Authorization", "Bearer differential")

REQUEST_HEADERS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "none": (),
    "safelisted": (("Accept-Language", "en-GB"),),
    "custom": (CUSTOM,),
    "authorization": (AUTHORIZATION,),
    "custom+authorization": (CUSTOM, AUTHORIZATION),
}
"""The request headers a combination's script sets, by the name of the level."""

FACTORS: Mapping[str, tuple[str, ...]] = {
    # The server: both responses carry the same CORS headers unless `actual_cors` is "none".
    "allow_origin": ("echo", "*", "null", "two", "slash", "upper", "absent"),
    "allow_credentials": ("true", "True", "absent"),
    "allow_methods": ("exact", "*", "lower", "upper", "absent"),
    "allow_headers": ("exact", "*", "lower", "absent"),
    "preflight_status": ("200", "204", "302", "307", "401", "500"),
    "max_age": ("absent", "0", "600", "-1", "soon"),
    "no_store": ("no", "yes"),
    "expose": ("absent", "listed", "*"),
    "actual_cors": ("same", "none"),
    # The fetch.
    "credentials": ("omit", "include"),
    "method": ("GET", "POST", "PUT", "DELETE", "PATCH", "patch"),
    "headers": tuple(REQUEST_HEADERS),
    "frame": ("page", "sandbox"),
    "calls": ("1", "2"),
}
"""Every factor of a combination and its levels; the first level of each is a passing one."""

PASSING: Mapping[str, tuple[str, ...]] = {
    "allow_origin": ("echo",),
    "allow_credentials": ("true",),
    "allow_methods": ("exact",),
    "allow_headers": ("exact", "lower"),
    "preflight_status": ("200", "204"),
    "actual_cors": ("same",),
}
"""Server levels that let any of the fetches through: the base that `combinations` varies."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Combination:
    """One server behaviour and one fetch against it; every field is a level of `FACTORS`."""

    allow_origin: str = "echo"
    allow_credentials: str = "true"
    allow_methods: str = "exact"
    allow_headers: str = "exact"
    preflight_status: str = "200"
    max_age: str = "absent"
    no_store: str = "no"
    expose: str = "absent"
    actual_cors: str = "same"
    credentials: str = "omit"
    method: str = "GET"
    headers: str = "none"
    frame: str = "page"
    calls: str = "1"

    def __post_init__(self) -> None:
        """Refuse a level that is not in `FACTORS`."""
        for name, value in self.levels().items():
            if value not in FACTORS[name]:
                raise ValueError(f"{name}={value!r} is not one of {FACTORS[name]}")

    def levels(self) -> dict[str, str]:
        """Factor name -> level."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @property
    def request_headers(self) -> tuple[tuple[str, str], ...]:
        """The headers the script sets."""
        return REQUEST_HEADERS[self.headers]

    @property
    def label(self) -> str:
        """A short readable id: the fetch, then every server level that is not the first one."""
        fetch = f"{self.method}-{self.headers}-{self.credentials}-{self.frame}-x{self.calls}"
        server = [
            f"{name}={value}"
            for name, value in self.levels().items()
            if name in _SERVER_FACTORS and value != FACTORS[name][0]
        ]
        return " ".join([fetch, *server])


_SERVER_FACTORS = tuple(FACTORS)[: tuple(FACTORS).index("credentials")]

ANCHORS: tuple[Combination, ...] = (
    # Where the engines part ways, or the standard and the engines do, each next to its control.
    Combination(method="PUT", headers="custom", allow_headers="*", max_age="600", calls="2"),
    Combination(method="GET", headers="authorization", allow_headers="*"),
    Combination(method="GET", headers="authorization", allow_headers="*", max_age="600", calls="2"),
    Combination(method="GET", headers="authorization", allow_headers="exact", max_age="600", calls="2"),
    Combination(method="GET", headers="authorization", allow_headers="*", credentials="include"),
    Combination(allow_origin="*", frame="sandbox"),
    Combination(allow_origin="*", frame="sandbox", credentials="include"),
    Combination(allow_origin="null", frame="sandbox", credentials="include"),
    Combination(method="PUT", allow_methods="lower"),
    Combination(method="patch", allow_methods="upper"),
    Combination(method="PUT", preflight_status="204"),
    Combination(method="PUT", preflight_status="401"),
    Combination(allow_origin="two"),
    Combination(method="PUT", max_age="600", calls="2"),
    Combination(method="PUT", max_age="600", no_store="yes", calls="2"),
    Combination(method="PUT", max_age="absent", no_store="yes", calls="2"),
    Combination(method="PUT", max_age="0", calls="2"),
    Combination(method="PUT", max_age="-1", calls="2"),
    Combination(method="PUT", max_age="soon", calls="2"),
    Combination(method="PUT", allow_methods="*", max_age="600", calls="2"),
    Combination(method="PUT", allow_methods="*", max_age="600", calls="2", credentials="include"),
    Combination(method="PUT", max_age="600", calls="2", actual_cors="none"),
    Combination(method="PUT", max_age="600", calls="2", credentials="include"),
    Combination(method="PUT", headers="custom", allow_headers="lower", max_age="600", calls="2"),
    Combination(expose="*", credentials="include"),
    Combination(expose="*"),
    Combination(expose="listed", allow_origin="*"),
)
"""Combinations every run includes, in this order, before the generated ones."""


def pairs(combination: Combination) -> set[tuple[str, str, str, str]]:
    """Every (factor, level, other factor, its level) that `combination` puts side by side."""
    items = sorted(combination.levels().items())
    return {
        (first, first_level, second, second_level)
        for index, (first, first_level) in enumerate(items)
        for second, second_level in items[index + 1 :]
    }


ALL_PAIRS = frozenset(
    (first, first_level, second, second_level)
    for first in sorted(FACTORS)
    for second in sorted(FACTORS)
    if first < second
    for first_level in FACTORS[first]
    for second_level in FACTORS[second]
)
"""Every pair of levels of two factors: what the pairwise covering puts in some combination."""


def _random(rng: random.Random) -> Combination:
    return Combination(**{name: rng.choice(levels) for name, levels in FACTORS.items()})


def _covering(rng: random.Random, seen: Iterable[Combination]) -> list[Combination]:
    # Greedy pairwise covering (each new row the best of a few random candidates): a few dozen
    # rows put every level of every factor next to every level of every other factor.
    uncovered = set(ALL_PAIRS).difference(*(pairs(row) for row in seen))
    rows: list[Combination] = []
    while uncovered:
        candidates = [_random(rng) for _ in range(40)]
        best = max(candidates, key=lambda row: len(pairs(row) & uncovered))
        rows.append(best)
        uncovered -= pairs(best)
    return rows


def _variant(rng: random.Random) -> Combination:
    # A behaviour that lets this fetch through, with one or two server levels (or none) changed.
    row = _random(rng)
    base = replace(row, **{name: rng.choice(levels) for name, levels in PASSING.items()})
    changed = rng.sample(_SERVER_FACTORS, k=rng.choice((0, 1, 1, 2)))
    return replace(base, **{name: rng.choice(FACTORS[name]) for name in changed})


def combinations(count: int, seed: int) -> tuple[Combination, ...]:
    """`count` combinations (at least the anchors and a pairwise covering), the same for a seed."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible list, not a secret
    rows = list(ANCHORS)
    rows += _covering(rng, rows)
    while len(rows) < count:
        rows.append(_variant(rng))
    return tuple(rows)


def _allow_origin(level: str, origin: str) -> str | None:
    return {
        "echo": origin,
        "*": "*",
        "null": "null",
        "two": f"{origin}, {OTHER_ORIGIN}",
        "slash": f"{origin}/",
        "upper": origin.upper(),
        "absent": None,
    }[level]


def _allow_methods(level: str, method: str) -> str | None:
    values = {"exact": method, "*": "*", "lower": method.lower(), "upper": method.upper()}
    return values.get(level)


def _allow_headers(level: str, names: list[str]) -> str | None:
    if level == "*":
        return "*"
    if level == "absent" or not names:
        return None
    return ", ".join(name.lower() if level == "lower" else name for name in names)


def cors_headers(combination: Combination, origin: str, *, preflight: bool) -> list[tuple[str, str]]:
    """The CORS headers of the preflight response, or of the actual one, for `origin`."""
    if not preflight and combination.actual_cors == "none":
        return []
    values: list[tuple[str, str | None]] = [
        ("Access-Control-Allow-Origin", _allow_origin(combination.allow_origin, origin)),
        (
            "Access-Control-Allow-Credentials",
            None if combination.allow_credentials == "absent" else combination.allow_credentials,
        ),
    ]
    if preflight:
        names = [name for name, _ in combination.request_headers]
        values += [
            (
                "Access-Control-Allow-Methods",
                _allow_methods(combination.allow_methods, combination.method),
            ),
            ("Access-Control-Allow-Headers", _allow_headers(combination.allow_headers, names)),
            ("Access-Control-Max-Age", None if combination.max_age == "absent" else combination.max_age),
            ("Cache-Control", "no-store" if combination.no_store == "yes" else None),
        ]
    else:
        expose = {"absent": None, "listed": EXPOSED, "*": "*"}[combination.expose]
        values.append(("Access-Control-Expose-Headers", expose))
    return [(name, value) for name, value in values if value is not None]


def body_text(combination: Combination, method: str) -> str:
    """The body of the actual response: what the page reads when it may."""
    return f"differential {method} {combination.label}"


def behaviour_app(combination: Combination) -> WSGIApplication:
    """A raw WSGI app (no corsware) that answers preflights and actual requests as `combination` says.

    A preflight is OPTIONS with Access-Control-Request-Method (Fetch 'CORS protocol'); it gets the
    combination's status (a redirect with a Location) and no body. Any other request gets 200, a
    text body, and two headers beyond the safelisted ones, one of which `expose` may list.
    """

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        origin = environ.get("HTTP_ORIGIN", "")
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ:
            status = int(combination.preflight_status)
            headers = cors_headers(combination, origin, preflight=True)
            if status in (302, 307):
                headers.append(("Location", "moved"))
            headers.append(("Content-Length", "0"))
            start_response(f"{status} {HTTPStatus(status).phrase}", headers)
            return []
        body = body_text(combination, method).encode()
        headers = [
            *cors_headers(combination, origin, preflight=False),
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
            (EXPOSED, "exposed"),
            (HIDDEN, "hidden"),
        ]
        start_response("200 OK", headers)
        return [body]

    return app
