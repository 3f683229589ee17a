"""The bridge from the course's network to Keras and PyTorch (lesson 10).

The course keeps examples in columns: X is (n_x, m) and W_l is (n_l, n_{l-1}).
Keras keeps examples in rows: its input is X.T, of shape (m, n_x), and a Dense
layer's kernel is (n_{l-1}, n_l), i.e. W_l.T, with a 1-D bias of shape (n_l,).

Keras and PyTorch are an optional extra. This module imports them only inside
the functions that need them, so it loads (and `available()` answers) without them.
"""

import importlib
import math
import os

import numpy as np

from ._validate import check_params, check_X, check_y

#: How to get the optional extra, shown where lesson 10 skips a cell.
INSTALL_HINT = (
    "Keras and PyTorch are not installed: the cells of this lesson that need them will print a short note "
    "instead of running. To run them, install the course's `frameworks` extra in a terminal, in the "
    "repository's folder (the first line gets the small CPU build of PyTorch, not the multi-GB CUDA one):\n"
    "    pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu\n"
    "    pip install -e \".[frameworks]\"\n"
    "then restart the kernel (Kernel → Restart Kernel) and run the notebook again."
)


def available():
    """True when both Keras and PyTorch can be imported (Keras then runs on PyTorch)."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        importlib.import_module("torch")
        importlib.import_module("keras")
    except ImportError:
        return False
    return True


def skipped():
    """Print the note that stands in for a framework cell's output when the extra is missing."""
    print("(skipped: this cell needs Keras and PyTorch; the setup cell says how to install them)")


def to_keras_weights(params):
    """The params in the order and layout of keras.Model.set_weights.

    Args:
        params: {"W1": (n_1, n_x), "b1": (n_1, 1), ...}.
    Returns:
        [W1.T, b1 as (n_1,), W2.T, b2 as (n_2,), ...]: kernels (n_{l-1}, n_l) and 1-D biases.

    Example:
        >>> [w.shape for w in to_keras_weights(init_params([3, 4, 4, 1]))]
        [(3, 4), (4,), (4, 4), (4,), (4, 1), (1,)]
    """
    L, params = check_params(params)
    return [w for l in range(1, L + 1) for w in (params[f"W{l}"].T.copy(), params[f"b{l}"].ravel().copy())]


def from_keras_weights(weights):
    """The inverse of to_keras_weights: a params dict from keras.Model.get_weights()."""
    if not isinstance(weights, (list, tuple)) or len(weights) % 2 or not weights:
        raise ValueError(f"weights must be a list [kernel1, bias1, kernel2, bias2, ...], got {type(weights).__name__}"
                         + (f" of length {len(weights)}" if isinstance(weights, (list, tuple)) else ""))
    params = {}
    for i in range(0, len(weights), 2):
        kernel, bias = np.asarray(weights[i], dtype=np.float64), np.asarray(weights[i + 1], dtype=np.float64)
        params[f"W{i // 2 + 1}"] = kernel.T.copy()
        params[f"b{i // 2 + 1}"] = bias.reshape(-1, 1).copy()
    check_params(params)
    return params


def keras_network(params, dtype="float64"):
    """The network of `params` as a keras.Sequential with exactly those weights.

    Hidden layers are Dense with ReLU, the output a Dense unit with sigmoid, as in the article.

    Args:
        params: the course's params (from init_params).
        dtype: "float64" to compare with the course, or Keras's default "float32".
    Returns:
        an uncompiled keras.Sequential; its input has rows as examples, so call it on X.T.
    """
    import keras

    L, params = check_params(params)
    layers = [keras.Input(shape=(params["W1"].shape[1],), dtype=dtype)]
    for l in range(1, L + 1):
        layers.append(keras.layers.Dense(params[f"W{l}"].shape[0], activation="relu" if l < L else "sigmoid",
                                         dtype=dtype, name=f"layer{l}"))
    model = keras.Sequential(layers, name="article_network")
    model.set_weights(to_keras_weights(params))
    return model


def torch_forward(X, params):
    """The forward pass in PyTorch, in the course's layout (columns are examples).

    Args:
        X: a (n_x, m) tensor; params: {"W1": tensor, "b1": tensor, ...} with the course's shapes.
    Returns:
        y_hat, a (1, m) tensor that autograd can differentiate.
    """
    import torch

    L = len(params) // 2
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]  # (n_l, m)
        A = torch.relu(Z) if l < L else torch.sigmoid(Z)
    return A


def torch_gradients(X, y, params, dtype="float64"):
    """The gradients of the mean BCE by PyTorch autograd: an oracle independent of bp.backward.

    The loss is PyTorch's binary_cross_entropy_with_logits, the stable form of the same
    function, so no clipping changes the gradient.

    Args:
        X: (n_x, m) array; y: (1, m) labels; params: the course's params.
        dtype: "float64" or "float32", the precision PyTorch computes in.
    Returns:
        (grads, J): {"dW1", "db1", ...} as float64 NumPy arrays, and the loss as a float.
    """
    import torch

    L, params = check_params(params)
    X = check_X(X, params["W1"].shape[1])
    y = check_y(y, X.shape[1])
    torch_dtype = {"float64": torch.float64, "float32": torch.float32}[dtype]
    tensors = {k: torch.tensor(v, dtype=torch_dtype, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X, dtype=torch_dtype)
    for l in range(1, L + 1):
        Z = tensors[f"W{l}"] @ A + tensors[f"b{l}"]
        A = torch.relu(Z) if l < L else Z  # the last Z is the logit z_L
    loss = torch.nn.functional.binary_cross_entropy_with_logits(A, torch.tensor(y, dtype=torch_dtype))
    loss.backward()
    grads = {f"d{k}": v.grad.detach().numpy().astype(np.float64) for k, v in tensors.items()}
    return grads, loss.item()


def agreement(name, difference, tolerance):
    """Print how closely two computations agree and raise AssertionError if not within `tolerance`.

    The difference is printed as a power of ten it stays below ("< 1e-7"), which does not
    change with the last digits of rounding, so a stored notebook output stays the same.

    Example:
        >>> agreement("two sums", abs(0.1 + 0.2 - 0.3), tolerance=1e-12)
        two sums: difference < 1e-16, tolerance 1e-12 ✔
    """
    difference = float(difference)
    if not difference <= tolerance:  # also catches NaN
        raise AssertionError(f"{name}: difference {difference:.2e} is more than the tolerance {_short(tolerance)}")
    bound = "0 (identical)" if difference == 0 else f"< 1e{math.floor(math.log10(difference)) + 1}"
    print(f"{name}: difference {bound}, tolerance {_short(tolerance)} ✔")
    return difference


def _short(x):
    """1e-06 -> "1e-6"."""
    mantissa, exponent = f"{x:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"
