"""Input checks shared by the helpers.

Every message names what was expected and what was given, so a learner can
fix the call without reading this file.
"""

import functools
import numbers

import numpy as np


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"a {type(value).__name__}"


def as_float_array(value, name):
    """`value` as a float64 array; TypeError if it is not numeric."""
    if type(value) is np.ndarray and value.dtype == np.float64:
        return value  # the usual case, answered without the checks below
    if isinstance(value, (str, bytes, dict)) or value is None:
        raise TypeError(f"{name} must be a number or a NumPy array of numbers, got {_describe(value)}")
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got {_describe(value)}")
    if np.iscomplexobj(arr):
        raise TypeError(f"{name} must hold real numbers, got complex dtype {arr.dtype}")
    return arr.astype(np.float64, copy=False)


def finite(arr, name):
    """Raise ValueError if `arr` holds NaN or infinity."""
    # np.all(np.isfinite(arr)), minus np.all's Python-level overhead (it is called on every forward pass)
    if not np.logical_and.reduce(np.isfinite(arr), axis=None):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must be finite, but {bad} of its {arr.size} entries are NaN or infinite")
    return arr


def layer_count(params):
    """Number of layers L in a params dict {"W1", "b1", ..., "WL", "bL"}, checked."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict like {{'W1': ..., 'b1': ...}}, got {_describe(params)}")
    L = len(params) // 2
    if L and params.keys() == _layer_keys(L):
        return L  # the usual case, exactly W1, b1, ..., WL, bL: nothing to diagnose
    w_keys = sorted(int(k[1:]) for k in params if isinstance(k, str) and k[:1] == "W" and k[1:].isdigit())
    if not w_keys:
        raise ValueError(f"params must hold W1, b1, W2, b2, ...; got keys {sorted(map(str, params))}")
    L = max(w_keys)
    expected = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    missing = [k for k in expected if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}: expected keys {expected}, got {sorted(map(str, params))}")
    return L


@functools.lru_cache(maxsize=None)
def _layer_keys(L):
    return frozenset(f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b"))


def check_params(params, values=True):
    """Check the keys and shapes of a params dict and, if `values`, that every entry is finite.

    Returns (L, the params as float64 arrays, not copied).
    """
    L = layer_count(params)
    out = {}
    for l in range(1, L + 1):
        w_name, b_name = f"W{l}", f"b{l}"
        W = as_float_array(params[w_name], w_name)
        b = as_float_array(params[b_name], b_name)
        if W.ndim != 2:
            raise ValueError(f"W{l} must be 2-D with shape (n_{l}, n_{l - 1}), got shape {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"b{l} must have shape (n_{l}, 1) = ({W.shape[0]}, 1) to match W{l} {W.shape}, got {b.shape}")
        if l > 1 and W.shape[1] != W_prev.shape[0]:
            raise ValueError(
                f"W{l} has shape {W.shape}, so it expects {W.shape[1]} inputs, "
                f"but layer {l - 1} has {W_prev.shape[0]} units (W{l - 1} is {W_prev.shape})"
            )
        out[w_name], out[b_name] = W, b
        W_prev = W
    if out[f"W{L}"].shape[0] != 1:
        raise ValueError(f"the output layer must have 1 unit (binary label), but W{L} has shape {out[f'W{L}'].shape}")
    # One test of all the entries at once costs half as much as one per array; look for the
    # culprit only when it fails, to name it.
    if values and not np.logical_and.reduce(np.isfinite(np.concatenate([v.ravel() for v in out.values()]))):
        for name, value in out.items():
            finite(value, name)
    return L, out


def check_X(X, n_x):
    """X as float64 with shape (n_x, m): columns are examples."""
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (n_x, m) = ({n_x}, m), columns are examples; got shape {X.shape}")
    if X.shape[0] != n_x:
        hint = " It looks like examples are rows: pass X.T instead." if X.shape[1] == n_x else ""
        raise ValueError(f"X must have shape (n_x, m) = ({n_x}, m), one column per example; got {X.shape}.{hint}")
    if X.shape[1] == 0:
        raise ValueError("X has no examples (0 columns); expected at least 1")
    return finite(X, "X")


def check_y(y, m):
    """y as float64 with shape (1, m) and values in {0, 1}; (m,) is accepted too."""
    y = as_float_array(y, "y")
    if y.ndim == 1:
        y = y.reshape(1, -1)
    if y.shape != (1, m):
        raise ValueError(f"y must have shape (1, m) = (1, {m}) to match the {m} examples, got {y.shape}")
    if not (y.min() >= 0 and y.max() <= 1):  # NaN fails both comparisons, so it lands here too
        finite(y, "y")
        raise ValueError("y must hold labels between 0 and 1 (binary classes 0 and 1), got values outside [0, 1]")
    return y


def check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int, got {_describe(value)}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive int, got {value}")
    return int(value)
