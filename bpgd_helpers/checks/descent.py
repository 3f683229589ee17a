"""Checks for lesson 06 (gradient descent): the update rule, the critical learning rate and the rate.

Each check runs the learner's function on fresh random inputs, compares it with
the reference, and when it is wrong names the usual mistake it matches (a plus
sign, a missing lr, the smallest eigenvalue instead of the largest, ...)
without showing the expected numbers.
"""

import numpy as np

from ._core import call, compare, fail, passed
from ._number import compare_number


def _close(a, b):
    try:
        a = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == np.shape(b) and np.allclose(a, b, rtol=1e-6, atol=1e-9)


def _random_params(rng, layer_sizes=(3, 4, 4, 1)):
    params, grads = {}, {}
    for l in range(1, len(layer_sizes)):
        shape_W, shape_b = (layer_sizes[l], layer_sizes[l - 1]), (layer_sizes[l], 1)
        params[f"W{l}"], params[f"b{l}"] = rng.normal(size=shape_W), rng.normal(size=shape_b)
        grads[f"dW{l}"], grads[f"db{l}"] = rng.normal(size=shape_W), rng.normal(size=shape_b)
    return params, grads


def check_update(update):
    """Check update(params, grads, lr): a new dict with W - lr * dW for every parameter."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    params, grads = _random_params(rng)
    lr = float(rng.uniform(0.05, 0.9))
    params_in = {k: v.copy() for k, v in params.items()}
    grads_in = {k: v.copy() for k, v in grads.items()}
    new = call(update, "update(params, grads, lr)", params_in, grads_in, lr,
               hint="grads['d' + name] is the gradient of params[name], e.g. grads['dW1'] for params['W1'].")
    changed = [k for k in params if not np.array_equal(params_in[k], params[k])]
    if changed:
        fail(f"update changed params[{changed[0]!r}] in place. Return a new dict instead, e.g. "
             "{name: value - lr * grads['d' + name] for name, value in params.items()}, so the caller "
             "still has the old parameters (to compare, or to try another lr).")
    if not isinstance(new, dict):
        fail(f"update should return a dict like params, got a {type(new).__name__}.")
    if set(new) != set(params):
        if set(new) == set(grads):
            fail("update returned a dict keyed like grads ('dW1', ...); the new parameters keep the names of "
                 "params ('W1', 'b1', ...).")
        missing, extra = sorted(set(params) - set(new)), sorted(set(new) - set(params))
        fail(f"update returned the keys {sorted(new)}; it should return every parameter of params and nothing else"
             f"{f' (missing {missing})' if missing else ''}{f' (unexpected {extra})' if extra else ''}.")
    for k in params:
        g, right = grads[f"d{k}"], params[k] - lr * grads[f"d{k}"]
        mistakes = [
            (params[k] + lr * g, f"new {k} moved uphill: it is {k} + lr·d{k}. Gradient descent steps against the "
                                 "gradient, which points uphill: subtract lr·d" + k + "."),
            (params[k] - g, f"new {k} is {k} − d{k}: the learning rate is missing. Multiply the gradient by lr."),
            (-lr * g, f"new {k} is only the step −lr·d{k}; add it to the old value: {k} − lr·d{k}."),
            (params[k] - g / lr, f"new {k} divides the gradient by lr; multiply it instead."),
        ]
        for candidate, message in mistakes:
            if _close(new[k], candidate):
                fail(message)
        compare(f"new {k}", new[k], right, hint=f"the article's rule is {k} := {k} − lr·d{k}, for every entry.")
    passed("update is right: every parameter takes one step of size lr against its gradient, and params is untouched.")


def _random_hessian(rng, n):
    """A random symmetric positive definite n×n matrix with well-separated eigenvalues."""
    Q = np.eye(n)
    while np.min(np.abs(Q)) < 0.2:  # eigenvectors well away from the axes: the diagonal of H says little
        Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    eig = np.sort(rng.uniform(0.5, 20.0, size=n))
    eig[-1] = eig[0] * rng.uniform(4.0, 12.0)  # condition number 4-12: min and max differ clearly
    return (Q * eig) @ Q.T, eig


def check_critical_lr(critical_lr):
    """Check critical_lr(H) = 2 / (largest eigenvalue of H)."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    for n in (2, 3):
        H, eig = _random_hessian(rng, n)
        got = call(critical_lr, "critical_lr(H)", H.copy(),
                   hint="np.linalg.eigvalsh(H) returns the eigenvalues of a symmetric matrix.")
        L, mu = eig.max(), eig.min()
        for candidate, message in [
            (2 / mu, "critical_lr uses the smallest eigenvalue. The steepest direction (the largest eigenvalue L) "
                     "is the first to overshoot, so it sets the limit: lr < 2 / L."),
            (1 / L, "critical_lr is 1 / L. At lr = 1 / L the steep direction only starts to oscillate; it still "
                    "converges until |1 − lr·L| reaches 1, at lr = 2 / L."),
            (2 / np.trace(H), "critical_lr divides by the trace of H (the sum of the eigenvalues); use the largest "
                              "eigenvalue alone."),
            (2 / np.abs(H).max(), "critical_lr uses the largest entry of H; for a matrix that is not diagonal, "
                                  "compute its eigenvalues (np.linalg.eigvalsh)."),
            (L / 2, "critical_lr is L / 2, upside down: solving |1 − lr·L| < 1 for lr gives lr < 2 / L."),
        ]:
            if _close(got, candidate) and not np.isclose(candidate, 2 / L, rtol=1e-6, atol=1e-9):
                fail(message)
        compare_number(f"critical_lr(H) for a {n}×{n} H", got, 2 / L,
                hint="GD multiplies the error along eigenvector i by (1 − lr·λ_i) each step; solve |1 − lr·λ| < 1 "
                     "for the largest λ.")
    passed("critical_lr is right: gradient descent on a quadratic converges exactly when lr < 2 / L.")


def check_convergence_rate(convergence_rate):
    """Check convergence_rate(lr, H) = max_i |1 - lr * lambda_i|."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    H, eig = _random_hessian(rng, 2)
    L = eig.max()
    # Small lr (the flat direction is slowest), past 1/L (the steep one oscillates), and past 2/L (diverges).
    for lr in (rng.uniform(0.05, 0.5) / L, rng.uniform(1.7, 1.95) / L, rng.uniform(2.05, 2.4) / L):
        got = call(convergence_rate, "convergence_rate(lr, H)", lr, H.copy(),
                   hint="compute 1 − lr·λ for every eigenvalue λ of H.")
        factors = 1 - lr * eig
        right = np.max(np.abs(factors))
        for candidate, message in [
            (np.max(factors), "convergence_rate is the largest 1 − lr·λ without the absolute value, which is the "
                              "flat direction's factor. Past lr = 1/L the steep direction's factor 1 − lr·L is "
                              "negative (it flips sign each step), and its size |1 − lr·L| can be the largest. "
                              "Take max |1 − lr·λ| over all eigenvalues."),
            (np.abs(1 - lr * L), "convergence_rate follows only the steepest direction (the largest eigenvalue), "
                                 "or the fastest-shrinking one (the smallest |1 − lr·λ|). In the long run the "
                                 "slowest direction decides: take the largest |1 − lr·λ| over all eigenvalues."),
            (np.min(np.abs(factors)), "convergence_rate takes the smallest |1 − lr·λ|; the slowest direction "
                                      "(the largest |1 − lr·λ|) decides the rate in the long run."),
            (np.max(np.abs(1 - lr / eig)), "convergence_rate divides by λ; the factor is 1 − lr·λ (a product)."),
            (np.max(np.abs(1 - lr * np.diag(H))), "convergence_rate uses the diagonal entries of H; they are the "
                                                  "eigenvalues only when H is diagonal (np.linalg.eigvalsh)."),
        ]:
            if _close(got, candidate) and not np.isclose(candidate, right, rtol=1e-6, atol=1e-9):
                fail(message)
        compare_number(f"convergence_rate(lr, H) at lr = {lr * L:.2f}/L", got, right,
                hint="the error along eigenvector i is multiplied by (1 − lr·λ_i) each step.")
    passed("convergence_rate is right: the slowest direction sets the rate, and a rate above 1 means divergence.")
