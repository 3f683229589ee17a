"""One look for every figure of the course: a colour-blind-safe palette, line
styles and markers that tell series apart without colour, and figures shown
with a one-sentence description for screen readers and the static site.
"""

import io

import matplotlib as mpl
from cycler import cycler

from .keyboard import free_tab_key

#: Okabe & Ito's palette, distinguishable with every common colour-vision deficiency.
PALETTE = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}
COLORS = [PALETTE[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky", "black")]
LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
#: Sequential colour map for surfaces and heat maps (perceptually uniform, colour-blind safe).
CMAP = "cividis"
#: Two classes of the data set: colour plus a marker shape.
CLASS_STYLE = {0: {"color": PALETTE["blue"], "marker": "o"}, 1: {"color": PALETTE["orange"], "marker": "^"}}


def series_style(i):
    """Colour, line style and marker of the i-th series, so series differ without colour too."""
    return {"color": COLORS[i % len(COLORS)], "linestyle": LINESTYLES[i % len(LINESTYLES)],
            "marker": MARKERS[i % len(MARKERS)]}


def use_course_style():
    """Set matplotlib's defaults for the course (palette, line styles, sizes).

    In a notebook it also lets the Tab key leave interactive figures (see `keyboard.free_tab_key`).
    """
    mpl.rcParams.update({
        "axes.prop_cycle": cycler(color=COLORS) + cycler(linestyle=LINESTYLES),
        "image.cmap": CMAP,
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "legend.fontsize": 9,
        "lines.linewidth": 2.0,
        "lines.markersize": 5,
        "figure.constrained_layout.use": True,
    })
    free_tab_key()


def figure_png(fig):
    """The figure rendered to PNG bytes (deterministic: no timestamp in the file)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def check_figure(fig):
    """Raise ValueError unless every visible axes has a title and labelled axes.

    Axes drawn with the axis turned off (diagrams) and colour bars are exempt;
    a figure-level suptitle counts as the title of every axes.
    """
    has_suptitle = bool(getattr(fig, "_suptitle", None) and fig._suptitle.get_text())
    for i, ax in enumerate(fig.axes):
        if not ax.axison or ax.get_label() == "<colorbar>":
            continue
        missing = []
        if not (ax.get_title() or ax.get_title(loc="left") or has_suptitle):
            missing.append("a title")
        if not ax.get_xlabel():
            missing.append("an x label")
        if not ax.get_ylabel():
            missing.append("a y label")
        if hasattr(ax, "get_zlabel") and not ax.get_zlabel():
            missing.append("a z label")
        if missing:
            raise ValueError(f"axes {i} of the figure needs {', '.join(missing)}: every figure of the course is titled and labelled")


def show(fig, alt):
    """Display `fig` as a static image with a one-sentence description `alt`.

    The description travels with the image (output metadata "alt", used as
    the alt text of the static site) and is printed under it as a caption,
    so screen-reader users get it in JupyterLab too. The figure is closed, so
    an interactive backend does not show it a second time.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a one-sentence description of the figure, got an empty value")
    check_figure(fig)
    from IPython.display import Image, Markdown, display

    import matplotlib.pyplot as plt

    display(Image(figure_png(fig)), metadata={"image/png": {"alt": alt}})
    display(Markdown(f"*Figure: {alt}*"))
    plt.close(fig)


def show_animation(anim, alt):
    """Display a FuncAnimation as its `to_jshtml()` player, which plays without a kernel.

    Like `show`, it checks the figure's title and labels, stores `alt` with the output (the
    static site puts it on the animation's frame) and prints it as a caption.
    """
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a one-sentence description of the animation, got an empty value")
    fig = getattr(anim, "_fig", None)
    if fig is None or not hasattr(anim, "to_jshtml"):
        raise TypeError(f"expected a matplotlib FuncAnimation, got {type(anim).__name__}")
    check_figure(fig)
    from IPython.display import HTML, Markdown, display

    import matplotlib.pyplot as plt

    display(HTML(anim.to_jshtml()), metadata={"text/html": {"alt": alt}})
    display(Markdown(f"*Animation: {alt}*"))
    plt.close(fig)


def unlabelled_controls(root):
    """The controls inside the widget `root` (itself included) that have no visible label.

    A control is a slider, button, dropdown, play button, text box...: anything a learner
    operates. Its label is its `description`. Containers are searched through `.children`.
    """
    import ipywidgets as widgets
    from ipywidgets.widgets.widget_description import DescriptionWidget

    if not isinstance(root, widgets.Widget):
        raise TypeError(f"expected an ipywidgets widget, got {type(root).__name__}")
    displays = (widgets.HTML, widgets.HTMLMath, widgets.Label, widgets.Valid, widgets.FloatProgress,
                widgets.IntProgress)
    missing, stack = [], [root]
    while stack:  # iterative: widget trees can nest deeply
        w = stack.pop()
        stack.extend(c for c in getattr(w, "children", ()) if isinstance(c, widgets.Widget))
        is_control = isinstance(w, widgets.Button) or (
            isinstance(w, (widgets.ValueWidget, DescriptionWidget)) and not isinstance(w, displays))
        if is_control and not str(getattr(w, "description", "") or "").strip():
            missing.append(w)
    return missing
