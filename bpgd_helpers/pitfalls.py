"""Where backpropagation goes wrong: the experiments of lesson 01.

The source article says backprop "has no problems". These helpers measure
four that it has:

* vanishing gradients: through a deep chain of sigmoids, every layer
  multiplies the gradient by sigmoid' <= 1/4, so early layers barely learn;
* exploding gradients: with weights that are too large, every layer
  multiplies it by more than 1;
* dead ReLUs: a unit whose input is negative for every example has gradient
  exactly 0, so gradient descent cannot revive it (in layer 1 never; in a later
  layer only if the layers before it change its input);
* memory: backprop needs every Z_l and A_l of the forward pass (the cache),
  which grows with depth and with batch size.
"""

import numbers

import numpy as np

from ._validate import check_params, check_positive_int, check_X, check_y
from .activations import relu, relu_grad, sigmoid, sigmoid_grad
from .network import forward, linear_backward, linear_forward

#: Hidden activations and their derivatives, side by side.
HIDDEN = {"relu": (relu, relu_grad), "sigmoid": (sigmoid, sigmoid_grad)}


def deep_params(depth, width=16, weight_scale=1.0, n_x=3, seed=0):
    """Parameters of a deep network: `depth` hidden layers of `width` units and one output.

    Each weight is drawn from N(0, weight_scale**2 / n_in), where n_in is the
    number of inputs of its layer; biases are 0. weight_scale = 1 is the usual
    choice for sigmoid layers, sqrt(2) (He initialisation, as in
    ``init_params``) for ReLU layers; larger values make gradients explode.

    Args:
        depth: number of hidden layers.
        width: units per hidden layer.
        weight_scale: multiplies the standard deviation 1 / sqrt(n_in).
        n_x: number of input features.
        seed: seed of the random generator.
    Returns:
        params {"W1", "b1", ..., "W{depth+1}", "b{depth+1}"}.

    Example:
        >>> params = deep_params(depth=20, width=16)
        >>> params["W1"].shape, params["W21"].shape
        ((16, 3), (1, 16))
    """
    depth = check_positive_int(depth, "depth")
    width = check_positive_int(width, "width")
    n_x = check_positive_int(n_x, "n_x")
    if isinstance(weight_scale, bool) or not isinstance(weight_scale, numbers.Real) or not 0 < weight_scale < np.inf:
        raise ValueError(f"weight_scale must be a positive number, got {weight_scale!r}")
    sizes = [n_x] + [width] * depth + [1]
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.standard_normal((sizes[l], sizes[l - 1])) * weight_scale / np.sqrt(sizes[l - 1])
        params[f"b{l}"] = np.zeros((sizes[l], 1))
    return params


def gradients(X, y, params, hidden="relu"):
    """Gradients of the mean BCE for a network whose hidden layers use `hidden`.

    The same forward and backward pass as ``forward`` and ``backward``, except
    that the hidden activation can be "relu" (then the result equals
    ``backward``) or "sigmoid". The output layer is sigmoid either way.

    Returns:
        {"dW1", "db1", ...}, each with the shape of its parameter.
    """
    if hidden not in HIDDEN:
        raise ValueError(f"hidden must be one of {sorted(HIDDEN)}, got {hidden!r}")
    act, act_grad = HIDDEN[hidden]
    L, params = check_params(params)
    A = check_X(X, params["W1"].shape[1])
    y = check_y(y, A.shape[1])
    As, Zs = [A], [None]
    for l in range(1, L + 1):
        Z = linear_forward(As[-1], params[f"W{l}"], params[f"b{l}"])  # (n_l, m)
        Zs.append(Z)
        As.append(act(Z) if l < L else sigmoid(Z))
    dZ = (As[L] - y) / y.shape[1]  # (1, m): sigmoid output with BCE
    grads = {}
    for l in range(L, 0, -1):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, As[l - 1], params[f"W{l}"])
        if l > 1:
            dZ = dA_prev * act_grad(Zs[l - 1])  # (n_{l-1}, m): the factor that vanishes or explodes
    return grads


def layer_gradient_norms(X, y, params, hidden="relu"):
    """The size ||dW_l|| (Frobenius norm) of each layer's weight gradient, l = 1 ... L.

    Example:
        >>> X, y = make_dataset(64)
        >>> norms = layer_gradient_norms(X, y, deep_params(20), hidden="sigmoid")
        >>> bool(norms[0] < 1e-9 * norms[-1])    # the first layer gets almost nothing
        True
    """
    grads = gradients(X, y, params, hidden)
    return np.array([np.linalg.norm(grads[f"dW{l}"]) for l in range(1, len(grads) // 2 + 1)])


def dead_relu_units(X, params):
    """For each hidden layer l = 1 ... L-1, a boolean array: which units output 0 for every example of X.

    Such a unit passes no gradient (relu'(z) = 0 wherever z < 0), so its
    incoming weights and bias get gradient exactly 0 and do not change. In
    layer 1, whose input X is fixed, it therefore stays dead; in a later layer
    it can come back when the layers before it change its input.

    Example:
        >>> X, _ = make_dataset(16)
        >>> [d.shape for d in dead_relu_units(X, init_params([3, 4, 5, 1]))]
        [(4,), (5,)]
    """
    L, params = check_params(params)
    if L < 2:
        raise ValueError("params have no hidden layer, so there are no ReLU units to count; "
                         f"expected at least W1, b1, W2, b2, got {sorted(params)}")
    _, cache = forward(X, params)
    return [np.all(cache[f"A{l}"] == 0, axis=1) for l in range(1, L)]


def dead_relu_fraction(X, params):
    """The fraction of all hidden ReLU units that output 0 for every example of X (see ``dead_relu_units``)."""
    dead = dead_relu_units(X, params)
    return sum(int(d.sum()) for d in dead) / sum(d.size for d in dead)


def cache_nbytes(cache):
    """Bytes held by the arrays of a cache (as returned by ``forward``)."""
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict returned by forward, got {type(cache).__name__}")
    return int(sum(np.asarray(v).nbytes for v in cache.values()))


def predicted_cache_nbytes(layer_sizes, m, itemsize=8):
    """Bytes of the cache of ``forward`` for `layer_sizes` and a batch of m examples.

    The cache holds X = A0 (n_x values per example) and Z_l and A_l for every
    layer (2 * n_l values per example), each value `itemsize` bytes (8 for
    float64): itemsize * m * (n_x + 2 * sum(n_l)). It grows in proportion to
    both the depth and the batch size.
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__") or len(layer_sizes) < 2:
        raise TypeError(f"layer_sizes must be a list of at least 2 ints like [3, 4, 4, 1], got {layer_sizes!r}")
    sizes = [check_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]
    m = check_positive_int(m, "m")
    itemsize = check_positive_int(itemsize, "itemsize")
    return itemsize * m * (sizes[0] + 2 * sum(sizes[1:]))
