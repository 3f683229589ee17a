"""minibatches and train: the three variants of gradient descent on the article's network.

The oracle for an update is an independent one: the mean BCE written out in
NumPy here, differentiated by central differences, never bp.backward.
"""

import math

import numpy as np
import pytest
from hypothesis import given

import bpgd_helpers as bp
from .conftest import networks


def _J(X, y, p):
    """Mean BCE of the article's network, written out independently of bpgd_helpers."""
    A1 = np.maximum(p["W1"] @ X + p["b1"], 0)
    A2 = np.maximum(p["W2"] @ A1 + p["b2"], 0)
    y_hat = 1 / (1 + np.exp(-(p["W3"] @ A2 + p["b3"])))
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))


def _fd_step(X, y, p, lr, eps=1e-6):
    """One GD step with the central-difference gradient of _J."""
    out = {}
    for k, v in p.items():
        g = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            plus = {**p, k: v.copy()}
            minus = {**p, k: v.copy()}
            plus[k][i] += eps
            minus[k][i] -= eps
            g[i] = (_J(X, y, plus) - _J(X, y, minus)) / (2 * eps)
        out[k] = v - lr * g
    return out


@pytest.fixture
def data():
    X, y = bp.make_dataset(12, seed=3)
    return X, y, bp.init_params([3, 4, 4, 1], seed=5)


# --- minibatches -------------------------------------------------------------------------------

@pytest.mark.parametrize("m,batch_size", [(10, 3), (10, 5), (7, 1), (4, 9)])
def test_minibatches_cover_every_example_once_and_keep_pairs(m, batch_size):
    X = np.vstack([np.arange(m), np.zeros((2, m))])
    y = (np.arange(m) % 2).reshape(1, m).astype(float)
    batches = list(bp.minibatches(X, y, batch_size, seed=4))
    assert [xb.shape[1] for xb, _ in batches] == [min(batch_size, m - s) for s in range(0, m, batch_size)]
    ids = np.concatenate([xb[0] for xb, _ in batches])
    assert sorted(ids) == list(range(m))
    for xb, yb in batches:
        assert xb.shape[0] == 3 and yb.shape == (1, xb.shape[1])
        assert np.array_equal(yb[0], xb[0] % 2)  # the label is the parity of the id


def test_minibatches_order_follows_the_seed():
    m = 40
    X = np.vstack([np.arange(m), np.zeros((2, m))])
    y = np.zeros((1, m))

    def order(seed):
        return np.concatenate([xb[0] for xb, _ in bp.minibatches(X, y, 8, seed=seed)])

    assert np.array_equal(order(None), np.arange(m))
    assert np.array_equal(order(1), order(1))
    assert not np.array_equal(order(1), order(2))
    assert not np.array_equal(order(1), np.arange(m))
    assert np.array_equal(order(7), np.random.default_rng(7).permutation(m))


@pytest.mark.parametrize("args,error,words", [
    ((np.zeros(5), np.zeros((1, 5)), 2), ValueError, "2-D"),
    ((np.zeros((3, 5)), np.zeros((1, 4)), 2), ValueError, "(1, 5)"),
    ((np.zeros((3, 5)), np.zeros((1, 5)), 0), ValueError, "batch_size"),
    ((np.zeros((3, 5)), np.zeros((1, 5)), 2.0), TypeError, "batch_size"),
    ((np.zeros((3, 5)), np.zeros((1, 5)), 2, "1"), TypeError, "seed"),
])
def test_minibatches_bad_input_names_what_was_expected(args, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        list(bp.minibatches(*args))


# --- train: the update rule against an independent oracle -------------------------------------

def test_one_epoch_of_batch_gd_is_one_step_against_the_gradient(data):
    X, y, params = data
    trained, history = bp.train(X, y, params, lr=0.3, num_epochs=1, batch_size=None)
    expected = _fd_step(X, y, params, 0.3)
    for k in params:
        np.testing.assert_allclose(trained[k], expected[k], rtol=1e-6, atol=1e-8)
    assert history["updates"] == [1] and history["grad_evals"] == [12]


@pytest.mark.parametrize("batch_size", [1, 5])
def test_one_epoch_of_minibatch_gd_steps_through_the_shuffled_batches(data, batch_size):
    X, y, params = data
    trained, history = bp.train(X, y, params, lr=0.2, num_epochs=1, batch_size=batch_size, seed=11)
    order = np.random.default_rng(11).permutation(12)  # epoch 0 uses seed + 0
    expected = params
    for start in range(0, 12, batch_size):
        idx = order[start : start + batch_size]
        expected = _fd_step(X[:, idx], y[:, idx], expected, 0.2)
    for k in params:
        np.testing.assert_allclose(trained[k], expected[k], rtol=1e-5, atol=1e-8)
    assert history["updates"] == [math.ceil(12 / batch_size)]


def test_history_counts_losses_and_the_input_is_not_modified(data):
    X, y, params = data
    before = {k: v.copy() for k, v in params.items()}
    trained, history = bp.train(X, y, params, lr=0.1, num_epochs=3, batch_size=5, shuffle=False)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
    assert history["grad_evals"] == [12, 24, 36]
    assert history["updates"] == [3, 6, 9]
    assert history["loss"][-1] == pytest.approx(_J(X, y, trained), rel=1e-10)
    assert all(b >= a for a, b in zip(history["time"], history["time"][1:]))
    # batch_loss of epoch 1 (no shuffling): batch losses along the way, weighted by batch size.
    p, total = before, 0.0
    for start in (0, 5, 10):
        Xb, yb = X[:, start : start + 5], y[:, start : start + 5]
        total += _J(Xb, yb, p) * Xb.shape[1]
        p = _fd_step(Xb, yb, p, 0.1)
    assert history["batch_loss"][0] == pytest.approx(total / 12, rel=1e-6)
    assert not history["diverged"] and "3 epochs" in history["message"]


def test_log_every_records_the_loss_within_epochs(data):
    X, y, params = data
    trained, history = bp.train(X, y, params, lr=0.1, num_epochs=2, batch_size=2, log_every=4)
    log = history["log"]
    assert log["updates"] == [0, 4, 8, 12]
    assert log["grad_evals"] == [0, 8, 16, 24]
    assert log["loss"][0] == pytest.approx(_J(X, y, params), rel=1e-12)
    assert log["loss"][-1] == pytest.approx(history["loss"][-1], rel=1e-12)
    assert len(log["time"]) == 4 and log["time"] == sorted(log["time"])
    assert "log" not in bp.train(X, y, params, num_epochs=1)[1]


def test_sgd_makes_more_progress_per_epoch_than_batch_gd():
    X, y = bp.make_dataset(128, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    _, batch = bp.train(X, y, params, lr=1.0, num_epochs=3)
    _, sgd = bp.train(X, y, params, lr=0.05, num_epochs=3, batch_size=1)
    assert sgd["loss"][-1] < batch["loss"][-1] - 0.05


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 1])
def test_divergence_ends_the_run_and_says_so(data, optimizer, batch_size):
    X, y, params = data
    big = {k: v * 1e200 for k, v in params.items()}
    _, history = bp.train(X, y, big, optimizer=optimizer, lr=1e300, num_epochs=5, batch_size=batch_size)
    assert history["diverged"]
    assert len(history["loss"]) < 5 and math.isnan(history["loss"][-1])
    assert "diverged in epoch" in history["message"] and "smaller lr" in history["message"]


def test_every_optimizer_trains(data):
    X, y, params = data
    start = _J(X, y, params)
    for name in ["gd", "momentum", "nesterov", "rmsprop", "adam"]:
        lr = 0.01 if name in ("rmsprop", "adam") else 0.1
        trained, history = bp.train(X, y, params, optimizer=name, lr=lr, num_epochs=30, batch_size=4)
        assert history["loss"][-1] < start, name


@pytest.mark.parametrize("kwargs,error,words", [
    ({"num_epochs": 0}, ValueError, "num_epochs"),
    ({"batch_size": -1}, ValueError, "batch_size"),
    ({"log_every": 0}, ValueError, "log_every"),
    ({"optimizer": "sgd2"}, ValueError, "optimizer must be one of"),
    ({"lr": -0.1}, ValueError, "lr"),
    ({"momentum": 0.9}, TypeError, "unknown hyperparameters"),
])
def test_train_bad_input_names_what_was_expected(data, kwargs, error, words):
    X, y, params = data
    with pytest.raises(error, match=words):
        bp.train(X, y, params, **kwargs)


def test_train_rejects_rows_as_examples(data):
    X, y, params = data
    with pytest.raises(ValueError, match="X.T"):
        bp.train(X.T, y, params)


def test_progress_bar_runs(data, capsys):
    X, y, params = data
    _, history = bp.train(X, y, params, num_epochs=2, progress=True)
    assert len(history["loss"]) == 2
    assert "batch_size=12" in capsys.readouterr().err


@given(networks())
def test_the_training_loops_gradient_is_exactly_forward_then_backward(net):
    from bpgd_helpers.training import _forward_backward

    sizes, params, X, y = net
    y_hat, grads = _forward_backward(X, y, params, len(sizes) - 1)
    y_hat_ref, cache = bp.forward(X, params)
    expected = bp.backward(y, cache, params)
    np.testing.assert_array_equal(y_hat, y_hat_ref)
    assert sorted(grads) == sorted(expected)
    for k in expected:
        np.testing.assert_array_equal(grads[k], expected[k])
