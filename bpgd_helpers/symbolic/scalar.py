"""The chain rule on scalars: the article's network with one unit per layer and one example.

The building blocks every derivation of lesson 04 uses (the symbols, sigmoid,
relu and its derivative relu_prime, the loss bce), then the article's seven
steps, each an upstream derivative times one local derivative from `sp.diff`:

    z1 = w1*x + b1,  a1 = relu(z1)
    z2 = w2*a1 + b2, a2 = relu(z2)
    z3 = w3*a2 + b3, y_hat = sigmoid(z3),  L = BCE(y_hat, y)

`scalar_gradients` evaluates them with `lambdify`, under the names of
`bpgd_helpers.backward_steps` (dA3, dZ3, dW3, ...).
"""

from collections import OrderedDict

import numpy as np
import sympy as sp

from .._validate import as_float_array, check_params

# --- building blocks --------------------------------------------------------------

x, y, y_hat = sp.symbols("x y y_hat")
w1, b1, z1, a1 = sp.symbols("w1 b1 z1 a1")
w2, b2, z2, a2 = sp.symbols("w2 b2 z2 a2")
w3, b3, z3 = sp.symbols("w3 b3 z3")
#: The generic names of one layer, z = w*a + b, used in the lesson's text.
z, a, w, b = sp.symbols("z a w b")


def sigmoid(z):
    """1 / (1 + exp(-z)) as a SymPy expression."""
    return 1 / (1 + sp.exp(-z))


def relu(z):
    """max(0, z) as a SymPy expression."""
    return sp.Max(0, z)


def relu_prime(z):
    """relu'(z), a step function that is 0 at z = 0, like bp.relu_grad and PyTorch.

    SymPy's own diff(Max(0, z), z) is Heaviside(z), whose value at 0 is 1/2.
    """
    return sp.Heaviside(z, 0)


def with_course_kink(expr):
    """`expr` with every Heaviside(u) replaced by relu_prime(u) = Heaviside(u, 0)."""
    return expr.replace(lambda e: isinstance(e, sp.Heaviside), lambda e: relu_prime(e.args[0]))


def relu_derivative(z):
    """SymPy's derivative of relu(z), with the course's value 0 at the kink."""
    return with_course_kink(sp.diff(relu(z), z))


def bce(y_hat, y):
    """Binary cross-entropy L(y_hat, y) of one example."""
    return -(y * sp.log(y_hat) + (1 - y) * sp.log(1 - y_hat))


def sigmoid_derivative_identity():
    """(sigmoid'(z3) as SymPy finds it, sigmoid(z3)*(1 - sigmoid(z3)), their simplified difference 0)."""
    s = sigmoid(z3)
    derivative = sp.diff(s, z3)
    identity = s * (1 - s)
    return derivative, identity, sp.simplify(derivative - identity)


# --- the seven steps -----------------------------------------------------------------

#: The forward pass of the scalar network, each quantity from the ones before it.
SCALAR_FORWARD = OrderedDict([
    (z1, w1 * x + b1), (a1, relu(z1)),
    (z2, w2 * a1 + b2), (a2, relu(z2)),
    (z3, w3 * a2 + b3), (y_hat, sigmoid(z3)),
])

#: Each scalar quantity, in the article's order, with its name in bp.backward_steps
#: (for one example m = 1, so the loss L and the cost J coincide).
SCALAR_TO_COURSE = OrderedDict([
    ("dL/dy_hat", "dA3"), ("dL/dz3", "dZ3"), ("dL/da2", "dA2"), ("dL/dw3", "dW3"), ("dL/db3", "db3"),
    ("dL/dz2", "dZ2"), ("dL/da1", "dA1"), ("dL/dw2", "dW2"), ("dL/db2", "db2"),
    ("dL/dz1", "dZ1"), ("dL/dw1", "dW1"), ("dL/db1", "db1"),
])

#: The article's step number of each quantity (the biases are the course's addition).
ARTICLE_STEP = {"dL/dy_hat": 1, "dL/dz3": 2, "dL/da2": 3, "dL/dw3": 3, "dL/db3": 3, "dL/dz2": 4,
                "dL/da1": 5, "dL/dw2": 5, "dL/db2": 5, "dL/dz1": 6, "dL/dw1": 7, "dL/db1": 7}


def scalar_steps():
    """The chain rule on the scalar network: upstream derivative times one local derivative.

    Returns:
        OrderedDict "dL/dy_hat", "dL/dz3", "dL/da2", "dL/dw3", ..., "dL/db1" -> SymPy
        expression in the symbols x, y, w1, b1, ..., z1, a1, ..., y_hat.

    Example:
        >>> scalar_steps()["dL/dz3"]
        -y + y_hat
    """
    s = OrderedDict()
    lin3, lin2, lin1 = SCALAR_FORWARD[z3], SCALAR_FORWARD[z2], SCALAR_FORWARD[z1]
    s["dL/dy_hat"] = sp.diff(bce(y_hat, y), y_hat)                                    # step 1
    # step 2: dy_hat/dz3 = sigmoid'(z3) = y_hat*(1 - y_hat), see sigmoid_derivative_identity
    s["dL/dz3"] = sp.factor(sp.cancel(s["dL/dy_hat"] * y_hat * (1 - y_hat)))
    s["dL/da2"] = s["dL/dz3"] * sp.diff(lin3, a2)                                     # step 3
    s["dL/dw3"] = s["dL/dz3"] * sp.diff(lin3, w3)
    s["dL/db3"] = s["dL/dz3"] * sp.diff(lin3, b3)
    s["dL/dz2"] = s["dL/da2"] * relu_derivative(z2)                                   # step 4
    s["dL/da1"] = s["dL/dz2"] * sp.diff(lin2, a1)                                     # step 5
    s["dL/dw2"] = s["dL/dz2"] * sp.diff(lin2, w2)
    s["dL/db2"] = s["dL/dz2"] * sp.diff(lin2, b2)
    s["dL/dz1"] = s["dL/da1"] * relu_derivative(z1)                                   # step 6
    s["dL/dw1"] = s["dL/dz1"] * sp.diff(lin1, w1)                                     # step 7
    s["dL/db1"] = s["dL/dz1"] * sp.diff(lin1, b1)
    return s


def scalar_loss():
    """L as one expression of x, y and the six parameters (the forward pass substituted in)."""
    expr = bce(y_hat, y)
    for sym, value in reversed(SCALAR_FORWARD.items()):
        expr = expr.subs(sym, value)
    return expr


def scalar_values(x, y, w1, b1, w2, b2, w3, b3):
    """Numbers for every scalar symbol: the inputs plus one forward pass (floats or arrays)."""
    v = {"x": x, "y": y, "w1": w1, "b1": b1, "w2": w2, "b2": b2, "w3": w3, "b3": b3}
    v = {k: as_float_array(val, k) for k, val in v.items()}
    for sym, expr in SCALAR_FORWARD.items():
        v[sym.name] = evaluate_scalar(expr, v)
    return v


def evaluate_scalar(expr, values):
    """The value of a scalar expression at `values` (a dict from scalar_values), via lambdify.

    Symbols are matched by name, so an expression built from sp.symbols("z2") works too.
    """
    expr = sp.sympify(expr)
    free = sorted(expr.free_symbols, key=lambda s: s.name)
    unknown = [s.name for s in free if s.name not in values]
    if unknown:
        raise ValueError(f"the expression uses {unknown}; expected only the symbols {sorted(values)}")
    f = sp.lambdify(free, expr, "numpy")
    shape = np.broadcast_shapes(*(np.shape(v) for v in values.values()))
    return np.broadcast_to(np.asarray(f(*[values[s.name] for s in free]), dtype=np.float64), shape).copy()


def scalar_gradients(X, y, params):
    """The scalar steps evaluated for a 1-1-1-1 network on one example, under bp's names.

    Args:
        X: shape (1, 1); y: shape (1, 1); params: {"W1", "b1", "W2", "b2", "W3", "b3"}, each (1, 1).
    Returns:
        OrderedDict "dA3", "dZ3", "dW3", ... -> array of shape (1, 1), like bp.backward_steps.
    """
    L, params = check_params(params)
    if L != 3 or any(v.shape != (1, 1) for v in params.values()):
        raise ValueError("the scalar derivation is for layer_sizes [1, 1, 1, 1]: every W and b must have "
                         f"shape (1, 1), got { {k: v.shape for k, v in params.items()} }")
    X, y = as_float_array(X, "X"), as_float_array(y, "y")
    if X.size != 1 or y.size != 1:
        raise ValueError(f"the scalar derivation is for one example: X and y need one entry, got {X.shape} and {y.shape}")
    values = scalar_values(X.item(), y.item(), *[params[k].item() for k in ("W1", "b1", "W2", "b2", "W3", "b3")])
    steps = scalar_steps()
    out = OrderedDict((course, evaluate_scalar(steps[name], values).reshape(1, 1))
                      for name, course in SCALAR_TO_COURSE.items())
    return OrderedDict((k, out[k]) for k in backward_order(3))


def backward_order(L):
    """The names of bp.backward_steps for L layers, in the order backpropagation computes them."""
    names = [f"dA{L}"]
    for l in range(L, 0, -1):
        names += ([f"dZ{l}", f"dW{l}", f"db{l}"] + ([f"dA{l - 1}"] if l > 1 else []))
    return names
