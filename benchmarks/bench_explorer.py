"""Latency of the GDExplorer: the kernel-side cost of one control change.

One change = set a control's value (the explorer re-runs `optimize` and moves
its artists) plus `figure.canvas.draw()`. It is measured on the ipympl canvas
that `%matplotlib widget` uses, in the state it is in once a browser is
connected (it sends only the changed pixels, as a PNG), and on the plain Agg
canvas. The issue's goal: a median of at most 30 ms on a 2-core machine.

The value is the kernel process's CPU time per change (single-threaded work, so it equals the
latency on an idle machine); the note adds the wall time, which on a shared machine also counts
the time spent waiting for a core.
"""

import os
import statistics
import time

import numpy as np

GOAL_MS = 30.0
CHANGES = 30
IPYMPL = "module://ipympl.backend_nbagg"


def _lr_changes(explorer):
    """30 learning rates on the bowl, from crawling to oscillating (none diverges)."""
    return [("lr", v) for v in np.geomspace(0.01, 0.19, CHANGES)]


def _mixed_changes(explorer):
    """Every kind of control in turn: lr, start point, noise, optimizer, the step slider."""
    optimizers = ["momentum", "gd", "nesterov", "adam", "rmsprop"]
    rng = np.random.default_rng(0)
    changes = []
    for i in range(CHANGES):
        kind = i % 6
        if kind == 0:
            changes.append(("lr", float(10 ** rng.uniform(-2, -0.75))))
        elif kind == 1:
            changes.append(("start_x", float(rng.uniform(-2.8, 2.8))))
        elif kind == 2:
            changes.append(("start_y", float(rng.uniform(-1.4, 1.4))))
        elif kind == 3:
            changes.append(("noise", float(rng.choice([0.0, 0.5, 2.0]))))
        elif kind == 4:
            changes.append(("optimizer", optimizers[(i // 6) % len(optimizers)]))
        else:
            changes.append(("step", int(rng.integers(0, explorer.controls["step"].max + 1))))
    return changes


def _time_changes(explorer, changes):
    """(CPU ms, wall ms) of each change: set the value, then canvas.draw()."""
    canvas = explorer.figure.canvas
    cpu, wall = [], []
    for key, value in changes:
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        explorer.controls[key].value = value
        canvas.draw()
        cpu.append((time.process_time() - start_cpu) * 1e3)
        wall.append((time.perf_counter() - start_wall) * 1e3)
    return cpu, wall


def _explorer(backend):
    import matplotlib.pyplot as plt

    import bpgd_helpers as bp
    from bpgd_helpers import explorer as _  # noqa: F401  (imports sympy and ipywidgets: not counted)

    plt.switch_backend(backend)
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    explorer = bp.GDExplorer(surface="bowl", optimizer="gd")
    built_ms = ((time.process_time() - start_cpu) * 1e3, (time.perf_counter() - start_wall) * 1e3)
    canvas = explorer.figure.canvas
    if hasattr(canvas, "syncing_data_url"):
        canvas.syncing_data_url = False  # what ipympl does once the browser says "initialized"
    canvas.draw()  # the first draw renders the cached background
    return explorer, built_ms


def _row(name, times, note):
    """A row whose value is the median CPU time of the kernel process (see the note for wall time).

    The work is single-threaded, so on an idle machine wall time equals CPU time; on a machine shared
    with other jobs, wall time also counts the waits for a core, which this benchmark does not cause.
    """
    cpu, wall = times
    median = statistics.median(cpu)
    return {"name": name, "value": median, "unit": "ms", "goal": f"≤ {GOAL_MS:g} ms", "met": median <= GOAL_MS,
            "note": f"{note}; median CPU time of {len(cpu)} changes (max {max(cpu):.1f} ms); "
                    f"median wall time {statistics.median(wall):.1f} ms"}


def run():
    import matplotlib.pyplot as plt

    from bpgd_helpers.plotting import use_course_style

    previous = plt.get_backend()
    use_course_style()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    rows = []
    try:
        explorer, built_ms = _explorer(IPYMPL)
        _time_changes(explorer, _lr_changes(explorer)[:3])  # warm-up
        rows.append(_row("explorer: one lr change (ipympl canvas)", _time_changes(explorer, _lr_changes(explorer)),
                         "set lr, re-run optimize, move the artists, canvas.draw() incl. the PNG diff sent to the browser"))
        rows.append(_row("explorer: any control change (ipympl canvas)",
                         _time_changes(explorer, _mixed_changes(explorer)),
                         "lr, start x/y, noise, optimizer and the step slider in turn"))
        start = time.process_time()
        explorer.controls["surface"].value = "himmelblau"
        explorer.figure.canvas.draw()
        surface_ms = (time.process_time() - start) * 1e3
        explorer.close()

        agg, _ = _explorer("agg")
        _time_changes(agg, _lr_changes(agg)[:3])
        rows.append(_row("explorer: one lr change (Agg canvas)", _time_changes(agg, _lr_changes(agg)),
                         "the same without ipympl's PNG encoding"))
        agg.close()
        rows.append({"name": "explorer: construction", "value": built_ms[0], "unit": "ms", "goal": "≤ 1000 ms",
                     "met": built_ms[0] <= 1000,
                     "note": f"GDExplorer() after imports, CPU time (wall {built_ms[1]:.0f} ms); switching the "
                             f"surface then costs {surface_ms:.0f} ms CPU (contours drawn once per surface); "
                             f"1-min load average {load:.1f}"})
    finally:
        plt.switch_backend(previous)
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
