"""SymPy: the time to derive every gradient of the article's network symbolically."""

import statistics
import subprocess
import sys

from ._timing import fmt_seconds

GOAL_SECONDS = 1.0
RUNS = 5
#: One derivation in a fresh interpreter, as in a learner's kernel: SymPy's caches start empty.
#: CPU time, like the other benchmarks, so a busy machine does not inflate it.
_SCRIPT = """
import time
import bpgd_helpers.symbolic as symbolic
start = time.process_time()
symbolic.derive_network_gradients((3, 4, 4, 1), m=2)
print(time.process_time() - start)
"""


def run():
    times = []
    for _ in range(RUNS):
        out = subprocess.run([sys.executable, "-c", _SCRIPT], check=True, capture_output=True, text=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    t = statistics.median(times)
    return [{
        "name": "SymPy: derive every gradient of [3, 4, 4, 1] on a batch of 2 (derive_network_gradients)",
        "value": t, "unit": "s", "goal": f"≤ {GOAL_SECONDS:g} s", "met": t <= GOAL_SECONDS,
        "note": f"CPU time, median of {RUNS} fresh interpreters (SymPy import not counted); fastest {fmt_seconds(min(times))}",
    }]
