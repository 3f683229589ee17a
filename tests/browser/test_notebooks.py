"""Every notebook runs in a real JupyterLab in headless Chromium, as a learner would run it.

For each lesson on disk: open the notebook, clear its outputs, Run All Cells from the
menu, wait for the kernel to go idle, save with Ctrl+S, then check the page and the
saved file. Solutions must run without a single error; lessons may fail only in the
unsolved exercise cells. The widgets each lesson should show are derived from the
outputs stored in its solution notebook, never hard-coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import nbformat
import pytest

from .jupyter_server import REPO
from .lab_page import LabNotebook, expected_widgets

# Errors an unsolved lesson may show: the exercise stub, or its check cell reporting it.
UNSOLVED_ERRORS = {"NotImplementedError", "CheckFailed"}


@dataclass
class Run:
    relpath: str
    cells: list  # per code cell on the page: index, prompt, outputs
    figures: list  # per ipympl figure on the page: label, size, drawn
    saved: nbformat.NotebookNode  # the notebook as JupyterLab saved it after the run
    widget_errors: list
    dialogs: list
    console_errors: list
    filtered_console: list


def run_in_lab(session, relpath, screenshot=None):
    """Open, run, save (and screenshot) one notebook; close it and shut its kernel down."""
    with LabNotebook(session, relpath) as lab:
        lab.open()
        cells = lab.run_all()
        figures = lab.wait_for_figures()
        saved = lab.save()
        if screenshot:
            lab.screenshot(screenshot)
        return Run(relpath, cells, figures, saved, lab.widget_errors(), lab.dialogs(),
                   lab.log.console_errors, lab.log.filtered)


def error_outputs(saved):
    """(cell index, tags, ename, evalue) of every error output in a saved notebook."""
    return [
        (i, cell.metadata.get("tags", []), out.get("ename"), out.get("evalue", "")[:200])
        for i, cell in enumerate(saved.cells)
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if out.output_type == "error"
    ]


def check_common(run: Run, expected: dict | None):
    """What every notebook must satisfy, solved or not."""
    where = run.relpath
    assert not run.dialogs, f"{where}: dialogs appeared: {run.dialogs}"

    prompts = [c["prompt"] for c in run.cells]
    not_run = [c["index"] for c in run.cells if not re.fullmatch(r"\[\d+\]:", c["prompt"])]
    assert not not_run, f"{where}: code cells {not_run} did not run; prompts {prompts}"
    counts = [int(p[1:-2]) for p in prompts]
    assert counts == list(range(1, len(counts) + 1)), f"{where}: cells did not run once each, in order: {counts}"
    unsaved = [i for i, c in enumerate(run.saved.cells) if c.cell_type == "code" and c.execution_count is None]
    assert not unsaved, f"{where}: the saved notebook has code cells {unsaved} without an execution count"

    assert not run.widget_errors, f"{where}: {run.widget_errors}"
    if expected is not None:
        shown = {}
        for c in run.cells:
            widgets = sum(o["widget"] for o in c["outputs"])
            if widgets:
                shown[c["index"]] = {"widgets": widgets, "figures": sum(o["mpl"] for o in c["outputs"])}
        assert shown == expected, (
            f"{where}: widget views per cell {{cell index: counts}} on the page {shown} differ from the "
            f"solution's stored outputs {expected}. A widget shown as text did not render."
        )
    blank = [f for f in run.figures if not f["drawn"]]
    assert not blank, f"{where}: ipympl figures that never received an image: {blank}"
    for message in run.filtered_console:
        print(f"{where}: console error ignored: {message}")
    assert not run.console_errors, f"{where}: browser console errors: {run.console_errors}"


class _LessonInBrowser:
    """The browser checks of one lesson: its solution and its learner copy."""

    stem = ""

    def test_solution(self, jupyterlab, screenshot_dir):
        relpath = f"solutions/{self.stem}.ipynb"
        # Read from the server's copy, the very file the browser runs (the checkout may change meanwhile).
        expected = expected_widgets(nbformat.read(jupyterlab.server.root_dir / relpath, as_version=4))
        run = run_in_lab(jupyterlab, relpath, screenshot_dir / "solutions" / f"{self.stem}.png")
        assert not error_outputs(run.saved), f"{relpath}: error outputs: {error_outputs(run.saved)}"
        check_common(run, expected)

    def test_lesson(self, jupyterlab):
        relpath = f"lessons/{self.stem}.ipynb"
        if not (jupyterlab.server.root_dir / relpath).exists():
            pytest.skip(f"{relpath} is not generated yet (make lessons)")
        run = run_in_lab(jupyterlab, relpath)  # no screenshot: the solution's shows the same figures
        unexpected = [e for e in error_outputs(run.saved) if "raises-exception" not in e[1] or e[2] not in UNSOLVED_ERRORS]
        assert not unexpected, (
            f"{relpath}: errors other than an unsolved exercise ({sorted(UNSOLVED_ERRORS)} in a cell tagged "
            f"raises-exception): {unexpected}"
        )
        # The demonstrations must not depend on the learner's answers: the same widgets as the solution.
        solution = nbformat.read(jupyterlab.server.root_dir / "solutions" / f"{self.stem}.ipynb", as_version=4)
        same_cells = len(solution.cells) == len(run.saved.cells)
        check_common(run, expected_widgets(solution) if same_cells else None)


# pytest-xdist's --dist loadscope sends all the tests of one class to one worker, so a
# class per lesson (rather than one parametrized class) lets the workers share the lessons.
for _stem in sorted(p.stem for p in (REPO / "solutions").glob("*.ipynb")):
    globals()[f"Test_{_stem}"] = type(f"Test_{_stem}", (_LessonInBrowser,), {"stem": _stem, "__doc__": f"{_stem} in JupyterLab."})
