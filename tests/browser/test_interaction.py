"""Widgets respond in the browser: keyboard access in lesson 00, and the gradient-descent explorer.

The explorer test runs on a small notebook it writes into the temporary copy
(``widgets_page.write_explorer_notebook``), so it does not depend on how lesson 06
embeds the explorer.
"""

from __future__ import annotations

import json

import pytest

from .lab_page import LabNotebook
from .widgets_page import (
    canvas_image,
    cell_selector,
    explorer_available,
    mark_controls,
    tab_walk,
    wait_for_image_change,
    widget_cells,
    write_explorer_notebook,
)

LESSON_00 = "lessons/00_welcome.ipynb"


@pytest.fixture(scope="class")
def lesson00(jupyterlab):
    """Lesson 00 (the learner's copy), run to the end, open for the tests of TestLesson00."""
    with LabNotebook(jupyterlab, LESSON_00) as notebook:
        notebook.open()
        notebook.run_all()
        notebook.wait_for_figures()
        yield notebook


class TestLesson00:
    """Lesson 00's widget cell, driven from the keyboard."""

    def test_every_control_is_reachable_with_tab(self, lesson00, record_property):
        cells = widget_cells(lesson00)
        assert cells, f"{LESSON_00} shows no widgets"
        report = []
        for index in cells:
            controls = mark_controls(lesson00.page, index)
            names = {c["id"]: c["name"] for c in controls}
            walk = tab_walk(lesson00.page, index)
            order = [names[i] for i in walk["order"]]
            report.append({"cell": index, "tab_order": order, "trapped_at": names.get(walk["trapped_at"]),
                           "not_keyboard": [c["name"] for c in controls if not c["visible"]]})
            # ipympl's figure canvas and its hover-only pan/zoom toolbar are the figure, not
            # the lesson's controls; every visible ipywidgets control must take focus from Tab.
            must = [c for c in controls if c["visible"] and not c["figure"]]
            assert must, f"cell {index} of {LESSON_00} shows widgets but no keyboard control: {controls}"
            missed = [c["name"] for c in must if c["id"] not in walk["order"]]
            assert not missed, f"cell {index}: controls Tab never reached: {missed}; Tab order was {order}"
            reached = [i for i in walk["order"] if i in {c["id"] for c in must}]
            assert reached == [c["id"] for c in must], f"cell {index}: Tab order {order} is not the page order"
        record_property("tab_order", json.dumps(report))
        print(json.dumps(report, indent=1, ensure_ascii=False))
        assert not lesson00.log.console_errors, lesson00.log.console_errors

    def test_slider_moves_the_figure_from_the_keyboard(self, lesson00):
        index = widget_cells(lesson00)[0]
        cell = cell_selector(lesson00.page, index)
        handle = f"{cell} .widget-slider .noUi-handle"
        canvas = f"{cell} .jupyter-matplotlib-canvas-div canvas"
        readout = f"{cell} .widget-html-content"
        image, text = canvas_image(lesson00.page, canvas), lesson00.page.inner_text(readout)
        value = float(lesson00.page.get_attribute(handle, "aria-valuenow"))

        lesson00.page.focus(handle)
        for _ in range(3):
            lesson00.page.keyboard.press("ArrowRight")

        assert wait_for_image_change(lesson00.page, canvas, image), "the figure did not change after three ArrowRight presses"
        lesson00.page.wait_for_function("([sel, old]) => document.querySelector(sel).innerText !== old", arg=[readout, text])
        moved = float(lesson00.page.get_attribute(handle, "aria-valuenow"))
        assert moved == pytest.approx(value + 0.3), f"slider value went from {value} to {moved}, expected three 0.1 steps"
        assert not lesson00.log.console_errors, lesson00.log.console_errors

    def test_tab_leaves_an_ipympl_figure(self, lesson00):
        """ipympl's canvas cancels every key press, Tab included: a keyboard trap, which the script
        that use_course_style() displays (bpgd_helpers.keyboard) removes. Without it this fails."""
        index = widget_cells(lesson00)[0]
        cell = cell_selector(lesson00.page, index)
        figure = f"{cell} .jupyter-matplotlib-canvas-div"
        for key in ("Tab", "Shift+Tab"):
            lesson00.page.focus(figure)
            lesson00.page.keyboard.press(key)
            still_there = lesson00.page.evaluate("(sel) => document.activeElement === document.querySelector(sel)",
                                                 figure)
            assert not still_there, f"{key} did not move the focus out of the figure"


# -- the gradient-descent explorer --------------------------------------------------------------

@pytest.fixture(scope="class")
def explorer(jupyterlab):
    """A generated notebook showing bp.GDExplorer, run; yields (notebook, CSS selector of its cell)."""
    if not explorer_available():
        pytest.skip("bpgd_helpers/explorer.py (bp.GDExplorer) does not exist yet; this test runs once it does")
    relpath = write_explorer_notebook(jupyterlab.server.root_dir)
    with LabNotebook(jupyterlab, relpath) as notebook:
        notebook.open()
        cells = notebook.run_all()
        notebook.wait_for_figures()
        saved = notebook.save()
        errors = [o for c in saved.cells for o in c.get("outputs", []) if o.output_type == "error"]
        assert not errors, f"the explorer notebook failed: {[(e.ename, e.evalue) for e in errors]}"
        yield notebook, cell_selector(notebook.page, cells[-1]["index"])


def _control(cell, name):
    return f"{cell} .bpgd-control-{name}"


def _loss_texts(page, cell):
    """Texts in the explorer's HTML/Label widgets that mention the loss."""
    return page.evaluate(
        r"""(sel) => [...document.querySelectorAll(`${sel} .widget-html-content, ${sel} .widget-htmlmath-content, ${sel} .widget-label-basic, ${sel} .jupyter-matplotlib-footer`)]
              .map((e) => e.innerText.trim()).filter((t) => /loss/i.test(t))""",
        cell,
    )


class TestExplorer:
    """bp.GDExplorer in a generated notebook, driven from the keyboard."""

    def test_lr_slider_from_the_keyboard_changes_figure_and_loss(self, explorer):
        lab, cell = explorer
        page = lab.page
        handle = f"{_control(cell, 'lr')} .noUi-handle"
        assert page.locator(handle).count() == 1, "no slider for ex.controls['lr'] on the page"
        canvases = page.locator(f"{cell} .jupyter-matplotlib-canvas-div canvas:first-child")
        assert canvases.count() >= 1, "the explorer shows no ipympl figure"
        images = [c.evaluate("(c) => c.toDataURL()") for c in canvases.all()]
        texts = _loss_texts(page, cell)
        assert texts, "the explorer shows no text mentioning the loss"

        page.focus(handle)
        for _ in range(3):
            page.keyboard.press("ArrowRight")

        page.wait_for_function(
            "([sel, before]) => [...document.querySelectorAll(sel)].some((c, i) => c.toDataURL() !== before[i])",
            arg=[f"{cell} .jupyter-matplotlib-canvas-div canvas:first-child", images], timeout=10_000,
        )
        page.wait_for_timeout(500)
        assert _loss_texts(page, cell) != texts, f"the loss readout did not change: {texts}"
        assert not lab.log.console_errors, lab.log.console_errors

    def test_play_advances_the_step_slider(self, explorer):
        lab, cell = explorer
        page = lab.page
        step = f"{_control(cell, 'step')} .noUi-handle"
        play = f"{_control(cell, 'play')} button"  # ipywidgets 8 Play: play/pause, stop, repeat
        assert page.locator(step).count() == 1, "no slider for ex.controls['step'] on the page"
        assert page.locator(play).count() >= 2, "no Play widget for ex.controls['play'] on the page"
        value = "(sel) => parseFloat(document.querySelector(sel).getAttribute('aria-valuenow'))"
        start = page.evaluate(value, step)
        image = canvas_image(page, f"{cell} .jupyter-matplotlib-canvas-div canvas")

        page.focus(f"{play} >> nth=0")
        page.keyboard.press("Space")  # press Play from the keyboard
        # Play may rewind first (the explorer starts on the last step), then it must count up.
        page.wait_for_function(f"([sel, v]) => ({value})(sel) !== v", arg=[step, start], timeout=10_000)
        first = page.evaluate(value, step)
        page.wait_for_function(f"([sel, v]) => ({value})(sel) > v", arg=[step, first], timeout=10_000)
        assert wait_for_image_change(page, f"{cell} .jupyter-matplotlib-canvas-div canvas", image), \
            "the figure did not follow the step slider"

        page.focus(f"{play} >> nth=1")
        page.keyboard.press("Space")  # stop
        assert not lab.log.console_errors, lab.log.console_errors
