"""Checks for lesson 02 (the forward pass): relu, sigmoid and the forward pass.

Each check first compares the answer with the reference; when it is wrong, it
compares it with the usual mistakes (a transposed W, a missing bias, sigmoid
on a hidden layer, ...) and names the one it matches.
"""

import numpy as np

from ..activations import relu as _relu
from ..activations import sigmoid as _sigmoid
from ._core import CheckFailed, call, compare, fail, passed

#: How to write a sigmoid that cannot overflow, for the messages of the sigmoid and forward-pass checks.
STABLE_HINT = ("Hint: only ever call exp on a number <= 0: with e = np.exp(-np.abs(z)), sigmoid(z) is 1 / (1 + e) "
               "where z >= 0 and e / (1 + e) where z < 0. (np.where(cond, a, b) computes both a and b for every "
               "z, so a branch you throw away still overflows.)")
#: What overflow is.
OVERFLOW = ("np.exp(x) is larger than the largest float64 (about 1.8e308) once x > 709.78, so np.exp(-z) "
            "overflows for z < -709 (and np.exp(z) for z > 709): NumPy warns and returns inf. " + STABLE_HINT)


def _matches(given, candidate):
    given = np.asarray(given, dtype=np.float64)
    return given.shape == np.shape(candidate) and np.allclose(given, candidate, rtol=1e-6, atol=1e-9)


def _first_match(given, right, mistakes):
    """The message of the first mistake (candidate, message) that `given` equals, else None.

    A candidate equal to the right answer for these inputs (relu(Z) is Z when every Z > 0) is skipped.
    """
    try:
        given = np.asarray(given, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    for candidate, message in mistakes:
        if candidate is not None and not _matches(candidate, right) and _matches(given, candidate):
            return message
    return None


def check_relu(relu):
    """Check relu(z) = max(0, z), element-wise, on fresh arrays."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    z = rng.normal(0, 3, size=(4, 6))
    z[0, :2] = 0.0  # the kink itself
    z[1, 0], z[1, 1] = -abs(z[1, 0]) - 0.1, abs(z[1, 1]) + 0.1  # at least one of each sign
    z_in = z.copy()
    got = call(relu, "relu(z)", z_in, hint="np.maximum(z, 0) takes the larger of z and 0 element by element.")
    if not np.array_equal(z_in, z):
        fail("relu changed its input z in place. Hint: return a new array, e.g. np.maximum(z, 0); "
             "writing z[z < 0] = 0 changes the caller's array too.")
    mistake = _first_match(got, _relu(z), [
        ((z > 0).astype(float), "relu(z) returns 1 where z > 0 and 0 elsewhere: that step is relu's "
                                "derivative relu'(z). relu itself keeps the value of z where z > 0."),
        (np.minimum(z, 0), "relu(z) keeps the negative entries and zeroes the positive ones: it is the other way round."),
        (np.abs(z), "relu(z) returns |z|: negative entries should become 0, not positive."),
        (z, "relu(z) returns z unchanged: negative entries should become 0."),
        (np.max(z, axis=0), "relu(z) returns np.max(z, 0), the largest entry of each column: np.max reduces the "
                            "array along an axis. np.maximum(z, 0) compares every entry with 0 and keeps the shape."),
    ])
    if mistake:
        fail(mistake)
    compare("relu(z)", got, _relu(z), hint="relu(z) = max(0, z) for every entry; np.maximum(z, 0) does it in one call.")
    v = rng.normal(0, 3, size=7)
    compare("relu(z) for a 1-D z", call(relu, "relu(z)", v), _relu(v),
            hint="use only NumPy operations that work for arrays of any shape.")
    passed("relu is right: negative entries become 0 and the others are kept, for arrays of any shape.")


def check_sigmoid(sigmoid):
    """Check sigmoid(z) = 1 / (1 + exp(-z)), including |z| up to 1e4 without overflow."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    z = rng.normal(0, 4, size=(3, 5))
    got = call(sigmoid, "sigmoid(z)", z.copy(), hint="sigmoid(z) = 1 / (1 + np.exp(-z)).",
               warning_hint=OVERFLOW)
    s = _sigmoid(z)
    mistake = _first_match(got, s, [
        (_sigmoid(-z), "sigmoid(z) is mirrored: it gives sigmoid(-z). Check the sign inside exp: "
                       "sigmoid(z) = 1 / (1 + exp(-z)) grows with z."),
        (np.tanh(z), "sigmoid(z) returns tanh(z), which runs from -1 to 1; sigmoid runs from 0 to 1."),
        (s * (1 - s), "sigmoid(z) returns sigmoid(z) * (1 - sigmoid(z)): that is its derivative, not sigmoid itself."),
        (np.exp(-z), "sigmoid(z) returns exp(-z): the 1 / (1 + ...) around it is missing."),
    ])
    if mistake:
        fail(mistake)
    compare("sigmoid(z)", got, s, hint="sigmoid(z) = 1 / (1 + exp(-z)); it is 0.5 at z = 0.")
    big = np.array([[-1e4, -1000.0, -710.0, -40.0, 0.0, 40.0, 710.0, 1000.0, 1e4]])
    got = call(sigmoid, "sigmoid(z) for z between -1e4 and 1e4", big.copy(), warning_hint=OVERFLOW)
    got_arr = np.asarray(got, dtype=np.float64)
    if got_arr.shape == big.shape and np.any(np.isnan(got_arr)):
        fail("sigmoid(z) returns NaN for large |z|: exp of a large number is inf, and inf / inf is NaN "
             "(the form exp(z) / (1 + exp(z)) does this for large positive z). " + STABLE_HINT)
    compare("sigmoid(z) for z between -1e4 and 1e4", got, _sigmoid(big), atol=1e-12,
            hint="sigmoid tends to 0 as z -> -inf and to 1 as z -> +inf; for |z| >= 40 it is 0 or 1 to "
                 "float64 precision, except that tiny values such as sigmoid(-40) are still representable.")
    passed("sigmoid is right, and stable: no overflow for |z| up to 1e4.")


def _net(rng, m):
    """Random parameters of the article's network and inputs X, shape (3, m), m odd.

    Each bias is chosen so that every row of Z_l has positive and negative
    entries; then relu(Z) differs from Z, sigmoid from relu, and so on, and
    each typical mistake gives a different answer.
    """
    sizes = [3, 4, 4, 1]
    while True:  # redraw the rare net where ties (columns of A that relu zeroed) leave a row of Z one-signed
        X = rng.normal(0, 1, size=(3, m))
        params, A, both_signs = {}, X, True
        for l in range(1, 4):
            W = rng.normal(0, 1, size=(sizes[l], sizes[l - 1]))
            WA = W @ A
            b = -np.median(WA, axis=1, keepdims=True) + rng.uniform(-0.05, 0.05, size=(sizes[l], 1))
            params[f"W{l}"], params[f"b{l}"] = W, b
            Z = WA + b
            both_signs &= bool(np.all((Z.min(axis=1) < -1e-3) & (Z.max(axis=1) > 1e-3)))
            A = _relu(Z)
        if both_signs:
            return params, X


def _reference(X, params):
    out = {"A0": X}
    for l in (1, 2, 3):
        out[f"Z{l}"] = params[f"W{l}"] @ out[f"A{l - 1}"] + params[f"b{l}"]
        out[f"A{l}"] = _relu(out[f"Z{l}"]) if l < 3 else _sigmoid(out[f"Z{l}"])
    return out


def _run(forward_pass, X, params, label):
    """Call forward_pass and check that it returns (y_hat, cache) with the cache's keys."""
    __tracebackhide__ = True
    try:
        result = call(forward_pass, label, X.copy(), {k: v.copy() for k, v in params.items()},
                      hint="W_l has shape (n_l, n_{l-1}) and A_{l-1} has shape (n_{l-1}, m), so W_l @ A_{l-1} "
                           "is (n_l, m). Use @ (the matrix product), not * (element by element).",
                      warning_hint="The sigmoid of the output layer overflowed: " + OVERFLOW)
    except CheckFailed as exc:
        if "not written yet" in str(exc):  # the NotImplementedError may come from the learner's relu or sigmoid
            fail(f"{label} raised NotImplementedError: either forward_pass is not written yet, or it calls a "
                 "relu or sigmoid that is not. Hint: until your own are done, use bp.relu and bp.sigmoid.")
        problem = str(exc).split(" Hint: ")[0]
        if "raised NameError" in problem or "raised UnboundLocalError" in problem:
            fail(f"{problem} Hint: define Z1, A1, Z2, A2, Z3 and A3 (A3 is y_hat): the line that builds the "
                 "cache after your code uses exactly these names.")
        raise
    if not (isinstance(result, tuple) and len(result) == 2):
        fail(f"forward_pass should return a pair (y_hat, cache), got {type(result).__name__}. "
             "Hint: end with `return A3, cache`.")
    y_hat, cache = result
    if not isinstance(cache, dict):
        fail(f"the cache returned by forward_pass should be a dict, got {type(cache).__name__}.")
    missing = [k for k in ("Z1", "A1", "Z2", "A2", "Z3", "A3") if k not in cache]
    if missing:
        fail(f"the cache is missing {missing}: it must hold every Z_l and A_l, because backpropagation "
             "(lesson 05) needs them.")
    return y_hat, cache


def check_forward_pass(forward_pass):
    """Check forward_pass(X, params) -> (y_hat, cache) for the article's network [3, 4, 4, 1]."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    params, X = _net(rng, m=5)
    y_hat, cache = _run(forward_pass, X, params, "forward_pass(X, params)")
    ref = _reference(X, params)
    for l in (1, 2, 3):
        W, b, A_prev, Z_prev = params[f"W{l}"], params[f"b{l}"], ref[f"A{l - 1}"], ref.get(f"Z{l - 1}")
        prev = "X" if l == 1 else f"A{l - 1}"
        mistake = _first_match(cache[f"Z{l}"], ref[f"Z{l}"], [
            (W.T @ A_prev + b if W.shape[0] == W.shape[1] else None,
             f"Z{l} uses W{l}.T: W{l} has shape (n_{l}, n_{l - 1}) = {W.shape}, so Z{l} = W{l} @ {prev} + b{l} "
             "needs no transpose."),
            (W @ A_prev, f"Z{l} is missing the bias: add b{l} (shape {b.shape}; NumPy broadcasts it over the m columns)."),
            (W @ Z_prev + b if Z_prev is not None else None,
             f"Z{l} is computed from Z{l - 1}; it should use the activation A{l - 1} = relu(Z{l - 1})."),
        ])
        if mistake:
            fail(mistake)
        compare(f"Z{l}", cache[f"Z{l}"], ref[f"Z{l}"], hint=f"Z{l} = W{l} @ {prev} + b{l}.")
        Z = ref[f"Z{l}"]
        if l < 3:
            mistake = _first_match(cache[f"A{l}"], ref[f"A{l}"], [
                (_sigmoid(Z), f"A{l} uses sigmoid, but hidden layers use relu: A{l} = relu(Z{l}). "
                              "Only the output layer uses sigmoid."),
                (Z, f"A{l} equals Z{l}: apply the activation, A{l} = relu(Z{l})."),
                ((Z > 0).astype(float), f"A{l} is relu'(Z{l}), a step of 0s and 1s: use relu(Z{l}) itself."),
            ])
            hint = f"A{l} = relu(Z{l}) = np.maximum(Z{l}, 0)."
        else:
            mistake = _first_match(cache["A3"], ref["A3"], [
                (_relu(Z), "A3 uses relu, but the output layer uses sigmoid, so that y_hat is a probability in (0, 1)."),
                (Z, "A3 equals Z3: apply sigmoid, y_hat = A3 = sigmoid(Z3)."),
                (_sigmoid(-Z), "A3 is sigmoid(-Z3): check the sign inside exp."),
            ])
            hint = "y_hat = A3 = sigmoid(Z3)."
        if mistake:
            fail(mistake)
        compare(f"A{l}", cache[f"A{l}"], ref[f"A{l}"], hint=hint)
    compare("y_hat", y_hat, ref["A3"], hint="return A3 as y_hat, the same array as cache['A3'].")
    # Large logits: the sigmoid at the end must not overflow (Z3 reaches -1000, then +1000).
    for sign in (-1, 1):
        big = dict(params)
        z3 = params["W3"] @ ref["A2"]
        big["b3"] = np.array([[sign * 1000.0 - (z3.min() if sign < 0 else z3.max())]])
        y_hat, _ = _run(forward_pass, X, big, f"forward_pass(X, params) with Z3 reaching {sign * 1000:+d}")
        compare(f"y_hat with Z3 reaching {sign * 1000:+d}", y_hat, _reference(X, big)["A3"], atol=1e-12,
                hint="use a stable sigmoid (yours from the exercise above, or bp.sigmoid).")
    passed("forward_pass is right: every Z_l and A_l has the right shape and values, and large |Z3| does not overflow.")
