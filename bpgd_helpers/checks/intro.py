"""Checks for lesson 01 (backprop vs gradient descent): one backprop step and one GD step by hand.

The model has one weight: y_hat = w * x, with the loss L = (y_hat - y)**2.
Backprop computes dL/dw = dL/dy_hat * dy_hat/dw = 2 * (y_hat - y) * x;
gradient descent uses it: w_new = w - lr * dL/dw.
"""

import numpy as np

from ._core import call, compare, fail, passed
from ._number import compare_number


def _near(a, b):
    return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12))


def check_backprop_step(backprop_step):
    """Check backprop_step(w, x, y) -> (L, dL_dw) for L = (w * x - y)**2."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    for _ in range(4):
        w, x, y = (float(v) for v in rng.uniform(-3, 3, size=3))
        x = x if abs(x) > 0.3 else x + 1.0  # keep dy_hat/dw = x away from 0, so mistakes show
        label = f"backprop_step(w={w:.2f}, x={x:.2f}, y={y:.2f})"
        result = call(backprop_step, label, w, x, y)
        if not (isinstance(result, tuple) and len(result) == 2):
            fail(f"backprop_step should return a pair (L, dL_dw), got {type(result).__name__}. "
                 "Hint: end with `return L, dL_dw`.")
        L, dL_dw = result
        y_hat = w * x
        if np.ndim(L) == 0 and np.ndim(dL_dw) == 0 and _near(L, 2 * (y_hat - y) * x) and _near(dL_dw, (y_hat - y) ** 2):
            fail("L and dL_dw are swapped: return L first, then dL_dw.")
        if np.ndim(L) == 0 and _near(L, y_hat - y) and not _near(y_hat - y, (y_hat - y) ** 2):
            fail(f"L in {label} is y_hat - y: the loss is its square, (y_hat - y)**2.")
        compare_number(f"L in {label}", L, (y_hat - y) ** 2,
                hint="forward pass: y_hat = w * x, then L = (y_hat - y)**2.")
        wrong = {
            2 * (y_hat - y): "dL_dw equals dL/dy_hat = 2 * (y_hat - y): one factor of the chain rule is missing. "
                             "Multiply by dy_hat/dw, which is x because y_hat = w * x.",
            (y_hat - y) * x: "dL_dw is half of what it should be: the power rule gives d/dy_hat (y_hat - y)**2 = "
                             "2 * (y_hat - y).",
            -2 * (y_hat - y) * x: "dL_dw has the wrong sign: d/dy_hat (y_hat - y)**2 = +2 * (y_hat - y), "
                                  "and dy_hat/dw = +x.",
            2 * (y_hat - y) * w: "dL_dw is multiplied by w, but dy_hat/dw = x: differentiate y_hat = w * x "
                                 "with respect to w.",
        }
        if np.ndim(dL_dw) == 0:
            for value, message in wrong.items():
                if _near(dL_dw, value) and not _near(value, 2 * (y_hat - y) * x):
                    fail(message)
        compare_number(f"dL_dw in {label}", dL_dw, 2 * (y_hat - y) * x,
                hint="chain rule: dL/dw = dL/dy_hat * dy_hat/dw.")
    passed("backprop_step is right: a forward pass (y_hat, L), then the chain rule backwards (dL/dy_hat, dL/dw).")


def check_gd_step(gd_step):
    """Check gd_step(w, dL_dw, lr) -> w - lr * dL_dw, for numbers and for arrays of parameters."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    for size in (None, 5):
        w, g = rng.uniform(-3, 3, size=size), rng.uniform(-3, 3, size=size)
        if size is None:
            w, g = float(w), float(g) + (1.0 if abs(g) < 0.3 else 0.0)
        lr = float(rng.choice([0.05, 0.1, 0.3]))
        what = "numbers" if size is None else "arrays"
        got = call(gd_step, f"gd_step(w, dL_dw, lr={lr}) for {what}", w if size is None else w.copy(),
                   g if size is None else g.copy(), lr)
        wrong = [
            (w + lr * g, "gd_step moves w uphill: the gradient points to where L grows, so gradient descent "
                         "steps against it, w - lr * dL_dw."),
            (w - g, "gd_step ignores the learning rate: the step is lr * dL_dw, not dL_dw."),
            (-lr * g, "gd_step returns only the step -lr * dL_dw: add it to w to get the new weight."),
            (w - lr * w, "gd_step uses w where the gradient belongs: the step is lr * dL_dw."),
        ]
        for value, message in wrong:
            try:
                if np.shape(got) == np.shape(value) and np.allclose(got, value, rtol=1e-9, atol=1e-12):
                    fail(message)
            except TypeError:
                break  # not numbers: compare below says what it is
        if size is None:
            compare_number(f"gd_step(w, dL_dw, lr={lr}) for {what}", got, w - lr * g,
                           hint="the update rule is w_new = w - lr * dL_dw.")
        else:
            compare(f"gd_step(w, dL_dw, lr={lr}) for {what}", got, w - lr * g,
                    hint="the update rule is w_new = w - lr * dL_dw.")
    passed("gd_step is right: it moves every parameter a step lr * dL_dw against its gradient.")
