"""Benchmark `paperbrief demo`: how long a newcomer waits, from the command to the printed serve line.

Runs `paperbrief demo --out DIR` as a child process (HOME in a temporary folder, no paperbrief
settings in the environment) and measures its wall time; then again into the same folder
(everything reused). Prints one line; the target is well under 30 s.

    python bench/bench_demo.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_demo(out: Path, home: Path) -> tuple[float, float | None, int]:
    """(wall s, the demo's own "done in" figure, exit code) of one `paperbrief demo` child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERBRIEF_", "OPENAI_", "HF_"))}
    env["HOME"] = str(home)
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "paperbrief", "demo", "--out", str(out)], env=env,
                          capture_output=True, stdin=subprocess.DEVNULL, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
    done = re.search(r"Demo done in (\d+\.\d) s", proc.stdout)
    return wall, float(done.group(1)) if done else None, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="fresh demos to time (the median is printed)")
    args = parser.parse_args()
    firsts, reruns, inside, codes = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.rounds):
            home, out = Path(tmp) / f"home{i}", Path(tmp) / f"demo{i}"
            home.mkdir()
            wall, done, rc = run_demo(out, home)
            firsts.append(wall)
            inside.append(done or float("nan"))
            codes.append(rc)
            wall2, _, rc2 = run_demo(out, home)
            reruns.append(wall2)
            codes.append(rc2)
    med = sorted(firsts)[len(firsts) // 2]
    print(f"demo (47 papers, site, fresh folder, {args.rounds} rounds): wall median {med:.1f}s "
          f"(min {min(firsts):.1f}, max {max(firsts):.1f}; the demo's own figure {sorted(inside)[len(inside) // 2]:.1f}s, "
          f"the rest is interpreter start-up and imports), again into the same folder {min(reruns):.1f}s; "
          f"target < 30 s; exit codes {sorted(set(codes))}")


if __name__ == "__main__":
    main()
