import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import bpgd_helpers as bp

finite_floats = st.floats(-50, 50, allow_nan=False)


def test_relu_values_and_float64():
    z = np.array([[-2, 0, 3]])
    out = bp.relu(z)
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [[0.0, 0.0, 3.0]])


def test_relu_grad_is_a_step_with_zero_at_the_kink():
    np.testing.assert_array_equal(bp.relu_grad(np.array([-1.0, 0.0, 1e-300, 5.0])), [0.0, 0.0, 1.0, 1.0])


def test_sigmoid_is_stable_for_huge_inputs():
    z = np.array([-1e4, -745.0, -50.0, 0.0, 50.0, 745.0, 1e4, -1e308, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = bp.sigmoid(z)
        g = bp.sigmoid_grad(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(g))
    assert s[0] == 0.0 and s[6] == 1.0 and s[3] == 0.5
    assert np.all((s >= 0) & (s <= 1))


@given(arrays(np.float64, st.integers(1, 20), elements=finite_floats))
def test_sigmoid_matches_the_textbook_formula(z):
    np.testing.assert_allclose(bp.sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12, atol=1e-300)


@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-30, 30)))
def test_sigmoid_grad_matches_central_differences(z):
    eps = 1e-6
    numeric = (bp.sigmoid(z + eps) - bp.sigmoid(z - eps)) / (2 * eps)
    np.testing.assert_allclose(bp.sigmoid_grad(z), numeric, rtol=1e-6, atol=1e-9)  # rounding: ~1e-16 / eps


@given(arrays(np.float64, st.integers(1, 20), elements=finite_floats.filter(lambda v: abs(v) > 1e-3)))
def test_relu_grad_matches_central_differences_away_from_the_kink(z):
    eps = 1e-6
    numeric = (bp.relu(z + eps) - bp.relu(z - eps)) / (2 * eps)
    np.testing.assert_allclose(bp.relu_grad(z), numeric, atol=1e-8)


def test_relu_grad_at_the_kink_is_the_left_derivative():
    eps = 1e-6
    left = (bp.relu(0.0) - bp.relu(-eps)) / eps
    central = (bp.relu(eps) - bp.relu(-eps)) / (2 * eps)
    assert bp.relu_grad(0.0) == left == 0.0
    assert central == pytest.approx(0.5)  # central differences see half a step there


@pytest.mark.parametrize("fn", [bp.relu, bp.relu_grad, bp.sigmoid, bp.sigmoid_grad])
@pytest.mark.parametrize("bad", ["1.0", None, {"z": 1}, np.array(["a"])])
def test_non_numeric_input_is_a_type_error(fn, bad):
    with pytest.raises(TypeError, match="z must"):
        fn(bad)
