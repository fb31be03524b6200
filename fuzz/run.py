"""Run every fuzz target for a bounded time and report how many inputs each one executed.

    python fuzz/run.py --seconds 60            # one minute per target (about three in all)
    python fuzz/run.py --seconds 10 --runs 200000   # what CI runs: whichever bound comes first
    python fuzz/run.py --target fuzz_origin --seconds 600

Each target starts from the seeds in seeds.py plus whatever a previous run left in the corpus
directory (default: a fresh temporary one; pass --corpus DIR to keep it). A crash stops that
target, leaves the reproducer in the printed artifact directory, and makes this script exit 1;
reproduce it with `python fuzz/<target>.py <artifact file>`.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from hashlib import sha1
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ("fuzz_origin", "fuzz_request_headers", "fuzz_middleware")
DONE = re.compile(rb"Done (\d+) runs in (\d+) second")
COVERAGE = re.compile(rb"#\d+\s+\w+\s+cov: (\d+)")
PROGRESS = re.compile(rb"#(\d+)\s+\w+")


def write_seeds(target: str, corpus: Path) -> None:
    """Put the target's seed inputs into its corpus directory."""
    sys.path.insert(0, str(HERE))
    from seeds import SEEDS  # noqa: PLC0415 - seeds.py lives beside this script

    corpus.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS[target]:
        data = seed.encode("latin-1")
        (corpus / f"seed-{sha1(data).hexdigest()[:12]}").write_bytes(data)  # noqa: S324


def run_target(target: str, seconds: int, runs: int, workdir: Path) -> tuple[bool, int, int]:
    """Fuzz one target; return (passed, executions, coverage edges)."""
    corpus = workdir / "corpus" / target
    artifacts = workdir / "artifacts" / target
    artifacts.mkdir(parents=True, exist_ok=True)
    write_seeds(target, corpus)
    command = [
        sys.executable,
        str(HERE / f"{target}.py"),
        str(corpus),
        f"-max_total_time={seconds}",
        f"-runs={runs}",
        "-timeout=20",
        "-rss_limit_mb=2048",
        "-max_len=70000",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
    ]
    proc = subprocess.run(command, capture_output=True, check=False, timeout=seconds + 120)  # noqa: S603
    output = proc.stderr + proc.stdout
    done = DONE.findall(output)
    progress = PROGRESS.findall(output)
    executions = int(done[-1][0]) if done else int(progress[-1]) if progress else 0
    coverage = COVERAGE.findall(output)
    edges = int(coverage[-1]) if coverage else 0
    passed = proc.returncode == 0 and bool(done)
    if not passed:
        sys.stderr.write(output.decode("utf-8", "replace")[-6000:])
        sys.stderr.write(f"\n{target}: FAILED (exit {proc.returncode}); artifacts in {artifacts}\n")
    return passed, executions, edges


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the chosen targets, print one summary line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="time bound per target")
    parser.add_argument("--runs", type=int, default=-1, help="input bound per target (-1: none)")
    parser.add_argument("--target", choices=TARGETS, action="append", help="default: all")
    parser.add_argument("--corpus", type=Path, help="keep corpora and artifacts here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="corsware-fuzz-") as scratch:
        workdir = args.corpus or Path(scratch)
        results = [
            (target, *run_target(target, args.seconds, args.runs, workdir))
            for target in args.target or TARGETS
        ]
    total = 0
    for target, passed, executions, edges in results:
        total += executions
        verdict = "ok" if passed else "CRASH"
        print(f"{target}: {verdict}, {executions} inputs, {edges} coverage edges")
    failed = sum(not passed for _, passed, _, _ in results)
    print(f"fuzz summary: {len(results) - failed} targets clean, {failed} crashed, {total} inputs")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
