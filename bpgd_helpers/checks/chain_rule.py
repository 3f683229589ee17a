"""Checks for lesson 04 (the chain rule with SymPy).

`check_steps_5_to_7` evaluates the learner's SymPy expressions at fresh random
points of the scalar network (and at the ReLU kink) and compares them with the
derivation in `bpgd_helpers.symbolic`. `check_linear_backward` compares the
learner's NumPy formulas with SymPy's lambdified dA1, dW2, db2, ... .
Both name the first wrong quantity and the usual mistake it matches.
"""

import functools

import numpy as np
import sympy as sp

from .. import symbolic as S
from ..network import linear_backward as _linear_backward
from .backprop import _shape_problem, are_right
from ._core import call, compare, fail, passed

NAMES = ("dL_da1", "dL_dw2", "dL_dz1", "dL_dw1")
HINTS = {
    "dL_da1": "step 5: dL/da1 = dL/dz2 * dz2/da1, and z2 = w2*a1 + b2, so dz2/da1 = w2.",
    "dL_dw2": "step 5: dL/dw2 = dL/dz2 * dz2/dw2, and z2 = w2*a1 + b2, so dz2/dw2 = a1.",
    "dL_dz1": "step 6: dL/dz1 = dL/da1 * da1/dz1, and a1 = relu(z1), so da1/dz1 = relu_prime(z1).",
    "dL_dw1": "step 7: dL/dw1 = dL/dz1 * dz1/dw1, and z1 = w1*x + b1, so dz1/dw1 = x.",
}


def _points(rng, n=40, kink=False):
    """Values of every scalar symbol at n random points of the scalar network (z1 = 0 exactly if kink)."""
    x, w1, w2, w3 = (rng.normal(0, 1.5, n) for _ in range(4))
    b1, b2, b3 = (rng.normal(0, 1, n) for _ in range(3))
    y = rng.integers(0, 2, n).astype(np.float64)
    w2, b2 = np.abs(w2) + 0.2, np.abs(b2) + 0.2  # z2 > 0 everywhere, so relu'(z2) = 1 and dL/dz1 is not 0
    if kink:
        b1 = -(w1 * x)  # z1 = w1*x + b1 is exactly 0.0 in floating point
    else:
        b1 = np.where(np.abs(w1 * x + b1) < 0.05, b1 + 0.2, b1)  # away from the kink
    return S.scalar_values(x, y, w1, b1, w2, b2, w3, b3)


def _reference(v):
    """The four quantities at the points v, in plain NumPy (relu'(0) = 0)."""
    dz2 = (v["y_hat"] - v["y"]) * v["w3"] * (v["z2"] > 0)
    da1 = dz2 * v["w2"]
    dz1 = da1 * (v["z1"] > 0)
    return {"dL_da1": da1, "dL_dw2": dz2 * v["a1"], "dL_dz1": dz1, "dL_dw1": dz1 * v["x"]}


def _mistakes(name, v, ref):
    s = 1 / (1 + np.exp(-v["z1"]))
    dz2 = ref["dL_da1"] / v["w2"]
    local = {"dL_da1": ("w2", v["w2"]), "dL_dw2": ("a1", v["a1"]), "dL_dz1": ("relu_prime(z1)", 1.0 * (v["z1"] > 0)),
             "dL_dw1": ("x", v["x"])}[name]
    upstream = {"dL_da1": "dL_dz2", "dL_dw2": "dL_dz2", "dL_dz1": "dL_da1", "dL_dw1": "dL_dz1"}[name]
    only_local = [(np.broadcast_to(local[1], ref[name].shape),
                   f"it is only the local derivative {local[0]}; multiply it by the upstream derivative {upstream}, "
                   f"which carries everything above this step.")]
    if name == "dL_da1":
        return only_local + [
                (dz2 * v["a1"], "it multiplies by a1; dz2/da1 is the weight w2 (a1 is dz2/dw2, the next quantity)."),
                (dz2, "it equals dL_dz2: the local derivative dz2/da1 is missing."),
                (dz2 * v["w2"] * (v["z1"] > 0), "it already includes relu'(z1): that factor is step 6 (dL_dz1)."),
                (dz2 * v["w1"], "it multiplies by w1; z2 = w2*a1 + b2 involves w2, not w1.")]
    if name == "dL_dw2":
        return only_local + [
                (dz2 * v["w2"], "it multiplies by w2; dz2/dw2 is the input of the layer, a1."),
                (dz2 * v["z1"], "it multiplies by z1; the input of layer 2 is a1 = relu(z1), not z1."),
                (dz2 * v["x"], "it multiplies by x; the input of layer 2 is a1."),
                (dz2, "it equals dL_dz2: the local derivative dz2/dw2 = a1 is missing.")]
    da1 = ref["dL_da1"]
    if name == "dL_dz1":
        return only_local + [
                (da1, "it equals dL_da1: the local derivative relu'(z1) is missing."),
                (da1 * s * (1 - s), "it uses sigmoid' where relu' belongs: a1 = relu(z1), so da1/dz1 = relu'(z1)."),
                (da1 * v["a1"], "it multiplies by relu(z1) = a1 itself; it needs its derivative relu'(z1)."),
                (da1 * (v["z2"] > 0), "it uses relu'(z2); step 6 needs relu'(z1).")]
    dz1 = ref["dL_dz1"]
    return only_local + [
            (da1 * v["x"], "it is dL_da1 times x, so it skips relu'(z1): the path from w1 to the loss passes "
                           "through a1 = relu(z1), so start from dL_dz1, which includes that factor."),
            (dz1 * v["w1"], "it multiplies by w1; dz1/dw1 is the input x."),
            (dz1 * v["a1"], "it multiplies by a1; the input of layer 1 is x."),
            (dz1, "it equals dL_dz1: the local derivative dz1/dw1 = x is missing.")]


def _how_it_differs(got, right):
    """How the learner's values at the random points differ from the right ones, without showing them."""
    if np.allclose(got, -right, rtol=1e-9, atol=1e-12):
        return "it has the wrong sign"
    scale = np.max(np.abs(right))
    if scale > 0:  # the best single factor; tiny values (a saturated sigmoid) are judged relative to the largest
        factor = np.dot(got, right) / np.dot(right, right)
        if factor != 0 and np.allclose(got, factor * right, rtol=1e-6, atol=1e-9 * scale):
            return f"it is off by a constant factor of {factor:.4g} (a number in front that does not belong there?)"
    wrong = ~np.isclose(got, right, rtol=1e-9, atol=1e-12)
    return (f"it differs from SymPy's derivation at {int(wrong.sum())} of {wrong.size} random points of the "
            "network, so it is a different expression, not a rounding difference")


def _value(name, expr, v):
    __tracebackhide__ = True
    if isinstance(expr, (int, float)) or not isinstance(expr, sp.Basic):
        fail(f"{name} should be a SymPy expression built from the course's symbols (x, w1, b1, z1, a1, ...), "
             f"got a {type(expr).__name__}. Hint: {HINTS[name]}")
    try:
        return S.evaluate_scalar(expr, v)
    except ValueError as exc:
        fail(f"{name}: {exc}. Hint: {HINTS[name]}")
    except Exception as exc:  # lambdify or NumPy could not evaluate it
        fail(f"{name} could not be evaluated as a number ({type(exc).__name__}: {exc}). "
             f"Use SymPy operations and the course's symbols only. Hint: {HINTS[name]}")


def check_steps_5_to_7(steps_5_to_7):
    """Check steps_5_to_7(dL_dz2) -> (dL_da1, dL_dw2, dL_dz1, dL_dw1), SymPy expressions of the scalar network."""
    __tracebackhide__ = True
    upstream = S.scalar_steps()["dL/dz2"]
    result = call(steps_5_to_7, "steps_5_to_7(dL_dz2)", upstream,
                  hint="each quantity is the upstream derivative times one local derivative (sp.diff).")
    if not (isinstance(result, tuple) and len(result) == 4):
        fail(f"steps_5_to_7 should return a tuple of 4 expressions (dL_da1, dL_dw2, dL_dz1, dL_dw1), "
             f"got {type(result).__name__}{f' of length {len(result)}' if isinstance(result, tuple) else ''}.")
    rng = np.random.default_rng()
    v, v_kink = _points(rng), _points(rng, kink=True)
    ref, ref_kink = _reference(v), _reference(v_kink)
    for i, (name, expr) in enumerate(zip(NAMES, result)):
        got = _value(name, expr, v)
        right_before = f" {are_right(NAMES[:i])}." if i else ""
        if not np.allclose(got, ref[name], rtol=1e-9, atol=1e-12):
            for candidate, message in _mistakes(name, v, ref):
                if np.allclose(got, candidate, rtol=1e-9, atol=1e-12):
                    fail(f"{name} is wrong: {message}{right_before} Hint: {HINTS[name]}")
            fail(f"{name} is wrong: {_how_it_differs(got, ref[name])}.{right_before} Hint: {HINTS[name]}")
        got_kink = _value(name, expr, v_kink)
        if not np.allclose(got_kink, ref_kink[name], rtol=1e-9, atol=1e-12):
            fail(f"{name} is right away from the kink but wrong at z1 = 0. SymPy's Heaviside(z1) and "
                 "diff(Max(0, z1), z1) are 1/2 at 0; the course, PyTorch and bp.relu_grad use relu'(0) = 0. "
                 "Hint: use relu_prime(z1), which is Heaviside(z1, 0).")
    passed("steps 5 to 7 are right: dL_da1, dL_dw2, dL_dz1 and dL_dw1 match SymPy's derivation, kink included.")


# --- the matrix form: read the NumPy formulas off SymPy's entries ----------------------

@functools.lru_cache(maxsize=None)
def _article_derivation():
    return S.derive_network_gradients((3, 4, 4, 1), m=2)


def _net(rng, sizes, m):
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.normal(0, 1, size=(sizes[l], sizes[l - 1]))
        params[f"b{l}"] = rng.normal(0, 0.5, size=(sizes[l], 1))
    return rng.normal(size=(sizes[0], m)), rng.permutation(np.arange(m) % 2).reshape(1, m).astype(float), params


def _check_layer(fn, l, dZ, A_prev, W, right, m, source):
    """Compare fn(dZ, A_prev, W) with right = (dA_prev or None, dW, db) for layer l."""
    __tracebackhide__ = True
    prev = "X" if l == 1 else f"A{l - 1}"
    label = f"linear_backward(dZ{l}, {prev}, W{l})"
    result = call(fn, label, dZ.copy(), A_prev.copy(), W.copy(),
                  hint=f"check the shapes of each product: (a, b) @ (b, c) gives (a, c). Here dZ{l} is "
                       f"{dZ.shape}, {prev} is {A_prev.shape} and W{l} is {W.shape}; dA_prev must come out "
                       f"{A_prev.shape}, dW {W.shape} and db ({W.shape[0]}, 1).")
    if not (isinstance(result, tuple) and len(result) == 3):
        fail(f"{label} should return a tuple (dA_prev, dW, db), got {type(result).__name__}.")
    names = (f"dA{l - 1}" if l > 1 else "dA0 (= dX)", f"dW{l}", f"db{l}")
    hints = {0: f"SymPy's entries are dA{l - 1}[i, c] = sum over k of W{l}[k, i] * dZ{l}[k, c]. The sum runs "
                f"over k, the first index of W{l}: transpose W{l} so that k sits in the middle of the product.",
             1: f"SymPy's entries are dW{l}[i, j] = sum over c of dZ{l}[i, c] * {prev}[j, c]. The sum runs over "
                f"the examples c, the second index of both: transpose {prev} so that c sits in the middle.",
             2: f"SymPy's entries are db{l}[i, 0] = sum over c of dZ{l}[i, c]: each row of dZ{l} summed over "
                f"its columns (axis=1), kept as a column (keepdims=True)."}
    for k, (name, got, exp) in enumerate(zip(names, result, right)):
        if exp is None:
            continue
        shape_msg = _shape_problem(f"d{'AWb'[k]}{l}", np.asarray(got), exp, m) if k else None
        if shape_msg:
            fail(f"{shape_msg} Hint: {hints[k]}")
        g = np.asarray(got, dtype=np.float64) if np.shape(got) == exp.shape else None
        if g is not None and not np.allclose(g, exp, rtol=1e-6, atol=1e-10):
            wrong = {0: [(W @ dZ if W.shape[0] == W.shape[1] else None,
                          f"it uses W{l} where its transpose belongs: W{l} @ dZ{l} has the right shape here "
                          f"because W{l} is square, but the wrong numbers.")],
                     1: [(exp.T if exp.shape[0] == exp.shape[1] else None,
                          f"it is transposed: dW{l} has one row per unit of layer {l}, like W{l}."),
                         (exp / m, "it has an extra 1/m: the 1/m already lives in dZ3 = (A3 - Y) / m.")],
                     2: [(exp / m, "it is the mean over the examples; it should be the sum (the 1/m is already in dZ3).")]}[k]
            for candidate, message in wrong:
                if candidate is not None and np.allclose(g, candidate, rtol=1e-6, atol=1e-10):
                    fail(f"{name} is wrong: {message} Hint: {hints[k]}")
        compare(name, got, exp, hint=f"{hints[k]} (compared with {source}.)")


def check_linear_backward(linear_backward):
    """Check linear_backward(dZ, A_prev, W) -> (dA_prev, dW, db) against SymPy's lambdified steps."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    d = _article_derivation()
    X, y, params = _net(rng, [3, 4, 4, 1], 2)
    q = d.numeric(X, y, params)
    A = {"A0": X}
    for l in (1, 2):
        A[f"A{l}"] = np.maximum(params[f"W{l}"] @ A[f"A{l - 1}"] + params[f"b{l}"], 0)
    for l in (3, 2, 1):
        dA_prev = q[f"dA{l - 1}"] if l > 1 else None
        _check_layer(linear_backward, l, q[f"dZ{l}"], A[f"A{l - 1}"], params[f"W{l}"],
                     (dA_prev, q[f"dW{l}"], q[f"db{l}"]), 2, "SymPy's lambdified derivation")
    # other widths and a bigger batch, so that no size can be hard-coded
    for n_out, n_in, m in ((5, 3, 6), (2, 6, 3)):
        dZ, A_prev, W = rng.normal(size=(n_out, m)), rng.normal(size=(n_in, m)), rng.normal(size=(n_out, n_in))
        _check_layer(linear_backward, 2, dZ, A_prev, W, _linear_backward(dZ, A_prev, W), m,
                     f"the course's reference, for W of shape {W.shape} and m = {m}")
    passed("linear_backward is right: it matches SymPy's dA, dW and db for every layer of the article's "
           "network, and works for any layer shape and batch size.")
