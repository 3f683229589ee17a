"""The chain rule for a batch: the same seven steps, entry by entry, then read as matrices.

Every matrix is written with one symbol per entry ("W1[0,2]", "X[1,0]", ...).
A quantity that feeds several others collects one term per path (see
`pullback`), so dW sums over the examples and dA over the units of the layer
above. `NetworkDerivation.matrix_form` states the matrix formula each step adds
up to (dW3 = dZ3 · A2ᵀ, ...), and `numeric` evaluates every step with
`lambdify`, under the names of `bpgd_helpers.backward_steps`.
"""

from collections import OrderedDict

import numpy as np
import sympy as sp

from .._validate import as_float_array, check_params, check_positive_int
from .scalar import backward_order, bce, relu, relu_prime, sigmoid, with_course_kink


def symbol_matrix(name, rows, cols):
    """A Matrix of plain symbols named like "W1[0,2]", one per entry."""
    return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}[{i},{j}]"))


def pullback(upstream, output, wrt):
    """One chain-rule step for a whole matrix: d wrt[i,j] = sum over r, c of upstream[r,c] * d output[r,c]/d wrt[i,j].

    The multivariable chain rule: an entry of `wrt` that appears in several entries of
    `output` reaches the cost along several paths, and their contributions add up. A
    weight collects one term per example, an activation one per unit of the next layer.

    Args:
        upstream: Matrix of the gradient of the cost with respect to `output` (e.g. the symbols dZ3[r,c]).
        output: Matrix of expressions that may contain the entries of `wrt` (e.g. Z3 = W3 A2 + b3).
        wrt: Matrix of the symbols to differentiate with respect to (e.g. W3).
    Returns:
        a Matrix of the shape of `wrt`; only output entries that really contain wrt[i,j] contribute.

    Example:
        >>> d = derive_network_gradients((3, 4, 4, 1), m=2)
        >>> pullback(d.sym["dZ3"], d.forward["Z3"], d.sym["W3"])[0, 1]
        A2[1,0]*dZ3[0,0] + A2[1,1]*dZ3[0,1]
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
        self.steps = OrderedDict((k, steps[k]) for k in backward_order(L))

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
