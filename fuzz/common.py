"""Shared set-up for the atheris fuzz targets: import paths, input decoding, fixed policies.

Inputs are bytes split into fields on the ASCII unit separator (0x1F), each decoded as latin-1
exactly as a WSGI server decodes request headers, so every byte string is a possible request and
the seed corpus (seeds.py) stays readable.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The invariants and the oracle live with the property tests; the fuzzers check the same rules.
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

SEPARATOR = b"\x1f"


def fields(data: bytes, count: int) -> list[str | None]:
    """Split `data` into `count` latin-1 fields; missing fields are None (header absent)."""
    parts: list[str | None] = [p.decode("latin-1") for p in data.split(SEPARATOR, count - 1)]
    return parts + [None] * (count - len(parts))


# (keyword options, oracle model options) for the whole-middleware target: one per policy shape.
POLICY_OPTIONS: tuple[dict[str, object], ...] = (
    {},
    {
        "origins": ["https://app.example.com", "https://*.example.org", "http://localhost:*"],
        "allow_credentials": True,
        "methods": ["GET", "PUT", "DELETE"],
        "allow_headers": ["x-api-key", "content-type"],
        "expose_headers": ["x-total"],
        "max_age": 600,
    },
    {
        "origins": ["https://a.example.com", "https://b.example.com", "null"],
        "methods": "*",
        "allow_headers": "*",
        "allow_private_network": True,
    },
    {"origins": [re.compile(r"https://[a-z]+\.example\.net")], "allow_credentials": True},
)
