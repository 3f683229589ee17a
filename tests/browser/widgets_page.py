"""Keyboard and figure helpers for widget outputs in a JupyterLab page.

Used by the interaction tests and by benchmarks/bench_browser.py. The page must be
a notebook opened with ``lab_page.LabNotebook`` whose cells have run.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import nbformat

# Controls inside widget outputs: form elements, ipywidgets' slider handle (.noUi-handle)
# and editable readout, anything with ARIA control roles, and anything else made
# focusable with tabindex. A control taken out of the Tab order with tabindex="-1" is
# still listed (and then fails the reachability test); disabled controls are not.
_CONTROL = 'button, input, select, textarea, .noUi-handle, .widget-readout, [role="slider"], [role="button"], [role="checkbox"], [role="switch"], [role="combobox"], [role="spinbutton"]'
_FOCUSABLE = f'{_CONTROL}, a[href], [tabindex], [contenteditable="true"], [contenteditable=""]'

# Marks every focusable element in the widget outputs of one cell with
# data-bpgd-control="<n>" and describes it. ipympl's figure (its focusable canvas and
# a pan/zoom toolbar that only appears on mouse hover) is flagged `figure`.
_MARK_CONTROLS_JS = r"""
([cellIndex, selector, control]) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[cellIndex];
  const describe = (el) => {
    const box = el.closest('.widget-inline-hbox, .widget-inline-vbox, .widget-play, .widget-button, .jupyter-matplotlib');
    const label = box?.querySelector(':scope > .widget-label')?.textContent.trim();
    const icon = [...(el.querySelector('i')?.classList || [])].find((c) => c.startsWith('fa-') && c !== 'fa-fw');
    const kind = el.classList.contains('noUi-handle') ? 'slider'
      : el.classList.contains('widget-readout') ? 'readout'
      : el.classList.contains('jupyter-matplotlib-canvas-div') ? 'figure canvas'
      : el.tagName.toLowerCase();
    const name = label || el.getAttribute('aria-label') || el.title.split('\n')[0] || el.textContent.trim().slice(0, 30) || icon || '';
    return name ? `${kind} "${name}"` : kind;
  };
  const controls = [];
  for (const output of cell.querySelectorAll('.jp-OutputArea-output')) {
    for (const el of output.querySelectorAll(selector)) {
      if (el.disabled || el.getAttribute('aria-disabled') === 'true') continue;
      if (el.getAttribute('tabindex') === '-1' && !el.matches(control)) continue;  // e.g. focus containers
      el.dataset.bpgdControl = String(controls.length);
      controls.push({
        id: el.dataset.bpgdControl,
        name: describe(el),
        visible: el.checkVisibility({visibilityProperty: true, opacityProperty: false}),
        figure: !!el.closest('.jupyter-matplotlib'),
      });
    }
  }
  return controls;
}
"""

_ACTIVE_JS = r"""
(cellIndex) => {
  const a = document.activeElement;
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[cellIndex];
  const inside = !!a && [...cell.querySelectorAll('.jp-OutputArea-output')].some((o) => o.contains(a));
  return {id: a?.dataset?.bpgdControl ?? null, inside, tag: a?.tagName, cls: String(a?.className || '').slice(0, 80)};
}
"""


def widget_cells(lab) -> list[int]:
    """Indices of the code cells that show at least one widget view."""
    return [c["index"] for c in lab.cells() if any(o["widget"] for o in c["outputs"])]


def cell_selector(page, cell_index: int) -> str:
    """A CSS selector for one notebook cell (the cell is tagged with data-bpgd-cell)."""
    page.evaluate(
        "(i) => { document.querySelectorAll('.jp-Notebook .jp-Cell')[i].dataset.bpgdCell = String(i); }", cell_index
    )
    return f'.jp-Notebook .jp-Cell[data-bpgd-cell="{cell_index}"]'


def mark_controls(page, cell_index: int) -> list[dict]:
    """List (and tag with data-bpgd-control) the controls in one cell's widget outputs."""
    return page.evaluate(_MARK_CONTROLS_JS, [cell_index, _FOCUSABLE, _CONTROL])


def tab_walk(page, cell_index: int, max_presses: int = 80) -> dict:
    """Press Tab from the start of a cell's outputs until focus leaves them.

    The walk starts where a learner who clicked just before the widgets would: the
    output area is given tabindex=-1 and focused, which puts the browser's sequential
    focus starting point there without adding a tab stop. Returns the ids of the
    controls in the order they received focus, and where focus got stuck, if it did
    (a keyboard trap: Tab pressed and focus did not move).
    """
    page.evaluate(
        """(i) => { const o = document.querySelectorAll('.jp-Notebook .jp-Cell')[i].querySelector('.jp-OutputArea');
                    o.setAttribute('tabindex', '-1'); o.focus(); }""",
        cell_index,
    )
    order, trapped_at, previous = [], None, None
    for _ in range(max_presses):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE_JS, cell_index)
        if not active["inside"]:
            break
        if active["id"] is not None and active["id"] == previous:
            trapped_at = active["id"]
            break
        if active["id"] is not None and active["id"] not in order:
            order.append(active["id"])
        previous = active["id"]
    return {"order": order, "trapped_at": trapped_at}


# -- figures ------------------------------------------------------------------------------

def canvas_image(page, canvas_selector: str) -> str:
    """The current image of an ipympl figure, as a data URL (equal strings = equal pixels)."""
    return page.eval_on_selector(canvas_selector, "(c) => c.toDataURL()")


def wait_for_image_change(page, canvas_selector: str, before: str, timeout: float = 10.0) -> bool:
    """Whether the figure's image differs from ``before`` within ``timeout`` seconds."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(
            "([sel, before]) => document.querySelector(sel)?.toDataURL() !== before",
            arg=[canvas_selector, before], timeout=timeout * 1000, polling=50,
        )
        return True
    except PlaywrightTimeout:
        return False


# Time from a key press to the figure's image changing, measured inside the page:
# t0 when the keydown reaches the document (capture phase), t1 at the first
# animation frame whose canvas pixels differ from those before the press (a sampled
# checksum of getImageData: cheap enough to run every frame, unlike toDataURL).
_ARM_LATENCY_JS = r"""
([sel]) => {
  const canvas = document.querySelector(sel);
  const ctx = canvas.getContext('2d');
  const checksum = () => {
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let h = 0;
    for (let i = 0; i < d.length; i += 4 * 7) h = (h * 31 + d[i] + 3 * d[i + 1] + 7 * d[i + 2]) | 0;
    return h;
  };
  const before = checksum();
  window.__bpgdLatency = new Promise((resolve) => {
    let t0 = null;
    document.addEventListener('keydown', () => { t0 = performance.now(); }, {capture: true, once: true});
    const deadline = performance.now() + 10000;
    const poll = () => {
      const now = performance.now();
      if (t0 !== null && checksum() !== before) { resolve(now - t0); return; }
      if (now > deadline) { resolve(null); return; }
      requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  });
}
"""


def key_to_image_latencies(page, handle_selector: str, canvas_selector: str, presses: int = 20,
                           keys=("ArrowRight", "ArrowLeft"), settle: float = 0.3) -> list[float | None]:
    """Milliseconds from each key press on a focused slider handle to the figure's image changing.

    Alternates ``keys`` so the slider stays near its start. ``None`` marks a press
    whose image did not change within 10 s. Between presses the figure is left
    ``settle`` seconds to finish drawing, so one press is never timed by the last one's image.
    """
    page.focus(handle_selector)
    latencies = []
    for i in range(presses):
        page.evaluate(_ARM_LATENCY_JS, [canvas_selector])
        page.keyboard.press(keys[i % len(keys)])
        latencies.append(page.evaluate("() => window.__bpgdLatency"))
        time.sleep(settle)
    return latencies


def median_ms(latencies) -> float | None:
    measured = [x for x in latencies if x is not None]
    return statistics.median(measured) if measured else None


# -- the gradient-descent explorer ---------------------------------------------------------

EXPLORER_MODULE = Path(__file__).resolve().parents[2] / "bpgd_helpers" / "explorer.py"
EXPLORER_NOTEBOOK = "browser-tests/gd_explorer.ipynb"


def explorer_available() -> bool:
    return EXPLORER_MODULE.exists()


def write_explorer_notebook(root: Path) -> str:
    """Write a small notebook that shows bp.GDExplorer; return its path relative to ``root``.

    Each control gets the CSS class ``bpgd-control-<name>`` (ipywidgets' add_class), so
    the test finds the widget behind ``ex.controls["lr"]`` in the page without relying
    on its label text.
    """
    cells = [
        nbformat.v4.new_code_cell("%matplotlib widget\nimport bpgd_helpers as bp"),
        nbformat.v4.new_code_cell(
            'ex = bp.GDExplorer(surface="bowl", optimizer="gd")\n'
            "for name, control in ex.controls.items():\n"
            "    control.add_class(f\"bpgd-control-{name}\")\n"
            "print(sorted(ex.controls))\n"
            "ex"
        ),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    path = root / EXPLORER_NOTEBOOK
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return EXPLORER_NOTEBOOK
