"""Draw the static part of a figure once and paste its pixels on every later draw.

Contours, ticks, labels and legends cost most of a matplotlib draw but never
change while a learner moves a slider. `freeze(fig, static_axes)` lays the
figure out once, hides each static axes behind a `CachedBackground` layer,
and puts a transparent twin ("overlay") on top of each for the artists that
move. A full `figure.canvas.draw()` then costs one pixel copy plus the moving
artists. After changing a static axes, call `layer.invalidate()`.
"""

from matplotlib.artist import Artist


class CachedBackground(Artist):
    """An artist that draws some hidden artists (axes, legends) once per canvas size, then pastes their pixels."""

    def __init__(self, artists):
        super().__init__()
        self.static_artists = list(artists)
        self.set_zorder(-1)  # below every axes of the figure
        self._region = None
        self._key = None
        self.renders = 0  # how many times the static artists were really drawn (tests, benchmarks)
        for a in self.static_artists:
            a._visible = False  # not set_visible: that would mark the figure stale and ask for a redraw

    def invalidate(self):
        """Forget the cached pixels: the next draw renders the static artists again."""
        self._region = None

    def draw(self, renderer):
        if not self.get_visible():
            return
        key = (renderer.width, renderer.height, self.figure.dpi)
        if self._region is not None and key == self._key and hasattr(renderer, "restore_region"):
            renderer.restore_region(self._region)
            return
        for a in self.static_artists:
            a._visible = True
            try:
                a.draw(renderer)
            finally:
                a._visible = False
        # savefig first runs a layout pass with a renderer whose draw_* methods are no-ops
        # (RendererBase._draw_disabled puts them on the instance): its pixels must not be kept.
        dry_run = "draw_path" in vars(renderer)
        self.renders += not dry_run
        if hasattr(renderer, "copy_from_bbox") and not dry_run:  # Agg renderers: ipympl, inline, PNG
            self._region = renderer.copy_from_bbox(self.figure.bbox)
            self._key = key


def freeze(fig, static_axes, others=()):
    """Fix the layout of `fig` and move the drawing of `static_axes` into a cached layer.

    `others` are further static figure artists for the layer, such as a figure legend.

    Returns:
        (layer, overlays): the CachedBackground and, for each static axes, a
        transparent axes at the same place with the same limits, scales and aspect,
        to hold the artists that change.
    """
    fig.draw_without_rendering()  # run the layout engine once
    fig.set_layout_engine("none")
    overlays = []
    for ax in static_axes:
        ov = fig.add_axes(ax.get_position(original=True), label=f"overlay:{ax.get_label()}")
        ov.set_xscale(ax.get_xscale())
        ov.set_yscale(ax.get_yscale())
        ov.set_xlim(ax.get_xlim())
        ov.set_ylim(ax.get_ylim())
        ov.set_aspect(ax.get_aspect(), adjustable=ax.get_adjustable())
        ov.set_axis_off()  # no patch, spines, ticks or labels: the layer below shows them
        overlays.append(ov)
    layer = CachedBackground([*static_axes, *others])
    fig.add_artist(layer)
    return layer, overlays


def sync_limits(overlay, static, layer):
    """Copy the limits, scales and aspect of `static` to `overlay`; redraw the background next time."""
    overlay.set_xscale(static.get_xscale())
    overlay.set_yscale(static.get_yscale())
    overlay.set_xlim(static.get_xlim())
    overlay.set_ylim(static.get_ylim())
    overlay.set_aspect(static.get_aspect(), adjustable=static.get_adjustable())
    layer.invalidate()
