import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import bpgd_helpers as bp


def reference_bce(y_hat, y):
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def test_bce_matches_the_definition():
    y_hat = np.array([[0.9, 0.2, 0.6]])
    y = np.array([[1.0, 0.0, 1.0]])
    assert bp.binary_cross_entropy(y_hat, y) == pytest.approx(reference_bce(y_hat, y), rel=1e-14)
    assert isinstance(bp.binary_cross_entropy(y_hat, y), float)


def test_bce_is_finite_and_silent_at_zero_and_one():
    y_hat = np.array([[0.0, 1.0, 0.0, 1.0]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = bp.binary_cross_entropy(y_hat, y)
        grad = bp.binary_cross_entropy_grad(y_hat, y)
    assert np.isfinite(loss) and loss > 10  # confidently wrong answers cost a lot
    assert np.all(np.isfinite(grad))
    assert bp.binary_cross_entropy(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])) < 1e-10


@given(st.lists(st.floats(-15, 15), min_size=1, max_size=10), st.integers(0, 2**16))
def test_logit_form_equals_probability_form(z, seed):
    z = np.array([z])
    y = np.random.default_rng(seed).integers(0, 2, size=z.shape).astype(float)
    assert bp.binary_cross_entropy_with_logits(z, y) == pytest.approx(reference_bce(1 / (1 + np.exp(-z)), y), rel=1e-8, abs=1e-12)


def test_logit_form_is_exact_where_probabilities_round_off():
    # sigmoid(40) rounds to 1.0 in float64; the logit form still sees the true loss of about 40
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bp.binary_cross_entropy_with_logits(np.array([[40.0]]), np.array([[0.0]])) == pytest.approx(40.0, rel=1e-12)


def test_bce_grad_matches_central_differences():
    rng = np.random.default_rng(0)
    y_hat = rng.uniform(0.05, 0.95, size=(1, 6))
    y = rng.integers(0, 2, size=(1, 6)).astype(float)
    eps = 1e-7
    numeric = np.array([[(bp.binary_cross_entropy(y_hat + eps * e, y) - bp.binary_cross_entropy(y_hat - eps * e, y)) / (2 * eps)
                         for e in np.eye(6)]])
    np.testing.assert_allclose(bp.binary_cross_entropy_grad(y_hat, y), numeric, rtol=1e-6)


def test_bce_accepts_flat_labels_and_rejects_wrong_lengths():
    y_hat = np.array([[0.3, 0.7]])
    assert bp.binary_cross_entropy(y_hat, np.array([0, 1])) == bp.binary_cross_entropy(y_hat, np.array([[0, 1]]))
    with pytest.raises(ValueError, match=r"same shape as y_hat \(1, 2\), got \(3,\)"):
        bp.binary_cross_entropy(y_hat, np.array([0, 1, 1]))


def test_bce_rejects_nan():
    with pytest.raises(ValueError, match="NaN"):
        bp.binary_cross_entropy(np.array([[np.nan]]), np.array([[1.0]]))
