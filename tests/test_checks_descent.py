"""The lesson-06 checks: right answers pass, typical wrong answers fail with their own message,
and no message shows an expected value (recomputed here from the inputs the check used)."""


import numpy as np
import pytest

from bpgd_helpers.checks.descent import check_convergence_rate, check_critical_lr, check_update

from .checkkit import assert_no_leak, run


def assert_verdicts(check, right, wrong, expected_of):
    message, _ = run(check, right)
    assert message is None, f"a right answer failed: {message}"
    messages = []
    for fn, phrase in wrong:
        message, recorder = run(check, fn)
        assert message is not None, f"a wrong answer passed (expected: {phrase})"
        assert phrase in message, f"expected {phrase!r} in: {message}"
        assert_no_leak(message, [expected_of(*args) for args in recorder.calls])
        messages.append(message)
    assert len(set(messages)) == len(messages), "two different mistakes got the same message"


# --- update ----------------------------------------------------------------------------------------

def right_update(params, grads, lr):
    return {k: v - lr * grads["d" + k] for k, v in params.items()}


def in_place_update(params, grads, lr):
    for k in params:
        params[k] -= lr * grads["d" + k]
    return params


def expected_update(params, grads, lr):
    return [params[k] - lr * grads["d" + k] for k in params]


@pytest.mark.parametrize("trial", range(3))  # fresh random inputs each time
def test_update_verdicts(trial):
    assert_verdicts(check_update, right_update, [
        (lambda p, g, lr: {k: v + lr * g["d" + k] for k, v in p.items()}, "moved uphill"),
        (lambda p, g, lr: {k: v - g["d" + k] for k, v in p.items()}, "learning rate is missing"),
        (lambda p, g, lr: {k: -lr * g["d" + k] for k, v in p.items()}, "only the step"),
        (lambda p, g, lr: {k: v - g["d" + k] / lr for k, v in p.items()}, "divides the gradient by lr"),
        (lambda p, g, lr: {"d" + k: v - lr * g["d" + k] for k, v in p.items()}, "keyed like grads"),
        (lambda p, g, lr: {k: v - lr * g["d" + k] for k, v in p.items() if k != "b3"}, "missing ['b3']"),
        (in_place_update, "in place"),
        (lambda p, g, lr: [v - lr * g["d" + k] for k, v in p.items()], "should return a dict"),
        (lambda p, g, lr: {k: v - lr * g["d" + k] + (k == "W2") for k, v in p.items()}, "new W2 is wrong"),
        (lambda p, g, lr: {k: v - lr * g["dW1"] for k, v in p.items()}, "raised ValueError"),
    ], expected_update)


def test_update_stub_says_not_written_yet():
    def stub(params, grads, lr):
        raise NotImplementedError()

    message, _ = run(check_update, stub)
    assert "not written yet" in message


def test_update_success_message(capsys):
    check_update(right_update)
    assert capsys.readouterr().out.startswith("✔")


# --- critical_lr and convergence_rate --------------------------------------------------------------

def eig(H):
    return np.linalg.eigvalsh(H)


@pytest.mark.parametrize("trial", range(3))
def test_critical_lr_verdicts(trial):
    assert_verdicts(check_critical_lr, lambda H: 2 / eig(H).max(), [
        (lambda H: 2 / eig(H).min(), "smallest eigenvalue"),
        (lambda H: 1 / eig(H).max(), "is 1 / L"),
        (lambda H: 2 / np.trace(H), "trace"),
        (lambda H: 2 / np.abs(H).max(), "largest entry"),
        (lambda H: 1.9 / eig(H).max(), "is wrong: it is too small"),
        (lambda H: eig(H).max() / 2, "upside down"),
        (lambda H: np.array([2 / eig(H).max(), 0.0]), "single number"),
    ], lambda H: 2 / eig(H).max())


@pytest.mark.parametrize("trial", range(3))
def test_convergence_rate_verdicts(trial):
    right = lambda lr, H: np.max(np.abs(1 - lr * eig(H)))  # noqa: E731
    assert_verdicts(check_convergence_rate, right, [
        (lambda lr, H: np.max(1 - lr * eig(H)), "absolute value"),
        (lambda lr, H: np.abs(1 - lr * eig(H).max()), "only the steepest direction"),
        (lambda lr, H: np.max(np.abs(1 - lr / eig(H))), "divides by λ"),
        (lambda lr, H: 1 - lr * np.trace(H), "is wrong: it is too small"),
        (lambda lr, H: np.max(np.abs(1 - lr * np.diag(H))), "diagonal entries"),
    ], right)


def test_the_smallest_factor_is_the_same_mistake_as_the_steepest_direction_alone():
    # At a small lr, min |1 - lr λ| is the factor of the largest λ: one message covers both.
    message, _ = run(check_convergence_rate, lambda lr, H: np.min(np.abs(1 - lr * eig(H))))
    assert "only the steepest direction" in message


def test_the_hessians_are_symmetric_positive_definite_and_ill_conditioned():
    from bpgd_helpers.checks.descent import _random_hessian

    rng = np.random.default_rng(0)
    for n in (2, 3):
        H, e = _random_hessian(rng, n)
        assert np.allclose(H, H.T)
        assert np.allclose(np.sort(np.linalg.eigvalsh(H)), e)
        assert e.min() > 0 and e.max() / e.min() >= 4
        assert np.max(np.abs(np.diag(H))) < 0.99 * e.max(), "H is nearly diagonal: its entries would pass for eigenvalues"
