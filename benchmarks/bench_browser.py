"""End-to-end latency in a real browser: from a slider key press to the figure's image changing.

JupyterLab from .venv in headless Chromium, set up exactly as the browser tests set it
up: their server and page helpers are imported from the ``tests.browser`` package
(``python -m benchmarks`` runs from the repository root, where ``tests`` is a package),
rather than copied or reached through sys.path. Measured inside the page: from the
keydown reaching the document to the first animation frame whose canvas pixels differ.
That covers the widget message to the kernel, the Python callback, Matplotlib's draw,
the image's trip back and its paint.
"""

import math
import tempfile
from pathlib import Path

from tests.browser.jupyter_server import ENABLE_HINT, LabServer, chromium_available, copy_notebooks, launch_chromium
from tests.browser.lab_page import LabNotebook, LabSession
from tests.browser.widgets_page import (
    cell_selector,
    explorer_available,
    key_to_image_latencies,
    median_ms,
    widget_cells,
    write_explorer_notebook,
)

GOAL_MS = 150.0
PRESSES = 20
WARM_UP = 2  # presses before the measured ones (first comm messages, JIT of the page's code)


def _row(name, latencies, note=""):
    measured = [x for x in latencies if x is not None]
    median = median_ms(latencies)
    lost = len(latencies) - len(measured)
    if median is None:
        return {"name": name, "value": math.nan, "unit": "ms", "goal": f"≤ {GOAL_MS:g} ms", "met": False,
                "note": f"the figure never changed after {len(latencies)} key presses"}
    detail = f"median of {len(measured)} key presses, max {max(measured):.0f} ms"
    if lost:
        detail += f", {lost} presses changed nothing within 10 s"
    return {"name": name, "value": median, "unit": "ms", "goal": f"≤ {GOAL_MS:g} ms",
            "met": median <= GOAL_MS and not lost, "note": f"{detail}{'; ' + note if note else ''}"}


def _skipped(name, why):
    return {"name": name, "value": math.nan, "unit": "ms", "goal": f"≤ {GOAL_MS:g} ms", "met": False,
            "note": f"not measured: {why}"}


def _measure(session, relpath, handle, canvas):
    """Open and run a notebook, then time PRESSES key presses on a slider handle."""
    with LabNotebook(session, relpath) as lab:
        lab.open()
        lab.run_all()
        lab.wait_for_figures()
        cell = cell_selector(lab.page, widget_cells(lab)[0])
        key_to_image_latencies(lab.page, f"{cell} {handle}", f"{cell} {canvas}", presses=WARM_UP)
        return key_to_image_latencies(lab.page, f"{cell} {handle}", f"{cell} {canvas}", presses=PRESSES)


def run():
    explorer_name = "browser: lr key press → figure (GD explorer)"
    lesson_name = "browser: slider key press → figure (lesson 00)"
    if not chromium_available():
        why = f"no Chromium at /usr/bin/chromium; {ENABLE_HINT.replace('them', 'it')}"
        return [_skipped(explorer_name, why), _skipped(lesson_name, why)]
    from playwright.sync_api import sync_playwright

    canvas = ".jupyter-matplotlib-canvas-div canvas"
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        root = copy_notebooks(Path(tmp) / "repo", folders=("lessons",))
        with LabServer(root, Path(tmp) / "state") as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            session = LabSession(browser, server)
            try:
                if explorer_available():
                    relpath = write_explorer_notebook(root)
                    latencies = _measure(session, relpath, ".bpgd-control-lr .noUi-handle", canvas)
                    rows.append(_row(explorer_name, latencies, "GDExplorer(surface='bowl'), ArrowRight/ArrowLeft"))
                else:
                    rows.append(_skipped(explorer_name, "bpgd_helpers/explorer.py does not exist yet"))
                latencies = _measure(session, "lessons/00_welcome.ipynb", ".widget-slider .noUi-handle", canvas)
                rows.append(_row(lesson_name, latencies, "FloatSlider w, ArrowRight/ArrowLeft"))
            finally:
                session.close()
                browser.close()
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
