"""The benchmark harness runs end to end in its tiny mode. Its figures are noise there; nothing is timed.

Peers that are not installed (Starlette and wsgicors are only in the ``bench`` extra) are skipped by
the harness itself, so these tests need only what ``dev`` installs.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}svg"


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
    assert "minimal" in header
    assert "corsware" in header
    # The harness checks every layer's answers against the shared policy before timing it.
    assert "note: corsware" not in output
    assert "note: minimal" not in output
    assert "corsware/minimal" in output.split("Ratios of own costs", 1)[1]
    lines = output.splitlines()
    for kind, limit in (
        ("no Origin (same-origin)", "<= 1.25x"),
        ("actual, allowed origin", "<= 1.25x"),
        ("actual, disallowed origin", "<= 1.25x"),
        ("preflight, allowed", "<= 1.5x"),
    ):
        target = next(line for line in lines if line.startswith(f"{kind}: corsware / minimal"))
        assert limit in target
    assert "skipped corsware" not in output
    # The ASGI layers: corsware's against the ASGI floor, and the peers that are installed against it.
    assert "identity-asgi" in header
    assert "corsware-asgi" in header
    assert "note: corsware-asgi" not in output
    asgi_ratios = output.split("Ratios of own costs, ASGI", 1)[1]
    assert "corsware-asgi/identity-asgi" in asgi_ratios
    for kind in ("no Origin (same-origin)", "preflight, allowed"):
        target = next(
            line for line in lines if line.startswith(f"{kind}: corsware-asgi / identity-asgi")
        )
        assert "<= 3x" in target
        if importlib.util.find_spec("starlette") is not None:
            target = next(
                line for line in lines if line.startswith(f"{kind}: starlette / corsware-asgi")
            )
            assert ">= 5x" in target
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


@pytest.mark.timeout(90)
def test_charts_are_written_as_svg_without_a_date(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    output = run_harness(
        "--only", "micro", "--only", "floor", "--only", "scale", "--charts", str(tmp_path)
    )
    names = ("per-request.svg", "scale.svg", "floor.svg")
    assert f"Charts: {tmp_path / names[0]}" in output
    for name in names:
        svg = (tmp_path / name).read_text(encoding="utf-8")
        assert ET.fromstring(svg).tag == SVG  # noqa: S314 - a file this test just wrote
        # Only the figures may change a chart from one run to the next: no date, fixed ids.
        assert "<dc:date>" not in svg


def test_the_same_figures_give_the_same_chart_bytes(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    from benchmarks import charts, micro, scenario  # noqa: PLC0415 - needs matplotlib
    from benchmarks.floor import Step  # noqa: PLC0415
    from benchmarks.scale import ScaleCase  # noqa: PLC0415

    result = micro.MicroResult(layers=[layer for layer in micro.LAYERS if layer.bare_name == "WSGI app"])
    for kind in scenario.KINDS:
        result.seconds[("WSGI app", kind.key)] = 2e-7
        for index, layer in enumerate(result.layers):
            result.seconds[(layer.name, kind.key)] = 2e-7 * (index + 2) ** 2
    steps = [Step("identity: wrap start_response, append a header", 2e-7), Step("corsware", 4e-7)]
    cases = [ScaleCase("exact origins, allowed", size, 5e-7, 200) for size in (1, 100)]
    first = charts.write(tmp_path / "first", result, steps, cases)
    second = charts.write(tmp_path / "second", result, steps, cases)
    assert [path.name for path in first] == ["per-request.svg", "scale.svg", "floor.svg"]
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes()
