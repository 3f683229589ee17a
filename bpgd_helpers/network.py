"""The article's network: any number of ReLU layers and one sigmoid output.

Notation (as in the lessons): columns are examples, A0 = X has shape (n_x, m),
Z_l = W_l @ A_{l-1} + b_l, A_l = relu(Z_l) for hidden layers and
y_hat = A_L = sigmoid(Z_L). J is the mean binary cross-entropy.
Each gradient dQ means dJ/dQ and has the shape of Q.

Every layer's backward step sits next to its forward step.
"""

import functools

import numpy as np

from ._validate import as_float_array, check_params, check_positive_int, check_X, check_y
from .activations import relu, relu_grad, sigmoid
from .losses import binary_cross_entropy_grad


def init_params(layer_sizes, seed=0):
    """He-initialised weights and zero biases for `layer_sizes` = [n_x, n_1, ..., 1].

    Args:
        layer_sizes: units per layer, input first; the article's network is [3, 4, 4, 1].
        seed: seed of the random generator, so every run starts from the same weights.
    Returns:
        params: {"W1": (n_1, n_x), "b1": (n_1, 1), ..., "WL": (1, n_{L-1}), "bL": (1, 1)}, float64.

    Example:
        >>> params = init_params([3, 4, 4, 1])
        >>> params["W1"].shape, params["b3"].shape
        ((4, 3), (1, 1))
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
        raise TypeError(f"layer_sizes must be a list of ints like [3, 4, 4, 1], got {type(layer_sizes).__name__}")
    if len(layer_sizes) < 2:
        raise ValueError(f"layer_sizes needs at least 2 entries (inputs and output), got {list(layer_sizes)}")
    sizes = [check_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]
    if sizes[-1] != 1:
        raise ValueError(f"the last layer size must be 1 (one sigmoid output for a binary label), got {sizes[-1]}")
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(sizes)):
        # He initialisation keeps the variance of Z_l about constant through ReLU layers.
        params[f"W{l}"] = rng.standard_normal((sizes[l], sizes[l - 1])) * np.sqrt(2.0 / sizes[l - 1])
        params[f"b{l}"] = np.zeros((sizes[l], 1))
    return params


def linear_forward(A_prev, W, b):
    """Z = W @ A_prev + b."""
    Z = W @ A_prev  # (n_l, m)
    Z += b  # in place: for a large batch, allocating a second (n_l, m) array costs more than the sum
    return Z


def linear_backward(dZ, A_prev, W, need_dA_prev=True):
    """Given dZ = dJ/dZ, return (dA_prev, dW, db) for Z = W @ A_prev + b.

    dA_prev is None when not needed: the first layer's input is the data, which is not learned.
    """
    dW = dZ @ A_prev.T  # (n_l, n_{l-1}): sums over the m examples
    db = dZ.sum(axis=1, keepdims=True)  # (n_l, 1)
    dA_prev = W.T @ dZ if need_dA_prev else None  # (n_{l-1}, m)
    return dA_prev, dW, db


def forward(X, params):
    """Forward pass of the whole network.

    Args:
        X: inputs, shape (n_x, m), one column per example.
        params: {"W1", "b1", ..., "WL", "bL"} as made by init_params.
    Returns:
        (y_hat, cache): y_hat has shape (1, m); cache holds A0 = X and every Z_l and A_l.

    Example:
        >>> X, y = make_dataset(5)
        >>> y_hat, cache = forward(X, init_params([3, 4, 4, 1]))
        >>> y_hat.shape, sorted(cache)
        ((1, 5), ['A0', 'A1', 'A2', 'A3', 'Z1', 'Z2', 'Z3'])
    """
    L, params = check_params(params)
    A = check_X(X, params["W1"].shape[1])
    cache = {"A0": A}
    for l in range(1, L + 1):
        Z = linear_forward(A, params[f"W{l}"], params[f"b{l}"])  # (n_l, m)
        A = relu(Z) if l < L else sigmoid(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def backward_steps(y, cache, params):
    """Every quantity of backpropagation, named and in the order it is computed.

    For the article's network the order is dA3, dZ3, dW3, db3, dA2, dZ2, dW2,
    db2, dA1, dZ1, dW1, db1: the seven chain-rule steps. dA3 = dJ/dy_hat is
    reported for completeness; dZ3 uses the simplified form (y_hat - y) / m,
    which stays exact when y_hat rounds to 0 or 1.
    """
    L, params, y = _check_backward_args(y, cache, params)
    steps = {f"dA{L}": binary_cross_entropy_grad(cache[f"A{L}"], y)}
    steps.update(_chain_rule(y, cache, params, L))
    return steps


def backward(y, cache, params):
    """Gradients of the mean BCE with respect to every parameter.

    Args:
        y: labels, shape (1, m) or (m,).
        cache: the cache returned by forward.
        params: the params used in that forward pass.
    Returns:
        grads: {"dW1", "db1", ..., "dWL", "dbL"}, each with the shape of its parameter.

    Example:
        >>> X, y = make_dataset(8)
        >>> params = init_params([3, 4, 4, 1])
        >>> y_hat, cache = forward(X, params)
        >>> grads = backward(y, cache, params)
        >>> grads["dW1"].shape == params["W1"].shape
        True
    """
    L, params, y = _check_backward_args(y, cache, params)
    steps = _chain_rule(y, cache, params, L)
    return {k: steps[k] for k in _grad_keys(L)}


def _chain_rule(y, cache, params, L):
    """dZ, dW, db of every layer and dA of every hidden layer, from the output layer down."""
    steps = {}
    dZ = (cache[f"A{L}"] - y) / y.shape[1]  # (1, m): dJ/dZ_L for sigmoid + BCE, derived in lesson 03
    for l in range(L, 0, -1):
        if l < L:
            dZ = relu_grad(cache[f"Z{l}"])  # (n_l, m)
            dZ *= steps[f"dA{l}"]  # dZ_l = dA_l * relu'(Z_l), in place: one (n_l, m) array fewer
        dA_prev, dW, db = linear_backward(dZ, cache[f"A{l - 1}"], params[f"W{l}"], need_dA_prev=l > 1)
        steps[f"dZ{l}"], steps[f"dW{l}"], steps[f"db{l}"] = dZ, dW, db
        if l > 1:
            steps[f"dA{l - 1}"] = dA_prev
    return steps


def predict(X, params, threshold=0.5):
    """Class predictions (0 or 1), shape (1, m)."""
    y_hat, _ = forward(X, params)
    return (y_hat >= threshold).astype(np.float64)


def accuracy(X, y, params):
    """Fraction of examples classified correctly."""
    y_hat, _ = forward(X, params)
    y = check_y(y, y_hat.shape[1])
    return float(np.mean((y_hat >= 0.5) == (y >= 0.5)))


def _check_backward_args(y, cache, params):
    """Check the inputs of backward; return (L, params, y of shape (1, m))."""
    L, params = check_params(params, values=False)  # forward has checked the values
    _check_cache(cache, L)
    return L, params, check_y(y, cache[f"A{L}"].shape[1])


def _check_cache(cache, L):
    if not isinstance(cache, dict):
        raise TypeError(f"cache must be the dict returned by forward, got {type(cache).__name__}")
    expected = _cache_keys(L)
    missing = [k for k in expected if k not in cache]
    if missing:
        raise ValueError(f"cache is missing {missing}: pass the cache that forward returned for these params (expected keys {list(expected)})")
    for k in expected:
        if type(cache[k]) is not np.ndarray:
            as_float_array(cache[k], f"cache[{k!r}]")  # a TypeError that names the entry


# The key names for L layers, made once: backward runs in every training step.
@functools.lru_cache(maxsize=None)
def _cache_keys(L):
    return ("A0", *(f"{q}{l}" for l in range(1, L + 1) for q in ("Z", "A")))


@functools.lru_cache(maxsize=None)
def _grad_keys(L):
    return tuple(f"d{p}{l}" for l in range(1, L + 1) for p in ("W", "b"))
