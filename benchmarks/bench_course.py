"""The whole course: execute every notebook in solutions/, against the bare cost of a kernel.

The baseline is what no lesson can avoid: start a kernel, import the course's libraries
(NumPy, Matplotlib with ipympl, ipywidgets, SymPy, bpgd_helpers, and PyTorch and Keras for
a notebook that imports them: lesson 10) and shut the kernel down. It is measured once per
notebook, just before that notebook, so both share the same load.

Time is the kernel process's CPU time (user + system, all its threads, from /proc), which
counts the work a notebook makes the kernel do and not the time it waits while other
programs use the machine. On an idle machine a learner waits about that long (wall-clock
times are in the notes). Without /proc, wall-clock time is used.
"""

import os
import pathlib
import re
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
OPTIONAL = ("torch", "keras")  # the `frameworks` extra (KERAS_BACKEND is set by benchmarks/__init__.py)


def baseline_notebook(nb):
    """A one-cell notebook that imports what any lesson imports, plus the extras `nb` imports."""
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    extras = [name for name in OPTIONAL if re.search(rf"^\s*import {name}\b", code, flags=re.M)]
    source = BASELINE_SOURCE + "".join(f"\nimport {name}" for name in extras)
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])


def _cpu_seconds(client):
    """CPU time the kernel process has used so far, or the wall clock without /proc."""
    try:
        fields = pathlib.Path(f"/proc/{client.km.provisioner.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (AttributeError, OSError):
        return time.perf_counter()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def execute(nb, cwd):
    """Execute `nb` in a fresh kernel.

    Returns:
        (cpu, wall, cells): the kernel's CPU seconds from its start to the end of the last
        cell, the wall-clock seconds of the whole run, and (index, cpu, wall) for each code cell.
    """
    cells, marks = [], {}

    def cell_starts(cell, cell_index, **_):
        marks["cell"] = (_cpu_seconds(client), time.perf_counter())

    def cell_ends(cell, cell_index, **_):
        cpu, wall = _cpu_seconds(client), time.perf_counter()
        cells.append((cell_index, cpu - marks["cell"][0], wall - marks["cell"][1]))
        marks["last"] = cpu

    client = NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(cwd)}},
                            on_cell_execute=cell_starts, on_cell_executed=cell_ends,
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
    start = time.perf_counter()
    client.execute()
    return marks.get("last", 0.0), time.perf_counter() - start, cells


def run():
    paths = sorted(SOLUTIONS.glob("*.ipynb"))
    course = baseline = course_wall = baseline_wall = 0.0
    slowest = (0.0, 0.0, "", 0)  # cpu, wall, notebook, cell index
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        bare_cpu, bare_wall, _ = execute(baseline_notebook(nb), SOLUTIONS)
        try:
            cpu, wall, cells = execute(nb, SOLUTIONS)
        except Exception as exc:  # a broken notebook is reported, not fatal to the other benchmarks
            failed.append(f"{path.name} ({type(exc).__name__})")
            continue
        course, baseline = course + cpu, baseline + bare_cpu
        course_wall, baseline_wall = course_wall + wall, baseline_wall + bare_wall
        for index, cell_cpu, cell_wall in cells:
            if cell_cpu > slowest[0]:
                slowest = (cell_cpu, cell_wall, path.name, index)
        print(f"  {path.name}: {cpu:.1f} s CPU ({wall:.1f} s wall); bare kernel {bare_cpu:.1f} s CPU",
              file=sys.stderr, flush=True)
    ran = len(paths) - len(failed)
    ratio = course / baseline if ran else float("nan")
    failures = f"; FAILED: {', '.join(failed)}" if failed else ""
    return [
        {"name": f"execute all {len(paths)} solution notebooks, vs kernel start + imports as often",
         "value": ratio, "unit": "×", "goal": f"≤ {GOAL_RATIO:g}×",
         "met": bool(ran) and not failed and ratio <= GOAL_RATIO,
         "note": f"kernel CPU {course:.1f} s for {ran} notebooks vs {baseline:.1f} s for {ran} bare kernels "
                 f"(wall clock {course_wall:.0f} s vs {baseline_wall:.0f} s){failures}"},
        {"name": "slowest single cell of any solution notebook",
         "value": slowest[0], "unit": "s", "goal": f"≤ {GOAL_CELL_SECONDS:g} s", "met": slowest[0] <= GOAL_CELL_SECONDS,
         "note": f"{slowest[2]}, cell {slowest[3]}: kernel CPU time ({slowest[1]:.1f} s wall clock)"
                 if slowest[2] else "no cell ran"},
    ]
