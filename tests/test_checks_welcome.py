"""The lesson-00 check: slope(w), the derivative of f(w) = (w - 3)**2, for numbers and arrays."""

import numpy as np
import pytest

from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.welcome import check_slope

from .test_checks_forward import assert_verdicts, not_written


def slope_oracle(w):
    # central difference of f(w) = (w - 3)**2: no calculus; exact for a parabola up to rounding
    f = lambda v: (np.asarray(v, dtype=float) - 3.0) ** 2  # noqa: E731
    return (f(np.asarray(w) + 1e-3) - f(np.asarray(w) - 1e-3)) / 2e-3


def test_slope_oracle_is_independent_and_right():
    assert slope_oracle(5.0) == pytest.approx(4.0)


def test_slope_check(capsys):
    wrong = [
        (lambda w: (w - 3.0) ** 2, "returns f(w) = (w - 3)**2 itself"),
        (lambda w: w - 3.0, "half of what it should be"),
        (lambda w: 2.0 * w, "the shift by 3 is missing"),
        (lambda w: 6.0 - 2.0 * w, "wrong sign"),
        (lambda w: 2.0 * (w - 3.0) + 1.0, "is wrong: it is too large"),
        (lambda w: 2.0 * w - 6.0 if w > 3 else 2.0 * w - 7.0, "is wrong: it is too small"),
        (lambda w: float(2.0 * (w - 3.0)), "fails for a NumPy array"),
        (lambda w: 2.0 * (w - 3.0) if np.ndim(w) == 0 else list(2.0 * (w - 3.0)), "should be a NumPy array"),
        (not_written, "not written yet"),
    ]
    assert_verdicts(check_slope, lambda w: 2.0 * (w - 3.0), wrong, slope_oracle)
    assert "✔ slope is right" in capsys.readouterr().out


def test_slope_check_says_when_the_answer_is_not_a_function():
    with pytest.raises(CheckFailed, match="expected a function"):
        check_slope(2.0)
