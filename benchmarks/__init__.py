"""Benchmarks of the course, run with `make bench` (`python -m benchmarks`).

Each module bench_*.py has a function run() that returns a list of rows, dicts with keys
"name", "value", "unit", "goal", "met" (bool) and "note". Comparisons are measured side
by side in one run and reported as ratios, so that a slow or busy machine slows both sides.
"""

import os

# Single-threaded numerical libraries, as the goals say; set before NumPy or PyTorch is imported.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("KERAS_BACKEND", "torch")
