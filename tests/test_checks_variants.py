"""The checks of lesson 07 accept right answers and explain typical wrong ones."""

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.variants import check_minibatch_iterator, check_train_epoch


# --- check_minibatch_iterator ------------------------------------------------------------------

def right_iterator(X, y, batch_size, seed):
    order = np.random.default_rng(seed).permutation(X.shape[1])
    for start in range(0, X.shape[1], batch_size):
        idx = order[start : start + batch_size]
        yield X[:, idx], y[:, idx]


def as_list(X, y, batch_size, seed):  # a list instead of a generator is fine too
    return list(right_iterator(X, y, batch_size, seed))


def drops_last(X, y, batch_size, seed):
    batches = list(right_iterator(X, y, batch_size, seed))
    return batches[:-1] if batches[-1][0].shape[1] < batch_size else batches


def unshuffled(X, y, batch_size, seed):
    for start in range(0, X.shape[1], batch_size):
        yield X[:, start : start + batch_size], y[:, start : start + batch_size]


def with_replacement(X, y, batch_size, seed):
    rng = np.random.default_rng(seed)
    for start in range(0, X.shape[1], batch_size):
        idx = rng.integers(0, X.shape[1], size=min(batch_size, X.shape[1] - start))
        yield X[:, idx], y[:, idx]


def unpaired(X, y, batch_size, seed):
    rng = np.random.default_rng(seed)
    ox, oy = rng.permutation(X.shape[1]), rng.permutation(X.shape[1])
    for start in range(0, X.shape[1], batch_size):
        yield X[:, ox[start : start + batch_size]], y[:, oy[start : start + batch_size]]


def rows(X, y, batch_size, seed):
    for Xb, yb in right_iterator(X, y, batch_size, seed):
        yield Xb.T, yb


def feature_rows(X, y, batch_size, seed):  # X[idx] picks rows (features), not columns (examples)
    order = np.random.default_rng(seed).permutation(X.shape[1])
    for start in range(0, X.shape[1], batch_size):
        idx = order[start : start + batch_size]
        yield X[idx], y[:, idx]


def ignores_seed(X, y, batch_size, seed):
    return right_iterator(X, y, batch_size, 0)


def global_rng(X, y, batch_size, seed, _rng=np.random.default_rng(0)):
    order = _rng.permutation(X.shape[1])
    return [(X[:, order[s : s + batch_size]], y[:, order[s : s + batch_size]]) for s in range(0, X.shape[1], batch_size)]


def unsolved(X, y, batch_size, seed):
    raise NotImplementedError()


def test_right_iterators_pass(capsys):
    check_minibatch_iterator(right_iterator)
    check_minibatch_iterator(as_list)
    check_minibatch_iterator(bp.minibatches)
    assert capsys.readouterr().out.startswith("✔ minibatch_iterator is right")


@pytest.mark.parametrize("wrong,words", [
    (drops_last, "last, smaller batch is missing"),
    (unshuffled, "original order"),
    (with_replacement, "exactly once"),
    (unpaired, "does not belong to its X_batch"),
    (rows, "transposed"),
    (feature_rows, r"IndexError.*X\[:, idx\]"),
    (ignores_seed, "must depend on the seed"),
    (global_rng, "same seed give different orders"),
    (unsolved, "NotImplementedError"),
    (42, "should be a function"),
])
def test_wrong_iterators_fail_with_a_useful_message(wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check_minibatch_iterator(wrong)


# --- check_train_epoch ---------------------------------------------------------------------------

def right_epoch(X, y, params, lr, batch_size, seed):
    params = {k: v.copy() for k, v in params.items()}
    for Xb, yb in bp.minibatches(X, y, batch_size, seed=seed):
        grads = bp.backward(yb, bp.forward(Xb, params)[1], params)
        for k in params:
            params[k] -= lr * grads["d" + k]
    return params


def in_place(X, y, params, lr, batch_size, seed):
    for Xb, yb in bp.minibatches(X, y, batch_size, seed=seed):
        grads = bp.backward(yb, bp.forward(Xb, params)[1], params)
        for k in params:
            params[k] -= lr * grads["d" + k]
    return params


def uphill(X, y, params, lr, batch_size, seed):
    return right_epoch(X, y, params, -lr, batch_size, seed)


def no_shuffle(X, y, params, lr, batch_size, seed):
    return right_epoch(X, y, params, lr, batch_size, None)


def one_update(X, y, params, lr, batch_size, seed):
    return right_epoch(X, y, params, lr, X.shape[1], seed)


def no_update(X, y, params, lr, batch_size, seed):
    return {k: v.copy() for k, v in params.items()}


def stale_gradient(X, y, params, lr, batch_size, seed):
    """Every batch's gradient at the epoch's starting parameters."""
    new = {k: v.copy() for k, v in params.items()}
    for Xb, yb in bp.minibatches(X, y, batch_size, seed=seed):
        grads = bp.backward(yb, bp.forward(Xb, params)[1], params)
        for k in new:
            new[k] -= lr * grads["d" + k]
    return new


def grad_named_like_param(X, y, params, lr, batch_size, seed):
    params = {k: v.copy() for k, v in params.items()}
    for Xb, yb in bp.minibatches(X, y, batch_size, seed=seed):
        grads = bp.backward(yb, bp.forward(Xb, params)[1], params)
        for k in params:
            params[k] -= lr * grads[k]
    return params


def all_labels(X, y, params, lr, batch_size, seed):
    params = {k: v.copy() for k, v in params.items()}
    for Xb, yb in bp.minibatches(X, y, batch_size, seed=seed):
        grads = bp.backward(y, bp.forward(Xb, params)[1], params)
        for k in params:
            params[k] -= lr * grads["d" + k]
    return params


def test_right_epoch_passes(capsys):
    check_train_epoch(right_epoch)
    assert capsys.readouterr().out.startswith("✔ train_epoch is right")


@pytest.mark.parametrize("wrong,words", [
    (in_place, "changed the params dict it was given"),
    (uphill, "uphill"),
    (no_shuffle, "original order"),
    (one_update, "one update for the whole epoch"),
    (no_update, "did not change at all"),
    (stale_gradient, "taken at the starting parameters"),
    (grad_named_like_param, r"KeyError.*grads\['d' \+ k\]"),
    (all_labels, "labels of the batch, y_batch"),
    (lambda *a: [1, 2], "should return the params dict"),
    (lambda *a: {"W1": 0}, "keys"),
])
def test_wrong_epochs_fail_with_a_useful_message(wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check_train_epoch(wrong)


def test_messages_never_show_the_expected_parameters(monkeypatch):
    """The failure message of a wrong answer holds no number of the right answer."""
    seen = {}
    real = bp.checks.variants._reference_epoch

    def spy(*args, **kwargs):
        out = real(*args, **kwargs)
        seen.setdefault("first", out)
        return out

    monkeypatch.setattr(bp.checks.variants, "_reference_epoch", spy)
    with pytest.raises(CheckFailed) as info:
        check_train_epoch(stale_gradient)
    message = str(info.value)
    for value in np.concatenate([v.ravel() for v in seen["first"].values()]):
        if abs(value) >= 0.01:  # "0.000" can appear in any message
            assert f"{value:.3f}" not in message and f"{value:.4g}" not in message
