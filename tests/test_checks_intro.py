"""The lesson-01 checks: one backprop step and one GD step on y_hat = w * x, L = (y_hat - y)**2."""

import numpy as np
import pytest

from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.intro import check_backprop_step, check_gd_step

from .test_checks_forward import assert_verdicts, not_written, run


def backprop_oracle(w, x, y):
    # L(w) = (w x - y)^2 = w^2 x^2 - 2 w x y + y^2, differentiated term by term (no chain rule)
    return [(w * x - y) ** 2, 2 * w * x**2 - 2 * x * y]


def right_backprop(w, x, y):
    y_hat = w * x
    return (y_hat - y) ** 2, 2 * (y_hat - y) * x


def test_backprop_step_check(capsys):
    wrong = [
        (lambda w, x, y: ((w * x - y) ** 2, 2 * (w * x - y)), "one factor of the chain rule is missing"),
        (lambda w, x, y: ((w * x - y) ** 2, (w * x - y) * x), "half of what it should be"),
        (lambda w, x, y: ((w * x - y) ** 2, 2 * (y - w * x) * x), "wrong sign"),
        (lambda w, x, y: ((w * x - y) ** 2, 2 * (w * x - y) * w), "multiplied by w"),
        (lambda w, x, y: (w * x - y, 2 * (w * x - y) * x), "the loss is its square"),
        (lambda w, x, y: right_backprop(w, x, y)[::-1], "swapped"),
        (lambda w, x, y: right_backprop(w, x, y)[1], "should return a pair (L, dL_dw)"),
        (lambda w, x, y: ((w * x - y) ** 2, 2 * (w * x - y) * x + 0.5), "is wrong: it is too large"),
        (lambda w, x, y: ((w * x - y) ** 2, 2 * (w * x - y) * x - 0.5), "is wrong: it is too small"),
        (lambda w, x, y: (abs(w * x - y), 2 * (w * x - y) * x), "L in backprop_step"),
        (not_written, "not written yet"),
    ]
    assert_verdicts(check_backprop_step, right_backprop, wrong, backprop_oracle)
    assert "✔ backprop_step is right" in capsys.readouterr().out


def gd_oracle(w, g, lr):
    return np.add(w, np.multiply(-lr, g))


def test_gd_step_check(capsys):
    wrong = [
        (lambda w, g, lr: w + lr * g, "uphill"),
        (lambda w, g, lr: w - g, "ignores the learning rate"),
        (lambda w, g, lr: -lr * g, "returns only the step"),
        (lambda w, g, lr: w - lr * w, "uses w where the gradient belongs"),
        (lambda w, g, lr: w - lr * g * 0.5, "gd_step(w, dL_dw, lr="),
        (lambda w, g, lr: [w - lr * g], "a single number"),
        (lambda w, g, lr: w - lr * float(np.sum(g)), "for arrays is wrong"),  # breaks on arrays only
    ]
    assert_verdicts(check_gd_step, lambda w, g, lr: w - lr * g, wrong, gd_oracle)
    assert "✔ gd_step is right" in capsys.readouterr().out


def test_gd_step_check_does_not_trust_an_in_place_update():
    def in_place(w, g, lr):
        w -= lr * g  # for arrays this also changes the caller's w; the answer must still be right
        return w

    message, _ = run(check_gd_step, in_place)
    assert message is None, message


@pytest.mark.parametrize("check", [check_backprop_step, check_gd_step])
def test_checks_say_when_the_answer_is_not_a_function(check):
    with pytest.raises(CheckFailed, match="expected a function"):
        check(None)


def test_a_wrong_number_is_not_described_by_an_arbitrary_factor():
    """For one number, "off by a constant factor of 3.2 everywhere (1/m?)" would mislead."""
    for check, fn in [(check_backprop_step, lambda w, x, y: ((w * x - y) ** 2, 2 * (w * x - y) * x**2)),
                      (check_gd_step, lambda w, g, lr: w - lr * g**2)]:
        message, _ = run(check, fn)
        assert message is not None and "constant factor" not in message and "1/m" not in message, message
        assert "is wrong: it is too large" in message or "is wrong: it is too small" in message, message
