"""Fuzz the whole middleware: any request against several policies, checked against every invariant.

Input: fields separated by 0x1F: method, path, Origin, Access-Control-Request-Method,
Access-Control-Request-Headers, Access-Control-Request-Private-Network, policy index. A missing
field means the header is absent. Run with `python fuzz/run.py` (see SECURITY.md).
"""

from __future__ import annotations

import sys

import atheris
from common import POLICY_OPTIONS, fields

with atheris.instrument_imports(include=["corsware"]):
    from corsware import CORSMiddleware

from security import invariants
from security.oracle import PolicyModel

MODELS = [PolicyModel.from_options(options) for options in POLICY_OPTIONS]
STACKS = [
    invariants.build_app(lambda app, o=options: CORSMiddleware(app, **o)) for options in POLICY_OPTIONS
]


def test_one_input(data: bytes) -> None:
    """Build a request from `data`, run it, and assert every invariant."""
    method, path, origin, acrm, acrh, acrpn, which = fields(data, 7)
    index = int.from_bytes((which or "").encode("latin-1")[:1] or b"\0", "big") % len(STACKS)
    app, spy = STACKS[index]
    path = path or ""
    request = invariants.Request(
        method=method or "GET",
        path=path if path.startswith("/") else "/" + path,
        origin=origin,
        request_method=acrm,
        request_headers=acrh,
        private_network=acrpn,
    )
    environ = request.environ()
    outcome = invariants.run(app, spy, environ)
    invariants.check_all(outcome, [("/*", MODELS[index])], environ)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
