"""Static pictures and animations of optimisation paths on a surface.

`draw_surface` paints a surface's filled contours on an axes (the explorer
and the lessons share it). `path_animation` turns a run into a
FuncAnimation, and `to_jshtml` into the self-contained HTML player that
plays in an exported page, where no kernel runs.
"""

import numpy as np
from matplotlib import ticker
from matplotlib.animation import FuncAnimation
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure

from ._background import freeze
from .plotting import CMAP, PALETTE

#: Marker of each kind of critical point (white, so they show on every colour of the map).
CRITICAL_MARKERS = {"minimum": "*", "saddle": "X", "maximum": "^", "degenerate": "D"}
#: How a path, its start and its current point look everywhere in the course.
PATH_STYLE = {"color": PALETTE["vermillion"], "linewidth": 1.5, "linestyle": "-", "marker": "o", "markersize": 3}
START_STYLE = {"marker": "o", "markersize": 9, "markerfacecolor": "white", "markeredgecolor": "black",
               "linestyle": "none"}
CURRENT_STYLE = {"marker": "o", "markersize": 10, "markerfacecolor": PALETTE["vermillion"],
                 "markeredgecolor": "black", "linestyle": "none"}


def _surface(surface):
    from . import surfaces

    return surfaces.get(surface)


def draw_surface(ax, surface, n_levels=25, grid_size=150, critical_points=True, lines=False, antialiased=False):
    """Filled contours of `surface` over its region on `ax`, with axis labels and a title.

    Args:
        ax: a matplotlib Axes.
        surface: a surface or its name.
        n_levels: number of contour levels (spread by quantile, so flat valleys show too).
        grid_size: grid points per axis.
        critical_points: mark minima (*), saddles (X), maxima (^) and degenerate points (D).
        lines, antialiased: thin white contour lines and smoothed band edges. Both are off by
            default: the bands already show the levels, and the PNG is 3 to 5 times smaller.
    Returns:
        The filled ContourSet (pass it to fig.colorbar for a colour bar).

    Example:
        >>> fig, ax = plt.subplots()
        >>> draw_surface(ax, "himmelblau")
    """
    surface = _surface(surface)
    X, Y, Z = surface.grid(grid_size)
    levels = surface.levels(n_levels)
    # One colour step per band (BoundaryNorm): with quantile levels, a linear colour scale would
    # spend most of its colours on the few highest bands.
    norm = BoundaryNorm(levels, ncolors=256)
    filled = ax.contourf(X, Y, Z, levels=levels, cmap=CMAP, norm=norm, antialiased=antialiased)
    if lines:
        ax.contour(X, Y, Z, levels=levels, colors="white", linewidths=0.4, alpha=0.35)
    if critical_points:
        for kind, marker in CRITICAL_MARKERS.items():
            pts = [(p.x, p.y) for p in surface.critical_points() if p.kind == kind]
            if pts:
                ax.plot(*np.transpose(pts), linestyle="none", marker=marker, markersize=11, color="white",
                        markeredgecolor="black", label=kind)
    ax.set(xlim=surface.xlim, ylim=surface.ylim, xlabel="x", ylabel="y", title=surface.title)
    ax.grid(False)
    return filled


def frame_indices(n_points, max_frames):
    """At most max_frames indices into a path of n_points, evenly spread, first and last included."""
    if n_points <= max_frames:
        return np.arange(n_points)
    return np.unique(np.linspace(0, n_points - 1, max_frames).round().astype(int))


class PathAnimation(FuncAnimation):
    """A FuncAnimation whose frames are saved at the figure's own (small) dpi.

    The course style saves figures at 100 dpi; an animation embeds every frame, so its
    player is rendered at the figure's dpi instead (72 by default), about half the bytes.
    """

    def to_jshtml(self, *args, **kwargs):
        import matplotlib as mpl

        with mpl.rc_context({"savefig.dpi": "figure", "animation.frame_format": "png"}):
            return super().to_jshtml(*args, **kwargs)


def path_animation(surface, path, title=None, max_frames=30, interval=120, figsize=(7, 2.9), dpi=72):
    """A FuncAnimation of `path` on `surface`: the contour view and the loss against the step.

    Args:
        surface: a surface or its name.
        path: an (n, 2) array of points, e.g. from bpgd_helpers.optimize.
        title: the figure's title (default: the surface's title).
        max_frames: the path is subsampled to at most this many frames (keeps the HTML small).
        interval: milliseconds between frames.
        figsize, dpi: size of each frame.
    Returns:
        A PathAnimation (a matplotlib FuncAnimation); `.to_jshtml()` makes the HTML player, and
        `plotting.show_animation(anim, alt=...)` shows it in a notebook.
    """
    surface = _surface(surface)
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2 or len(path) == 0:
        raise ValueError(f"path must be an (n, 2) array of points with n >= 1, got shape {path.shape}")
    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    ax, ax_loss = fig.subplots(1, 2, width_ratios=[1.15, 1])
    draw_surface(ax, surface, n_levels=15)
    ax.plot(*path[0], **START_STYLE)
    values = surface.f(path[:, 0], path[:, 1])
    steps = np.arange(len(path))
    ax_loss.plot(steps, values, color=PALETTE["blue"], linestyle="-", alpha=0.3)
    ax_loss.set(xlabel="step", ylabel="f(x, y)", title="loss along the path")
    if np.all(values > 0) and values.max() / values.min() > 100:
        ax_loss.set_yscale("log")
        ax_loss.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax_loss.yaxis.set_minor_formatter(ticker.NullFormatter())
    if title:
        fig.suptitle(title)
    # Contours, ticks and labels are drawn once; each frame pastes them and draws the moving parts.
    _, (over, over_loss) = freeze(fig, [ax, ax_loss])
    (line,) = over.plot([], [], **PATH_STYLE)
    (point,) = over.plot([], [], **CURRENT_STYLE)
    (loss_line,) = over_loss.plot([], [], color=PALETTE["blue"], linestyle="-")
    (loss_point,) = over_loss.plot([], [], "o", color=PALETTE["vermillion"], markeredgecolor="black")

    def update(k):
        line.set_data(path[: k + 1, 0], path[: k + 1, 1])
        point.set_data(path[k : k + 1, 0], path[k : k + 1, 1])
        loss_line.set_data(steps[: k + 1], values[: k + 1])
        loss_point.set_data(steps[k : k + 1], values[k : k + 1])
        return line, point, loss_line, loss_point

    return PathAnimation(fig, update, frames=frame_indices(len(path), max_frames), interval=interval, blit=False)


def to_jshtml(surface, path, **kwargs):
    """The HTML player of `path_animation(surface, path, **kwargs)`: it plays without a kernel.

    Example:
        >>> from IPython.display import HTML
        >>> HTML(to_jshtml("bowl", bp.optimize("bowl", (-2.5, 1.0), lr=0.1, steps=30)))
    """
    return path_animation(surface, path, **kwargs).to_jshtml(default_mode="once")
