"""Activation functions, each followed by its derivative.

The derivative sits right under the function it belongs to, so the chain rule
can be read off this file: the backward pass multiplies by ``relu_grad(Z)`` or
``sigmoid_grad(Z)`` exactly where the forward pass applied ``relu`` or
``sigmoid``.
"""

import numpy as np

from ._validate import as_float_array


def relu(z):
    """max(0, z), element-wise."""
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0)


def relu_grad(z):
    """relu'(z): 1 where z > 0, else 0 (the same choice at z = 0 as PyTorch)."""
    z = as_float_array(z, "z")
    return (z > 0).astype(np.float64)


def sigmoid(z):
    """1 / (1 + exp(-z)), element-wise, without overflow for any finite z.

    exp is only ever called on -|z| <= 0, so it never overflows; for z < 0 the
    algebraically equal form exp(z) / (1 + exp(z)) is used.

    Example:
        >>> sigmoid(np.array([-1e4, 0.0, 1e4]))
        array([0. , 0.5, 1. ])
    """
    z = as_float_array(z, "z")
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def sigmoid_grad(z):
    """sigmoid'(z) = sigmoid(z) * (1 - sigmoid(z))."""
    s = sigmoid(z)
    return s * (1.0 - s)
