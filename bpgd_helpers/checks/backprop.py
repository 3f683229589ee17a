"""Checks for lesson 05 (backprop, vectorised): backward step by step, and a central difference.

`check_backward` walks the learner's quantities in the order backpropagation
computes them (dZ3, dW3, db3, dA2, dZ2, ...) and stops at the first wrong one.
Every quantity before it is right, so the bug is in that step: the message
names the step, says which usual mistake the answer matches (a transposed W,
a missing 1/m, sigmoid' where relu' belongs, a bias gradient not summed over
the batch, a wrong sign, ...) and gives the step's formula as a hint. It never
shows expected numbers.
"""

import os
import re
import traceback

import numpy as np

from ..activations import relu_grad, sigmoid
from ..network import backward_steps, forward
from ._core import CheckFailed, call, compare, fail, passed
from ._number import compare_number

#: The quantities of the article's network in the order backward computes them (dA3 is optional).
ORDER = ("dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1")


def step_hint(name, L=3):
    """The formula of one step, in the course's names, for a check message."""
    kind, l = name[:2], int(name[2:])
    if name == f"dZ{L}":
        return f"step 2: dZ{L} = dA{L} * sigmoid'(Z{L}), which simplifies to (A{L} - Y) / m (lesson 03)."
    if kind == "dZ":
        return (f"look at relu'(Z{l}): dZ{l} = dA{l} * relu'(Z{l}), where relu'(Z{l}) = (Z{l} > 0) "
                f"is 1 where the unit was active and 0 elsewhere.")
    prev = "X" if l == 1 else f"A{l - 1}"
    if kind == "dW":
        return (f"dW{l} = dZ{l} @ {prev}.T: each weight is multiplied by the input it saw, summed over the "
                f"examples by the matrix product. dW{l} has the shape of W{l}.")
    if kind == "db":
        return (f"db{l} = dZ{l}.sum(axis=1, keepdims=True): the bias is added to every example, so its gradient "
                f"is the sum of dZ{l} over the m columns, with shape (n_{l}, 1).")
    return (f"dA{l} = W{l + 1}.T @ dZ{l + 1}: the gradient flows back through the same weights, transposed; "
            f"(n_{l}, n_{l + 1}) @ (n_{l + 1}, m) gives (n_{l}, m).")


def are_right(names):
    """"dZ3 is right", "dZ3 and dW3 are right", "dZ3, dW3 and db3 are right"."""
    names = list(names)
    if len(names) == 1:
        return f"{names[0]} is right"
    return f"{', '.join(names[:-1])} and {names[-1]} are right"


def _matches(given, candidate):
    given = np.asarray(given, dtype=np.float64)
    return given.shape == np.shape(candidate) and np.allclose(given, candidate, rtol=1e-6, atol=1e-10)


def _mistakes(name, steps, cache, params, m, L=3):
    """(candidate, message) pairs: the usual wrong answers for `name`, computed from the right upstream values."""
    kind, l = name[:2], int(name[2:])
    right = steps[name]
    sign = f"(Y - A{L} instead of A{L} - Y?)" if name == f"dZ{L}" else "(a minus sign slipped into this step)"
    out = [(-right, f"{name} has the wrong sign everywhere {sign}.")]
    if name == f"dZ{L}":
        A, Y = cache[f"A{L}"], cache["_Y"]
        out += [
            (A - Y, f"dZ{L} is missing the 1/m: the cost J is the mean of the loss over the m examples, "
                    f"so dZ{L} = (A{L} - Y) / m. Without it every gradient grows with the batch size."),
            (Y - A, f"dZ{L} has the wrong sign and no 1/m: it is (A{L} - Y) / m, prediction minus label."),
            (right * A * (1 - A), f"dZ{L} multiplies by sigmoid'(Z{L}) = A{L} (1 - A{L}) once too often: "
                                  f"(A{L} - Y) / m already includes it, because the factor cancels (lesson 03)."),
            (steps[f"dA{L}"], f"dZ{L} equals dA{L} = dJ/dA{L}: step 2 still multiplies by sigmoid'(Z{L})."),
        ]
    elif kind == "dZ":
        dA, Z = steps[f"dA{l}"], cache[f"Z{l}"]
        s = sigmoid(Z)
        sig_msg = (f"{name} uses sigmoid' where relu' belongs: the hidden layers use ReLU, so the local "
                   f"derivative is relu'(Z{l}) = (Z{l} > 0), not A (1 - A) or sigmoid(Z)(1 - sigmoid(Z)).")
        out += [
            (dA * s * (1 - s), sig_msg),
            (dA * cache[f"A{l}"] * (1 - cache[f"A{l}"]), sig_msg),
            (dA, f"{name} equals dA{l}: the local derivative relu'(Z{l}) is missing, so units that were off "
                 f"(Z{l} <= 0) still pass gradient back."),
            (dA * cache[f"A{l}"], f"{name} multiplies by relu(Z{l}) = A{l}, the activation itself; it needs its "
                                  f"derivative relu'(Z{l}) = (Z{l} > 0), which is 0 or 1."),
        ]
        for k in range(1, L):
            if k != l and cache[f"Z{k}"].shape == Z.shape:
                out.append((dA * relu_grad(cache[f"Z{k}"]),
                            f"{name} uses relu'(Z{k}); step {name} needs the pre-activation of its own layer, Z{l}."))
    elif kind == "dW":
        dZ, A_prev = steps[f"dZ{l}"], cache[f"A{l - 1}"]
        prev = "X" if l == 1 else f"A{l - 1}"
        out += [
            (right / m, f"{name} has an extra 1/m: it is already in dZ{L} = (A{L} - Y) / m, so dW{l} = dZ{l} @ {prev}.T "
                        f"with no further division."),
            (right * m, f"{name} is m times too large: the 1/m of dZ{L} got multiplied away."),
            ((dZ @ A_prev.T).T, f"{name} is transposed: it must have the shape of W{l} (one row per unit of layer "
                                f"{l}), so dW{l} = dZ{l} @ {prev}.T, not {prev} @ dZ{l}.T."),
        ]
        if cache[f"A{l}"].shape == A_prev.shape:
            out.append((dZ @ cache[f"A{l}"].T, f"{name} uses A{l}, the output of layer {l}; the weights W{l} multiply "
                                               f"the layer's input {prev}, so dW{l} = dZ{l} @ {prev}.T."))
    elif kind == "db":
        dZ = steps[f"dZ{l}"]
        out += [
            (dZ.mean(axis=1, keepdims=True), f"{name} is the mean of dZ{l} over the examples; it should be the sum: "
                                             f"the 1/m is already in dZ{L}."),
            (dZ.sum(axis=1, keepdims=True) * m, f"{name} is m times too large: the 1/m of dZ{L} got multiplied away."),
        ]
    else:  # dA_l = W_{l+1}.T @ dZ_{l+1}
        W, dZ = params[f"W{l + 1}"], steps[f"dZ{l + 1}"]
        if W.shape[0] == W.shape[1]:
            out.append((W @ dZ, f"{name} uses W{l + 1} where its transpose belongs: dA{l} = W{l + 1}.T @ dZ{l + 1}. "
                                f"(W{l + 1} is square here, so W{l + 1} @ dZ{l + 1} has the right shape but the "
                                f"wrong numbers.)"))
        out += [
            (right / m, f"{name} has an extra 1/m: it is already in dZ{L}."),
            (right * relu_grad(cache[f"Z{l}"]), f"{name} already includes relu'(Z{l}): that factor belongs to the next "
                                                f"step, dZ{l} = dA{l} * relu'(Z{l}), so dA{l} = W{l + 1}.T @ dZ{l + 1} alone."),
        ]
    return [(c, msg) for c, msg in out if not _matches(c, right)]  # skip candidates that happen to be right


def _shape_problem(name, given, right, m):
    """A specific message for a wrong shape of `name`, or None."""
    g = np.shape(given)
    if g == right.shape:
        return None
    kind, l = name[:2], int(name[2:])
    if kind == "db":
        n = right.shape[0]
        if g == (n, m):
            return (f"{name} has shape {g}, one column per example, but it should have shape ({n}, 1): the bias is "
                    f"shared by all examples, so sum dZ{l} over the batch.")
        if g == (n,):
            return f"{name} has shape {g}: the sum lost its column axis. Use keepdims=True to get shape ({n}, 1)."
        if g == (1, m):
            return f"{name} has shape {g}: it was summed over the units (axis=0) instead of the examples (axis=1)."
        if g == ():
            return f"{name} is a single number: it was summed over everything; sum over the examples only (axis=1)."
    if kind == "dW" and g == right.shape[::-1]:
        return (f"{name} has shape {g} but should have the shape {right.shape} of W{l}: it looks transposed "
                f"(A_prev @ dZ.T instead of dZ @ A_prev.T?).")
    if kind == "dW" and len(g) == 2 and g[0] == right.shape[0]:
        prev = "X" if l == 1 else f"A{l - 1}"
        return (f"{name} has shape {g} but should have the shape {right.shape} of W{l}, one column per input of "
                f"layer {l}. Is the second factor the layer's input {prev} (transposed), not another activation?")
    return None


def diagnose_backward(given, y, cache, params):
    """None if `given` holds every right quantity, else the message for the first wrong one.

    Args:
        given: the learner's dict (dZ3, dW3, db3, dA2, ...).
        y, cache, params: the labels, forward cache and parameters it was computed from.
    """
    steps = backward_steps(y, cache, params)
    L = len(params) // 2
    m = cache["A0"].shape[1]
    ctx = dict(cache, _Y=np.asarray(y, dtype=np.float64).reshape(1, m))
    order = [k for k in steps if k != f"dA{L}"]
    missing = [k for k in order if k not in given]
    if missing:
        return (f"backward's dict is missing {', '.join(missing)}. It must hold every quantity of the backward "
                f"pass, {', '.join(order)}, so that the check can tell you which step is wrong.")
    for i, name in enumerate(order):
        value = given[name]
        if _matches(value, steps[name]):
            continue
        done = order[:i]
        before = f" {are_right(done)}, so the bug is in this step." if done else ""
        hint = f" Hint: {step_hint(name, L)}"
        try:
            value_arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return f"{name} should be a NumPy array, got {type(value).__name__}.{before}{hint}"
        shape_msg = _shape_problem(name, value_arr, steps[name], m)
        if shape_msg:
            return f"{shape_msg}{before}{hint}"
        for candidate, message in _mistakes(name, steps, ctx, params, m, L):
            if _matches(value_arr, candidate):
                return f"{message}{before}{hint}"
        try:
            compare(name, value_arr, steps[name])
        except CheckFailed as exc:
            return f"{exc}{before}{hint}"
    return None


def _problem(rng, sizes, m):
    """Fresh parameters, data and labels, with no pre-activation near a ReLU kink and both labels present."""
    while True:
        params = {}
        for l in range(1, len(sizes)):
            params[f"W{l}"] = rng.normal(0, 1, size=(sizes[l], sizes[l - 1]))
            params[f"b{l}"] = rng.normal(0, 0.5, size=(sizes[l], 1))
        X = rng.normal(size=(sizes[0], m))
        y = rng.permutation(np.arange(m) % 2).reshape(1, m).astype(np.float64)
        _, cache = forward(X, params)
        hidden = [cache[f"Z{l}"] for l in range(1, len(sizes) - 1)]
        active = all(0.2 < np.mean(Z > 0) < 0.8 for Z in hidden)  # relu' is neither all 0 nor all 1
        if active and min(np.min(np.abs(Z)) for Z in hidden) > 1e-3 and np.all(np.abs(cache[f"Z{len(sizes) - 1}"]) < 15):
            return X, y, params, cache


#: Folders whose frames are not the learner's code: NumPy and this package.
_LIBRARIES = (os.path.dirname(np.__file__), os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def failing_line(exc):
    """The learner's line of code where `exc` was raised: the last frame outside NumPy and bpgd_helpers."""
    frames = traceback.extract_tb(exc.__traceback__)
    own = [f for f in frames if not os.path.abspath(f.filename).startswith(_LIBRARIES)]
    return own[-1].line if own and own[-1].line else None


def _call_backward(backward, y, cache, params):
    """Run the learner's backward; an exception becomes a message naming the step it happened in."""
    __tracebackhide__ = True
    if not callable(backward):
        fail(f"backward should be a function backward(y, cache, params), got a {type(backward).__name__}.")
    try:
        return backward(y, cache, params)
    except NotImplementedError:
        problem = "backward is not written yet: replace `raise NotImplementedError()` with your answer."
    except Exception as exc:  # the learner's error becomes feedback
        line = failing_line(exc)
        where = f" on the line `{line}`" if line else ""
        name = re.match(r"\s*(d[AZWb]\d)\s*=", line or "")
        hint = f" Hint: {step_hint(name.group(1))}" if name and name.group(1) in ORDER else (
            " Hint: check the shapes: W_l is (n_l, n_{l-1}) and every dZ_l, dA_l is (n_l, m).")
        problem = f"backward raised {type(exc).__name__}{where}: {exc}.{hint}"
    fail(problem)


def check_backward(backward):
    """Check backward(y, cache, params) -> dict of every backward quantity, on fresh networks."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    for sizes, m in (([3, 4, 4, 1], 5), ([3, 5, 3, 1], 4)):  # the article's network, then other widths
        X, y, params, cache = _problem(rng, sizes, m)
        cache_in = {k: v.copy() for k, v in cache.items()}
        params_in = {k: v.copy() for k, v in params.items()}
        given = _call_backward(backward, y.copy(), cache_in, params_in)
        if not isinstance(given, dict):
            fail(f"backward should return a dict like {{'dZ3': ..., 'dW3': ...}}, got a {type(given).__name__}.")
        changed = [k for k in cache if not np.array_equal(cache_in[k], cache[k])]
        changed += [k for k in params if not np.array_equal(params_in[k], params[k])]
        if changed:
            fail(f"backward changed {', '.join(changed)} in place. Hint: compute new arrays (dZ3 = (A3 - y) / m) "
                 "instead of updating the cache or the parameters with -=, *= or [...] =.")
        message = diagnose_backward(given, y, cache, params)
        if message:
            if sizes != [3, 4, 4, 1]:
                message = (f"With layer sizes {sizes} and m = {m} (your backward passed the article's network): "
                           + message + " Do not hard-code sizes: take m from y.shape[1].")
            fail(message)
    passed("backward is right: every quantity from dZ3 to db1 matches, on the article's network and on others.")


# --- central differences --------------------------------------------------------------

def _smooth_problem(rng):
    """A smooth test function of a params dict whose every partial derivative differs."""
    params = {"W": rng.uniform(-1, 1, size=(2, 3)), "b": rng.uniform(-1, 1, size=(2, 1))}

    def J(p):
        return float(np.sum(np.sin(p["W"]) * np.arange(1, 7).reshape(2, 3)) + np.sum(p["b"] ** 3) + p["W"][0, 0] ** 4)

    return params, J


def check_numerical_partial(numerical_partial):
    """Check numerical_partial(J, params, key, index, eps) = (J(p + eps) - J(p - eps)) / (2 eps) for one entry."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    params, J = _smooth_problem(rng)
    eps = 0.05  # large on purpose: central, forward and backward differences then differ clearly
    for key, index in (("W", (1, 2)), ("b", (0, 0)), ("W", (0, 0))):
        work = {k: v.copy() for k, v in params.items()}
        label = f"numerical_partial(J, params, {key!r}, {index}, eps={eps})"
        got = call(numerical_partial, label, J, work, key, index, eps,
                   hint="nudge params[key][index] up by eps, evaluate J, nudge it down, evaluate J, put it back.")
        # `x += eps; x -= eps` may leave a rounding-level difference: that counts as put back.
        changed = [k for k in params if not np.allclose(work[k], params[k], rtol=1e-12, atol=1e-14)]
        if changed:
            fail(f"numerical_partial changed params[{changed[0]!r}] and did not put it back: after the call, the "
                 "parameters must be exactly as before (the next estimate would start from a moved point). "
                 "Hint: remember the old value and restore it at the end.")

        def nudged(delta, k=key, i=index):
            p = {kk: v.copy() for kk, v in params.items()}
            p[k][i] += delta
            return J(p)

        def all_nudged(delta, k=key):
            p = {kk: v.copy() for kk, v in params.items()}
            p[k] = p[k] + delta
            return J(p)

        j0, jp, jm = J(params), nudged(eps), nudged(-eps)
        right = (jp - jm) / (2 * eps)
        mistakes = [
            ((jp - j0) / eps, "it is a forward difference (J(p + eps) - J(p)) / eps, whose error shrinks only like "
                              "eps; the central difference (J(p + eps) - J(p - eps)) / (2 eps) has an error like eps**2."),
            ((j0 - jm) / eps, "it is a backward difference (J(p) - J(p - eps)) / eps; use the central difference "
                              "(J(p + eps) - J(p - eps)) / (2 eps)."),
            ((jp - jm) / eps, "it is twice the central difference: the two points p + eps and p - eps are 2 eps apart, "
                              "so divide by 2 * eps."),
            ((jp - jm) / 2 * eps, "it divides by 2 and then multiplies by eps: Python reads a / 2 * eps as "
                                  "(a / 2) * eps. Put the denominator in brackets: / (2 * eps)."),
            ((all_nudged(eps) - all_nudged(-eps)) / (2 * eps),
             f"it nudges every entry of params[{key!r}] at once; nudge only params[{key!r}][index], "
             "so that the estimate is the partial derivative for that one entry."),
        ]
        try:
            value = float(np.asarray(got, dtype=np.float64).reshape(-1)[0]) if np.size(got) == 1 else None
        except (TypeError, ValueError):
            value = None
        if value is not None and not np.isclose(value, right, rtol=1e-9, atol=1e-12):
            for candidate, message in mistakes:
                if np.isclose(value, candidate, rtol=1e-9, atol=1e-12):
                    fail(f"{label} is wrong: {message}")
        compare_number(label, got, right, rtol=1e-9, atol=1e-12,
                       hint="(J(p + eps) - J(p - eps)) / (2 * eps), where only params[key][index] moves.")
    passed("numerical_partial is right: a central difference in one entry, and params are left as they were.")



# --- typical wrong backwards, for demonstrations and tests ------------------------------

#: The mistakes buggy_backward can make, each with the step it breaks.
MISTAKES = {
    "missing 1/m": "dZ3 = A3 - Y, without dividing by m",
    "wrong sign": "dZ3 = (Y - A3) / m",
    "sigmoid' for relu'": "dZ_l = dA_l * sigmoid'(Z_l) in the hidden layers",
    "relu for relu'": "dZ_l = dA_l * relu(Z_l) in the hidden layers",
    "W instead of W.T": "dA_l = W_{l+1} @ dZ_{l+1} where W_{l+1} is square",
    "bias not summed": "db_l = dZ_l, shape (n_l, m)",
}


def buggy_backward(mistake):
    """A backward(y, cache, params) that makes one typical mistake (a key of MISTAKES).

    It returns every quantity, like the lesson's exercise, so it works with
    check_backward, diagnose_backward and bp.gradient_check (backward_fn=...).
    """
    if mistake not in MISTAKES:
        raise ValueError(f"mistake must be one of {list(MISTAKES)}, got {mistake!r}")
    from ..activations import relu, sigmoid_grad

    def backward(y, cache, params):
        L = len(params) // 2
        m = cache["A0"].shape[1]
        y = np.asarray(y, dtype=np.float64).reshape(1, m)
        A_L = cache[f"A{L}"]
        dZ = {"missing 1/m": A_L - y, "wrong sign": (y - A_L) / m}.get(mistake, (A_L - y) / m)
        steps = {}
        for l in range(L, 0, -1):
            if l < L:
                Z = cache[f"Z{l}"]
                local = {"sigmoid' for relu'": sigmoid_grad, "relu for relu'": relu}.get(mistake, relu_grad)(Z)
                dZ = steps[f"dA{l}"] * local
            W = params[f"W{l}"]
            steps[f"dZ{l}"] = dZ
            steps[f"dW{l}"] = dZ @ cache[f"A{l - 1}"].T
            steps[f"db{l}"] = dZ if mistake == "bias not summed" else dZ.sum(axis=1, keepdims=True)
            if l > 1:
                square = W.shape[0] == W.shape[1]
                steps[f"dA{l - 1}"] = (W if mistake == "W instead of W.T" and square else W.T) @ dZ
        return steps

    backward.__name__ = f"backward_with_{mistake.replace(' ', '_')}"
    return backward
