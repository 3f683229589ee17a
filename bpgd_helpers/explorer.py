"""GDExplorer: steer an optimiser across a surface and watch its path and loss.

    >>> explorer = GDExplorer(surface="bowl", optimizer="gd")
    >>> explorer                       # in a notebook with %matplotlib widget
    >>> explorer.controls["lr"].value = 0.19   # drive it from code, as the tests do
    >>> explorer.path.shape
    (61, 2)

A control change re-runs `optimize` and moves the existing artists
(`set_data`, `draw_idle`). The contours, ticks and labels sit in a cached
background layer (see `_background`), redrawn only when the surface, the
number of steps or the view changes, so a change costs a few milliseconds.
"""

import contextlib
import html

import numpy as np
from matplotlib.lines import Line2D

from . import surfaces
from ._background import freeze, sync_limits
from .animation import CRITICAL_MARKERS, CURRENT_STYLE, PATH_STYLE, START_STYLE, draw_surface, to_jshtml
from .optimizers import OPTIMIZERS, optimize
from .plotting import PALETTE

OPTIMIZER_LABELS = {"gd": "gradient descent", "momentum": "momentum (heavy ball)", "nesterov": "Nesterov",
                    "rmsprop": "RMSProp", "adam": "Adam"}
#: Values of f - f_min below this are drawn at this height on the log-scale loss axis.
LOSS_FLOOR = 1e-10
#: Resolution of the start sliders. Every surface's region and default start lie on this grid, so
#: the browser's slider never has to round a value (and send the rounded value back).
START_STEP = 0.05


def _snap(value):
    return float(np.round(value / START_STEP) * START_STEP)


def _loss_scale(surface):
    """How the loss panel shows f for this surface: (log?, offset f_min, y limits, y label)."""
    minima = [surface.f(p.x, p.y) for p in surface.critical_points() if p.kind == "minimum"]
    Z = surface.grid(100)[2]
    if minima and Z.min() >= min(minima) - 1e-9 * (1 + abs(min(minima))):
        f_min = min(minima)
        return True, f_min, (LOSS_FLOOR, 10 * (Z.max() - f_min)), "f(x, y) − f_min (log scale)"
    pad = 0.05 * (Z.max() - Z.min())
    return False, 0.0, (Z.min() - pad, Z.max() + pad), "f(x, y)"


class GDExplorer:
    """An interactive lab: a surface's contours, an optimiser's path on it, and its loss by step.

    Args:
        surface: a surface name from surfaces.names() (or a surface object).
        optimizer: "gd", "momentum", "nesterov", "rmsprop" or "adam".
        lr, steps, start, noise: the first run's settings; None takes the surface's defaults.
        seed: seed of the gradient noise.
        **hyper: fixed hyperparameters of the optimiser (beta, rho, beta1, beta2, eps).

    Attributes:
        controls: dict of the widgets, keyed "surface", "optimizer", "lr", "steps", "start_x",
            "start_y", "noise", "play" and "step". Set `.value` to drive the explorer from code.
        path: the current run, a Path of shape (steps_taken + 1, 2) with .diverged and .message.
        values: f along the path.
        figure: the matplotlib figure (an ipympl canvas under %matplotlib widget).
        readout: a text widget stating the current step, point and loss (read by screen readers).
        message: a text widget that shows a warning when the run diverges.
        widget: the whole app; a notebook displays it when the explorer is a cell's last value.
    """

    def __init__(self, surface="bowl", optimizer="gd", lr=None, steps=None, start=None, noise=0.0, seed=0,
                 figsize=(8.2, 3.9), **hyper):
        import ipywidgets as widgets
        import matplotlib.pyplot as plt

        self.surface = surfaces.get(surface)
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
        self.seed, self.hyper = seed, hyper
        self._quiet = 0
        s = self.surface
        start = s.start if start is None else tuple(float(v) for v in start)
        wide = {"description_width": "5.5em"}
        box = widgets.Layout(width="22em")
        c = self.controls = {
            "surface": widgets.Dropdown(options=[(surfaces.get(n).title, n) for n in surfaces.names()],
                                        value=s.name, description="surface", style=wide, layout=box,
                                        tooltip="the function to minimise"),
            "optimizer": widgets.Dropdown(options=[(label, k) for k, label in OPTIMIZER_LABELS.items()],
                                          value=optimizer, description="optimizer", style=wide, layout=box,
                                          tooltip="the update rule"),
            "lr": widgets.FloatLogSlider(value=s.lr if lr is None else lr, base=10, min=-4, max=0.5, step=0.05,
                                         description="lr", readout_format=".4g", style=wide, layout=box,
                                         tooltip="learning rate (log scale): the size of each step"),
            "steps": widgets.IntSlider(value=s.steps if steps is None else steps, min=1, max=1000,
                                       description="steps", style=wide, layout=box,
                                       tooltip="how many updates to run"),
            "start_x": widgets.FloatSlider(description="start x", style=wide, layout=box, readout_format=".2f",
                                           tooltip="x of the starting point (or click the contour plot)"),
            "start_y": widgets.FloatSlider(description="start y", style=wide, layout=box, readout_format=".2f",
                                           tooltip="y of the starting point (or click the contour plot)"),
            "noise": widgets.FloatSlider(value=noise, min=0.0, max=20.0, step=0.1, description="noise",
                                         style=wide, layout=box, readout_format=".1f",
                                         tooltip="standard deviation of Gaussian noise added to each gradient, "
                                                 "as in SGD"),
            "play": widgets.Play(value=0, min=0, max=1, interval=60, description="play", show_repeat=False,
                                 tooltip="animate the run step by step"),
            "step": widgets.IntSlider(value=0, min=0, max=1, description="step", style=wide, layout=box,
                                      tooltip="the step shown by the marker"),
        }
        self._set_start_ranges(start)
        widgets.link((c["play"], "value"), (c["step"], "value"))
        self.readout = widgets.HTML()
        self.message = widgets.HTML()
        self.caption = widgets.HTML()

        with plt.ioff():
            self.figure = plt.figure(figsize=figsize, layout="constrained")
        self._build_figure()
        canvas = self.figure.canvas
        for attr, value in (("header_visible", False), ("footer_visible", False), ("toolbar_position", "left")):
            if hasattr(canvas, attr):
                setattr(canvas, attr, value)
        canvas.mpl_connect("button_press_event", self._on_click)

        for name in ("optimizer", "lr", "start_x", "start_y", "noise"):
            c[name].observe(self._on_setting, names="value")
        c["surface"].observe(self._on_surface, names="value")
        c["steps"].observe(self._on_steps, names="value")
        c["step"].observe(self._on_step, names="value")
        self._update_caption()
        self._recompute()  # no draw yet: the canvas draws itself when it is displayed

        rows = [widgets.HBox([c["surface"], c["optimizer"]]), widgets.HBox([c["lr"], c["steps"]]),
                widgets.HBox([c["start_x"], c["start_y"]]), widgets.HBox([c["noise"]]),
                widgets.HBox([c["play"], c["step"]]), self.readout, self.message]
        if isinstance(canvas, widgets.DOMWidget):  # ipympl; under Agg (tests, scripts) there is nothing to show
            rows.append(canvas)
        rows.append(self.caption)
        self.widget = widgets.VBox(rows)

    # -- figure -------------------------------------------------------------------------------

    def _build_figure(self):
        fig = self.figure
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1.2, 1])
        self._ax, self._ax_loss = ax, ax_loss
        self._contours = {}  # surface name -> its static artists, built once, then shown or hidden
        self._draw_static_surface()
        self._draw_static_loss()
        handles = [Line2D([], [], label="start", **START_STYLE), Line2D([], [], label="path", **PATH_STYLE),
                   Line2D([], [], label="current point", **CURRENT_STYLE)]
        handles += [Line2D([], [], linestyle="none", marker=m, markersize=9, color="white", markeredgecolor="black",
                           label=kind) for kind, m in CRITICAL_MARKERS.items()]
        legend = fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8,
                            frameon=False)
        self._layer, (over, over_loss) = freeze(fig, [ax, ax_loss], others=[legend])
        self._over, self._over_loss = over, over_loss
        (self._start,) = over.plot([], [], **START_STYLE)
        (self._line,) = over.plot([], [], **PATH_STYLE)
        (self._point,) = over.plot([], [], **CURRENT_STYLE)
        (self._loss_all,) = over_loss.plot([], [], color=PALETTE["blue"], linestyle="-", alpha=0.3)
        (self._loss_done,) = over_loss.plot([], [], color=PALETTE["blue"], linestyle="-")
        (self._loss_point,) = over_loss.plot([], [], "o", color=PALETTE["vermillion"], markeredgecolor="black")
        self._alert = over.text(0.5, 0.5, "", transform=over.transAxes, ha="center", va="center", fontsize=11,
                                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": PALETTE["vermillion"]},
                                visible=False)
        for ov, static in ((over, ax), (over_loss, ax_loss)):  # pan and zoom move the background too
            ov.callbacks.connect("xlim_changed", lambda o, s=static: self._follow_view(s.set_xlim, o.get_xlim()))
            ov.callbacks.connect("ylim_changed", lambda o, s=static: self._follow_view(s.set_ylim, o.get_ylim()))

    def _draw_static_surface(self):
        ax, s = self._ax, self.surface
        for name, artists in self._contours.items():
            for a in artists:
                a.set_visible(name == s.name)
        if s.name not in self._contours:
            before = set(ax.get_children())
            draw_surface(ax, s)
            self._contours[s.name] = [a for a in ax.get_children() if a not in before]
        ax.set(xlim=s.xlim, ylim=s.ylim, title=s.title, xlabel="x", ylabel="y")
        ax.set_aspect("equal", adjustable="box")

    def _draw_static_loss(self):
        ax = self._ax_loss
        log, self._offset, ylim, label = _loss_scale(self.surface)
        ax.set_yscale("log" if log else "linear")
        if log:  # plain "1e-06" tick labels: mathtext would be slower to draw
            from matplotlib import ticker

            ax.yaxis.set_major_locator(ticker.LogLocator(numticks=6))
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
            ax.yaxis.set_minor_locator(ticker.NullLocator())
        ax.set(xlim=(0, self.controls["steps"].value), ylim=ylim, xlabel="step", ylabel=label,
               title="loss along the path")

    def _follow_view(self, set_lim, lim):
        set_lim(lim)
        self._layer.invalidate()

    # -- state ----------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _batch(self):
        """Change several controls with one recompute and one draw at the end."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _set_start_ranges(self, start):
        s, c = self.surface, self.controls
        for key, lim, value in (("start_x", s.xlim, start[0]), ("start_y", s.ylim, start[1])):
            w = c[key]
            # One message to the browser (hold_sync): a slider that got the new range and the new
            # value separately would snap the old value to the new range and send it back.
            with w.hold_sync():
                w.min, w.max = min(lim[0], w.min), max(lim[1], w.max)  # widen first: min never passes max
                w.min, w.max, w.step = lim[0], lim[1], START_STEP
                w.value = _snap(np.clip(value, *lim))

    def _recompute(self):
        c = self.controls
        self.path = optimize(self.surface, (c["start_x"].value, c["start_y"].value), optimizer=c["optimizer"].value,
                             lr=c["lr"].value, steps=c["steps"].value, noise=c["noise"].value, seed=self.seed,
                             warn=False, **self.hyper)
        self.values = self.surface.f(self.path[:, 0], self.path[:, 1])
        shown = np.maximum(self.values - self._offset, LOSS_FLOOR) if self._ax_loss.get_yscale() == "log" else self.values
        self._shown_loss = shown
        steps = np.arange(len(self.path))
        self._start.set_data(self.path[:1, 0], self.path[:1, 1])
        self._loss_all.set_data(steps, shown)
        n = len(self.path) - 1
        with self._batch():
            for key in ("step", "play"):
                w = self.controls[key]
                with w.hold_sync():
                    w.max = max(n, 1)
                    w.value = n
        bounded = self._ax_loss.get_yscale() == "log"  # f has a lowest point in the region
        if self.path.diverged:
            note = self.path.message
            short = f"diverged at step {n + 1}:\n" + ("try a smaller lr" if bounded else "f has no bottom here")
        elif self.values[-1] > self.values[0]:
            note = (f"The loss went up, from {self.values[0]:.4g} to {self.values[-1]:.4g}: the steps overshoot "
                    f"and the run is diverging. Try a smaller lr{' or less noise' if c['noise'].value else ''}.")
            short = "the loss is growing:\ntry a smaller lr"
        else:
            note = short = ""
        self.message.value = (f'<div role="alert" style="color:{PALETTE["vermillion"]};font-weight:bold">'
                              f"⚠ {html.escape(note)}</div>") if note else ""
        self._alert.set_text(short)
        self._alert.set_visible(bool(note))
        self._show_step(n)

    def _show_step(self, k):
        k = int(min(k, len(self.path) - 1))
        p, s = self.path, self.surface
        self._line.set_data(p[: k + 1, 0], p[: k + 1, 1])
        self._point.set_data(p[k : k + 1, 0], p[k : k + 1, 1])
        steps = np.arange(k + 1)
        self._loss_done.set_data(steps, self._shown_loss[: k + 1])
        self._loss_point.set_data(steps[k:], self._shown_loss[k : k + 1])
        x, y = p[k]
        outside = not (s.xlim[0] <= x <= s.xlim[1] and s.ylim[0] <= y <= s.ylim[1])
        c = self.controls
        state = (f"Step {k} of {len(p) - 1}: point (x, y) = ({x:.4g}, {y:.4g}), loss f(x, y) = {self.values[k]:.4g}"
                 f"{' (outside the plotted region)' if outside else ''}. "
                 f"{OPTIMIZER_LABELS[c['optimizer'].value]}, lr = {c['lr'].value:.4g}, noise = {c['noise'].value:g}.")
        self.readout.value = f'<div role="status" aria-live="polite">{html.escape(state)}</div>'

    def _update_caption(self):
        s = self.surface
        self.caption.value = html.escape(
            f"Figure: left, the contours of {s.title} (dark is low, yellow is high) with the optimiser's path "
            f"from the white start point to the current point; right, the loss at each step. {s.description}")

    def _redraw(self):
        # draw_idle, not draw(): with ipympl it asks the browser, which asks back for the draw. That
        # costs a round trip per change (about 40 ms in the browser benchmark), but a draw() that
        # arrives while the browser is still setting the figure up can leave it blank for good (it
        # did in 3 of 6 runs of lesson 06 in the browser tests under load).
        self.figure.canvas.draw_idle()

    # -- events ---------------------------------------------------------------------------------

    def _on_setting(self, change):
        if self._quiet:
            return
        self._recompute()
        self._redraw()

    def _on_steps(self, change):
        if self._quiet:
            return
        self._ax_loss.set_xlim(0, change["new"])
        sync_limits(self._over_loss, self._ax_loss, self._layer)
        self._recompute()
        self._redraw()

    def _on_step(self, change):
        if self._quiet:
            return
        self._show_step(change["new"])
        self._redraw()

    def _on_surface(self, change):
        if self._quiet:
            return
        self.surface = s = surfaces.get(change["new"])
        c = self.controls
        with self._batch():
            self._set_start_ranges(s.start)
            c["lr"].value, c["steps"].value = s.lr, s.steps
        self._draw_static_surface()
        self._draw_static_loss()
        sync_limits(self._over, self._ax, self._layer)
        sync_limits(self._over_loss, self._ax_loss, self._layer)
        self._update_caption()
        self._recompute()
        self._redraw()

    def _on_click(self, event):
        """A click on the contour plot moves the start point there (when no pan/zoom tool is on)."""
        toolbar = getattr(self.figure.canvas, "toolbar", None)
        if event.inaxes is not self._over or event.xdata is None or getattr(toolbar, "mode", "") != "":
            return
        with self._batch():
            self.controls["start_x"].value = _snap(np.clip(event.xdata, *self.surface.xlim))
            self.controls["start_y"].value = _snap(np.clip(event.ydata, *self.surface.ylim))
        self._recompute()
        self._redraw()

    # -- output ---------------------------------------------------------------------------------

    def to_jshtml(self, **kwargs):
        """The current run as a self-contained HTML animation that plays without a kernel."""
        c = self.controls
        title = f"{OPTIMIZER_LABELS[c['optimizer'].value]}, lr = {c['lr'].value:.4g}"
        return to_jshtml(self.surface, self.path, title=title, **kwargs)

    def close(self):
        """Close the figure and the widgets."""
        import matplotlib.pyplot as plt

        plt.close(self.figure)
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
