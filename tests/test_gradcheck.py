import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_a_known_function():
    params = {"a": np.array([[1.0, -2.0]]), "b": np.array([3.0])}
    f = lambda p: float(np.sum(p["a"] ** 3) + np.sin(p["b"][0]))
    g = numerical_gradient(f, params)
    np.testing.assert_allclose(g["da"], 3 * params["a"] ** 2, rtol=1e-8)
    np.testing.assert_allclose(g["db"], np.cos(params["b"]), rtol=1e-8)


def test_numerical_gradient_leaves_params_untouched():
    params = {"w": np.array([1.0, 2.0])}
    numerical_gradient(lambda p: float(np.sum(p["w"] ** 2)), params)
    np.testing.assert_array_equal(params["w"], [1.0, 2.0])


def test_gradient_check_flags_a_wrong_backward():
    X, y = bp.make_dataset(20, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    assert bp.gradient_check(X, y, params) < 1e-7

    def missing_one_over_m(y, cache, params):
        return {k: v * X.shape[1] for k, v in bp.backward(y, cache, params).items()}

    assert bp.gradient_check(X, y, params, backward_fn=missing_one_over_m) > 0.5


def test_gradient_check_names_missing_keys():
    X, y = bp.make_dataset(4)
    params = bp.init_params([3, 2, 1])
    with pytest.raises(ValueError, match=r"keys \['dW1', 'dW2', 'db1', 'db2'\], got \['dW1'\]"):
        bp.gradient_check(X, y, params, backward_fn=lambda y, c, p: {"dW1": 0})


def test_relative_error_is_symmetric_and_zero_for_equal():
    a = {"dw": np.array([1.0, 2.0])}
    b = {"dw": np.array([1.0, 2.5])}
    assert relative_error(a, a) == 0.0
    assert relative_error(a, b) == pytest.approx(relative_error(b, a))
    assert relative_error({"dw": np.zeros(2)}, {"dw": np.zeros(2)}) == 0.0


@pytest.mark.parametrize("bad, exc", [(lambda p: 0.0, None), (None, TypeError)])
def test_numerical_gradient_input_errors(bad, exc):
    if exc is None:
        with pytest.raises(ValueError, match="eps must be a positive step"):
            numerical_gradient(bad, {"w": np.ones(1)}, eps=0)
    else:
        with pytest.raises(exc, match="f must be a function"):
            numerical_gradient(bad, {"w": np.ones(1)})
