"""Binary cross-entropy, followed by its derivative.

J = -(1/m) * sum(y * log(y_hat) + (1 - y) * log(1 - y_hat))
"""

import numpy as np

from ._validate import as_float_array, finite

#: y_hat is clipped to [EPS, 1 - EPS] so that log never sees 0.
EPS = 1e-12


def _pair(y_hat, y, name="y_hat"):
    y_hat = finite(as_float_array(y_hat, name), name)
    y = finite(as_float_array(y, "y"), "y")
    if y.shape != y_hat.shape:
        if y.size == y_hat.size and y.size > 0:
            y = y.reshape(y_hat.shape)  # accept (m,) against (1, m)
        else:
            raise ValueError(f"y must have the same shape as {name} {y_hat.shape}, got {y.shape}")
    if y_hat.size == 0:
        raise ValueError(f"{name} is empty; expected at least one example")
    return y_hat, y


def binary_cross_entropy(y_hat, y):
    """Mean BCE of probabilities `y_hat` against labels `y`, as a float.

    Stable at y_hat of exactly 0 or 1: y_hat is clipped to [EPS, 1 - EPS],
    so the loss is large but finite and no warning is raised.

    Args:
        y_hat: predicted probabilities, shape (1, m).
        y: labels in {0, 1}, shape (1, m) or (m,).
    Returns:
        J, the mean loss over the m examples.

    Example:
        >>> binary_cross_entropy(np.array([[0.9, 0.2]]), np.array([[1, 0]]))
        0.164252033486018
    """
    y_hat, y = _pair(y_hat, y)
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def binary_cross_entropy_grad(y_hat, y):
    """dJ/dy_hat = (1/m) * (-y / y_hat + (1 - y) / (1 - y_hat)), with the same clipping."""
    y_hat, y = _pair(y_hat, y)
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return (-y / p + (1.0 - y) / (1.0 - p)) / y.size


def binary_cross_entropy_with_logits(z, y):
    """Mean BCE computed from the logits z (y_hat = sigmoid(z)); exact for any finite z.

    Uses max(z, 0) - z*y + log(1 + exp(-|z|)), the form frameworks use, which
    never takes the log of a rounded-off probability.
    """
    z, y = _pair(z, y, name="z")
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
