"""Drive one notebook in a real JupyterLab page with Playwright (sync API).

The helpers use JupyterLab's own UI as a learner would: the notebook opens as from
the file browser, outputs are cleared from the Edit menu and cells run from the Run
menu, the notebook saves with Ctrl+S. They read the page through DOM classes of
JupyterLab 4, ipywidgets 8 and ipympl:

* ``.jp-CodeCell .jp-InputPrompt``: the "[n]:" execution count of a code cell
  ("[ ]:" not run, "[*]:" queued or running).
* ``.jp-OutputArea-child > .jp-OutputArea-output``: one output; a widget view's
  root element inside it has the class ``jupyter-widgets`` (ipympl's figure:
  ``jupyter-matplotlib``), while a text fallback has a ``data-mime-type``.
* ``.jupyter-matplotlib-canvas-div canvas``: the first canvas holds ipympl's
  figure image; ``.noUi-handle`` is an ipywidgets slider's focusable handle.
* ``.jp-Dialog``: any JupyterLab dialog (kernel picker, trust, errors).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

# Console messages that are not errors of the course and are filtered, with the
# reason. Keep this list short; everything else of type "error" fails a test.
HARMLESS_CONSOLE_ERRORS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"^Failed to load resource: net::ERR_[A-Z_]+ "
                   r"\(https://maxcdn\.bootstrapcdn\.com/font-awesome/4\.4\.0/css/font-awesome\.min\.css"),
        "Matplotlib's to_jshtml animation player links Font Awesome 4.4 from a CDN, which an offline "
        "machine cannot reach; JupyterLab ships Font Awesome itself, so the player's buttons keep their icons",
    ),
]

# Recorded in the page itself, so nothing is missed between two polls: every
# JupyterLab dialog that is ever attached to the DOM, with its text.
_INIT_SCRIPT = r"""
(() => {
  window.__bpgdDialogs = [];
  const seen = new WeakSet();
  const scan = (root) => {
    if (!(root instanceof Element)) return;
    const found = root.matches('.jp-Dialog') ? [root] : [...root.querySelectorAll('.jp-Dialog')];
    for (const d of found) {
      if (seen.has(d)) continue;
      seen.add(d);
      setTimeout(() => window.__bpgdDialogs.push((d.innerText || '').trim().slice(0, 500)), 50);
    }
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) scan(n);
  }).observe(document, {childList: true, subtree: true});
})();
"""

# A summary of every code cell: its prompt and, per output, what rendered.
_CELLS_JS = r"""
() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .map((cell, index) => ({cell, index}))
  .filter(({cell}) => cell.classList.contains('jp-CodeCell'))
  .map(({cell, index}) => ({
    index,
    prompt: (cell.querySelector('.jp-InputPrompt')?.textContent || '').trim(),
    outputs: [...cell.querySelectorAll('.jp-OutputArea-child > .jp-OutputArea-output')].map((out) => {
      const root = out.firstElementChild;
      const widget = !!root && root.classList.contains('jupyter-widgets');
      const mpl = !!root && root.classList.contains('jupyter-matplotlib');
      return {mime: out.dataset.mimeType || null, widget: widget || mpl, mpl,
              text: (out.textContent || '').slice(0, 300)};
    }),
  }))
"""

# For every ipympl figure on the page: its size and whether it has been drawn
# (a canvas that is all one colour has not received an image yet).
_FIGURES_JS = r"""
() => [...document.querySelectorAll('.jupyter-matplotlib')].map((fig) => {
  const canvas = fig.querySelector('.jupyter-matplotlib-canvas-div canvas');
  if (!canvas || !canvas.width || !canvas.height) return {label: '', width: 0, height: 0, drawn: false};
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = false;
  for (let i = 4; i < data.length; i += 4 * 97) {
    if (data[i] !== data[0] || data[i + 1] !== data[1] || data[i + 2] !== data[2] || data[i + 3] !== data[3]) { drawn = true; break; }
  }
  const label = fig.querySelector('.jupyter-matplotlib-header')?.textContent.trim() || '';
  return {label, width: canvas.width, height: canvas.height, drawn};
})
"""


@dataclass
class PageLog:
    """What the browser said while a notebook was open."""

    console_errors: list[str] = field(default_factory=list)
    filtered: list[str] = field(default_factory=list)

    def on_console(self, message):
        if message.type != "error":
            return
        location = message.location or {}
        text = f"{message.text[:500]} ({location.get('url', '')}:{location.get('lineNumber', '')})"
        for pattern, reason in HARMLESS_CONSOLE_ERRORS:
            if pattern.search(text):
                self.filtered.append(f"{text[:200]}  [filtered: {reason}]")
                return
        self.console_errors.append(text)

    def on_page_error(self, error):
        self.console_errors.append(f"uncaught exception: {error}")


VIEWPORT = {"width": 1280, "height": 900}


class LabSession:
    """One JupyterLab page, kept open for a whole test session (one per pytest worker).

    Loading JupyterLab costs seconds of JavaScript start-up, so notebooks open and
    close inside the running page, the way a learner opens them from the file browser
    (the ``docmanager:open`` command). The server runs with
    ``LabApp.expose_app_in_browser``, which sets ``window.jupyterapp``; the tests use
    it only to open and close documents. After a failed test the page is thrown away
    and the next notebook gets a freshly loaded JupyterLab.
    """

    def __init__(self, browser, server):
        self.server = server
        self.context = browser.new_context(viewport=VIEWPORT)
        self.context.add_init_script(_INIT_SCRIPT)
        self.page = None
        self.log = PageLog()

    def ready_page(self, timeout: float = 90.0):
        if self.page is None or self.page.is_closed():
            page = self.context.new_page()
            page.on("console", lambda message: self.log.on_console(message))
            page.on("pageerror", lambda error: self.log.on_page_error(error))
            page.goto(f"{self.server.url}/lab?reset&token={self.server.token}", timeout=timeout * 1000)
            page.wait_for_function("() => !!window.jupyterapp", timeout=timeout * 1000)
            page.evaluate("async () => { await window.jupyterapp.restored; }")
            page.evaluate("() => window.jupyterapp.commands.execute('application:close-all')")
            self.page = page
        return self.page

    def discard_page(self):
        if self.page is not None and not self.page.is_closed():
            self.page.close()
        self.page = None

    def close(self):
        self.discard_page()
        self.context.close()


class LabNotebook:
    """One notebook, opened in the session's JupyterLab page; a context manager that closes it."""

    def __init__(self, session: LabSession, relpath: str):
        self.session = session
        self.server = session.server
        self.relpath = relpath
        self.viewport = dict(VIEWPORT)
        self.page = None
        self.log = PageLog()
        self._original = None

    # -- opening and closing ----------------------------------------------------------
    def open(self, timeout: float = 90.0) -> "LabNotebook":
        """Open the notebook (as the file browser does) and wait until its kernel is connected and idle."""
        self.page = self.session.ready_page()
        if self.page.locator(".jp-NotebookPanel").count():
            raise RuntimeError(f"cannot open {self.relpath}: another notebook is still open (one at a time)")
        self.session.log = self.log  # console messages from now on belong to this notebook
        self.page.evaluate("() => { window.__bpgdDialogs = []; }")
        self._original = (Path(self.server.root_dir) / self.relpath).read_bytes()
        # Not awaited: the command's promise settles seconds after the notebook is usable.
        self.page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', {path}); }", self.relpath)
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=timeout * 1000)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            kernel = self.kernel_model()
            if kernel and kernel["execution_state"] == "idle" and kernel["connections"] > 0 and self.indicator() == "idle":
                return self
            if self.dialogs():  # a kernel picker would wait for a click forever
                raise AssertionError(f"a dialog appeared while opening {self.relpath}: {self.dialogs()}")
            time.sleep(0.2)
        raise TimeoutError(f"the kernel of {self.relpath} was not idle within {timeout:.0f} s: {self.kernel_model()}")

    def close(self, failed: bool = False):
        """Close the notebook's tab without saving and shut down its kernel.

        After a failure (or if closing leaves anything behind) the whole page is
        discarded, so the next notebook starts from a clean JupyterLab. The file is
        put back as it was before ``open`` (``save`` overwrites it), so no test sees
        the outputs another test saved.
        """
        try:
            if self.page is not None and not failed:
                self.page.evaluate(
                    """() => { for (const w of [...window.jupyterapp.shell.widgets('main')]) {
                                 if (w.context?.model) w.context.model.dirty = false;  // no "save changes?" dialog
                                 w.close(); } }"""
                )
                self.page.wait_for_function("() => !document.querySelector('.jp-NotebookPanel, .jp-Dialog')", timeout=10_000)
        except Exception:
            failed = True
        finally:
            if failed:
                self.session.discard_page()
            if self._original is not None:
                (Path(self.server.root_dir) / self.relpath).write_bytes(self._original)
            for session in self.server.api("GET", "/api/sessions"):
                if session["path"] == self.relpath:
                    self.server.api("DELETE", f"/api/sessions/{session['id']}")

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        self.close(failed=exc_type is not None)

    # -- state ---------------------------------------------------------------------------
    def kernel_model(self):
        for session in self.server.api("GET", "/api/sessions"):
            if session["path"] == self.relpath and session.get("kernel"):
                return session["kernel"]
        return None

    def indicator(self):
        """The notebook toolbar's execution indicator: idle, busy, ... (None before it renders)."""
        return self.page.evaluate(
            "() => document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator')?.dataset.status || null"
        )

    def dialogs(self) -> list[str]:
        return self.page.evaluate("() => window.__bpgdDialogs || []")

    def cells(self) -> list[dict]:
        return self.page.evaluate(_CELLS_JS)

    def figures(self) -> list[dict]:
        return self.page.evaluate(_FIGURES_JS)

    def widget_errors(self) -> list[str]:
        """Widgets that failed to display, anywhere in the notebook.

        JupyterLab's widget renderer writes "Error displaying widget" (or "...: model
        not found"); ipywidgets 8 shows a model or view it cannot load as an error
        view with the class ``jupyter-widgets-error-widget``.
        """
        return self.page.evaluate(
            r"""() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')].flatMap((cell, index) =>
                 [...cell.querySelectorAll('.jp-OutputArea-output')]
                   .filter((o) => /Error displaying widget/i.test(o.textContent || '')
                                  || o.querySelector('.jupyter-widgets-error-widget'))
                   .map((o) => `cell ${index}: ${(o.textContent || '').trim().slice(0, 200)}`))"""
        )

    # -- actions ---------------------------------------------------------------------------
    def menu(self, menu: str, item: str):
        """Click a main-menu item, e.g. menu("Run", "Run All Cells")."""
        self.page.locator(".lm-MenuBar-item", has=self.page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(menu)}$"))).click()
        entry = self.page.locator(
            ".lm-Menu:visible .lm-Menu-item",
            has=self.page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$")),
        )
        entry.first.click()

    def run_all(self, timeout: float = 240.0) -> list[dict]:
        """Clear all outputs, run all cells from the Run menu, wait until every code cell ran.

        Clearing first means every prompt and output on the page afterwards comes
        from this run, not from the outputs stored in the file.
        """
        self.menu("Edit", "Clear Outputs of All Cells")
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].every((p) => !/\\d/.test(p.textContent))",
            timeout=10_000,
        )
        self.menu("Run", "Run All Cells")
        self.page.wait_for_function(  # the run has started: some prompt shows * or a count
            "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some((p) => /[*\\d]/.test(p.textContent))",
            timeout=30_000,
        )
        deadline = time.monotonic() + timeout
        idle_since = None
        running_js = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].some((p) => p.textContent.includes('*'))"
        while time.monotonic() < deadline:
            running = self.page.evaluate(running_js)
            kernel = self.kernel_model()
            if kernel is None or kernel["execution_state"] == "dead":
                raise AssertionError(f"the kernel of {self.relpath} died")
            if not running and kernel["execution_state"] == "idle" and self.indicator() == "idle":
                # Still idle 0.5 s later: the kernel is briefly idle between two cells too.
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since >= 0.5:
                    return self.cells()
            else:
                idle_since = None
            time.sleep(0.25)
        raise TimeoutError(f"{self.relpath} did not finish running within {timeout:.0f} s")

    def wait_for_figures(self, timeout: float = 15.0) -> list[dict]:
        """Wait until every ipympl figure on the page has been drawn (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        figures = self.figures()
        while time.monotonic() < deadline and not all(f["drawn"] for f in figures):
            time.sleep(0.2)
            figures = self.figures()
        return figures

    def save(self, timeout: float = 30.0):
        """Save with Ctrl+S (as a learner would) and return the notebook read back from disk."""
        path = Path(self.server.root_dir) / self.relpath
        before = path.stat().st_mtime_ns
        self.page.locator(".jp-NotebookPanel .jp-Notebook").first.focus()
        self.page.keyboard.press("Escape")  # command mode, whatever had focus
        self.page.keyboard.press("Control+s")
        self.page.wait_for_function(
            "() => !document.querySelector('.lm-TabBar-tab.jp-mod-current.jp-mod-dirty')", timeout=timeout * 1000
        )
        deadline = time.monotonic() + timeout
        while path.stat().st_mtime_ns == before:  # never read the file as it was before the run
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.relpath} was not saved: Ctrl+S did not write the file")
            time.sleep(0.1)
        return nbformat.read(path, as_version=4)

    def screenshot(self, path: Path, max_height: int = 16000) -> Path:
        """Save a PNG of the whole notebook: the window is made as tall as the notebook first."""
        path.parent.mkdir(parents=True, exist_ok=True)
        extra = self.page.evaluate(
            """() => { const s = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer');
                       return s ? s.scrollHeight - s.clientHeight : 0; }"""
        )
        height = min(self.viewport["height"] + max(0, extra) + 40, max_height)
        self.page.set_viewport_size({"width": self.viewport["width"], "height": height})
        try:
            self.page.evaluate("() => document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')?.scrollTo(0, 0)")
            self.page.wait_for_timeout(300)
            self.wait_for_figures(timeout=5)
            self.page.screenshot(path=str(path), full_page=True)
        finally:
            self.page.set_viewport_size(self.viewport)
        return path


def expected_widgets(notebook) -> dict[int, dict]:
    """Per code cell (by cell index), the widget views its stored outputs show.

    A stored output with the ``application/vnd.jupyter.widget-view+json`` type is a
    widget view; it is an ipympl figure when it also carries ipympl's PNG fallback
    (ipympl's Canvas is the only widget that stores one) or its repr is ``Canvas(...)``.
    """
    expected = {}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        widgets = figures = 0
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" not in data:
                continue
            widgets += 1
            plain = data.get("text/plain", "")
            plain = "".join(plain) if isinstance(plain, list) else plain
            if "image/png" in data or plain.startswith("Canvas("):
                figures += 1
        if widgets:
            expected[index] = {"widgets": widgets, "figures": figures}
    return expected
