"""Checks for lesson 03 (the loss): a stable BCE, dJ/dZ3, and BCE computed from logits.

J = -(1/m) * sum(y * log(y_hat) + (1 - y) * log(1 - y_hat)) and, with
y_hat = sigmoid(Z3), dJ/dZ3 = (y_hat - y) / m.
"""

import numpy as np

from ..activations import sigmoid as _sigmoid
from ._core import call, compare, fail, passed
from ._number import compare_number

CLIP_HINT = ("Hint: clip y_hat into [eps, 1 - eps] with a small eps such as 1e-12 before taking logs "
             "(np.clip(y_hat, eps, 1 - eps)), so that log never sees 0.")


def _labels(rng, m):
    y = rng.integers(0, 2, size=(1, m)).astype(np.float64)
    y[0, :2] = [0.0, 1.0]  # both classes, so that swapped terms show
    return y


def _bce(y_hat, y):
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


def _is(given, value, rtol=1e-6):
    try:
        given = np.asarray(given, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if np.ndim(value) == 0 and given.size == 1:
        given = given.reshape(())  # a number wrapped in an array counts as that number
    return given.shape == np.shape(value) and bool(np.allclose(given, value, rtol=rtol, atol=1e-12))


def _first_wrong_example(fn, name, cases, reference):
    """The description of the first one-example case where fn disagrees with reference, else None.

    cases: (input, label, text). A mean over one example is that example's loss, so this finds
    which kind of example (label 0 or 1, which side) a wrong formula gets wrong.
    """
    __tracebackhide__ = True
    for a, y0, text in cases:
        got = call(fn, f"{name} for one example with {text}", np.array([[a]]), np.array([[y0]]))
        try:
            value = float(np.asarray(got, dtype=np.float64).item())
        except (TypeError, ValueError):
            return None  # not one number: the comparison of the whole batch says what it is
        if not np.isclose(value, reference(a, y0), rtol=1e-6, atol=1e-12):
            return text
    return None


def check_bce(bce):
    """Check bce(y_hat, y): the mean BCE, finite and silent at y_hat of exactly 0 or 1."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    m = int(rng.integers(5, 9))
    y_hat, y = rng.uniform(0.05, 0.95, size=(1, m)), _labels(rng, m)
    got = call(bce, "bce(y_hat, y)", y_hat.copy(), y.copy(),
               hint="J = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)).",
               warning_hint="Check the order of the arguments: bce(y_hat, y), the prediction first.")
    J = _bce(y_hat, y)
    terms = y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)
    wrong = [
        (-J, "bce is negative: the log of a probability is <= 0, so BCE has a minus sign in front to make it >= 0."),
        (m * J, "bce is m times too large: J is the mean over the m examples, not the sum (np.mean, or divide by m)."),
        (J / np.log(10), "bce uses the base-10 logarithm: use the natural log, np.log."),
        (_bce(1 - y_hat, y), "bce pairs the terms the wrong way round: y = 1 goes with log(y_hat), "
                             "y = 0 with log(1 - y_hat)."),
        (-np.mean(y * np.log(y_hat)), "bce only has the y * log(y_hat) term: add (1 - y) * log(1 - y_hat), which "
                                      "scores the examples of class 0."),
    ]
    if _is(got, -terms):
        fail("bce returns one loss per example: J is their mean, a single number.")
    for value, message in wrong:
        if _is(got, value):
            fail(message)
    # With y_hat in (0.05, 0.95) no example costs more than -log(0.05) = 3; swapped arguments take the
    # log of a clipped label 0, about -log(eps), for every example, and land far above that.
    if np.size(got) == 1 and np.asarray(got, dtype=np.float64).item() > max(5.0, 1.01 * np.max(-terms)):
        fail("bce is larger than the loss of any single example, which a mean cannot be. Did you swap the "
             "arguments? bce(y_hat, y) takes the prediction first; log(y) of a label 0 is -inf.")
    if not _is(got, J):
        cases = [(0.8, 1.0, "y_hat = 0.8 and y = 1"), (0.3, 1.0, "y_hat = 0.3 and y = 1"),
                 (0.8, 0.0, "y_hat = 0.8 and y = 0"), (0.3, 0.0, "y_hat = 0.3 and y = 0")]
        case = _first_wrong_example(bce, "bce", cases, lambda p, y0: _bce(np.array([[p]]), np.array([[y0]])))
        if case:
            left = "-log(y_hat)" if case.endswith("y = 1") else "-log(1 - y_hat)"
            fail(f"bce(y_hat, y) is wrong already for one example with {case}. Hint: for one example "
                 f"L = -(y * log(y_hat) + (1 - y) * log(1 - y_hat)); with this label only {left} is left.")
        if np.size(got) == 1:
            fail("bce(y_hat, y) is right for one example at a time but wrong for a batch. Hint: J is the mean "
                 "of the m losses, a single number: np.mean over all of them.")
    compare_number("bce(y_hat, y)", got, J, hint="J = -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)).")

    # y_hat of exactly 0 or 1: right answers must cost (almost) nothing, wrong ones a lot, never inf or NaN.
    edge = {"perfect predictions y_hat = [[1, 0]] for y = [[1, 0]]": (np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]])),
            "a certain, wrong prediction y_hat = [[0]] for y = [[1]]": (np.array([[0.0]]), np.array([[1.0]]))}
    for what, (p, labels) in edge.items():
        got = call(bce, f"bce for {what}", p.copy(), labels.copy(), warning_hint=(
            "log(0) is -inf, and 0 * log(0) is 0 * -inf = NaN. " + CLIP_HINT))
        value = np.asarray(got, dtype=np.float64)
        if value.size != 1 or not np.isfinite(value).all():
            fail(f"bce for {what} is not a finite number. " + CLIP_HINT)
        value = float(value.item())
        if "perfect" in what and not -1e-9 < value < 1e-3:
            fail(f"bce for {what} should be (almost) 0: the predictions are exactly right. "
                 "Hint: clip with a small eps (1e-12), and check the signs.")
        if "wrong" in what and value < 9:
            fail(f"bce for {what} is too small: a certain, wrong prediction should cost a lot. "
                 "Hint: clip with a small eps such as 1e-12; a large eps (like 1e-3) hides how wrong it is.")
    passed("bce is right: the mean loss, finite and warning-free even for y_hat of exactly 0 or 1.")


def check_dJ_dZ3(dJ_dZ3):
    """Check dJ_dZ3(y_hat, y) -> (y_hat - y) / m, shape (1, m)."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    m = int(rng.integers(5, 9))
    y_hat, y = _sigmoid(rng.normal(0, 2, size=(1, m))), _labels(rng, m)
    got = call(dJ_dZ3, "dJ_dZ3(y_hat, y)", y_hat.copy(), y.copy())
    dZ3 = (y_hat - y) / m
    wrong = [
        (m * dZ3, "dJ_dZ3 is m times too large: J is the mean of the m losses, so each example's share of "
                  "dJ/dZ3 carries a factor 1/m."),
        (-dZ3, "dJ_dZ3 has the wrong sign: it is (y_hat - y) / m, positive when y_hat is above the label."),
        (dZ3 * y_hat * (1 - y_hat), "dJ_dZ3 is multiplied by y_hat * (1 - y_hat) once too often: that factor, "
                                    "sigmoid'(z3), already cancelled the denominator of dL/dy_hat."),
        ((-y / y_hat + (1 - y) / (1 - y_hat)) / m, "dJ_dZ3 is dJ/dy_hat (that is dA3): multiply by "
                                                   "dy_hat/dz3 = y_hat * (1 - y_hat) and simplify."),
    ]
    for value, message in wrong:
        if _is(got, value):
            fail(message)
    if np.ndim(got) == 0 or np.size(got) == 1:
        fail("dJ_dZ3 should be one number per example, an array of shape (1, m): do not sum or average it.")
    compare("dJ_dZ3", got, dZ3, hint="dJ/dZ3 = (y_hat - y) / m, where m = y.shape[1].")
    passed("dJ_dZ3 is right: (y_hat - y) / m, one entry per example.")


def _bce_logits(z, y):
    """Mean BCE from logits, exact for any finite z."""
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def check_bce_with_logits(bce_with_logits):
    """Check bce_with_logits(z, y): the mean BCE of y_hat = sigmoid(z), exact even where sigmoid rounds to 0 or 1."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    m = int(rng.integers(5, 9))
    z, y = rng.normal(0, 3, size=(1, m)), _labels(rng, m)
    z[0, :4] = np.abs(z[0, :4]) * [-1, -1, 1, 1] + [-0.1, -0.1, 0.1, 0.1]  # both signs of z with both labels,
    y[0, :4] = [0.0, 1.0, 0.0, 1.0]  # so that each typical mistake changes the answer
    hint = "L = max(z, 0) - z * y + log(1 + exp(-|z|)); np.log1p(x) is log(1 + x)."
    overflow = ("That happens when the loss goes through y_hat = sigmoid(z) (log(0) = -inf once sigmoid(z) rounds "
                "to 0 or 1) or calls exp on a large number (exp(1000) = inf). Hint: only call exp on -|z|, which "
                "is <= 0: L = max(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))).")
    got = call(bce_with_logits, "bce_with_logits(z, y)", z.copy(), y.copy(), hint=hint, warning_hint=overflow)
    J = _bce_logits(z, y)
    soft = np.log1p(np.exp(-np.abs(z)))
    with np.errstate(over="ignore"):
        no_abs = np.log1p(np.exp(-z))
    for value, message in [
        (-J, "bce_with_logits is negative: check the signs."),
        (m * J, "bce_with_logits is m times too large: J is the mean over the examples."),
        (np.mean(np.maximum(z, 0) + z * y + soft), "bce_with_logits adds z * y: the term is - z * y. Hint: " + hint),
        (np.mean(np.maximum(z, 0) - z * (1 - y) + soft), "bce_with_logits uses (1 - y) where y belongs: the term "
                                                         "is - z * y. Hint: " + hint),
        (np.mean(np.maximum(z, 0) - z * y + no_abs), "bce_with_logits is wrong for negative z: the last term is "
                                                     "log(1 + exp(-|z|)), with the absolute value; max(z, 0) "
                                                     "already accounts for the sign. Hint: " + hint),
        (np.mean(-z * y + soft), "bce_with_logits is missing the max(z, 0) term. Hint: " + hint),
    ]:
        if not np.isclose(value, J, rtol=1e-6) and _is(got, value):
            fail(message)
    if not _is(got, J):
        cases = [(2.0, 1.0, "z = 2 and y = 1"), (2.0, 0.0, "z = 2 and y = 0"),
                 (-2.0, 1.0, "z = -2 and y = 1"), (-2.0, 0.0, "z = -2 and y = 0")]
        case = _first_wrong_example(bce_with_logits, "bce_with_logits", cases,
                                    lambda z0, y0: _bce_logits(np.array([[z0]]), np.array([[y0]])))
        if case:
            fail(f"bce_with_logits(z, y) is wrong already for one example with {case}. Hint: {hint}")
        if np.size(got) == 1:
            fail("bce_with_logits(z, y) is right for one example at a time but wrong for a batch. Hint: J is the "
                 "mean of the m losses: np.mean over all of them.")
    compare_number("bce_with_logits(z, y)", got, J, hint=hint)
    for z0, y0 in [(40.0, 0.0), (-40.0, 1.0), (1000.0, 0.0), (-1000.0, 1.0), (1000.0, 1.0), (-1000.0, 0.0)]:
        what = f"bce_with_logits for z = {z0:g}, y = {y0:g}"
        got = call(bce_with_logits, what, np.array([[z0]]), np.array([[y0]]), warning_hint=overflow)
        value = np.asarray(got, dtype=np.float64)
        expected = _bce_logits(np.array([[z0]]), np.array([[y0]]))
        if value.size == 1 and np.isfinite(value).all() and expected > 1 and 9 <= value.item() < 0.9 * expected:
            fail(f"{what} is too small: it looks like the loss goes through y_hat = sigmoid(z) and a clip. "
                 "sigmoid(40) rounds to exactly 1.0 in float64, so after that the true loss can no longer be "
                 f"recovered. Hint: stay with z: {hint}")
        compare_number(what, got, expected, rtol=1e-9, hint=f"work from z, never from sigmoid(z): {hint}")
    passed("bce_with_logits is right: exact for every z, even where sigmoid(z) rounds to 0 or 1.")
