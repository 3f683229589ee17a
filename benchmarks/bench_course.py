"""The whole course: execute every notebook in solutions/, against the bare cost of a kernel.

The baseline is what no lesson can avoid: start a kernel, import the course's libraries
(NumPy, Matplotlib with ipympl, ipywidgets, SymPy, bpgd_helpers) and shut the kernel down.
It is measured once per notebook, just before that notebook, so both share the same load.
"""

import datetime
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
GOAL_RATIO = 3.0
#: "A few seconds": no single cell should make a learner wait longer than this.
GOAL_CELL_SECONDS = 5.0
BASELINE_SOURCE = """\
%matplotlib widget
import ipywidgets, matplotlib.pyplot, numpy, sympy
import bpgd_helpers"""


def execute(nb, cwd):
    """Execute `nb` in a fresh kernel; return its wall-clock seconds, kernel start to shutdown."""
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def cell_seconds(cell):
    """How long a learner waited for one executed cell (from nbclient's timestamps)."""
    timing = cell.metadata.get("execution", {})
    try:
        start = datetime.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except KeyError:
        return 0.0
    return (end - start).total_seconds()


def run():
    paths = sorted(SOLUTIONS.glob("*.ipynb"))
    baseline_nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE_SOURCE)])
    baseline = course = 0.0
    slowest = (0.0, "", 0)
    failed = []
    for path in paths:
        bare = execute(nbformat.from_dict(baseline_nb), SOLUTIONS)
        nb = nbformat.read(path, as_version=4)
        try:
            seconds = execute(nb, SOLUTIONS)
        except Exception as exc:  # a broken notebook is reported, not fatal to the other benchmarks
            failed.append(f"{path.name} ({type(exc).__name__})")
            continue
        course, baseline = course + seconds, baseline + bare
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and cell_seconds(cell) > slowest[0]:
                slowest = (cell_seconds(cell), path.name, index)
        print(f"  {path.name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    ran = len(paths) - len(failed)
    ratio = course / baseline if ran else float("nan")
    failures = f"; FAILED: {', '.join(failed)}" if failed else ""
    return [
        {"name": f"execute all {len(paths)} solution notebooks, vs kernel start + imports as often",
         "value": ratio, "unit": "×", "goal": f"≤ {GOAL_RATIO:g}×", "met": bool(ran) and not failed and ratio <= GOAL_RATIO,
         "note": f"{course:.1f} s for {ran} notebooks, {baseline:.1f} s for {ran} bare kernels{failures}"},
        {"name": "slowest single cell of any solution notebook",
         "value": slowest[0], "unit": "s", "goal": f"≤ {GOAL_CELL_SECONDS:g} s", "met": slowest[0] <= GOAL_CELL_SECONDS,
         "note": f"{slowest[1]}, cell {slowest[2]}" if slowest[1] else "no cell ran"},
    ]
