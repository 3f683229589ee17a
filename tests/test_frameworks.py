"""bpgd_helpers.frameworks: the course's network next to Keras and PyTorch.

Keras and PyTorch are independent oracles here: Keras's training loop for bp.train,
PyTorch autograd for bp.backward. Tests that need them skip when the `frameworks`
extra is not installed.
"""

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers import frameworks


@pytest.fixture
def keras64():
    """Keras with float64 as its default number type and dtype policy, restored afterwards."""
    pytest.importorskip("torch")
    keras = pytest.importorskip("keras")
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield keras
    keras.config.set_floatx(floatx)
    keras.config.set_dtype_policy(policy)


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def keras_fit(keras, params, X, y, lr, num_epochs, batch_size):
    """(per-epoch losses, params after training) of the article's SGD training in Keras, unshuffled."""
    model = frameworks.keras_network(params, dtype="float64")
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy")
    history = model.fit(X.T, y.T, batch_size=batch_size, epochs=num_epochs, shuffle=False, verbose=0)
    return np.array(history.history["loss"]), frameworks.from_keras_weights(model.get_weights())


# --- layouts (NumPy only) ---------------------------------------------------------

def test_to_keras_weights_transposes_kernels_and_flattens_biases():
    params = bp.init_params([3, 5, 2, 1], seed=1)
    params["b2"] = np.array([[0.5], [-0.25]])
    weights = frameworks.to_keras_weights(params)
    assert [w.shape for w in weights] == [(3, 5), (5,), (5, 2), (2,), (2, 1), (1,)]
    # Keras computes X.T @ kernel + bias; the course computes W @ X + b: the same numbers, transposed.
    X = np.random.default_rng(0).standard_normal((3, 7))
    np.testing.assert_allclose(X.T @ weights[0] + weights[1], (params["W1"] @ X + params["b1"]).T, rtol=1e-14)
    np.testing.assert_array_equal(weights[3], [0.5, -0.25])


def test_from_keras_weights_inverts_to_keras_weights():
    params = bp.init_params([3, 4, 4, 1], seed=2)
    back = frameworks.from_keras_weights(frameworks.to_keras_weights(params))
    assert back.keys() == params.keys()
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])


def test_to_keras_weights_does_not_alias_params():
    params = bp.init_params([3, 4, 1], seed=0)
    weights = frameworks.to_keras_weights(params)
    weights[0][0, 0] = 99.0
    assert params["W1"][0, 0] != 99.0


@pytest.mark.parametrize("weights, pattern", [
    ([np.zeros((3, 4))], "kernel1, bias1"),
    ("W1", "must be a list"),
    ([np.zeros((3, 4)), np.zeros(5)], r"b1 must have shape \(n_1, 1\) = \(4, 1\)"),
])
def test_from_keras_weights_rejects_bad_lists(weights, pattern):
    with pytest.raises(ValueError, match=pattern):
        frameworks.from_keras_weights(weights)


def test_agreement_prints_a_power_of_ten_and_raises_beyond_the_tolerance(capsys):
    assert frameworks.agreement("a vs b", 3.2e-8, tolerance=1e-6) == pytest.approx(3.2e-8)
    assert capsys.readouterr().out == "a vs b: difference < 1e-7, tolerance 1e-6 ✔\n"
    frameworks.agreement("same", 0.0, tolerance=1e-6)
    assert "0 (identical)" in capsys.readouterr().out
    for bad in (2e-6, float("nan")):
        with pytest.raises(AssertionError, match="more than the tolerance 1e-6"):
            frameworks.agreement("a vs b", bad, tolerance=1e-6)


def test_available_is_a_bool():
    assert frameworks.available() in (True, False)


# --- Keras: the same network, the same training ----------------------------------------

def test_keras_network_predicts_what_forward_computes(keras64):
    X, _ = bp.make_dataset(64, seed=3)
    params = bp.init_params([3, 4, 4, 1], seed=3)
    model = frameworks.keras_network(params)
    assert [layer.kernel.dtype for layer in model.layers] == ["float64"] * 3
    y_hat_keras = np.asarray(model.predict(X.T, verbose=0)).T
    # 1e-6, not 1e-15: Keras 3 on PyTorch multiplies matrices in float32 even in a float64 model
    np.testing.assert_allclose(y_hat_keras, bp.forward(X, params)[0], atol=1e-6, rtol=0)


@pytest.mark.parametrize("batch_size", [None, 32, 48])
def test_bp_train_reproduces_keras_per_epoch_losses(keras64, batch_size):
    X, y = bp.make_dataset(128, seed=0)  # 48 does not divide 128: a short last batch
    params = bp.init_params([3, 4, 4, 1], seed=0)
    lr, num_epochs = 0.5, 4
    keras_losses, keras_params = keras_fit(keras64, params, X, y, lr, num_epochs, batch_size or 128)
    ours, history = bp.train(X, y, params, lr=lr, num_epochs=num_epochs, batch_size=batch_size, shuffle=False)
    assert np.max(np.abs(keras_losses - history["batch_loss"])) < 1e-6
    for k in params:
        np.testing.assert_allclose(keras_params[k], ours[k], atol=1e-6, rtol=0)
    # the training did something, so agreeing is not trivial
    assert history["batch_loss"][-1] < history["batch_loss"][0] - 0.01


def test_the_comparison_notices_a_one_percent_different_learning_rate(keras64):
    X, y = bp.make_dataset(128, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    keras_losses, _ = keras_fit(keras64, params, X, y, 0.5 * 1.01, 4, 32)
    _, history = bp.train(X, y, params, lr=0.5, num_epochs=4, batch_size=32, shuffle=False)
    assert np.max(np.abs(keras_losses - history["batch_loss"])) > 1e-5


def test_keras_epoch_loss_is_the_batch_size_weighted_mean_of_batch_losses(keras64):
    X, y = bp.make_dataset(40, seed=5)  # batches of 16, 16 and 8
    params = bp.init_params([3, 4, 4, 1], seed=5)
    keras_losses, _ = keras_fit(keras64, params, X, y, lr=0.8, num_epochs=1, batch_size=16)
    current, losses, sizes = {k: v.copy() for k, v in params.items()}, [], []
    for Xb, yb in bp.minibatches(X, y, 16):
        y_hat, cache = bp.forward(Xb, current)
        losses.append(bp.binary_cross_entropy(y_hat, yb))
        sizes.append(Xb.shape[1])
        grads = bp.backward(yb, cache, current)
        current = {k: v - 0.8 * grads["d" + k] for k, v in current.items()}
    weighted, plain = np.average(losses, weights=sizes), np.mean(losses)
    assert abs(weighted - plain) > 1e-4  # the two candidates are far apart
    assert keras_losses[0] == pytest.approx(weighted, abs=1e-6)


def test_keras_clips_probabilities_at_its_epsilon_and_loses_the_gradient(keras64, torch):
    z = torch.tensor([[20.0]], dtype=torch.float64, requires_grad=True)
    loss = keras64.losses.binary_crossentropy(torch.zeros((1, 1), dtype=torch.float64), torch.sigmoid(z))
    loss.sum().backward()
    assert loss.item() == pytest.approx(-np.log(keras64.config.epsilon()), rel=1e-6)  # 16.118..., not 20
    assert z.grad.item() == 0.0
    # the course's backward has no such cliff: dZ3 = y_hat - y
    assert bp.sigmoid(20.0) - 0.0 == pytest.approx(1.0, abs=1e-8)


# --- PyTorch: the same gradients -----------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_torch_gradients_match_backward(torch, seed):
    X, y = bp.make_dataset(32, seed=seed)
    params = bp.init_params([3, 4, 4, 1], seed=seed)
    params["b2"] = np.random.default_rng(seed).normal(0, 0.5, (4, 1))
    y_hat, cache = bp.forward(X, params)
    theirs, J = frameworks.torch_gradients(X, y, params)
    assert bp.relative_error(bp.backward(y, cache, params), theirs) < 1e-10
    assert J == pytest.approx(bp.binary_cross_entropy(y_hat, y), rel=1e-12)


def test_torch_gradients_in_float32_agree_only_to_float32_precision(torch):
    X, y = bp.make_dataset(64, seed=1)
    params = bp.init_params([3, 16, 8, 1], seed=1)
    ours = bp.backward(y, bp.forward(X, params)[1], params)
    err32 = bp.relative_error(ours, frameworks.torch_gradients(X, y, params, dtype="float32")[0])
    assert 1e-10 < err32 < 1e-5


def test_torch_forward_and_autograd_match_forward_and_backward(torch):
    X, y = bp.make_dataset(16, seed=7)
    params = bp.init_params([3, 5, 3, 1], seed=7)
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    y_hat = frameworks.torch_forward(torch.tensor(X), tensors)
    ours_y_hat, cache = bp.forward(X, params)
    np.testing.assert_allclose(y_hat.detach().numpy(), ours_y_hat, rtol=1e-13)
    torch.nn.functional.binary_cross_entropy(y_hat, torch.tensor(y)).backward()
    theirs = {f"d{k}": t.grad.numpy() for k, t in tensors.items()}
    assert bp.relative_error(bp.backward(y, cache, params), theirs) < 1e-10
