"""An origin pattern matches exactly the origins its documented grammar says, no more, no fewer.

Patterns and origins are generated from the grammar's parts; origins are generated *near* their
pattern (a subdomain, the apex, a suffix look-alike, another port or scheme) so that both the
matching and the non-matching side are explored. The oracle is `oracle.pattern_structurally_matches`
together with `oracle.origin_form`, never corsware's own matcher.
"""

from __future__ import annotations

import functools
import re

from hypothesis import given, note
from hypothesis import strategies as st

from corsware import CORSMiddleware
from tests.conftest import SpyApp

from .oracle import Form, PolicyModel, origin_form
from .strategies import (
    any_origin_header,
    domains,
    hostile_origins,
    labels,
    origin_patterns,
    ports,
    valid_origins,
)


def granted(patterns: tuple[str | re.Pattern[str], ...], origin: str) -> bool:
    """Whether corsware grants `origin` on an actual request under `origins=patterns`."""
    middleware = CORSMiddleware(SpyApp(), origins=patterns)
    decision = middleware.explain("GET", "/", origin=origin)
    return decision.allowed


@functools.cache
@st.composite
def origins_near(draw: st.DrawFn, pattern: str) -> str:
    """Origins that a correct matcher must tell apart from `pattern`'s language."""
    scheme, _, rest = pattern.partition("://")
    other_scheme = "http" if scheme == "https" else "https"
    if rest.startswith("*."):
        domain, colon, port = rest[2:].partition(":")
        sub = ".".join(draw(st.lists(labels(), min_size=1, max_size=3)))
        suffix = f":{port}" if colon and port != "*" else ""
        candidates = [
            f"{scheme}://{sub}.{domain}{suffix}",
            f"{scheme}://{sub}.{domain}{suffix}",
            f"{scheme}://{domain}{suffix}",
            f"{scheme}://{sub}{domain}{suffix}",
            f"{scheme}://{sub}.{domain}.{draw(domains())}{suffix}",
            f"{other_scheme}://{sub}.{domain}{suffix}",
            f"{scheme}://{sub}.{domain}:{draw(ports(scheme))}",
            f"{scheme}://.{domain}",
            f"{scheme}://{sub}..{domain}",
            f"{scheme}://{sub.upper()}.{domain}",
            f"{scheme}://{sub}.{domain}.",
            f"{scheme}://{sub}_x.{domain}",
            f"{scheme}://{sub}.{domain}:{'80' if scheme == 'http' else '443'}",
        ]
        return draw(st.sampled_from(candidates))
    if rest.endswith(":*"):
        host = rest[:-2]
        candidates = [
            f"{scheme}://{host}",
            f"{scheme}://{host}:{draw(ports(scheme))}",
            f"{scheme}://{host}:{draw(ports(scheme))}",
            f"{scheme}://{host}:0",
            f"{scheme}://{host}:{draw(st.integers(65536, 999999))}",
            f"{scheme}://{host}:080",
            f"{scheme}://{host}:{'80' if scheme == 'http' else '443'}",
            f"{scheme}://{host}.evil.example",
            f"{scheme}://{host}:1.evil.example",
            f"{other_scheme}://{host}:{draw(ports(other_scheme))}",
            f"{scheme}://{host}:",
        ]
        return draw(st.sampled_from(candidates))
    return draw(st.one_of(st.just(pattern), hostile_origins(near=pattern), valid_origins()))


@st.composite
def pattern_and_origin(draw: st.DrawFn) -> tuple[str, str]:
    """A pattern and an origin chosen to probe its boundary."""
    pattern = draw(origin_patterns())
    return pattern, draw(origins_near(pattern))


@given(case=pattern_and_origin())
def test_pattern_matches_exactly_what_its_grammar_says(case: tuple[str, str]) -> None:
    """For well-formed origins corsware agrees with the oracle in both directions."""
    pattern, origin = case
    model = PolicyModel(origins=(pattern,))
    form = origin_form(origin)
    result = granted((pattern,), origin)
    note(f"form={form} granted={result}")
    if form is Form.VALID:
        assert result == model.must_allow(origin)
    else:
        assert not result or model.may_allow(origin)


@given(patterns=st.lists(origin_patterns(), min_size=2, max_size=5, unique=True), data=st.data())
def test_pattern_lists_grant_the_union_and_nothing_else(
    patterns: list[str], data: st.DataObject
) -> None:
    """Several patterns together grant exactly the union of their languages (no shared-suffix leak)."""
    origin = data.draw(st.one_of([origins_near(p) for p in patterns]), label="origin")
    model = PolicyModel(origins=tuple(patterns))
    result = granted(tuple(patterns), origin)
    if origin_form(origin) is Form.VALID:
        assert result == model.must_allow(origin)
    else:
        assert not result or model.may_allow(origin)


@given(origin=st.one_of(valid_origins(), hostile_origins(), st.text(max_size=30)))
def test_regex_patterns_fullmatch_and_see_only_well_formed_origins(origin: str) -> None:
    """A compiled regex must match the whole origin, and malformed origins never reach it."""
    permissive = re.compile(r"https?://.*example\.(com|org)")
    model = PolicyModel(origins=(permissive,))
    result = granted((permissive,), origin)
    assert not result or model.may_allow(origin)
    if origin_form(origin) is Form.VALID:
        assert result == model.must_allow(origin)


@given(origin=st.one_of(any_origin_header(), st.text(max_size=30)))
def test_callables_see_only_well_formed_origins(origin: str) -> None:
    """A callable is never handed a value that a browser could not have sent."""
    seen: list[str] = []

    def allow_everything(value: str) -> bool:
        seen.append(value)
        return True

    CORSMiddleware(SpyApp(), origins=allow_everything).explain("GET", "/", origin=origin)
    for value in seen:
        assert origin_form(value) is not Form.INVALID, f"callable got {value!r}"


@given(pattern=origin_patterns())
def test_null_is_never_matched_by_a_pattern(pattern: str) -> None:
    """`Origin: null` is granted only when `"null"` itself is listed."""
    assert not granted((pattern,), "null")
    assert granted((pattern, "null"), "null")
