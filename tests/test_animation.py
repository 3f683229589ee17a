"""Static pictures and jshtml animations of optimisation paths, and the cached background layer."""

import gc
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import bpgd_helpers as bp
from bpgd_helpers import animation
from bpgd_helpers._background import freeze
from bpgd_helpers.plotting import check_figure


def test_draw_surface_labels_and_marks_critical_points():
    fig, ax = plt.subplots()
    animation.draw_surface(ax, "himmelblau")
    check_figure(fig)
    assert ax.get_xlim() == (-5, 5) and ax.get_title() == bp.surfaces.get("himmelblau").title
    labels = sorted(line.get_label() for line in ax.get_lines())
    assert labels == ["maximum", "minimum", "saddle"]
    assert sum(len(line.get_xdata()) for line in ax.get_lines()) == 9
    plt.close(fig)


@pytest.mark.parametrize("n, k", [(1, 30), (10, 30), (30, 30), (31, 30), (1000, 7)])
def test_frame_indices_are_spread_and_keep_both_ends(n, k):
    idx = animation.frame_indices(n, k)
    assert len(idx) == min(n, k)
    assert idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)


def test_to_jshtml_plays_every_frame_of_a_short_run():
    path = bp.optimize("bowl", (-2.5, 1.0), lr=0.18, steps=6)
    html = animation.to_jshtml("bowl", path, title="GD, lr = 0.18")
    assert html.count("data:image/png;base64") == len(path)
    assert "<script" in html


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_frames_show_the_path_up_to_each_step():
    path = bp.optimize("bowl", (-2.5, 1.0), lr=0.18, steps=10)
    anim = animation.path_animation("bowl", path)
    fig = anim._fig
    over = [ax for ax in fig.axes if ax.get_label().startswith("overlay")][0]
    anim._func(4)
    line = [a for a in over.get_lines() if len(a.get_xdata()) > 1][0]
    assert np.allclose(np.column_stack(line.get_data()), path[:5])
    plt.close(fig)
    del anim  # never saved on purpose: let matplotlib's warning about that fire here, where it is filtered
    gc.collect()


def test_path_animation_rejects_a_bad_path():
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        animation.path_animation("bowl", np.zeros((5, 3)))
    with pytest.raises(ValueError, match="unknown surface"):
        animation.path_animation("nope", np.zeros((5, 2)))


def _figure(frozen):
    """The same picture drawn normally, or with its axes frozen behind a cached layer."""
    fig = Figure(figsize=(4, 3), dpi=60, layout="constrained")
    ax = fig.subplots()
    animation.draw_surface(ax, "local_minima", grid_size=40)
    target = freeze(fig, [ax])[1][0] if frozen else ax
    target.plot([-1.5, 0.0, 1.0], [1.0, -0.5, 0.5], color="red")
    if not frozen:
        fig.draw_without_rendering()
        fig.set_layout_engine("none")
    return fig


def test_a_frozen_figure_draws_the_same_pixels_twice_and_as_an_unfrozen_one():
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    frozen, plain = _figure(True), _figure(False)
    images = []
    for fig in (frozen, frozen, plain):
        canvas = FigureCanvasAgg(fig) if fig.canvas.__class__.__name__ == "FigureCanvasBase" else fig.canvas
        canvas.draw()
        images.append(np.asarray(canvas.buffer_rgba()).copy())
    layer = [a for a in frozen.get_children() if type(a).__name__ == "CachedBackground"][0]
    assert layer.renders == 1, "the second draw pastes the cached pixels"
    assert np.array_equal(images[0], images[1])
    assert np.array_equal(images[0], images[2])


def test_frames_are_saved_at_the_figures_dpi_not_the_course_savefig_dpi():
    import base64
    import io

    import matplotlib as mpl
    from PIL import Image

    path = bp.optimize("bowl", (-2.5, 1.0), lr=0.1, steps=2)
    with mpl.rc_context({"savefig.dpi": 100}):
        html = animation.path_animation("bowl", path, figsize=(5, 2), dpi=50).to_jshtml()
    frame = re.search(r'data:image/png;base64,(.*?)"', html, re.S).group(1).replace("\\\n", "").replace("\\", "")
    assert Image.open(io.BytesIO(base64.b64decode(frame))).size == (250, 100)
