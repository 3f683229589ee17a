"""The SymPy derivations of lesson 04: the article's seven chain-rule steps.

First on scalars (one unit per layer, one example), then in matrix form for a
batch. Every result turns into a NumPy function with `lambdify`, and the tests
show each one equal to the quantity of the same name in
`bpgd_helpers.backward_steps`.

The scalar network, in the article's notation:

    z1 = w1*x + b1,  a1 = relu(z1)
    z2 = w2*a1 + b2, a2 = relu(z2)
    z3 = w3*a2 + b3, y_hat = sigmoid(z3),  L = BCE(y_hat, y)

Both derivations work the way backpropagation does: a step multiplies the
derivative that arrives from above (the *upstream* derivative) by one *local*
derivative, which SymPy computes with `sp.diff`.
"""

from collections import OrderedDict

import numpy as np
import sympy as sp

from ._validate import as_float_array, check_params, check_positive_int

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


# --- (a) the seven steps on scalars ----------------------------------------------

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
    return OrderedDict((k, out[k]) for k in _course_order(3))


def _course_order(L):
    names = [f"dA{L}"]
    for l in range(L, 0, -1):
        names += ([f"dZ{l}", f"dW{l}", f"db{l}"] + ([f"dA{l - 1}"] if l > 1 else []))
    return names


# --- (b) the same steps in matrix form, for a batch --------------------------------

def symbol_matrix(name, rows, cols):
    """A Matrix of plain symbols named like "W1[0,2]", one per entry."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}[{i},{j}]"))


def pullback(upstream, output, wrt):
    """One chain-rule step for a whole matrix: d wrt[i,j] = sum over r, c of upstream[r,c] * d output[r,c]/d wrt[i,j].

    `output` is a Matrix of expressions that may contain the entries of `wrt`;
    only the output entries that really contain wrt[i,j] contribute.
    """
    terms = {s: [] for s in wrt}
    for r in range(output.rows):
        for c in range(output.cols):
            for s in output[r, c].free_symbols & terms.keys():
                terms[s].append(upstream[r, c] * sp.diff(output[r, c], s))
    return sp.Matrix(wrt.rows, wrt.cols, lambda i, j: sp.Add(*terms[wrt[i, j]]))


class NetworkDerivation:
    """The chain rule for a whole network on a batch of m examples, entry by entry.

    Make one with derive_network_gradients(layer_sizes, m).

    Attributes:
        layer_sizes, m, L: the architecture, the batch size and the number of layers.
        sym: name -> Matrix of symbols: "X" (also "A0"), "Y", the parameters "W1", "b1", ...,
            the forward values "Z1", "A1", ... and the upstream gradients "dZ1", "dA1", ....
        forward: "Z1", "A1", ... -> Matrix expression of the layer's inputs (Z1 = W1 X + b1).
        J: the cost, the mean BCE over the m columns, in the symbols of A_L and Y.
        steps: "dA3", "dZ3", "dW3", "db3", "dA2", ... (the order of bp.backward_steps) -> Matrix
            expression. Each is SymPy's derivative of one local expression (see pullback),
            written in the upstream gradient's symbols: dW3[0,1] = A2[1,0]*dZ3[0,0] + A2[1,1]*dZ3[0,1].
    """

    def __init__(self, layer_sizes, m):
        if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__"):
            raise TypeError(f"layer_sizes must be a list of ints like [3, 4, 4, 1], got {type(layer_sizes).__name__}")
        sizes = [check_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]
        if len(sizes) < 2 or sizes[-1] != 1:
            raise ValueError(f"layer_sizes must look like [n_x, n_1, ..., 1] (one sigmoid output), got {list(layer_sizes)}")
        self.layer_sizes, self.m, self.L = tuple(sizes), check_positive_int(m, "m"), len(sizes) - 1
        L, m = self.L, self.m
        sym = {"X": symbol_matrix("X", sizes[0], m), "Y": symbol_matrix("Y", 1, m)}
        sym["A0"] = sym["X"]
        for l in range(1, L + 1):
            sym[f"W{l}"] = symbol_matrix(f"W{l}", sizes[l], sizes[l - 1])
            sym[f"b{l}"] = symbol_matrix(f"b{l}", sizes[l], 1)
            for q in ("Z", "A", "dZ", "dA"):
                sym[f"{q}{l}"] = symbol_matrix(f"{q}{l}", sizes[l], m)
        self.sym = sym
        self._owner = {s: name for name, M in sym.items() if name != "A0" for s in M}
        self._functions = {}

        self.forward = OrderedDict()
        for l in range(1, L + 1):
            self.forward[f"Z{l}"] = sym[f"W{l}"] * sym[f"A{l - 1}"] + sym[f"b{l}"] * sp.ones(1, m)  # (n_l, m)
            self.forward[f"A{l}"] = sym[f"Z{l}"].applyfunc(sigmoid if l == L else relu)
        A_L, Y = sym[f"A{L}"], sym["Y"]
        self.J = sp.Add(*[bce(A_L[0, c], Y[0, c]) for c in range(m)]) / m  # the mean of the loss

        steps = OrderedDict()
        steps[f"dA{L}"] = sp.Matrix(1, m, lambda i, c: sp.diff(self.J, A_L[0, c]))
        # sigmoid'(Z) = A (1 - A), the identity of the scalar part; cancel turns this into (A - Y) / m
        steps[f"dZ{L}"] = sp.Matrix(1, m, lambda i, c: sp.factor(sp.cancel(
            steps[f"dA{L}"][0, c] * A_L[0, c] * (1 - A_L[0, c]))))
        for l in range(L, 0, -1):
            if l < L:  # through A_l = relu(Z_l), entry by entry
                relu_of_Z = sym[f"Z{l}"].applyfunc(relu)
                steps[f"dZ{l}"] = with_course_kink(pullback(sym[f"dA{l}"], relu_of_Z, sym[f"Z{l}"]))
            dZ, Z = sym[f"dZ{l}"], self.forward[f"Z{l}"]  # through Z_l = W_l A_{l-1} + b_l
            steps[f"dW{l}"] = pullback(dZ, Z, sym[f"W{l}"])
            steps[f"db{l}"] = pullback(dZ, Z, sym[f"b{l}"])
            if l > 1:
                steps[f"dA{l - 1}"] = pullback(dZ, Z, sym[f"A{l - 1}"])
        self.steps = OrderedDict((k, steps[k]) for k in _course_order(L))

    def __repr__(self):
        return f"NetworkDerivation(layer_sizes={list(self.layer_sizes)}, m={self.m})"

    # -- the matrix formulas the entries add up to --------------------------------

    def matrix_form(self, name):
        """(formula text, Matrix) of step `name` written with whole matrices, e.g. "dW3 = dZ3 · A2ᵀ"."""
        if name not in self.steps:
            raise ValueError(f"name must be one of {list(self.steps)}, got {name!r}")
        kind, l = name[:2], int(name[2:])
        s, m, L = self.sym, self.m, self.L
        if name == f"dA{L}":
            A, Y = s[f"A{L}"], s["Y"]
            return (f"dA{L} = (−Y / A{L} + (1 − Y) / (1 − A{L})) / m",
                    sp.Matrix(1, m, lambda i, c: (-Y[i, c] / A[i, c] + (1 - Y[i, c]) / (1 - A[i, c])) / m))
        if name == f"dZ{L}":
            return f"dZ{L} = (A{L} − Y) / m", (s[f"A{L}"] - s["Y"]) / m
        if kind == "dZ":
            return (f"dZ{l} = dA{l} ⊙ relu'(Z{l})",
                    s[f"dA{l}"].multiply_elementwise(s[f"Z{l}"].applyfunc(relu_prime)))
        if kind == "dW":
            prev = "X" if l == 1 else f"A{l - 1}"
            return f"dW{l} = dZ{l} · {prev}ᵀ", s[f"dZ{l}"] * s[f"A{l - 1}"].T
        if kind == "db":
            return f"db{l} = dZ{l} summed over its m columns", s[f"dZ{l}"] * sp.ones(m, 1)
        return f"dA{l} = W{l + 1}ᵀ · dZ{l + 1}", s[f"W{l + 1}"].T * s[f"dZ{l + 1}"]

    def agrees_with_matrix_form(self, name):
        """True when every entry of steps[name] equals the entry of matrix_form(name), symbolically."""
        difference = self.steps[name] - self.matrix_form(name)[1]
        return all(sp.cancel(sp.expand(e)) == 0 for e in difference)

    # -- numbers ------------------------------------------------------------------

    def _evaluate(self, key, expr, values):
        if key not in self._functions:  # lambdify once per derivation, then reuse
            names = sorted({self._owner[s] for s in expr.free_symbols})
            args = [self.sym[n].tolist() for n in names]
            self._functions[key] = (names, sp.lambdify(args, expr, "numpy", docstring_limit=0))
        names, f = self._functions[key]
        return np.array(f(*[values[n] for n in names]), dtype=np.float64).reshape(expr.shape)

    def numeric(self, X, y, params):
        """Every step evaluated at numbers, by the lambdified symbolic expressions alone.

        The forward pass is the lambdified `forward`; each step is fed the numbers of the
        steps before it, so nothing here calls bp.forward or bp.backward.

        Args:
            X: (n_x, m); y: (1, m) or (m,); params: {"W1", "b1", ...} with the derivation's shapes.
        Returns:
            OrderedDict "dA3", "dZ3", "dW3", ... -> array, the same names and shapes as bp.backward_steps.
        """
        L, params = check_params(params)
        expected = {k: self.sym[k].shape for k in self.sym if k[0] in "Wb"}
        given = {k: v.shape for k, v in params.items()}
        if given != expected:
            raise ValueError(f"params must have the shapes {expected} of this derivation, got {given}")
        X, y = as_float_array(X, "X"), as_float_array(y, "y")
        if X.shape != self.sym["X"].shape:
            raise ValueError(f"X must have shape {self.sym['X'].shape} (n_x, m) for this derivation, got {X.shape}")
        if y.size != self.m:
            raise ValueError(f"y must have {self.m} labels, shape (1, {self.m}), got {y.shape}")
        values = {"X": X, "Y": y.reshape(1, self.m), **params}
        for name, expr in self.forward.items():
            values[name] = self._evaluate(name, expr, values)
        out = OrderedDict()
        for name, expr in self.steps.items():
            out[name] = values[name] = self._evaluate(name, expr, values)
        return out

    def cost_of_inputs(self):
        """J as one expression of X, Y and the parameters (the forward pass substituted in)."""
        composed = {}
        for name, expr in self.forward.items():
            done = expr.xreplace(composed)
            composed.update(zip(self.sym[name], done))
        return self.J.xreplace(composed)


def derive_network_gradients(layer_sizes=(3, 4, 4, 1), m=2):
    """Derive every backpropagation quantity of a network symbolically, for a batch of m examples.

    Each step is the upstream gradient times SymPy's derivative of one local expression,
    so the work grows with the size of the network, not with the depth of the composite
    function. No simplify is run on large expressions; numbers come from lambdified
    functions made on first use and cached on the returned object.

    Args:
        layer_sizes: units per layer, input first; the article's network is (3, 4, 4, 1).
        m: the number of examples (columns of X).
    Returns:
        a NetworkDerivation; its .steps hold dA3, dZ3, dW3, db3, dA2, ... and .numeric(X, y, params)
        evaluates them.

    Example:
        >>> d = derive_network_gradients((3, 4, 4, 1), m=2)
        >>> d.steps["dW3"].shape, d.matrix_form("dW3")[0]
        ((1, 4), 'dW3 = dZ3 · A2ᵀ')
    """
    return NetworkDerivation(layer_sizes, m)
