import numpy as np
import pytest
from hypothesis import assume, given

import bpgd_helpers as bp
from bpgd_helpers.gradcheck import numerical_gradient

from .conftest import networks


def loss_fn(X, y):
    return lambda p: bp.binary_cross_entropy(bp.forward(X, p)[0], y)


def richardson_gradient(f, params, h=1e-4):
    """Central differences at h and h/2 combined to cancel the h**2 error term: error O(h**4)."""
    coarse = numerical_gradient(f, params, eps=h)
    fine = numerical_gradient(f, params, eps=h / 2)
    return {k: (4 * fine[k] - coarse[k]) / 3 for k in coarse}


# --- shapes and values -------------------------------------------------------------

def test_init_params_shapes_dtype_and_seed():
    params = bp.init_params([3, 4, 4, 1], seed=0)
    assert {k: v.shape for k, v in params.items()} == {
        "W1": (4, 3), "b1": (4, 1), "W2": (4, 4), "b2": (4, 1), "W3": (1, 4), "b3": (1, 1)}
    assert all(v.dtype == np.float64 for v in params.values())
    np.testing.assert_array_equal(params["W1"], bp.init_params([3, 4, 4, 1], seed=0)["W1"])
    assert not np.array_equal(params["W1"], bp.init_params([3, 4, 4, 1], seed=1)["W1"])


def test_he_initialisation_scale():
    W = bp.init_params([400, 300, 1], seed=0)["W1"]
    assert W.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)


def test_forward_matches_a_hand_written_pass(article_net):
    X, y, p, y_hat, cache = article_net
    a1 = np.maximum(0, p["W1"] @ X + p["b1"])
    a2 = np.maximum(0, p["W2"] @ a1 + p["b2"])
    expected = 1 / (1 + np.exp(-(p["W3"] @ a2 + p["b3"])))
    np.testing.assert_allclose(y_hat, expected, rtol=1e-14)
    assert y_hat.shape == (1, 16)
    assert sorted(cache) == ["A0", "A1", "A2", "A3", "Z1", "Z2", "Z3"]


def test_backward_shapes_match_params(article_net):
    X, y, p, y_hat, cache = article_net
    grads = bp.backward(y, cache, p)
    assert set(grads) == {"d" + k for k in p}
    for k in p:
        assert grads["d" + k].shape == p[k].shape and grads["d" + k].dtype == np.float64


def test_backward_steps_are_in_the_articles_order(article_net):
    X, y, p, y_hat, cache = article_net
    assert list(bp.backward_steps(y, cache, p)) == [
        "dA3", "dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]


def test_intermediate_steps_match_central_differences_on_z(article_net):
    """dZ2 really is dJ/dZ2: perturb Z2 itself and run the rest of the network."""
    X, y, p, y_hat, cache = article_net
    steps = bp.backward_steps(y, cache, p)

    def J_of_Z2(Z2):
        a3 = bp.sigmoid(p["W3"] @ bp.relu(Z2) + p["b3"])
        return bp.binary_cross_entropy(a3, y)

    Z2 = cache["Z2"]
    assume_far = np.min(np.abs(Z2)) > 1e-4
    assert assume_far, "test data should keep Z2 away from the kink"
    numeric = numerical_gradient(lambda d: J_of_Z2(d["Z2"]), {"Z2": Z2})["dZ2"]
    np.testing.assert_allclose(steps["dZ2"], numeric, rtol=1e-6, atol=1e-11)


def test_backward_stays_finite_when_the_output_saturates():
    params = bp.init_params([3, 4, 1], seed=0)
    params["b2"] = np.array([[800.0]])  # y_hat rounds to exactly 1.0
    X, y = bp.make_dataset(5)
    y_hat, cache = bp.forward(X, params)
    assert np.all(y_hat == 1.0)
    grads = bp.backward(y, cache, params)
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    np.testing.assert_allclose(grads["db2"], [[np.mean(1 - y)]])


# --- property tests: backward against central differences -------------------------

@given(networks())
def test_backward_matches_central_differences_away_from_kinks(net):
    sizes, params, X, y = net
    _, cache = bp.forward(X, params)
    hidden_z = [cache[f"Z{l}"] for l in range(1, len(sizes) - 1)]
    assume(all(np.min(np.abs(Z)) > 1e-2 for Z in hidden_z))  # no ReLU input within reach of a step
    analytic = bp.backward(y, cache, params)
    numeric = richardson_gradient(loss_fn(X, y), params)
    scale = max(np.linalg.norm(np.concatenate([g.ravel() for g in analytic.values()])), 1e-3)
    # relative error, with the gradient's size floored so a vanishing gradient does not divide by ~0
    err = max(np.max(np.abs(analytic[k] - numeric[k])) for k in analytic) / scale
    assert err < 1e-8, f"sizes={sizes}, m={X.shape[1]}: relative error {err:.2e}"


@given(networks())
def test_gradient_check_reports_agreement(net):
    sizes, params, X, y = net
    _, cache = bp.forward(X, params)
    assume(all(np.min(np.abs(cache[f"Z{l}"])) > 1e-3 for l in range(1, len(sizes) - 1)))
    grads = bp.backward(y, cache, params)
    assume(sum(np.sum(g**2) for g in grads.values()) > 1e-8)
    assert bp.gradient_check(X, y, params) < 1e-6


def kinked_network():
    """The article's network with one hidden unit exactly at its kink for example 0."""
    X, y = bp.make_dataset(6, seed=3)
    X[:, 0] = 0.0  # Z1[:, 0] = b1, and b1[0] = 0 puts unit 0 at z = 0
    params = bp.init_params([3, 4, 4, 1], seed=4)
    params["b1"] = np.array([[0.0], [0.3], [-0.2], [0.5]])
    _, cache = bp.forward(X, params)
    assert cache["Z1"][0, 0] == 0.0
    return X, y, params


def test_at_a_kink_backward_takes_the_left_derivative():
    X, y, params = kinked_network()
    _, cache = bp.forward(X, params)
    db1 = bp.backward(y, cache, params)["db1"][0, 0]
    J = loss_fn(X, y)
    eps = 1e-7
    minus = {k: v.copy() for k, v in params.items()}
    minus["b1"][0, 0] -= eps
    plus = {k: v.copy() for k, v in params.items()}
    plus["b1"][0, 0] += eps
    left = (J(params) - J(minus)) / eps
    right = (J(plus) - J(params)) / eps
    assert db1 == pytest.approx(left, abs=1e-5)
    assert abs(right - left) > 1e-3, "the test point must really be a kink"


def test_at_a_kink_central_differences_disagree_and_gradient_check_says_so():
    X, y, params = kinked_network()
    assert bp.gradient_check(X, y, params) > 1e-6
    X2 = X.copy()
    X2[:, 0] = 0.1  # move off the kink: agreement returns
    assert bp.gradient_check(X2, y, params) < 1e-7


# --- wrong input gets a clear error ----------------------------------------------

@pytest.fixture
def p():
    return bp.init_params([3, 4, 4, 1])


def test_examples_as_rows_is_explained(p):
    X, _ = bp.make_dataset(10)
    with pytest.raises(ValueError, match=r"\(3, m\).*got \(10, 3\).*X\.T"):
        bp.forward(X.T, p)


def test_wrong_feature_count(p):
    with pytest.raises(ValueError, match=r"shape \(n_x, m\) = \(3, m\).*got \(5, 7\)"):
        bp.forward(np.zeros((5, 7)), p)


def test_one_dimensional_X(p):
    with pytest.raises(ValueError, match=r"2-D.*got shape \(3,\)"):
        bp.forward(np.zeros(3), p)


def test_missing_key_is_named(p):
    del p["b2"]
    with pytest.raises(ValueError, match=r"missing \['b2'\]"):
        bp.forward(np.zeros((3, 2)), p)


def test_params_must_be_a_dict():
    with pytest.raises(TypeError, match="params must be a dict.*got a list"):
        bp.forward(np.zeros((3, 2)), [np.zeros((4, 3))])


def test_inconsistent_layer_shapes(p):
    p["W2"] = np.zeros((4, 5))
    with pytest.raises(ValueError, match=r"W2 has shape \(4, 5\).*expects 5 inputs.*layer 1 has 4 units"):
        bp.forward(np.zeros((3, 2)), p)


def test_bias_shape(p):
    p["b1"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"b1 must have shape \(n_1, 1\) = \(4, 1\).*got \(4,\)"):
        bp.forward(np.zeros((3, 2)), p)


def test_nan_in_data(p):
    X = np.zeros((3, 4))
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match="X must be finite, but 1 of its 12 entries"):
        bp.forward(X, p)


def test_nan_in_params(p):
    p["W3"][0, 0] = np.inf
    with pytest.raises(ValueError, match="W3 must be finite"):
        bp.forward(np.zeros((3, 2)), p)


def test_y_of_wrong_length(p):
    X, y = bp.make_dataset(8)
    _, cache = bp.forward(X, p)
    with pytest.raises(ValueError, match=r"y must have shape \(1, m\) = \(1, 8\).*got \(1, 7\)"):
        bp.backward(y[:, :7], cache, p)


def test_non_binary_labels(p):
    X, y = bp.make_dataset(4)
    _, cache = bp.forward(X, p)
    with pytest.raises(ValueError, match="between 0 and 1"):
        bp.backward(y * 3, cache, p)


def test_cache_from_elsewhere(p):
    X, y = bp.make_dataset(4)
    with pytest.raises(ValueError, match=r"cache is missing \['Z1'"):
        bp.backward(y, {"A0": X}, p)


@pytest.mark.parametrize("sizes, exc, pattern", [
    ([3, 0, 1], ValueError, r"layer_sizes\[1\] must be a positive int, got 0"),
    ([3, 4, 2], ValueError, "last layer size must be 1"),
    ([3], ValueError, "at least 2 entries"),
    ([3, 4.5, 1], TypeError, r"layer_sizes\[1\] must be a positive int, got a float"),
    ("341", TypeError, "list of ints"),
])
def test_bad_layer_sizes(sizes, exc, pattern):
    with pytest.raises(exc, match=pattern):
        bp.init_params(sizes)


def test_any_number_of_hidden_layers():
    X, y = bp.make_dataset(5)
    for sizes in ([3, 1], [3, 2, 1], [3, 5, 4, 3, 2, 1]):
        params = bp.init_params(sizes)
        y_hat, cache = bp.forward(X, params)
        assert y_hat.shape == (1, 5)
        assert set(bp.backward(y, cache, params)) == {"d" + k for k in params}
