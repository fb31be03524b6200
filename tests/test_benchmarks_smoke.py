"""The benchmark harness runs end to end in its tiny mode. Its figures are noise there; nothing is timed.

Peers that are not installed (Starlette and wsgicors are only in the ``bench`` extra) are skipped by
the harness itself, so these tests need only what ``dev`` installs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_harness(*args: str) -> str:
    completed = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, "-m", "benchmarks", "--tiny", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.mark.timeout(90)
def test_in_process_parts_run_and_corsware_enforces_the_shared_policy() -> None:
    output = run_harness("--skip", "e2e")
    headings = ("Own cost per request", "Ratios of own costs", "Floor, no Origin", "Scale:", "Memory:")
    for heading in (*headings, "Targets:"):
        assert heading in output
    header = next(line for line in output.splitlines() if line.startswith("request kind"))
    assert "identity" in header
    assert "corsware" in header
    # The harness checks every layer's answers against the shared policy before timing it.
    assert "note: corsware" not in output
    assert "skipped corsware" not in output
    floor = output.split("Floor, no Origin", 1)[1]
    assert "+ look at each app header name" in floor
    assert "\ncorsware " in floor


@pytest.mark.timeout(90)
def test_a_part_without_targets_says_so() -> None:
    output = run_harness("--only", "floor")
    assert "identity: wrap start_response" in output
    assert output.rstrip().splitlines()[-3:-1] == ["Targets: none in the parts that ran", ""]


@pytest.mark.timeout(90)
def test_end_to_end_part_runs_gunicorn_and_the_python_load_generator() -> None:
    output = run_harness("--only", "e2e", "--load-generator", "python")
    assert "load from Python keep-alive client" in output
    assert "round 1" in output
    assert "throughput cost, 1 - the median pair: corsware" in output
    assert "control" in output
