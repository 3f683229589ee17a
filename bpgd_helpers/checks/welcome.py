"""Checks for lesson 00 (welcome and setup): the slope of f(w) = (w - 3)**2."""

import numpy as np

from ._core import call, compare, fail, passed
from ._number import compare_number

POWER_AND_CHAIN = "use the power rule and the chain rule: d/dw (w - 3)**2 = 2 * (w - 3) * d/dw (w - 3)."


def _f_slope(w):
    return 2.0 * (w - 3.0)


def _mistake(w, got):
    """The message of the typical mistake that slope(w) = got matches, else None."""
    wrong = [
        ((w - 3.0) ** 2, "slope(w) returns f(w) = (w - 3)**2 itself, not its derivative. Hint: " + POWER_AND_CHAIN),
        (w - 3.0, "slope(w) is half of what it should be: the power rule brings the exponent 2 down as a factor."),
        (2.0 * w, "slope(w) is the derivative of w**2, not of (w - 3)**2: the shift by 3 is missing. "
                  "Hint: " + POWER_AND_CHAIN),
        (-2.0 * (w - 3.0), "slope(w) has the wrong sign: f falls to the left of w = 3, so the slope there is "
                           "negative, and it is positive to the right."),
    ]
    try:
        got = float(np.asarray(got, dtype=float).item())
    except (TypeError, ValueError):
        return None
    for value, message in wrong:
        if np.isclose(got, value, rtol=1e-9, atol=1e-12):
            return message
    return None


def check_slope(slope):
    """Check slope(w), the derivative of f(w) = (w - 3)**2, for numbers and for arrays."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    for w in [*rng.uniform(-5, 10, size=4), 3.0]:
        w = float(w)
        label = f"slope({w:.2f})"
        got = call(slope, label, w, hint=POWER_AND_CHAIN)
        if w == 3.0:
            compare_number("slope(3.0)", got, 0.0,
                           hint="at the bottom of the parabola (w = 3) the tangent is flat, so the slope is 0.")
            continue
        message = _mistake(w, got)
        if message:
            fail(message)
        compare_number(label, got, _f_slope(w), hint=POWER_AND_CHAIN)
    w = rng.uniform(-5, 10, size=5)
    try:
        got = slope(w)
    except Exception as exc:  # a learner's error is feedback, not a crash of the check
        fail(f"slope(w) works for one number but fails for a NumPy array ({type(exc).__name__}: {exc}). "
             "Hint: use only arithmetic (+, -, *, **), which NumPy applies element by element.")
    compare("slope(w) for an array w", got, _f_slope(w), hint="apply the same formula element by element.")
    passed("slope is right: it is 0 at the minimum w = 3, negative to the left and positive to the right.")
