"""Fuzz origin handling: request-side parsing and matching, and configuration-side pattern parsing.

Input: an `Origin` header value (latin-1), optionally followed by 0x1F and a configured origin
pattern. Checks that nothing raises, that a granted origin is exactly the request's value, has no
control or non-ASCII character, and is allowed by the independent oracle; and that a pattern is
either accepted or refused with CORSConfigError. Run with `python fuzz/run.py`.
"""

from __future__ import annotations

import sys

import atheris
from common import fields

with atheris.instrument_imports(include=["corsware"]):
    from corsware import CORSConfigError, CORSPolicy
    from corsware.origins import split_origin

from security.oracle import Form, PolicyModel, origin_form

# Patterns covering every matcher branch: exact, subdomains, any port, IPs, null, regex.
PATTERNS = (
    "https://app.example.com",
    "https://*.example.org",
    "http://localhost:*",
    "http://127.0.0.1:8000",
    "http://[::1]:*",
    "https://*.a.example.net:8443",
    "null",
)
POLICY = CORSPolicy(origins=PATTERNS)
MODEL = PolicyModel(origins=PATTERNS)


def test_one_input(data: bytes) -> None:
    """Parse and match one origin; parse one configured pattern if the input has one."""
    origin, pattern = fields(data, 2)
    assert origin is not None
    parts = split_origin(origin)
    if parts is not None:
        assert origin.isascii(), origin
        assert all(" " < ch < "\x7f" for ch in origin), origin
        assert origin_form(origin) is not Form.INVALID, origin
    if POLICY.allows_origin(origin):
        assert MODEL.may_allow(origin), origin
    elif origin_form(origin) is Form.VALID:
        assert not MODEL.must_allow(origin), origin
    if pattern is not None:
        try:
            policy = CORSPolicy(origins=[pattern])
        except CORSConfigError:
            return
        # An accepted pattern grants only what the oracle's reading of it allows.
        if policy.allows_origin(origin):
            assert PolicyModel(origins=(pattern,)).may_allow(origin), (pattern, origin)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
