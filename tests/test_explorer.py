"""The GDExplorer driven from code, on the Agg canvas: every control, the step slider and
play button, divergence messages, and the cached background drawing what a full draw would."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

import bpgd_helpers as bp
from bpgd_helpers import surfaces
from bpgd_helpers.explorer import GDExplorer

CONTROLS = {"surface", "optimizer", "lr", "steps", "start_x", "start_y", "noise", "play", "step"}


@pytest.fixture
def explorer():
    e = GDExplorer(surface="bowl", optimizer="gd")
    e.figure.canvas.draw()
    yield e
    e.close()


def pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def marker_xy(e):
    x, y = e._point.get_data()
    return float(x[0]), float(y[0])


def test_top_level_name_and_controls(explorer):
    assert bp.GDExplorer is GDExplorer
    assert set(explorer.controls) == CONTROLS
    for name, w in explorer.controls.items():
        assert str(w.description).strip(), f"control {name} has no description (screen readers read it)"
    assert explorer.widget is not None and explorer.figure is not None


def test_the_first_run_uses_the_surface_defaults(explorer):
    s = surfaces.get("bowl")
    expected = bp.optimize(s, s.start, "gd", lr=s.lr, steps=s.steps, warn=False)
    assert np.allclose(explorer.path, expected)
    assert explorer.path.shape == (s.steps + 1, 2)


def test_changing_lr_changes_the_path(explorer):
    before = explorer.path.copy()
    explorer.controls["lr"].value = 0.19
    assert not np.allclose(explorer.path, before)
    s = surfaces.get("bowl")
    assert np.allclose(explorer.path, bp.optimize(s, s.start, "gd", lr=0.19, steps=s.steps))


@pytest.mark.parametrize("name", ["momentum", "nesterov", "rmsprop", "adam"])
def test_the_optimizer_control(explorer, name):
    explorer.controls["optimizer"].value = name
    s = surfaces.get("bowl")
    assert np.allclose(explorer.path, bp.optimize(s, s.start, name, lr=s.lr, steps=s.steps))


def test_steps_start_and_noise_controls(explorer):
    c = explorer.controls
    c["steps"].value = 17
    assert explorer.path.shape == (18, 2)
    assert explorer._over_loss.get_xlim() == (0, 17) and explorer._ax_loss.get_xlim() == (0, 17)
    c["start_x"].value, c["start_y"].value = 1.5, -0.5
    assert np.allclose(explorer.path[0], [1.5, -0.5])
    clean = explorer.path.copy()
    c["noise"].value = 2.0
    assert not np.allclose(explorer.path, clean)
    assert np.allclose(explorer.path, bp.optimize("bowl", (1.5, -0.5), lr=c["lr"].value, steps=17, noise=2.0))


def test_the_surface_control_resets_region_start_and_lr(explorer):
    c = explorer.controls
    c["surface"].value = "himmelblau"
    s = surfaces.get("himmelblau")
    assert explorer.surface is s
    assert (c["start_x"].min, c["start_x"].max, c["start_y"].min, c["start_y"].max) == (*s.xlim, *s.ylim)
    assert np.allclose(explorer.path[0], s.start) and c["lr"].value == pytest.approx(s.lr)
    assert len(explorer.path) == s.steps + 1
    assert explorer._ax.get_xlim() == s.xlim and explorer._over.get_ylim() == s.ylim
    assert explorer._ax.get_title() == s.title
    c["surface"].value = "bowl"  # back again: its contours are reused, not rebuilt
    assert explorer._ax.get_title() == surfaces.get("bowl").title
    visible = [name for name, artists in explorer._contours.items() if artists[0].get_visible()]
    assert visible == ["bowl"]


def test_the_step_slider_moves_the_marker_and_the_readout(explorer):
    explorer.controls["step"].value = 7
    assert marker_xy(explorer) == pytest.approx(tuple(explorer.path[7]))
    assert len(explorer._line.get_xdata()) == 8, "the path is drawn up to the current step"
    assert "Step 7 of" in explorer.readout.value
    assert f"{explorer.path[7][0]:.4g}" in explorer.readout.value
    assert f"{explorer.values[7]:.4g}" in explorer.readout.value


def test_play_is_linked_to_the_step_slider(explorer):
    c = explorer.controls
    assert c["play"].max == c["step"].max == len(explorer.path) - 1
    c["play"].value = 3
    assert c["step"].value == 3
    assert marker_xy(explorer) == pytest.approx(tuple(explorer.path[3]))


def test_a_diverging_setting_shows_a_message(explorer):
    c = explorer.controls
    c["steps"].value = 300
    c["lr"].value = 0.5
    assert explorer.path.diverged
    assert "diverged" in explorer.message.value
    assert explorer._alert.get_visible() and "diverged" in explorer._alert.get_text()
    c["lr"].value = 0.1
    assert explorer.message.value == "" and not explorer._alert.get_visible()


def test_a_growing_loss_is_flagged_before_it_blows_up(explorer):
    explorer.controls["lr"].value = 0.21  # just above 2/L = 0.2: grows, but stays finite in 60 steps
    assert not explorer.path.diverged
    assert "went up" in explorer.message.value and explorer._alert.get_visible()


def test_a_change_moves_artists_and_keeps_the_cached_background(explorer):
    artists = [id(a) for ax in explorer.figure.axes for a in ax.get_children()]
    renders = explorer._layer.renders
    for lr in (0.03, 0.12, 0.18):
        explorer.controls["lr"].value = lr
        explorer.figure.canvas.draw()
    assert [id(a) for ax in explorer.figure.axes for a in ax.get_children()] == artists
    assert explorer._layer.renders == renders, "an lr change must not redraw the contours"
    explorer.controls["steps"].value = 80
    explorer.figure.canvas.draw()
    assert explorer._layer.renders == renders + 1, "a new step range redraws the loss axes once"


def test_the_cached_picture_equals_a_fresh_full_draw(explorer):
    explorer.controls["lr"].value = 0.15
    explorer.controls["step"].value = 12
    fresh = GDExplorer(surface="bowl", optimizer="gd", lr=0.15)
    fresh.controls["step"].value = 12
    fresh._layer.invalidate()  # its next draw renders everything from scratch
    try:
        cached, full = pixels(explorer.figure), pixels(fresh.figure)
        assert np.array_equal(cached, full)
    finally:
        fresh.close()
    # ... and that picture has the contours: a point of the bowl off the path is coloured, not white paper.
    x, y = explorer._ax.transData.transform((1.5, -1.0))
    r, g, b, _ = cached[int(cached.shape[0] - y), int(x)]
    assert min(r, g, b) < 200


def test_a_click_on_the_contours_moves_the_start(explorer):
    ax = explorer._over
    explorer.figure.canvas.draw()
    x, y = ax.transData.transform((1.0, -0.5))
    event = MouseEvent("button_press_event", explorer.figure.canvas, x, y, button=1)
    explorer.figure.canvas.callbacks.process("button_press_event", event)
    assert explorer.path[0] == pytest.approx([1.0, -0.5], abs=0.02)
    assert explorer.controls["start_x"].value == pytest.approx(1.0, abs=0.02)


def test_to_jshtml_is_a_player_of_the_current_run(explorer):
    html = explorer.to_jshtml(max_frames=5)
    assert "<script" in html and html.count("data:image/png;base64") == 5
    plt.close("all")


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="unknown surface"):
        GDExplorer(surface="bowlz")
    with pytest.raises(ValueError, match="optimizer must be one of"):
        GDExplorer(optimizer="sgd")


@pytest.mark.parametrize("name", surfaces.names())
def test_regions_and_starts_lie_on_the_start_sliders_grid(name):
    # Otherwise the browser's slider rounds the start and sends the rounded value back: a second run.
    from bpgd_helpers.explorer import START_STEP

    s = surfaces.get(name)
    for v in (*s.xlim, *s.ylim, *s.start):
        assert abs(v / START_STEP - round(v / START_STEP)) < 1e-9


def test_on_ipympl_a_change_asks_the_browser_for_a_draw_and_never_draws_by_itself():
    """A draw() from the kernel can race the browser's set-up of the figure and leave it blank for
    good (lesson 06 in the browser tests, under load), and before a browser has shown the canvas it
    stores a data URL without its "data:image/png;base64," prefix (ipympl#472). So a change
    calls draw_idle, and the browser asks back for the draw when it is ready."""
    pytest.importorskip("ipympl")
    backend = plt.get_backend()
    plt.switch_backend("module://ipympl.backend_nbagg")
    try:
        e = GDExplorer(surface="bowl", optimizer="gd")
        canvas = e.figure.canvas
        calls = []
        canvas.draw = lambda *a, **k: calls.append("draw")
        canvas.draw_idle = lambda *a, **k: calls.append("draw_idle")
        for syncing in (True, False):  # before and after the browser says "initialized"
            canvas.syncing_data_url = syncing
            calls.clear()
            e.controls["lr"].value = 0.05 if syncing else 0.19
            assert calls and set(calls) == {"draw_idle"}, calls
        assert canvas._data_url is None or str(canvas._data_url).startswith("data:image/png;base64,")
        e.close()
    finally:
        plt.switch_backend(backend)
