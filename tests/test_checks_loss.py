"""The lesson-03 checks: a stable BCE, dJ/dZ3 = (y_hat - y) / m, and BCE from logits."""

import numpy as np
import pytest

from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.loss import check_bce, check_bce_with_logits, check_dJ_dZ3

from .test_checks_forward import assert_verdicts, not_written


def bce_oracle(y_hat, y):
    """Mean BCE as the negative log of the Bernoulli likelihood p**y * (1 - p)**(1 - y)."""
    p = np.clip(np.asarray(y_hat, dtype=float), 1e-300, 1)
    q = np.clip(1 - np.asarray(y_hat, dtype=float), 1e-300, 1)
    return -np.mean(np.log(p**y * q ** (1 - y)))


def clipped(y_hat, eps=1e-12):
    return np.clip(y_hat, eps, 1 - eps)


def right_bce(y_hat, y):
    p = clipped(y_hat)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def test_bce_check(capsys):
    wrong = [
        (lambda p, y: -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), "0 * log(0) is 0 * -inf = NaN"),
        (lambda p, y: -right_bce(p, y), "minus sign"),
        (lambda p, y: right_bce(p, y) * y.shape[1], "m times too large"),
        (lambda p, y: right_bce(p, y) / np.log(10), "base-10"),
        (lambda p, y: right_bce(1 - p, y), "the wrong way round"),
        (lambda p, y: float(-np.mean(y * np.log(clipped(p)))), "only has the y * log(y_hat) term"),
        (lambda p, y: -(y * np.log(clipped(p)) + (1 - y) * np.log(1 - clipped(p))), "one loss per example"),
        (lambda p, y: right_bce(y, p), "swap the arguments"),
        (lambda p, y: -np.mean(y * np.log(clipped(p, 1e-3)) + (1 - y) * np.log(1 - clipped(p, 1e-3))),
         "should be (almost) 0"),
        (lambda p, y: min(right_bce(p, y), 5.0), "is too small"),
        (lambda p, y: right_bce(p, y) + 0.1,
         "bce(y_hat, y) is wrong already for one example with y_hat = 0.8 and y = 1"),
        (lambda p, y: float(-np.mean(y * np.log(clipped(p)) + (1 - y) * np.log(clipped(p)))),
         "one example with y_hat = 0.8 and y = 0"),
        (lambda p, y: float(-np.sum(y * np.log(clipped(p)) + (1 - y) * np.log(1 - clipped(p))) / y.size**2),
         "right for one example at a time but wrong for a batch"),
        (not_written, "not written yet"),
    ]
    assert_verdicts(check_bce, right_bce, wrong, bce_oracle)
    assert "✔ bce is right" in capsys.readouterr().out


def dZ3_oracle(y_hat, y):
    # central differences of the mean BCE with respect to z = logit(y_hat), example by example
    z = np.log(y_hat / (1 - y_hat))
    J = lambda z: np.mean(np.logaddexp(0, z) - y * z)  # noqa: E731 - mean BCE of sigmoid(z)
    eps = 1e-6
    return np.array([[(J(z + eps * e) - J(z - eps * e)) / (2 * eps) for e in np.eye(z.size)]])


def test_dJ_dZ3_oracle_is_independent_and_right():
    y_hat, y = np.array([[0.2, 0.9, 0.6]]), np.array([[0.0, 0.0, 1.0]])
    np.testing.assert_allclose(dZ3_oracle(y_hat, y), (y_hat - y) / 3, rtol=1e-6)


def test_dJ_dZ3_check(capsys):
    wrong = [
        (lambda p, y: p - y, "m times too large"),
        (lambda p, y: (y - p) / y.shape[1], "wrong sign"),
        (lambda p, y: (p - y) * p * (1 - p) / y.shape[1], "once too often"),
        (lambda p, y: (-y / p + (1 - y) / (1 - p)) / y.shape[1], "that is dA3"),
        (lambda p, y: np.mean(p - y), "one number per example"),
        (lambda p, y: ((p - y) / y.shape[1]).T, "transposed"),
        (lambda p, y: (p - y) / (y.shape[1] + 1), "constant factor"),
        (not_written, "not written yet"),
    ]
    assert_verdicts(check_dJ_dZ3, lambda p, y: (p - y) / y.shape[1], wrong, dZ3_oracle)
    assert "✔ dJ_dZ3 is right" in capsys.readouterr().out


def logits_oracle(z, y):
    return np.mean(np.logaddexp(0, z) - y * z)  # log(1 + e^z) - y z, NumPy's stable logaddexp


def right_logits(z, y):
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def sigmoid(z):
    return 0.5 * (1 + np.tanh(z / 2))


def test_bce_with_logits_check(capsys):
    wrong = [
        (lambda z, y: right_bce(sigmoid(z), y), "goes through y_hat = sigmoid(z) and a clip"),
        (lambda z, y: -np.mean(y * np.log(sigmoid(z)) + (1 - y) * np.log(1 - sigmoid(z))), "log(0) = -inf"),
        (lambda z, y: float(np.mean(z - z * y + np.log(1 + np.exp(-z)))), "overflow encountered in exp"),
        (lambda z, y: -right_logits(z, y), "is negative"),
        (lambda z, y: right_logits(z, y) * z.shape[1], "m times too large"),
        (lambda z, y: right_logits(z, y) + 0.01, "bce_with_logits(z, y) is wrong already for one example"),
        (lambda z, y: float(np.mean(np.maximum(z, 0) + z * y + np.log1p(np.exp(-np.abs(z))))), "adds z * y"),
        (lambda z, y: float(np.mean(np.maximum(z, 0) - z * (1 - y) + np.log1p(np.exp(-np.abs(z))))),
         "uses (1 - y) where y belongs"),
        (lambda z, y: float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-z)))), "wrong for negative z"),
        (lambda z, y: float(np.mean(-z * y + np.log1p(np.exp(-np.abs(z))))), "missing the max(z, 0) term"),
        (lambda z, y: float(np.sum(np.logaddexp(0, z) - y * z) / z.size**2),
         "right for one example at a time but wrong for a batch"),
        (not_written, "not written yet"),
    ]
    assert_verdicts(check_bce_with_logits, right_logits, wrong, logits_oracle)
    assert "✔ bce_with_logits is right" in capsys.readouterr().out


@pytest.mark.parametrize("check", [check_bce, check_dJ_dZ3, check_bce_with_logits])
def test_checks_say_when_the_answer_is_not_a_function(check):
    with pytest.raises(CheckFailed, match="expected a function"):
        check("bce")


def test_bce_with_logits_check_accepts_every_stable_form():
    forms = [right_logits, lambda z, y: float(np.mean(np.logaddexp(0, z) - z * y)),
             lambda z, y: float(np.mean(np.maximum(z, 0) - z * y + np.log(1 + np.exp(-np.abs(z)))))]
    for form in forms:
        for _ in range(20):  # fresh random inputs each time: no draw may turn a right form into a "mistake"
            check_bce_with_logits(form)
