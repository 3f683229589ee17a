"""The visible checks of lesson 10: right answers pass, each typical mistake gets its own message."""

import sys

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.frameworks import check_keras_epoch, check_to_keras_weights, check_torch_forward


# --- exercise 10.1: to_keras_weights -------------------------------------------------------

def right_weights(params):
    L = len(params) // 2
    return [w for l in range(1, L + 1) for w in (params[f"W{l}"].T, params[f"b{l}"].ravel())]


def test_right_weights_pass(capsys):
    check_to_keras_weights(right_weights)
    assert capsys.readouterr().out.startswith("✔")


@pytest.mark.parametrize("wrong, pattern", [
    (lambda p: None, "should return a list"),
    (lambda p: [p[f"W{l}"].T for l in (1, 2, 3)] + [p[f"b{l}"].ravel() for l in (1, 2, 3)], "the shape of a kernel"),
    (lambda p: [w for l in (1, 2, 3) for w in (p[f"b{l}"].ravel(), p[f"W{l}"].T)], "the shape of a bias"),
    (lambda p: [w for l in (1, 2, 3) for w in (p[f"W{l}"], p[f"b{l}"].ravel())], "Hint: transpose W1"),
    (lambda p: [w for l in (1, 2, 3) for w in (p[f"W{l}"].T, p[f"b{l}"])], "Keras biases are 1-D"),
    (lambda p: right_weights(p)[:4], "expects 6 arrays"),
    (lambda p: [w for l in (1, 2, 3) for w in (p[f"W{l}"].T, -p[f"b{l}"].ravel())], "wrong sign"),
    (lambda p: [w for l in (1, 2, 3) for w in (p[f"W{l}"].T, p[f"b{l}"].ravel()[::-1])], "bias of layer 1"),
])
def test_wrong_weights_get_their_own_message(wrong, pattern):
    with pytest.raises(CheckFailed, match=pattern):
        check_to_keras_weights(wrong)


def test_changing_params_is_caught():
    def in_place(params):
        for k in params:
            params[k] = params[k].T if k.startswith("W") else params[k].ravel()
        return list(params.values())

    with pytest.raises(CheckFailed, match="changed the params"):
        check_to_keras_weights(in_place)


def test_unsolved_stub_is_reported():
    def stub(params):
        raise NotImplementedError()

    with pytest.raises(CheckFailed, match="not written yet"):
        check_to_keras_weights(stub)


# --- exercise 10.2: keras_epoch --------------------------------------------------------------

def epoch(X, y, params, lr, batch_size, weighted=True, report="during", copy=True):
    """A configurable answer: right by default, wrong in one chosen way otherwise."""
    start = params
    params = {k: v.copy() for k, v in params.items()} if copy else params
    total, losses = 0.0, []
    for Xb, yb in bp.minibatches(X, y, batch_size):
        y_hat, cache = bp.forward(Xb, params)
        loss = bp.binary_cross_entropy(y_hat, yb)
        total += loss * (Xb.shape[1] if weighted else 1)
        losses.append(loss)
        grads = bp.backward(yb, cache, params)
        for k in params:
            params[k] -= lr * grads["d" + k]
    if report == "after":
        return params, bp.binary_cross_entropy(bp.forward(X, params)[0], y)
    if report == "before":
        return params, bp.binary_cross_entropy(bp.forward(X, start)[0], y)
    if report == "last":
        return params, losses[-1]
    return params, total / (X.shape[1] if weighted else len(losses))


def test_right_epoch_passes(capsys):
    check_keras_epoch(epoch)
    assert capsys.readouterr().out.startswith("✔")


@pytest.mark.parametrize("kwargs, pattern", [
    ({"weighted": False}, "plain mean of the batch losses"),
    ({"report": "after"}, "after the epoch"),
    ({"report": "last"}, "last batch only"),
    ({"copy": False}, "changed the params passed to it"),
])
def test_wrong_epochs_get_their_own_message(kwargs, pattern):
    with pytest.raises(CheckFailed, match=pattern):
        check_keras_epoch(lambda *args: epoch(*args, **kwargs))


def test_loss_before_the_epoch_is_caught():
    # with a copy, so that the before-epoch loss is really of the starting params
    with pytest.raises(CheckFailed, match="before the epoch"):
        check_keras_epoch(lambda *args: epoch(*args, report="before"))


def test_shuffled_or_single_step_epochs_fail_on_the_params():
    def shuffled(X, y, params, lr, batch_size):
        params = {k: v.copy() for k, v in params.items()}
        for Xb, yb in bp.minibatches(X, y, batch_size, seed=0):
            grads = bp.backward(yb, bp.forward(Xb, params)[1], params)
            params = {k: v - lr * grads["d" + k] for k, v in params.items()}
        return params, 0.5

    with pytest.raises(CheckFailed, match=r"new_params\['W1'\] is wrong"):
        check_keras_epoch(shuffled)
    with pytest.raises(CheckFailed, match="did not change"):
        check_keras_epoch(lambda X, y, params, lr, batch_size: ({k: v.copy() for k, v in params.items()}, 0.5))
    with pytest.raises(CheckFailed, match="should return a pair"):
        check_keras_epoch(lambda X, y, params, lr, batch_size: 0.5)


def test_epoch_messages_never_show_the_expected_loss():
    captured = {}

    def off_by_a_bit(X, y, params, lr, batch_size):
        new, loss = epoch(X, y, params, lr, batch_size)
        captured["loss"] = loss
        return new, loss * 1.01

    with pytest.raises(CheckFailed) as info:
        check_keras_epoch(off_by_a_bit)
    message = str(info.value)
    assert "epoch loss is wrong" in message
    assert f"{captured['loss']:.4f}" not in message and f"{captured['loss']:.3f}" not in message


# --- exercise 10.3: torch_forward ----------------------------------------------------------------

@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def make_forward(torch, output="sigmoid", numpy_detour=False, transpose=False):
    def torch_forward(X, params):
        L = len(params) // 2
        A = X
        for l in range(1, L + 1):
            Z = params[f"W{l}"] @ A + params[f"b{l}"]
            if l < L:
                A = torch.relu(Z)
            else:
                A = torch.sigmoid(Z) if output == "sigmoid" else Z
        if numpy_detour:
            return A.detach().numpy()
        return A.T if transpose else A
    return torch_forward


def test_right_torch_forward_passes(torch, capsys):
    check_torch_forward(make_forward(torch))
    assert capsys.readouterr().out.startswith("✔")


@pytest.mark.parametrize("kwargs, pattern", [
    ({"output": "logits"}, "apply torch.sigmoid"),
    ({"numpy_detour": True}, "returned a NumPy array"),
    ({"transpose": True}, r"should be \(1, m\)"),
])
def test_wrong_torch_forward_gets_its_own_message(torch, kwargs, pattern):
    with pytest.raises(CheckFailed, match=pattern):
        check_torch_forward(make_forward(torch, **kwargs))


def test_a_broken_graph_is_caught(torch):
    def detached(X, params):
        return make_forward(torch)(X, {k: v.detach() for k, v in params.items()})

    with pytest.raises(CheckFailed, match="not connected to the parameters"):
        check_torch_forward(detached)


def test_relu_on_the_output_is_wrong(torch):
    def relu_everywhere(X, params):
        A = X
        for l in range(1, len(params) // 2 + 1):
            A = torch.relu(params[f"W{l}"] @ A + params[f"b{l}"])
        return A

    # When every output logit happens to be positive, relu(Z) equals Z and the logits message is the right one.
    with pytest.raises(CheckFailed, match="y_hat is wrong|apply torch.sigmoid at the output"):
        check_torch_forward(relu_everywhere)


def test_without_torch_the_check_says_so_and_passes_nothing(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    check_torch_forward(lambda X, params: np.zeros((1, 3)))
    out = capsys.readouterr().out
    assert "PyTorch is not installed" in out and "✔" not in out
