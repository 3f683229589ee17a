"""Let the Tab key leave an interactive (ipympl) figure in JupyterLab.

ipympl's figure cancels every key press it receives, Tab included (its key
handler calls preventDefault() so that Matplotlib's key shortcuts work), so a
learner who reaches a figure with Tab cannot leave it with the keyboard: a
keyboard trap (WCAG 2.1.2). `free_tab_key()` puts a small script in the page
that stops Tab, and only Tab, from reaching a figure's key handler; the
browser then moves the focus on as it does everywhere else. Other keys still
go to the figure.

`use_course_style()` calls it, so every lesson's setup cell does.
"""

#: The script: a capture listener on the window runs before the figure's own handler.
FREE_TAB_JS = """\
(() => {
  if (window.bpgdFreeTabKey) return;  // once per page
  window.bpgdFreeTabKey = true;
  window.addEventListener("keydown", (event) => {
    const target = event.target;
    if (event.key === "Tab" && target instanceof Element
        && target.classList.contains("jupyter-matplotlib-canvas-div")) {
      event.stopPropagation();  // the figure never sees Tab, so the browser moves the focus on
    }
  }, true);
})();
"""


def in_notebook_kernel():
    """True inside a Jupyter kernel (where a display reaches a browser), False in plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def free_tab_key():
    """In a notebook, display the script that lets Tab leave ipympl figures; elsewhere, do nothing.

    Returns True when the script was displayed.
    """
    if not in_notebook_kernel():
        return False
    from IPython.display import Javascript, display

    display(Javascript(FREE_TAB_JS))
    return True
