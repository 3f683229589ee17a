"""Checks for lesson 00 (welcome and setup)."""

import numpy as np

from ._core import compare, fail, passed


def _f_slope(w):
    return 2.0 * (w - 3.0)


def check_slope(slope):
    """Check slope(w), the derivative of f(w) = (w - 3)**2."""
    __tracebackhide__ = True
    if not callable(slope):
        fail(f"slope should be a function of w, got a {type(slope).__name__}.")
    rng = np.random.default_rng()
    for w in [3.0, *rng.uniform(-5, 10, size=4)]:
        got = slope(w)
        if w == 3.0:
            compare("slope(3.0)", got, 0.0, scalar=True,
                    hint="at the bottom of the parabola (w = 3) the tangent is flat, so the slope is 0.")
        else:
            compare(f"slope({w:.2f})", got, _f_slope(w), scalar=True,
                    hint="use the power rule and the chain rule: d/dw (w - 3)**2 = 2 * (w - 3) * d/dw (w - 3).")
    w = rng.uniform(-5, 10, size=5)
    try:
        got = slope(w)
    except Exception as exc:  # a learner's error is feedback, not a crash of the check
        fail(f"slope(w) works for one number but fails for a NumPy array ({type(exc).__name__}: {exc}). "
             "Hint: use only arithmetic (+, -, *, **), which NumPy applies element by element.")
    compare("slope(w) for an array w", got, _f_slope(w), hint="apply the same formula element by element.")
    passed("slope is right: it is 0 at the minimum w = 3, negative to the left and positive to the right.")
