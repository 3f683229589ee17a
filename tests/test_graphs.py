import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.text import Annotation

import bpgd_helpers as bp
from bpgd_helpers.graphs import draw_computation_graph
from bpgd_helpers.plotting import PALETTE, check_figure, figure_png


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def net():
    X, y = bp.make_dataset(8, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    _, cache = bp.forward(X, params)
    return X, y, params, cache


def boxes(fig):
    """{first line of the box: full text} for every text box of the graph."""
    ax = fig.axes[0]
    return {t.get_text().split("\n")[0]: t.get_text() for t in ax.texts
            if not isinstance(t, Annotation) and t.get_bbox_patch() is not None}


def arrows(fig):
    return [t for t in fig.axes[0].texts if isinstance(t, Annotation)]


def is_flow(arrow, colour, dashed):
    """The arrow has this colour and is dashed (or solid)."""
    patch = arrow.arrow_patch
    same_colour = np.allclose(patch.get_edgecolor()[:3], plt.matplotlib.colors.to_rgb(colour))
    return same_colour and (patch.get_linestyle() in ("--", "dashed")) == dashed


def is_forward(arrow):
    return is_flow(arrow, PALETTE["blue"], dashed=False)


def is_backward(arrow):
    return is_flow(arrow, PALETTE["vermillion"], dashed=True)


def column_text(values):
    """How the graph writes a column of numbers with 3 decimals."""
    return [f"[{v + 0.0:+.3f}]" for v in np.ravel(values)]


def test_forward_values_of_the_chosen_example_are_on_the_graph(net):
    X, y, params, cache = net
    for example in (0, 5):
        fig = draw_computation_graph(params, cache, y=y, example=example)
        text = boxes(fig)
        # independent oracle: the forward pass written out here, not the cache
        Z1 = params["W1"] @ X[:, [example]] + params["b1"]
        A2 = np.maximum(0, params["W2"] @ np.maximum(0, Z1) + params["b2"])
        y_hat = 1 / (1 + np.exp(-(params["W3"] @ A2 + params["b3"])))
        for line in column_text(Z1):
            assert line in text["Z1 = W1·X + b1"]
        assert column_text(y_hat)[0] in text["ŷ = A3 = σ(Z3)"]
        label = y[0, example]
        loss = -(label * np.log(y_hat) + (1 - label) * np.log(1 - y_hat)).item()
        assert f"L = {loss:.3f}" in text["L = BCE(ŷ, y)"]
        assert f"[{label:g}]" in text["y"]
        assert f"example {example} of m = 8" in fig.axes[0].get_title()


def test_parameters_and_shapes_are_shown(net):
    X, y, params, cache = net
    text = boxes(draw_computation_graph(params, cache))
    assert "shape (4, 3)" in text["W1"] and "shape (4, 8)" in text["Z1 = W1·X + b1"]
    first_row = "[" + " ".join(f"{v:+.3f}" for v in params["W2"][0]) + "]"
    assert first_row in text["W2"]
    assert "pass y=" in text["L = BCE(ŷ, y)"]  # no labels, no loss value
    assert "y" not in text


def test_forward_arrows_point_forward_and_are_solid_blue(net):
    X, y, params, cache = net
    fig = draw_computation_graph(params, cache, y=y)
    found = arrows(fig)
    assert len(found) == 7 + 6 + 1  # the chain X..L, W_l and b_l into Z_l, y into L
    assert all(is_forward(a) for a in found)
    chain = [a for a in found if a.xy[1] == a.xyann[1]]
    assert len(chain) == 7 and all(a.xy[0] > a.xyann[0] for a in chain)  # left to right


def test_backward_mode_shows_every_step_with_its_name_and_reversed_arrows(net):
    X, y, params, cache = net
    steps = bp.backward_steps(y, cache, params)
    fig = draw_computation_graph(params, cache, y=y, steps=steps, example=2)
    text = boxes(fig)
    for name in steps:
        assert any(head.split(" ")[0] == name for head in text), f"no box for {name}"
    # independent oracle for the first step: dJ/dZ3 = (y_hat - y) / m, column 2
    y_hat = 1 / (1 + np.exp(-cache["Z3"]))
    assert column_text((y_hat[:, 2] - y[:, 2]) / 8)[0] in text["dZ3"]
    backward = [a for a in arrows(fig) if is_backward(a)]
    assert len(arrows(fig)) - len(backward) == 14 and all(is_forward(a) for a in arrows(fig) if a not in backward)
    assert len(backward) == 1 + 3 * 3 + 2  # L->dA3; dA->dZ, dZ->dW, dZ->db per layer; dZ->dA_prev
    row = [a for a in backward if a.xy[1] == a.xyann[1]]
    assert len(row) == 5 and all(a.xy[0] < a.xyann[0] for a in row)  # right to left


@pytest.mark.parametrize("sizes", [[3, 4, 4, 1], [3, 1], [2, 9, 5, 7, 1]])
@pytest.mark.parametrize("backward", [False, True])
def test_no_two_boxes_overlap_and_the_figure_passes_the_course_checks(sizes, backward):
    X, y = bp.make_dataset(6, seed=1)
    X = X[: sizes[0]]
    params = bp.init_params(sizes, seed=3)
    _, cache = bp.forward(X, params)
    steps = bp.backward_steps(y, cache, params) if backward else None
    fig = draw_computation_graph(params, cache, y=y, steps=steps)
    check_figure(fig)
    assert figure_png(fig).startswith(b"\x89PNG")  # renders
    renderer = fig.canvas.get_renderer()
    patches = [t.get_bbox_patch().get_window_extent(renderer) for t in fig.axes[0].texts
               if not isinstance(t, Annotation) and t.get_bbox_patch() is not None]
    assert len(patches) >= 2 * len(sizes)
    for a, b in itertools.combinations(patches, 2):
        assert not a.overlaps(b), "two boxes of the graph overlap"
    inside = fig.bbox.padded(1)
    assert all(inside.contains(p.x0, p.y0) and inside.contains(p.x1, p.y1) for p in patches)


def test_large_layers_are_truncated():
    X, y = bp.make_dataset(3, seed=0)
    params = bp.init_params([3, 10, 1], seed=0)
    _, cache = bp.forward(X, params)
    text = boxes(draw_computation_graph(params, cache))
    assert "4 more rows" in text["Z1 = W1·X + b1"]
    assert "…]" in text["W2"]  # W2 is (1, 10): columns truncated


def test_draws_into_a_given_axes(net):
    X, y, params, cache = net
    fig, ax = plt.subplots()
    assert draw_computation_graph(params, cache, ax=ax, title="my graph") is fig
    assert ax.get_title() == "my graph" and not ax.axison


def test_bad_input_names_what_was_expected(net):
    X, y, params, cache = net
    with pytest.raises(ValueError, match="from 0 to 7"):
        draw_computation_graph(params, cache, example=8)
    with pytest.raises(TypeError, match="example must be an int"):
        draw_computation_graph(params, cache, example=1.0)
    with pytest.raises(ValueError, match="other params"):
        draw_computation_graph(bp.init_params([3, 5, 4, 1]), cache)
    with pytest.raises(ValueError, match="missing"):
        draw_computation_graph(params, {k: v for k, v in cache.items() if k != "Z2"})
    with pytest.raises(TypeError, match="backward_steps"):
        draw_computation_graph(params, cache, steps=[1, 2])
    steps = bp.backward_steps(y, cache, params)
    with pytest.raises(ValueError, match=r"missing \['dZ2'\]"):
        draw_computation_graph(params, cache, steps={k: v for k, v in steps.items() if k != "dZ2"})
    with pytest.raises(ValueError, match="dW2 must have the shape"):
        draw_computation_graph(params, cache, steps={**steps, "dW2": steps["dW2"].T[:, :3]})
    with pytest.raises(ValueError, match="y must have shape"):
        draw_computation_graph(params, cache, y=y[:, :5])
    with pytest.raises(TypeError, match="matplotlib Axes"):
        draw_computation_graph(params, cache, ax="left")
