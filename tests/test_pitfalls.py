import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers.gradcheck import numerical_gradient, relative_error
from bpgd_helpers.pitfalls import (cache_nbytes, dead_relu_fraction, dead_relu_units, deep_params, gradients,
                                   layer_gradient_norms, predicted_cache_nbytes)


def sigmoid_net_loss(X, y):
    """Mean BCE of a network with sigmoid hidden layers, written out here (the oracle's forward pass)."""
    def loss(p):
        A, L = X, len(p) // 2
        for l in range(1, L + 1):
            A = 1 / (1 + np.exp(-(p[f"W{l}"] @ A + p[f"b{l}"])))
        return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))
    return loss


def test_deep_params_shapes_and_scale():
    params = deep_params(depth=3, width=200, weight_scale=2.0, seed=1)
    assert [params[f"W{l}"].shape for l in (1, 2, 3, 4)] == [(200, 3), (200, 200), (200, 200), (1, 200)]
    assert params["W2"].std() == pytest.approx(2.0 / np.sqrt(200), rel=0.02)
    assert all(np.all(params[f"b{l}"] == 0) for l in (1, 2, 3, 4))


def test_relu_gradients_equal_backward():
    X, y = bp.make_dataset(12, seed=3)
    params = deep_params(depth=4, width=5, weight_scale=np.sqrt(2), seed=2)
    _, cache = bp.forward(X, params)
    expected = bp.backward(y, cache, params)
    got = gradients(X, y, params, hidden="relu")
    assert relative_error(got, expected) < 1e-14


def test_sigmoid_gradients_match_central_differences():
    X, y = bp.make_dataset(7, seed=4)
    params = deep_params(depth=3, width=4, weight_scale=1.5, seed=5)
    numeric = numerical_gradient(sigmoid_net_loss(X, y), params, eps=1e-5)
    assert relative_error(gradients(X, y, params, hidden="sigmoid"), numeric) < 1e-8


def test_gradients_vanish_through_sigmoids_and_explode_with_large_weights():
    X, y = bp.make_dataset(64, seed=0)
    sig = layer_gradient_norms(X, y, deep_params(15, weight_scale=1.0), hidden="sigmoid")
    assert sig[0] < 1e-6 * sig[-1]  # the first layer gets a millionth of the last layer's gradient
    he = layer_gradient_norms(X, y, deep_params(15, weight_scale=np.sqrt(2)), hidden="relu")
    assert 0.01 < he[0] / he[-1] < 100  # He initialisation keeps them comparable
    shallow, deep = (layer_gradient_norms(X, y, deep_params(d, weight_scale=3.0))[0] for d in (2, 15))
    assert deep > 1e3 * shallow  # with too large weights the gradient grows with depth


def test_dead_relu_fraction_counts_units_that_are_zero_for_every_example():
    X, _ = bp.make_dataset(30, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    params["b1"] = np.full((4, 1), 100.0)  # every unit of layer 1 is on for these X ...
    params["W2"] = np.abs(params["W2"])  # ... and so is every unit of layer 2
    params["b2"] = np.full((4, 1), 100.0)
    assert dead_relu_fraction(X, params) == 0.0
    params["b2"][[1, 3]] = -1e4  # two units of layer 2 are off for every example
    assert dead_relu_fraction(X, params) == 2 / 8
    params["b1"][:] = -1e4  # layer 1 all off: layer 2 sees zeros, and its b2 decides
    assert dead_relu_fraction(X, params) == (4 + 2) / 8


def test_dead_relu_units_says_which_units_per_layer():
    X, _ = bp.make_dataset(30, seed=0)
    params = bp.init_params([3, 4, 5, 1], seed=0)
    params["b1"] = np.array([[-1e4], [1e4], [1e4], [-1e4]])  # units 0 and 3 of layer 1 off for every example
    params["W2"], params["b2"] = np.abs(params["W2"]), np.full((5, 1), 1.0)
    params["b2"][2] = -1e6  # unit 2 of layer 2 off
    dead = dead_relu_units(X, params)
    assert [d.tolist() for d in dead] == [[True, False, False, True], [False, False, True, False, False]]
    assert dead_relu_fraction(X, params) == 3 / 9


def test_a_dead_first_layer_unit_stays_dead_but_a_later_one_can_come_back():
    """Layer 1 sees the fixed X, so a dead unit there never changes; layer 2 sees A1, which training moves."""
    X, y = bp.make_dataset(256, seed=0)
    params = bp.init_params([3, 32, 32, 1], seed=1)
    was_dead, revived = [np.zeros(32, bool), np.zeros(32, bool)], [0, 0]
    for _ in range(30):
        params, _ = bp.train(X, y, params, lr=10.0, num_epochs=1)
        dead = dead_relu_units(X, params)
        for l in (0, 1):
            revived[l] += int(np.sum(was_dead[l] & ~dead[l]))
            was_dead[l] = dead[l]
    assert revived[0] == 0
    assert revived[1] > 0


def test_dead_units_get_exactly_zero_gradient():
    X, y = bp.make_dataset(30, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    params["b1"][0] = -1e4
    grads = gradients(X, y, params)
    assert np.all(grads["dW1"][0] == 0) and grads["db1"][0, 0] == 0
    assert np.any(grads["dW1"][1:] != 0)


@pytest.mark.parametrize("sizes, m", [([3, 4, 4, 1], 8), ([3, 1], 1), ([5, 16, 7, 9, 1], 33)])
def test_predicted_cache_size_equals_the_measured_one(sizes, m):
    X = np.random.default_rng(0).normal(size=(sizes[0], m))
    _, cache = bp.forward(X, bp.init_params(sizes))
    assert cache_nbytes(cache) == predicted_cache_nbytes(sizes, m)
    assert predicted_cache_nbytes(sizes, 2 * m) == 2 * predicted_cache_nbytes(sizes, m)


def test_bad_input_names_what_was_expected():
    X, y = bp.make_dataset(4)
    with pytest.raises(ValueError, match="hidden must be one of"):
        gradients(X, y, bp.init_params([3, 4, 1]), hidden="tanh")
    with pytest.raises(ValueError, match="weight_scale must be a positive number"):
        deep_params(3, weight_scale=0)
    with pytest.raises(TypeError, match="depth must be a positive int"):
        deep_params(2.5)
    with pytest.raises(ValueError, match="no hidden layer"):
        dead_relu_fraction(X, bp.init_params([3, 1]))
    with pytest.raises(TypeError, match="layer_sizes must be a list"):
        predicted_cache_nbytes(3, 10)
    with pytest.raises(ValueError, match="m must be a positive int"):
        predicted_cache_nbytes([3, 1], 0)
    with pytest.raises(TypeError, match="cache must be the dict"):
        cache_nbytes([1, 2])
