"""Fuzz request-header parsing: Access-Control-Request-Method and -Headers through a preflight.

Input: the requested method, 0x1F, the requested header list (both latin-1). Checks that parsing
never raises, that parsed names are lower-case RFC 9110 tokens taken from the input, and that a
granted preflight reflects only tokens in Access-Control-Allow-Methods and -Headers.
Run with `python fuzz/run.py`.
"""

from __future__ import annotations

import sys

import atheris
from common import fields

with atheris.instrument_imports(include=["corsware"]):
    from corsware import CORSMiddleware
    from corsware.headers import is_token, parse_header_names

from security.invariants import SpyApp
from security.oracle import is_token as oracle_is_token
from security.oracle import list_items

ORIGIN = "https://app.example.com"
WILDCARD = CORSMiddleware(SpyApp(), origins=[ORIGIN], methods="*", allow_headers="*")
CREDENTIALED = CORSMiddleware(
    SpyApp(), origins=[ORIGIN], methods="*", allow_headers="*", allow_credentials=True
)
LISTED = CORSMiddleware(
    SpyApp(), origins=[ORIGIN], methods=["PUT", "x-custom"], allow_headers=["x-a", "content-type"]
)


def test_one_input(data: bytes) -> None:
    """Parse the header list, then send it through three policies' preflights."""
    method, request_headers = fields(data, 2)
    assert method is not None
    if is_token(method):
        assert oracle_is_token(method), method
    names = parse_header_names(request_headers) if request_headers is not None else ()
    if names is not None and request_headers is not None:
        items = {item.lower() for item in list_items(request_headers)}
        for name in names:
            assert oracle_is_token(name) and name == name.lower() and name in items, name
    headers = {"Access-Control-Request-Method": method}
    if request_headers is not None:
        headers["Access-Control-Request-Headers"] = request_headers
    for middleware in (WILDCARD, CREDENTIALED, LISTED):
        decision = middleware.explain("OPTIONS", "/", origin=ORIGIN, headers=headers)
        for name, value in decision.headers:
            assert "\r" not in value and "\n" not in value and value.isascii(), (name, value)
            if name in {"Access-Control-Allow-Methods", "Access-Control-Allow-Headers"}:
                assert all(oracle_is_token(item) for item in list_items(value)), value
        if decision.allowed and middleware is LISTED:
            assert set(names or ()) <= {"x-a", "content-type"}, names


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
