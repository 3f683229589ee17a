"""The article's network drawn as a computation graph, with its numbers on it.

Forward mode (lesson 02) shows every quantity of one example: the inputs X,
the parameters W_l and b_l, each Z_l and A_l, ŷ and, when y is given, the
loss. Backward mode (lesson 05) adds, under the forward graph, every gradient
that ``backward_steps`` returns (dA3, dZ3, dW3, db3, dA2, ...), joined by
arrows that run the other way. Forward arrows are solid blue, backward arrows
dashed vermillion: the two flows differ in colour and in line style.

    fig = draw_computation_graph(params, cache, y=y)                 # forward values
    fig = draw_computation_graph(params, cache, y=y, steps=steps)    # plus the backward flow

Layout, top to bottom: the inputs W_l, b_l (above the Z_l they feed) and y
(above the loss); the forward chain X -> Z1 -> A1 -> ... -> ŷ -> L; then, in
backward mode, dA_l and dZ_l under the quantities they belong to, and dW_l,
db_l under the dZ_l they are computed from.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from ._validate import as_float_array, check_params, check_y
from .losses import binary_cross_entropy
from .plotting import PALETTE

#: Colour and line style of each flow (Okabe–Ito colours; the line styles differ too).
FORWARD = {"color": PALETTE["blue"], "linestyle": "-"}
BACKWARD = {"color": PALETTE["vermillion"], "linestyle": "--"}
#: Fill of the boxes: inputs grey, forward quantities light blue, the loss light yellow, gradients light vermillion.
_FILL = {"input": "#EDEDED", "forward": "#DCEBF5", "loss": "#FFF3D6", "backward": "#FBE3D6"}
_EDGE = {"input": PALETTE["black"], "forward": PALETTE["blue"], "loss": PALETTE["blue"], "backward": PALETTE["vermillion"]}

_FONT_SIZE = 8
_CHAR_W = 0.63 * _FONT_SIZE / 72  # width of one DejaVu Sans Mono character, inches
_LINE_H = 1.25 * _FONT_SIZE / 72  # height of one line of text, inches
_PAD = 0.35  # box padding, in units of the font size
_MAX_ROWS, _MAX_COLS = 6, 4  # larger matrices are shown truncated, with an ellipsis
_GAP = {"chain": 0.42, "pair": 0.12, "group": 0.35, "row": 0.5}  # inches between boxes


def _fmt(v):
    """A number in 6 characters, sign included, so that columns line up."""
    v = float(v) + 0.0  # turns -0.0 into 0.0
    if v == 0 or 1e-3 <= abs(v) < 1e3:
        return f"{v:+.3f}"
    return f"{v:+.0e}"


def _matrix_lines(M):
    """Rows of a 2-D array as text, truncated to _MAX_ROWS x _MAX_COLS with an ellipsis."""
    M = np.atleast_2d(M)
    rows = []
    for i in range(min(M.shape[0], _MAX_ROWS)):
        cells = [_fmt(v).rjust(6) for v in M[i, :_MAX_COLS]]
        rows.append("[" + " ".join(cells) + (" …]" if M.shape[1] > _MAX_COLS else "]"))
    if M.shape[0] > _MAX_ROWS:
        rows.append(f"… {M.shape[0] - _MAX_ROWS} more rows")
    return rows


class _Node:
    """A box of monospace text: its lines, kind, and (once laid out) its centre."""

    def __init__(self, lines, kind):
        self.text, self.kind = "\n".join(lines), kind
        pad = 2 * _PAD * _FONT_SIZE / 72
        self.width = max(len(s) for s in lines) * _CHAR_W + pad
        self.height = len(lines) * _LINE_H + pad
        self.x = self.y = 0.0
        self.artist = None


def _pack(nodes, targets, gaps):
    """Place nodes left to right as close to their target x as possible without overlap."""
    for i, (node, target) in enumerate(zip(nodes, targets)):
        if i == 0:
            node.x = target
        else:
            prev = nodes[i - 1]
            node.x = max(target, prev.x + (prev.width + node.width) / 2 + gaps[i - 1])


def _pair_targets(left, right, centre):
    """Centres of two boxes side by side whose pair is centred at `centre`."""
    total = left.width + _GAP["pair"] + right.width
    return centre - total / 2 + left.width / 2, centre + total / 2 - right.width / 2


def _check_example(example, m):
    if isinstance(example, bool) or not isinstance(example, (int, np.integer)):
        raise TypeError(f"example must be an int, the index of a column of X, got {type(example).__name__}")
    if not 0 <= example < m:
        raise ValueError(f"example must be a column index from 0 to {m - 1} (the batch has m = {m} examples), "
                         f"got {example}")
    return int(example)


def _check_cache(cache, params, L):
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict returned by forward(X, params), got {type(cache).__name__}")
    wanted = ["A0"] + [f"{q}{l}" for l in range(1, L + 1) for q in ("Z", "A")]
    missing = [k for k in wanted if k not in cache]
    if missing:
        raise ValueError(f"cache is missing {missing}: pass the cache that forward(X, params) returned "
                         f"(expected keys {wanted}, got {sorted(map(str, cache))})")
    out = {k: as_float_array(cache[k], f"cache[{k!r}]") for k in wanted}
    if out["A0"].ndim != 2:
        raise ValueError(f"cache['A0'] must be X with shape (n_x, m), got shape {out['A0'].shape}")
    m = out["A0"].shape[1]
    for k, v in out.items():
        rows = params["W1"].shape[1] if k == "A0" else params[f"W{k[1:]}"].shape[0]
        if v.shape != (rows, m):
            raise ValueError(f"cache[{k!r}] has shape {v.shape}, but these params need ({rows}, {m}): "
                             "was the cache made by forward with other params?")
    return out


def _check_steps(steps, params, L, m):
    if not isinstance(steps, dict):
        raise TypeError(f"steps must be the dict returned by backward_steps(y, cache, params), "
                        f"got {type(steps).__name__}")
    wanted = [f"d{q}{l}" for l in range(L, 0, -1) for q in ("A", "Z", "W", "b")]
    missing = [k for k in wanted if k not in steps]
    if missing:
        raise ValueError(f"steps is missing {missing}: pass the dict that backward_steps(y, cache, params) "
                         f"returned (got keys {sorted(map(str, steps))})")
    out = {k: as_float_array(steps[k], f"steps[{k!r}]") for k in wanted}
    for k, v in out.items():
        q, l = k[1], int(k[2:])
        shape = params[f"{q}{l}"].shape if q in "Wb" else (params[f"W{l}"].shape[0], m)
        if v.shape != shape:
            raise ValueError(f"steps[{k!r}] has shape {v.shape}, but {k} must have the shape {shape} of "
                             f"{q}{l}: were the steps computed for this cache and these params?")
    return out


def _loss_values(y, A_L, example):
    """(label, loss L of the example, cost J) for labels y."""
    y = check_y(y, A_L.shape[1])
    one = slice(example, example + 1)
    return y[0, example], binary_cross_entropy(A_L[:, one], y[:, one]), binary_cross_entropy(A_L, y)


def draw_computation_graph(params, cache, *, y=None, steps=None, example=0, ax=None, title=None):
    """Draw the network as a computation graph with the numbers of one example on it.

    Every node shows its name, its shape for the whole batch and its values
    for column `example`; parameters are shown in full (matrices larger than
    6 x 4 are truncated). With `steps`, every gradient of backpropagation is
    drawn under the forward graph, named as in ``backward_steps`` (dA3, dZ3,
    dW3, db3, dA2, ...), with arrows in the reverse direction. dA_l and dZ_l
    show column `example`; dW_l and db_l are sums over the batch, shown in full.

    Args:
        params: {"W1", "b1", ..., "WL", "bL"}, any number of layers.
        cache: the cache returned by ``forward(X, params)``.
        y: optional labels, shape (1, m) or (m,): adds the label, the loss L of
            the example and the cost J (the mean of L over the batch).
        steps: optional dict returned by ``backward_steps(y, cache, params)``:
            adds the backward flow.
        example: the column (example) of the batch whose values are shown.
        ax: optional matplotlib Axes to draw into; by default a new figure
            sized to fit the graph is made.
        title: optional title; by default it says which example is shown.
    Returns:
        the matplotlib Figure (not shown: pass it to ``plotting.show(fig, alt=...)``).

    Example:
        >>> X, y = make_dataset(8, seed=0)
        >>> params = init_params([3, 4, 4, 1], seed=0)
        >>> y_hat, cache = forward(X, params)
        >>> fig = draw_computation_graph(params, cache, y=y)                 # lesson 02
        >>> steps = backward_steps(y, cache, params)
        >>> fig = draw_computation_graph(params, cache, y=y, steps=steps)    # lesson 05
    """
    L, params = check_params(params)
    cache = _check_cache(cache, params, L)
    m = cache["A0"].shape[1]
    example = _check_example(example, m)
    loss = None if y is None else _loss_values(y, cache[f"A{L}"], example)
    if steps is not None:
        steps = _check_steps(steps, params, L, m)
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes (or None for a new figure), got {type(ax).__name__}")

    def column(A):  # one example, kept 2-D
        return A[:, example : example + 1]

    def quantity(head, A, kind):
        return _Node([head, f"shape {A.shape}", *_matrix_lines(column(A))], kind)

    # --- the nodes ------------------------------------------------------------------------
    chain = {"A0": quantity("X = A0", cache["A0"], "input")}
    params_row, grads_row, param_grads_row = {}, {}, {}
    for l in range(1, L + 1):
        prev = "X" if l == 1 else f"A{l - 1}"
        chain[f"Z{l}"] = quantity(f"Z{l} = W{l}·{prev} + b{l}", cache[f"Z{l}"], "forward")
        head = f"ŷ = A{l} = σ(Z{l})" if l == L else f"A{l} = relu(Z{l})"
        chain[f"A{l}"] = quantity(head, cache[f"A{l}"], "forward")
        for p in (f"W{l}", f"b{l}"):
            params_row[p] = _Node([p, f"shape {params[p].shape}", *_matrix_lines(params[p])], "input")
    if loss is None:
        chain["L"] = _Node(["L = BCE(ŷ, y)", "(pass y= to", "see values)"], "loss")
    else:
        chain["L"] = _Node(["L = BCE(ŷ, y)", f"L = {loss[1]:.3f}", f"J = {loss[2]:.3f}", "(J: mean of L)"], "loss")
        params_row["y"] = _Node(["y", f"shape (1, {m})", f"[{loss[0]:g}]"], "input")
    if steps is not None:
        for l in range(L, 0, -1):
            head = f"dA{l} = dJ/dŷ" if l == L else f"dA{l}"
            grads_row[f"dA{l}"] = _Node([head, *_matrix_lines(column(steps[f"dA{l}"]))], "backward")
            grads_row[f"dZ{l}"] = _Node([f"dZ{l}", *_matrix_lines(column(steps[f"dZ{l}"]))], "backward")
            for p in (f"dW{l}", f"db{l}"):
                param_grads_row[p] = _Node([p, "summed over m", *_matrix_lines(steps[p])], "backward")

    # --- layout: columns of the chain, then the rows above and below, all in inches ----------
    keys = list(chain)
    widths = [max(chain[k].width, grads_row[f"d{k}"].width if f"d{k}" in grads_row else 0) for k in keys]
    _pack([chain[k] for k in keys], [0.0] * len(keys),
           [(a + b) / 2 - (chain[ka].width + chain[kb].width) / 2 + _GAP["chain"]
            for ka, kb, a, b in zip(keys, keys[1:], widths, widths[1:])])
    for k, node in grads_row.items():
        node.x = chain[k[1:]].x
    for row, prefix, under in ((params_row, "", "Z"), (param_grads_row, "d", "Z")):
        names, targets = [], []
        for l in range(1, L + 1):
            if f"{prefix}W{l}" in row:
                names += [f"{prefix}W{l}", f"{prefix}b{l}"]
                targets += _pair_targets(row[names[-2]], row[names[-1]], chain[f"{under}{l}"].x)
        if "y" in row:
            names.append("y")
            targets.append(chain["L"].x)
        gaps = [_GAP["pair"] if a[-1] == b[-1] else _GAP["group"] for a, b in zip(names, names[1:])]
        _pack([row[k] for k in names], targets, gaps)

    rows = [r for r in (params_row, chain, grads_row, param_grads_row) if r]
    y_top = 0.0
    for row in rows:
        h = max(n.height for n in row.values())
        for n in row.values():
            n.y = y_top - h / 2
        y_top -= h + _GAP["row"]
    every = [n for row in rows for n in row.values()]
    left = min(n.x - n.width / 2 for n in every) - 0.1
    right = max(n.x + n.width / 2 for n in every) + 0.1
    bottom, top = y_top + _GAP["row"] - 0.45, 0.1  # 0.45 inches of room for the legend
    if title is None:
        what = "Forward and backward pass" if steps is not None else "Forward pass"
        title = f"{what} as a computation graph: the values of example {example} of m = {m}"
    # Widen a narrow graph so that the title and the legend fit.
    spare = max(0.0, 0.095 * len(title) + 0.2 - (right - left), (5.6 if steps is not None else 2.4) - (right - left))
    left, right = left - spare / 2, right + spare / 2
    if ax is None:
        # One data unit is one inch, so the text boxes measured above fit exactly; 0.45 in above for the title.
        fig = plt.figure(figsize=(right - left, top - bottom + 0.45), layout="none")
        ax = fig.add_axes((0.0, 0.0, 1.0, (top - bottom) / (top - bottom + 0.45)))
    ax.set_xlim(left, right)
    ax.set_ylim(bottom, top)
    ax.set_axis_off()

    # --- drawing --------------------------------------------------------------------------
    for n in every:
        n.artist = ax.text(
            n.x, n.y, n.text, ha="center", va="center", zorder=3, family="DejaVu Sans Mono", size=_FONT_SIZE,
            bbox={"boxstyle": f"round,pad={_PAD}", "facecolor": _FILL[n.kind], "edgecolor": _EDGE[n.kind],
                  "linewidth": 1.4, "linestyle": BACKWARD["linestyle"] if n.kind == "backward" else "-"},
        )

    def arrow(a, b, flow):
        ax.annotate("", xy=(b.x, b.y), xytext=(a.x, a.y), zorder=4,  # after the boxes: clipped by their drawn size
                    arrowprops={"arrowstyle": "-|>", "mutation_scale": 14, "linewidth": 1.6, "shrinkA": 3,
                                "shrinkB": 3, "patchA": a.artist.get_bbox_patch(),
                                "patchB": b.artist.get_bbox_patch(), **flow})

    for a, b in zip(keys, keys[1:]):
        arrow(chain[a], chain[b], FORWARD)
    for l in range(1, L + 1):
        arrow(params_row[f"W{l}"], chain[f"Z{l}"], FORWARD)
        arrow(params_row[f"b{l}"], chain[f"Z{l}"], FORWARD)
    if "y" in params_row:
        arrow(params_row["y"], chain["L"], FORWARD)
    if steps is not None:
        arrow(chain["L"], grads_row[f"dA{L}"], BACKWARD)
        for l in range(L, 0, -1):
            arrow(grads_row[f"dA{l}"], grads_row[f"dZ{l}"], BACKWARD)
            arrow(grads_row[f"dZ{l}"], param_grads_row[f"dW{l}"], BACKWARD)
            arrow(grads_row[f"dZ{l}"], param_grads_row[f"db{l}"], BACKWARD)
            if l > 1:
                arrow(grads_row[f"dZ{l}"], grads_row[f"dA{l - 1}"], BACKWARD)

    handles = [Line2D([], [], label="forward: computes values", **FORWARD)]
    if steps is not None:
        handles.append(Line2D([], [], label="backward: computes gradients dQ = ∂J/∂Q", **BACKWARD))
    ax.legend(handles=handles, loc="lower center", ncols=len(handles), frameon=False)
    ax.set_title(title)
    return ax.figure
