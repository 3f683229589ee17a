"""The check of lesson 09 accepts the right momentum step and explains typical wrong ones."""

import numpy as np
import pytest

from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.momentum import check_momentum_step


def right(params, grads, velocity, lr, beta):
    v = {k: beta * velocity[k] - lr * grads["d" + k] for k in params}
    return {k: params[k] + v[k] for k in params}, v


def ema(params, grads, velocity, lr, beta):  # the "average of gradients" form, with (1 - beta)
    v = {k: beta * velocity[k] + (1 - beta) * grads["d" + k] for k in params}
    return {k: params[k] - lr * v[k] for k in params}, v


def uphill(params, grads, velocity, lr, beta):
    v = {k: beta * velocity[k] + lr * grads["d" + k] for k in params}
    return {k: params[k] + v[k] for k in params}, v


def no_beta(params, grads, velocity, lr, beta):
    v = {k: velocity[k] - lr * grads["d" + k] for k in params}
    return {k: params[k] + v[k] for k in params}, v


def old_velocity(params, grads, velocity, lr, beta):
    v = {k: beta * velocity[k] - lr * grads["d" + k] for k in params}
    return {k: params[k] + velocity[k] for k in params}, v


def gd_step(params, grads, velocity, lr, beta):
    v = {k: beta * velocity[k] - lr * grads["d" + k] for k in params}
    return {k: params[k] - lr * grads["d" + k] for k in params}, v


def in_place(params, grads, velocity, lr, beta):
    for k in params:
        velocity[k] *= beta
        velocity[k] -= lr * grads["d" + k]
        params[k] += velocity[k]
    return params, velocity


def grad_keys(params, grads, velocity, lr, beta):
    new_params, v = right(params, grads, velocity, lr, beta)
    return new_params, {"d" + k: a for k, a in v.items()}


def swapped(params, grads, velocity, lr, beta):
    new_params, v = right(params, grads, velocity, lr, beta)
    return v, new_params


def pytorch_form(params, grads, velocity, lr, beta):  # v = beta * v + g, x = x - lr * v
    v = {k: beta * velocity[k] + grads["d" + k] for k in params}
    return {k: params[k] - lr * v[k] for k in params}, v


def test_right_step_passes(capsys):
    check_momentum_step(right)
    assert capsys.readouterr().out.startswith("✔ momentum_step is right")


@pytest.mark.parametrize("wrong,words", [
    (ema, "average of gradients"),
    (uphill, "uphill"),
    (no_beta, "not multiplied by beta"),
    (old_velocity, "old velocity"),
    (gd_step, "plain GD step"),
    (in_place, "in place"),
    (grad_keys, "named like the parameter"),
    (swapped, "wrong order"),
    (pytorch_form, "PyTorch's way"),
    (lambda *a: a[0], "pair of dicts"),
    (lambda *a: 1 / 0, "ZeroDivisionError"),
])
def test_wrong_steps_fail_with_a_useful_message(wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check_momentum_step(wrong)


def test_the_message_holds_no_expected_value(monkeypatch):
    from bpgd_helpers.checks import momentum

    seen = {}
    real = momentum._reference

    def spy(*args):
        out = real(*args)
        seen.setdefault("v", out[1])
        return out

    monkeypatch.setattr(momentum, "_reference", spy)
    with pytest.raises(CheckFailed) as info:
        check_momentum_step(no_beta)
    message = str(info.value)
    for value in np.concatenate([a.ravel() for a in seen["v"].values()]):
        if abs(value) >= 0.01:  # "0.000" can appear in any message
            assert f"{value:.3f}" not in message
