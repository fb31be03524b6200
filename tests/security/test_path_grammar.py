"""Resource patterns cover exactly the paths their documented grammar says, in the given order.

`/api/*` covers `/api`, `/api/` and below (never `/apiary`); `/exact` only itself; a compiled
pattern must fullmatch. Matching is case-sensitive, on PATH_INFO without a second decoding
(`+` stays `+`, `%2F` stays `%2F`), after RFC 3986 dot-segment removal. The oracle implements
that from the RFC, not from corsware's code.
"""

from __future__ import annotations

import re

from hypothesis import given, note
from hypothesis import strategies as st

from corsware import CORSMiddleware
from tests.conftest import SpyApp

from .oracle import matching_resource, remove_dot_segments
from .strategies import paths, resource_tables

REGEX_RESOURCES = st.sampled_from(
    (
        re.compile(r"/v[0-9]+/items(/.*)?"),
        re.compile(r"/public/[a-z]+"),
    )
)


@given(table=resource_tables(), path=paths())
def test_first_matching_resource_is_the_one_the_grammar_picks(table: list, path: str) -> None:
    """corsware's chosen resource equals the oracle's first match (or both find none)."""
    middleware = CORSMiddleware(
        SpyApp(), resources={pattern: dict(model.options) for pattern, model in table}
    )
    decision = middleware.explain("GET", path, origin="https://app.example.com")
    expected = matching_resource(table, path)
    note(f"resolved={remove_dot_segments(path)!r} decision={decision}")
    if expected is None:
        assert decision.kind == "unmatched"
        assert decision.resource is None
    else:
        assert decision.resource == expected[0]


@given(regex=REGEX_RESOURCES, path=st.one_of(paths(), st.from_regex(r"/v[0-9]{1,3}/items(/[a-z]*)?")))
def test_regex_resources_fullmatch_the_resolved_path(regex: re.Pattern[str], path: str) -> None:
    """A compiled resource pattern matches the whole resolved path, case-sensitively."""
    middleware = CORSMiddleware(SpyApp(), resources={regex: {"origins": "*"}})
    decision = middleware.explain("GET", path)
    expected = regex.fullmatch(remove_dot_segments(path)) is not None
    assert (decision.kind != "unmatched") == expected
