"""Gradient checking: compare backward with central finite differences."""

import numpy as np

from ._validate import check_params
from .losses import binary_cross_entropy
from .network import backward, forward


def numerical_gradient(f, params, eps=1e-6):
    """Central-difference gradient of the scalar function f(params).

    Each entry is (f(p + eps) - f(p - eps)) / (2 * eps), with an error of
    order eps**2 where f is smooth (not across a ReLU kink).

    Args:
        f: callable taking a params dict and returning a float.
        params: {"W1": ..., "b1": ...}; not modified.
        eps: the step.
    Returns:
        {"dW1": ..., "db1": ...}, each with the shape of its parameter.

    Example:
        >>> numerical_gradient(lambda p: float(np.sum(p["w"] ** 2)), {"w": np.array([1.0, 2.0])})
        {'dw': array([2., 4.])}
    """
    if not callable(f):
        raise TypeError(f"f must be a function of params that returns a float, got {type(f).__name__}")
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict of arrays, got {type(params).__name__}")
    if not eps > 0:
        raise ValueError(f"eps must be a positive step, got {eps}")
    work = {k: np.array(v, dtype=np.float64) for k, v in params.items()}  # copies
    grads = {}
    for key, value in work.items():
        g = np.zeros_like(value)
        flat, gflat = value.reshape(-1), g.reshape(-1)  # views into work[key] and g
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + eps
            f_plus = float(f(work))
            flat[i] = old - eps
            f_minus = float(f(work))
            flat[i] = old
            gflat[i] = (f_plus - f_minus) / (2 * eps)
        grads[f"d{key}"] = g
    return grads


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) over all entries of two gradient dicts (0 if both are zero)."""
    keys = sorted(a)
    if sorted(b) != keys:
        raise ValueError(f"gradient dicts have different keys: {keys} and {sorted(b)}")
    va = np.concatenate([np.ravel(a[k]) for k in keys])
    vb = np.concatenate([np.ravel(b[k]) for k in keys])
    denom = np.linalg.norm(va) + np.linalg.norm(vb)
    return 0.0 if denom == 0 else float(np.linalg.norm(va - vb) / denom)


def gradient_check(X, y, params, eps=1e-6, backward_fn=backward):
    """Relative error between backward_fn's gradients and central differences.

    Rules of thumb: below 1e-7 the gradients agree; above 1e-4 something is
    wrong, unless a ReLU input sits within eps of its kink.

    Args:
        X, y, params: data and parameters of the network.
        backward_fn: the backward to check, with the signature of backward.
    Returns:
        the relative error, a float.
    """
    _, params = check_params(params)
    y_hat, cache = forward(X, params)
    analytic = backward_fn(y, cache, params)
    wanted = {f"d{k}" for k in params}
    if not isinstance(analytic, dict) or not wanted <= set(analytic):
        got = sorted(analytic) if isinstance(analytic, dict) else type(analytic).__name__
        raise ValueError(f"backward_fn must return a dict with keys {sorted(wanted)}, got {got}")
    numeric = numerical_gradient(lambda p: binary_cross_entropy(forward(X, p)[0], y), params, eps)
    return relative_error({k: analytic[k] for k in wanted}, numeric)
