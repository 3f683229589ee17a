"""The SymPy derivations of lesson 04: the article's seven chain-rule steps.

Two modules, in the order of the lesson:

* `scalar`: the building blocks (symbols, sigmoid, relu, relu_prime, bce) and the seven
  steps for a network with one unit per layer and one example;
* `batch`: the same steps for a batch of m examples, entry by entry, and the matrix
  formulas they add up to (dW3 = dZ3 · A2ᵀ, ...).

Every result turns into a NumPy function with `lambdify`, and the tests show each one
equal to the quantity of the same name in `bpgd_helpers.backward_steps`. All public
names are importable from here: `from bpgd_helpers.symbolic import relu_prime, z1`.
"""

from .batch import NetworkDerivation, derive_network_gradients, pullback, symbol_matrix
from .scalar import (
    ARTICLE_STEP, SCALAR_FORWARD, SCALAR_TO_COURSE, a, a1, a2, b, b1, b2, b3, backward_order, bce,
    evaluate_scalar, relu, relu_derivative, relu_prime, scalar_gradients, scalar_loss, scalar_steps,
    scalar_values, sigmoid, sigmoid_derivative_identity, w, w1, w2, w3, with_course_kink, x, y, y_hat,
    z, z1, z2, z3,
)

__all__ = [
    "x", "y", "y_hat", "w1", "b1", "z1", "a1", "w2", "b2", "z2", "a2", "w3", "b3", "z3", "z", "a", "w", "b",
    "sigmoid", "relu", "relu_prime", "relu_derivative", "with_course_kink", "bce", "sigmoid_derivative_identity",
    "SCALAR_FORWARD", "SCALAR_TO_COURSE", "ARTICLE_STEP", "backward_order",
    "scalar_steps", "scalar_loss", "scalar_values", "evaluate_scalar", "scalar_gradients",
    "symbol_matrix", "pullback", "NetworkDerivation", "derive_network_gradients",
]
