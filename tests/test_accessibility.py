"""Accessibility, where it can be tested: the colour-blind-safe palette is what the figures use,
every figure is titled, labelled and described, every control has a visible label, and the
gradient-descent explorer reports its state in text for screen readers."""

import ast
import base64
import io
import json
import pathlib
import re

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from bpgd_helpers import plotting

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
IDS = [p.name for p in SOLUTIONS]
CONTROLS = {"IntSlider", "FloatSlider", "FloatLogSlider", "IntRangeSlider", "FloatRangeSlider", "SelectionSlider",
            "SelectionRangeSlider", "Dropdown", "RadioButtons", "ToggleButtons", "ToggleButton", "Checkbox", "Button",
            "Play", "Text", "Textarea", "IntText", "FloatText", "BoundedIntText", "BoundedFloatText", "Select",
            "SelectMultiple", "Combobox", "ColorPicker"}
#: Named colours that carry no hue (text, grids, reference lines) and colour maps that are safe.
NEUTRAL = {"black", "k", "white", "w", "gray", "grey", "none", "lightgray", "lightgrey", "darkgray", "darkgrey",
           "dimgray", "dimgrey", "silver", "gainsboro", "whitesmoke"}
SAFE_CMAPS = {plotting.CMAP, "cividis_r", "viridis", "viridis_r", "gray", "gray_r", "Greys", "Greys_r", "binary"}


def cells(path, kind="code"):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == kind]


def code_of(cell):
    """A cell's Python, without IPython magics and shell lines (which ast cannot parse)."""
    source = "".join(cell["source"])
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            yield (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")), node


# --- the palette -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_setup_cell_sets_the_course_style(path):
    sources = [code_of(c) for c in cells(path)]
    assert any("use_course_style()" in s for s in sources[:3]), \
        "call use_course_style() in the setup cell, so every figure uses the colour-blind-safe palette"


def _is_grey(value):
    if re.fullmatch(r"0?\.\d+|[01](\.0*)?", value):  # matplotlib's grey levels, e.g. "0.75"
        return True
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        r, g, b = (int(value[i:i + 2], 16) for i in (1, 3, 5))
        return max(r, g, b) - min(r, g, b) < 16
    return value.lower() in NEUTRAL


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_literal_colours_are_from_the_palette(path):
    """A colour written into a lesson's code must be a palette colour or a grey, a colour map a safe one."""
    allowed = {v.lower() for v in plotting.PALETTE.values()}
    problems = []
    for cell in cells(path):
        try:
            tree = ast.parse(code_of(cell))
        except SyntaxError:
            continue
        for _, node in calls(tree):
            for kw in node.keywords:
                if not isinstance(kw.value, ast.Constant) or not isinstance(kw.value.value, str):
                    continue
                value = kw.value.value
                if kw.arg in ("color", "c", "facecolor", "edgecolor", "colors", "mfc", "mec", "markerfacecolor",
                              "markeredgecolor") and not (value.lower() in allowed or _is_grey(value)):
                    problems.append(f"{kw.arg}={value!r}")
                if kw.arg == "cmap" and value not in SAFE_CMAPS:
                    problems.append(f"cmap={value!r}")
    assert not problems, f"use PALETTE[...] / series_style(i) / CMAP instead of {problems}"


_REFERENCES = np.vstack([
    [[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in plotting.PALETTE.values()],
    matplotlib.colormaps[plotting.CMAP](np.linspace(0, 1, 64))[:, :3] * 255,
]).astype(float)


def _distance_to_palette(colour):
    """How far an RGB colour is from every palette (or colour-map) colour blended with white or black.

    Blends cover transparency (alpha) and anti-aliased edges, which mix a colour with the
    background.
    """
    best = np.inf
    for background in (np.full(3, 255.0), np.zeros(3)):
        d = _REFERENCES - background
        t = np.clip(((colour - background) @ d.T) / (d * d).sum(1).clip(1e-9), 0, 1)
        best = min(best, np.sqrt((((background + t[:, None] * d) - colour) ** 2).sum(1)).min())
    return best


def foreign_colours(png_bytes, min_share=0.002, tolerance=30):
    """The dominant saturated colours of a PNG that no palette colour explains: [(rgb, share)]."""
    rgb = np.asarray(Image.open(io.BytesIO(png_bytes)).convert("RGB"), dtype=float).reshape(-1, 3)
    saturated = rgb[rgb.max(1) - rgb.min(1) >= 40]
    if not len(saturated):
        return []
    bins, inverse, counts = np.unique((saturated // 16).astype(int), axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.ravel()
    found = []
    for k in np.argsort(-counts):
        share = counts[k] / len(rgb)
        if share < min_share:
            break
        colour = saturated[inverse == k].mean(0)
        if _distance_to_palette(colour) > tolerance:
            found.append((tuple(int(v) for v in colour), round(float(share), 4)))
    return found


def _png(draw):
    plotting.use_course_style()
    fig, ax = plt.subplots(figsize=(3, 2))
    draw(ax)
    data = plotting.figure_png(fig)
    plt.close(fig)
    return data


def test_colour_detector_accepts_the_palette_and_rejects_matplotlib_defaults():
    def palette_lines(ax):
        for i in range(4):
            ax.plot([0, 1], [i, i + 1], **plotting.series_style(i))
        ax.fill_between([0, 1], [0, 1], alpha=0.2)
        ax.imshow(np.linspace(0, 1, 100).reshape(10, 10), extent=(0, 1, 2, 3))

    assert foreign_colours(_png(palette_lines)) == []

    def default_colours(ax):
        for name in ("tab:red", "tab:green", "tab:purple"):
            ax.plot([0, 1], [0, 1], color=name, linewidth=6)
        ax.imshow(np.linspace(0, 1, 100).reshape(10, 10), cmap="jet", extent=(0, 1, 0.5, 1))

    assert len(foreign_colours(_png(default_colours))) >= 3


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_stored_figures_use_only_palette_colours(path):
    problems = []
    for i, cell in enumerate(cells(path)):
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                bad = foreign_colours(base64.b64decode(png))
                if bad:
                    problems.append(f"code cell {i}: {bad}")
    assert not problems, f"figures with colours outside the Okabe–Ito palette / {plotting.CMAP}: {problems}"


# --- titles, labels, descriptions --------------------------------------------------------------

@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_every_figure_is_described(path):
    """Static figures go through show() (which checks title and labels and stores alt text); a
    snapshot of an interactive figure is followed by a '*Figure: ...*' caption cell."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" not in data:
                continue
            if "application/vnd.jupyter.widget-view+json" in data:
                following = nb["cells"][i + 1] if i + 1 < len(nb["cells"]) else {"cell_type": "code", "source": ""}
                if following["cell_type"] != "markdown" or not re.match(r"\s*[*_](Figure|Animation)", "".join(following["source"])):
                    problems.append(f"cell {i}: interactive figure without a '*Figure: ...*' caption cell after it")
            elif not output.get("metadata", {}).get("image/png", {}).get("alt", "").strip():
                problems.append(f"cell {i}: a figure shown without show(fig, alt=...)")
    assert not problems, problems


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_interactive_figures_are_titled_and_labelled(path):
    """Cells that build a figure and keep it live (no show()) must set a title and both axis labels."""
    problems = []
    for i, cell in enumerate(cells(path)):
        source = code_of(cell)
        if not re.search(r"plt\.(subplots|figure)\(", source) or re.search(r"\bshow(_animation)?\(", source):
            continue
        for what, pattern in [("a title", r"set_title\(|\btitle=|suptitle\("), ("an x label", r"xlabel"),
                              ("a y label", r"ylabel")]:
            if not re.search(pattern, source):
                problems.append(f"code cell {i} builds an interactive figure without {what}")
    assert not problems, problems


def test_show_refuses_an_unlabelled_figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ax.set_title("A line")
    with pytest.raises(ValueError, match="x label"):
        plotting.show(fig, alt="A line.")
    plt.close(fig)


def test_show_animation_checks_and_describes(monkeypatch):
    from matplotlib.animation import FuncAnimation

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, metadata=None: shown.append((obj, metadata)))
    fig, ax = plt.subplots()
    (point,) = ax.plot([0], [0], "o")
    ax.set(title="A point moves", xlabel="x", ylabel="y")
    anim = FuncAnimation(fig, lambda k: point.set_data([k], [k]), frames=2)
    plotting.show_animation(anim, alt="A point moving up a line.")
    (player, meta), (caption, _) = shown
    assert "_anim_img" in player.data and meta == {"text/html": {"alt": "A point moving up a line."}}
    assert "A point moving up a line." in caption.data
    with pytest.raises(ValueError, match="alt"):
        plotting.show_animation(anim, alt=" ")
    with pytest.raises(TypeError, match="FuncAnimation"):
        plotting.show_animation(fig, alt="not an animation")


# --- widgets -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_every_widget_control_has_a_description(path):
    problems = []
    for i, cell in enumerate(cells(path)):
        try:
            tree = ast.parse(code_of(cell))
        except SyntaxError:
            continue
        for name, node in calls(tree):
            if name not in CONTROLS:
                continue
            kw = {k.arg: k.value for k in node.keywords}
            label = kw.get("description")
            if label is None or (isinstance(label, ast.Constant) and not str(label.value).strip()):
                problems.append(f"code cell {i}: {name}(...) at line {node.lineno} has no description")
    assert not problems, f"every control needs a visible label (description=...): {problems}"


def test_unlabelled_controls_finds_them_in_nested_containers():
    ok = widgets.FloatSlider(description="lr")
    play = widgets.Play()
    button = widgets.Button()
    box = widgets.VBox([widgets.HBox([ok, play]), widgets.HTML("readout"), widgets.VBox([button])])
    assert set(map(id, plotting.unlabelled_controls(box))) == {id(play), id(button)}
    with pytest.raises(TypeError, match="widget"):
        plotting.unlabelled_controls("a slider")


# --- the explorer --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def explorer():
    module = pytest.importorskip("bpgd_helpers.explorer", reason="the GDExplorer widget is not written yet")
    return module.GDExplorer()


def _widget(explorer):
    for name in ("widget", "ui", "box", "container"):
        value = getattr(explorer, name, None)
        if isinstance(value, widgets.Widget):
            return value
    if isinstance(explorer, widgets.Widget):
        return explorer
    raise AssertionError("GDExplorer should be a widget or expose its widget tree as .widget/.ui")


def test_explorer_controls_are_labelled(explorer):
    missing = plotting.unlabelled_controls(_widget(explorer))
    assert not missing, f"explorer controls without a description: {[type(w).__name__ for w in missing]}"


def test_explorer_figure_is_titled_and_labelled(explorer):
    fig = getattr(explorer, "fig", None) or getattr(explorer, "figure", None)
    assert fig is not None, "GDExplorer should expose its matplotlib figure as .fig"
    plotting.check_figure(fig)


def test_explorer_has_a_text_readout_for_screen_readers(explorer):
    """One text widget states the step, the current point and the loss, announces changes
    (aria-live) and follows the step control."""
    texts = [w for w in _all_widgets(_widget(explorer)) if isinstance(w, (widgets.HTML, widgets.Label))]
    readouts = [w for w in texts if re.search(r"step", w.value, re.I) and re.search(r"loss", w.value, re.I)
                and re.search(r"-?\d+\.\d+", w.value)]
    assert readouts, f"no text widget states the step, the point and the loss: {[w.value for w in texts]}"
    readout = readouts[0]
    assert "aria-live" in readout.value or 'role="status"' in readout.value, \
        "mark the readout as a live region (aria-live) so screen readers announce its changes"
    steps = [w for w in _all_widgets(_widget(explorer)) if isinstance(w, widgets.IntSlider)
             and "step" in w.description.lower()]
    assert steps, "the explorer should have a labelled step slider"
    before = readout.value
    steps[0].value = steps[0].min if steps[0].value != steps[0].min else steps[0].max
    assert readout.value != before, "the readout must follow the step control"


def _all_widgets(root):
    found, stack = [], [root]
    while stack:
        w = stack.pop()
        found.append(w)
        stack.extend(c for c in getattr(w, "children", ()) if isinstance(c, widgets.Widget))
    return found
