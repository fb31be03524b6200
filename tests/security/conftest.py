"""Hypothesis profiles for the security suite.

`ci` (the default) is bounded and derandomised so that CI is reproducible and stays within its
time budget; `thorough` explores ten times as many examples with fresh randomness each run:
`HYPOTHESIS_PROFILE=thorough python -m pytest tests/security --hypothesis-show-statistics`.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=3000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
