"""Checks for lesson 08 (local minima and saddle points)."""

import numpy as np
import sympy as sp

from ._core import call, fail, passed

KINDS = ("minimum", "maximum", "saddle", "degenerate")


def _symmetric(eigenvalues, rng):
    """A random symmetric matrix with the given eigenvalues (a random rotation of diag)."""
    n = len(eigenvalues)
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return Q @ np.diag(eigenvalues) @ Q.T


def _cases(rng):
    """(what the matrix is like, eigenvalues, right kind, hint if wrong), with fresh random sizes."""
    def n():
        return int(rng.integers(2, 7))

    def mags(k):
        return rng.uniform(0.5, 5.0, size=k)

    k = n()
    cases = [
        ("every eigenvalue positive", mags(k), "minimum",
         "all eigenvalues > 0 means the function curves up in every direction: a minimum."),
        ("every eigenvalue negative", -mags(n()), "maximum",
         "all eigenvalues < 0 means it curves down in every direction: a maximum."),
        ("eigenvalues of both signs", np.concatenate([mags(1), -mags(1), rng.choice([-1, 1], k - 2) * mags(k - 2)]),
         "saddle", "one positive and one negative eigenvalue already make a saddle."),
        ("eigenvalues of both signs and some zeros", np.concatenate([mags(2), -mags(1), np.zeros(2)]), "saddle",
         "a direction up and a direction down make a saddle, whatever the zero eigenvalues say."),
        ("positive eigenvalues and a zero one", np.concatenate([mags(k - 1), [0.0]]), "degenerate",
         "with a zero eigenvalue and no negative one, the second derivatives cannot decide: 'degenerate'. "
         "A computed zero comes out as about ±1e-16, so compare |eigenvalue| with tol * max(1, largest |eigenvalue|)."),
        ("negative eigenvalues and one of 1e-12", np.concatenate([-mags(k - 1), [1e-12]]), "degenerate",
         "compare |eigenvalue| with tol * max(1, largest |eigenvalue|): 1e-12 counts as zero."),
        ("all zeros", np.zeros(k), "degenerate", "a zero Hessian says nothing: 'degenerate'."),
    ]
    return cases


def check_classify_hessian(classify_hessian):
    """Check classify_hessian(H, tol=1e-8) on random symmetric matrices of several sizes."""
    __tracebackhide__ = True
    if not callable(classify_hessian):
        fail(f"classify_hessian should be a function, got a {type(classify_hessian).__name__}.")
    rng = np.random.default_rng()
    # A matrix whose diagonal is positive but which is a saddle: reading the diagonal is not enough.
    tricky = np.array([[1.0, 2.0], [2.0, 1.0]]) * rng.uniform(0.5, 3)
    cases = _cases(rng) + [("positive diagonal but eigenvalues 3 and -1 (times a scale)", None, "saddle",
                            "the diagonal entries are not the eigenvalues: use np.linalg.eigvalsh(H).")]
    for what, eigenvalues, kind, hint in cases:
        H = tricky if eigenvalues is None else _symmetric(eigenvalues, rng)
        got = call(classify_hessian, "classify_hessian(H)", H)
        if not isinstance(got, str):
            fail(f"classify_hessian should return one of the strings {list(KINDS)}, got {got!r}.")
        if got not in KINDS:
            fail(f"classify_hessian returned {got!r}; it should return one of {list(KINDS)} (spelled exactly).")
        if got != kind:
            fail(f"classify_hessian is wrong for a {H.shape[0]}x{H.shape[0]} Hessian with {what}: "
                 f"it returned {got!r}. Hint: {hint}")
    passed("classify_hessian is right: minima, maxima, saddles (also with zero eigenvalues) and degenerate "
           "points, for Hessians of any size.")


# --- critical points with SymPy -------------------------------------------------------------------

x_, y_ = sp.symbols("x y", real=True)


def _random_functions(rng):
    """Functions with known critical points: [(f, [(x, y, kind), ...])]."""
    a, b = (int(rng.choice([-3, -2, -1, 1, 2, 3])) for _ in range(2))
    p, q = int(rng.integers(1, 3)), int(rng.integers(-2, 3))
    f1 = a * (x_**3 - 3 * p**2 * x_) + b * (y_ - q) ** 2
    kinds1 = []
    for px in (p, -p):
        fxx, fyy = 6 * a * px, 2 * b
        kinds1.append((float(px), float(q), "minimum" if fxx > 0 and fyy > 0 else
                       "maximum" if fxx < 0 and fyy < 0 else "saddle"))
    k = float(rng.choice([0.5, 1.0, 1.5, 2.5, 3.0, 4.0])) * float(rng.choice([-1, 1]))
    f2 = x_**2 + sp.nsimplify(k) * x_ * y_ + y_**2
    kinds2 = [(0.0, 0.0, "minimum" if abs(k) < 2 else "saddle")]
    f3 = x_**4 + y_**2  # the Hessian at the origin has a zero eigenvalue
    kinds3 = [(0.0, 0.0, "degenerate")]
    # df/dx = (x² + 1)(x − p): one real root and two complex ones (x = ±i) that must be skipped.
    f4 = x_**4 / 4 - sp.Rational(p, 3) * x_**3 + x_**2 / 2 - p * x_ + b * (y_ - q) ** 2
    kinds4 = [(float(p), float(q), "minimum" if b > 0 else "saddle")]  # f_xx = p² + 1 > 0
    return [(f1, kinds1), (f2, kinds2), (f3, kinds3), (f4, kinds4)]


def _as_points(got, f):
    __tracebackhide__ = True
    if not isinstance(got, (list, tuple)):
        fail(f"critical_points_of(f) should return a list of (x, y, kind) tuples, got {type(got).__name__}.")
    points = []
    for item in got:
        if not (isinstance(item, (tuple, list)) and len(item) == 3):
            fail(f"each critical point should be a tuple (x, y, kind), got {item!r}.")
        px, py, kind = item
        try:
            px, py = float(px), float(py)
        except (TypeError, ValueError):
            fail(f"the coordinates of a critical point should be numbers, got ({px!r}, {py!r}). "
                 "Hint: float(value) turns a SymPy number into a float; skip complex solutions.")
        if kind not in KINDS:
            fail(f"the kind of a critical point should be one of {list(KINDS)}, got {kind!r}.")
        points.append((px, py, kind))
    return points


def check_critical_points_of(critical_points_of):
    """Check critical_points_of(f): every real critical point of f(x, y), classified."""
    __tracebackhide__ = True
    if not callable(critical_points_of):
        fail(f"critical_points_of should be a function, got a {type(critical_points_of).__name__}.")
    rng = np.random.default_rng()
    for f, expected in _random_functions(rng):
        got = _as_points(call(critical_points_of, f"critical_points_of({f})", f, hint=(
            "keep only the real solutions (value.is_real), and evaluate the Hessian at each one with "
            ".subs(solution) before np.array(..., dtype=float).")), f)
        for px, py, _ in got:
            grad = [float(g.subs({x_: px, y_: py})) for g in (sp.diff(f, x_), sp.diff(f, y_))]
            if not np.allclose(grad, 0, atol=1e-6):
                fail(f"for f = {f}, the point ({px:.3g}, {py:.3g}) is not a critical point: the gradient "
                     "there is not zero. Hint: solve df/dx = 0 and df/dy = 0 together, with sp.solve, and skip "
                     "the complex solutions (the real part of a complex solution is not a critical point).")
        matched = []
        for ex, ey, kind in expected:
            hits = [g for g in got if abs(g[0] - ex) < 1e-6 and abs(g[1] - ey) < 1e-6]
            if hits:
                matched.append((hits[0], kind))
        if len(matched) < len(expected):
            symbols = ("" if got else " If sp.solve finds nothing, differentiate with respect to the symbols f is "
                       "written in, the notebook's x and y: sp.symbols('x y') without real=True makes other symbols.")
            fail(f"for f = {f}, you found {len(matched)} of its {len(expected)} real critical points. "
                 "Hint: pass both equations to sp.solve([fx, fy], [x, y], dict=True) and keep every real solution."
                 + symbols)
        if len(got) > len(expected):
            fail(f"for f = {f}, you returned {len(got)} points, but it has only {len(expected)} real critical "
                 "points: a point appears twice, or a complex solution slipped in.")
        for (px, py, got_kind), kind in matched:
            if got_kind != kind:
                fail(f"for f = {f}, the kind of ({px:.3g}, {py:.3g}) is wrong ({got_kind!r}). Hint: evaluate "
                     "sp.hessian(f, (x, y)) at that point, turn it into a float NumPy array and classify it "
                     "with your classify_hessian.")
    passed("critical_points_of is right: it finds every real critical point and classifies each one.")
