"""Benchmark: create_app() in a fresh process, this tree against a baseline commit (a script, not a test).

    .venv/bin/python bench/startup_benchmark.py [--runs 15] [--baseline af23b88] [--smoke]

Every web worker and every Celery worker pays for create_app() when it starts. The baseline commit is
exported with `git archive` into a temporary directory and run with the same .venv, so both are measured
side by side in one run, alternating, on the same machine load. Each run is a new interpreter that imports
`app` and calls create_app() (development configuration, the embedded SQLite file in the tree's instance
folder); the time is taken inside it, from before the import until create_app() returns, as CPU time
(the ratio) and wall clock. Bytecode is
cached (in a temporary PYTHONPYCACHEPREFIX, one per tree, warmed by one uncounted run) as it is on a
server, so the numbers are the start of a deployed process, not of a first run after an upgrade.
The ratio line is printed last.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "af23b88"  # issue 21: create_app() took 1.6 s, 16 % of it importing Alembic
TARGET = 0.70  # ≥ 30 % faster

CHILD = """
import time
started, cpu = time.perf_counter(), time.process_time()
from app import create_app
create_app()
print(time.perf_counter() - started, time.process_time() - cpu)
"""


def export(rev: str, into: Path) -> Path:
    """The tree of `rev`, exported with git archive."""
    into.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def child_env(tree: Path, pycache: Path) -> dict[str, str]:
    """The same environment for both trees: development config, no database or broker from the caller."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONDONTWRITEBYTECODE", "DATABASE_URL", "REDIS_URL", "FLASK_APP", "PYTHONPATH")}
    env.update(FLASK_CONFIG="development", PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=str(pycache))
    return env


def start_once(tree: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from `import app` until create_app() returns in a new interpreter: wall clock and CPU time."""
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=tree, env=env, check=True,
                          capture_output=True, text=True)
    wall, cpu = done.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="runs per tree (median)")
    parser.add_argument("--baseline", default=BASELINE, help="the commit to compare with")
    parser.add_argument("--smoke", action="store_true", help="2 runs each: proves the script works")
    args = parser.parse_args()
    runs = 2 if args.smoke else args.runs
    known = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{args.baseline}^{{commit}}"],
                           capture_output=True).returncode == 0
    if not known and not args.smoke:
        sys.exit(f"The baseline commit {args.baseline} is not in this clone (a shallow clone?): "
                 f"git fetch --unshallow, or name another commit with --baseline.")
    with tempfile.TemporaryDirectory(prefix="startup-bench-") as tmp:
        trees = {"now": ROOT}
        if known:
            trees["baseline"] = export(args.baseline, Path(tmp) / "baseline")
        envs = {name: child_env(tree, Path(tmp) / f"pycache-{name}") for name, tree in trees.items()}
        for name, tree in trees.items():
            start_once(tree, envs[name])  # compiles and caches the bytecode
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for _ in range(runs):  # alternating, so a busy moment costs both
            for name, tree in trees.items():
                samples[name].append(start_once(tree, envs[name]))
    cpu = {name: statistics.median(c for _, c in values) for name, values in samples.items()}
    for name, values in samples.items():
        label = "this tree" if name == "now" else f"baseline {args.baseline}"
        walls = [w for w, _ in values]
        print(f"create_app() {label:<20} CPU median {cpu[name] * 1000:7.1f} ms   wall median "
              f"{statistics.median(walls) * 1000:7.1f} ms (min {min(walls) * 1000:.1f}, max {max(walls) * 1000:.1f})"
              f"   (n={len(values)})")
    # The ratio is of CPU time: starting is CPU-bound, and on a shared machine the wall clock mostly measures
    # the other processes (a quiet machine gives the same ratio on the wall clock).
    smoke = " (smoke)" if args.smoke else ""
    if "baseline" not in cpu:  # a shallow clone in CI: the script still runs, the ratio needs the history
        print(f"RATIO create_app now/baseline: not measured, {args.baseline} is not in this clone{smoke}")
        return
    ratio = cpu["now"] / cpu["baseline"]
    verdict = "OK" if ratio <= TARGET else "MISSED"
    print(f"RATIO create_app now/baseline: {ratio:.2f} (target <= {TARGET:.2f}) {verdict}{smoke}")


if __name__ == "__main__":
    main()
