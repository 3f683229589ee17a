"""The lesson-05 checks: the right verdict on a right backward and on each typical wrong one,
a message of its own for every mistake, the first wrong quantity named, and no leaked answers.

Each answer is wrapped in a Recorder that keeps the inputs the check gave it; the
test recomputes the expected values from those inputs with its own NumPy formulas
and asserts that none of them appears in the message.
"""


import numpy as np
import pytest

from bpgd_helpers.checks.backprop import check_backward, check_numerical_partial, diagnose_backward

from .checkkit import assert_no_leak, run


# --- an oracle of the test's own, and the usual mistakes ---------------------------------

def oracle(y, cache, params):
    """backward written out from the formulas, independently of bpgd_helpers."""
    m = y.shape[1]
    out = {"dZ3": (cache["A3"] - y) / m}
    for l in (3, 2, 1):
        if l < 3:
            out[f"dZ{l}"] = out[f"dA{l}"] * (cache[f"Z{l}"] > 0)
        out[f"dW{l}"] = out[f"dZ{l}"] @ cache[f"A{l - 1}"].T
        out[f"db{l}"] = out[f"dZ{l}"].sum(axis=1, keepdims=True)
        if l > 1:
            out[f"dA{l - 1}"] = params[f"W{l}"].T @ out[f"dZ{l}"]
    return out


def make_backward(dZ3=None, dW=None, db=None, dA=None, dZ=None, only=None):
    """A backward with one step replaced; `only` limits the replacement to one layer."""

    def backward(y, cache, params):
        m = y.shape[1]
        g = {"dZ3": dZ3(cache["A3"], y, m) if dZ3 else (cache["A3"] - y) / m}
        for l in (3, 2, 1):
            here = only is None or only == l
            if l < 3:
                g[f"dZ{l}"] = (dZ if dZ and here else lambda dA_, Z, A: dA_ * (Z > 0))(
                    g[f"dA{l}"], cache[f"Z{l}"], cache[f"A{l}"])
            g[f"dW{l}"] = (dW if dW and here else lambda dZ_, A_prev, m: dZ_ @ A_prev.T)(
                g[f"dZ{l}"], cache[f"A{l - 1}"], m)
            g[f"db{l}"] = (db if db and here else lambda dZ_, m: dZ_.sum(axis=1, keepdims=True))(g[f"dZ{l}"], m)
            if l > 1:
                g[f"dA{l - 1}"] = (dA if dA and (only is None or only == l) else lambda W, dZ_, m: W.T @ dZ_)(
                    params[f"W{l}"], g[f"dZ{l}"], m)
        return g

    return backward


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


WRONG_BACKWARDS = [
    (make_backward(dA=lambda W, dZ, m: W @ dZ, only=2),
     "dA1 uses W2 where its transpose belongs", "dZ3, dW3, db3, dA2, dZ2, dW2 and db2 are right"),
    (make_backward(dZ3=lambda A, y, m: A - y), "dZ3 is missing the 1/m", "Hint: step 2"),
    (make_backward(dZ=lambda dA, Z, A: dA * sigmoid(Z) * (1 - sigmoid(Z)), only=2),
     "dZ2 uses sigmoid' where relu' belongs", "dZ3, dW3, db3 and dA2 are right"),
    (make_backward(dZ=lambda dA, Z, A: dA * A * (1 - A), only=1),
     "dZ1 uses sigmoid' where relu' belongs", "look at relu'(Z1)"),
    (make_backward(db=lambda dZ, m: dZ, only=3), "db3 has shape (1, 5), one column per example",
     "dZ3 and dW3 are right"),
    (make_backward(dZ3=lambda A, y, m: (y - A) / m), "dZ3 has the wrong sign everywhere", "Y - A3"),
    (make_backward(dW=lambda dZ, A, m: dZ @ A.T / m), "dW3 has an extra 1/m", "dZ3 is right"),
    (make_backward(dZ=lambda dA, Z, A: dA, only=2), "dZ2 equals dA2: the local derivative relu'(Z2) is missing",
     "look at relu'(Z2)"),
    (make_backward(dZ=lambda dA, Z, A: dA * A, only=2), "dZ2 multiplies by relu(Z2) = A2", "relu'(Z2)"),
    (make_backward(db=lambda dZ, m: dZ.mean(axis=1, keepdims=True)), "db3 is the mean of dZ3", "should be the sum"),
    (make_backward(db=lambda dZ, m: dZ.sum(axis=1)), "db3 has shape (1,): the sum lost its column axis", "keepdims"),
    (make_backward(db=lambda dZ, m: dZ.sum(axis=0, keepdims=True), only=2), "summed over the units (axis=0)",
     "db2"),
    (make_backward(dW=lambda dZ, A, m: A @ dZ.T, only=3), "dW3 has shape (4, 1) but should have the shape (1, 4)",
     "looks transposed"),
    (make_backward(dW=lambda dZ, A, m: A @ dZ.T, only=2), "dW2 is transposed", "dW2 = dZ2 @ A1.T"),
    (make_backward(dA=lambda W, dZ, m: W.T @ dZ * m, only=3), "dA2 is wrong", "dA2 = W3.T @ dZ3"),
    (make_backward(dW=lambda dZ, A, m: dZ @ np.maximum(dZ, 0).T if dZ.shape[0] == 4 and A.shape[0] == 3 else dZ @ A.T,
                   only=1), "dW1 has shape (4, 4) but should have the shape (4, 3) of W1", "the layer's input X"),
]


@pytest.mark.parametrize("backward, phrase, context", WRONG_BACKWARDS, ids=[p for _, p, _ in WRONG_BACKWARDS])
def test_each_wrong_backward_gets_its_own_targeted_message(backward, phrase, context):
    message, recorder = run(check_backward, backward)
    assert message is not None, f"a wrong backward passed (expected: {phrase})"
    assert phrase in message and context in message, message
    assert_no_leak(message, [v for args in recorder.calls for v in oracle(*args).values()])


def test_wrong_backwards_have_different_messages():
    messages = [run(check_backward, fn)[0] for fn, _, _ in WRONG_BACKWARDS]
    firsts = [m.split(" Hint:")[0] for m in messages]
    assert len(set(firsts)) == len(firsts)


def test_a_right_backward_passes(capsys):
    message, recorder = run(check_backward, oracle)
    assert message is None
    assert "✔ backward is right" in capsys.readouterr().out
    assert [args[1]["A0"].shape[1] for args in recorder.calls] == [5, 4], "two batches, two architectures"


def test_an_exception_names_the_line_and_the_step():
    def backward(y, cache, params):
        m = y.shape[1]
        dZ3 = (cache["A3"] - y) / m
        dA2 = params["W3"] @ dZ3  # (1, 4) @ (1, m): the classic missing transpose
        return {"dZ3": dZ3, "dA2": dA2}

    message, _ = run(check_backward, backward)
    assert "raised ValueError on the line `dA2 = params[\"W3\"] @ dZ3" in message
    assert "Hint: dA2 = W3.T @ dZ3" in message


def test_hard_coded_batch_size_fails_on_the_second_network():
    message, _ = run(check_backward, make_backward(dZ3=lambda A, y, m: (A - y) / 5))
    assert "With layer sizes [3, 5, 3, 1] and m = 4" in message and "hard-code" in message
    assert "dZ3 is wrong: it is off by a constant factor everywhere, too small" in message
    assert "0.8" not in message  # the factor would let a learner rescale without understanding


def test_structural_problems():
    assert "not written yet" in run(check_backward, lambda y, c, p: (_ for _ in ()).throw(NotImplementedError()))[0]
    assert "should return a dict" in run(check_backward, lambda y, c, p: None)[0]
    message = run(check_backward, lambda y, c, p: {k: v for k, v in oracle(y, c, p).items() if k != "db1"})[0]
    assert "missing db1" in message

    def in_place(y, cache, params):
        cache["A3"] -= y
        return oracle(y, cache, params)

    assert "backward changed A3 in place" in run(check_backward, in_place)[0]


def test_diagnose_backward_returns_none_for_right_and_names_the_first_wrong():
    from bpgd_helpers import backward_steps, forward, init_params, make_dataset

    X, y = make_dataset(6, seed=4)
    params = init_params([3, 4, 4, 1], seed=4)
    _, cache = forward(X, params)
    right = oracle(y, cache, params)
    assert diagnose_backward(right, y, cache, params) is None
    broken = dict(right, dW2=right["dW2"] * 0.5, dW1=right["dW1"] + 1)
    message = diagnose_backward(broken, y, cache, params)
    assert message.startswith("dW2 is wrong") and "dW1" not in message.split("Hint")[0]
    assert backward_steps(y, cache, params)["dW2"] is not None


# --- check_numerical_partial ----------------------------------------------------------

def central(J, params, key, index, eps=1e-6):
    old = params[key][index]
    params[key][index] = old + eps
    plus = J(params)
    params[key][index] = old - eps
    minus = J(params)
    params[key][index] = old
    return (plus - minus) / (2 * eps)


def forward_difference(J, params, key, index, eps=1e-6):
    base = J(params)
    params[key][index] += eps
    plus = J(params)
    params[key][index] -= eps
    return (plus - base) / eps


def backward_difference(J, params, key, index, eps=1e-6):
    base = J(params)
    params[key][index] -= eps
    minus = J(params)
    params[key][index] += eps
    return (base - minus) / eps


def over_eps(J, params, key, index, eps=1e-6):
    return 2 * central(J, params, key, index, eps)


def whole_array(J, params, key, index, eps=1e-6):
    p_plus = dict(params, **{key: params[key] + eps})
    p_minus = dict(params, **{key: params[key] - eps})
    return (J(p_plus) - J(p_minus)) / (2 * eps)


def not_restored(J, params, key, index, eps=1e-6):
    params[key][index] += eps
    plus = J(params)
    params[key][index] -= 2 * eps
    return (plus - J(params)) / (2 * eps)


def precedence(J, params, key, index, eps=1e-6):
    return 2 * central(J, params, key, index, eps) * eps ** 2 / 2  # (J+ - J-) / 2 * eps


def off_scale(J, params, key, index, eps=1e-6):
    return 1.3 * central(J, params, key, index, eps)


@pytest.mark.parametrize("fn, phrase", [
    (precedence, "Python reads a / 2 * eps as (a / 2) * eps"),
    (off_scale, "is wrong: it is too"),
    (forward_difference, "forward difference"),
    (backward_difference, "backward difference"),
    (over_eps, "twice the central difference"),
    (whole_array, "nudges every entry"),
    (not_restored, "did not put it back"),
])
def test_numerical_partial_mistakes(fn, phrase):
    message, recorder = run(check_numerical_partial, fn)
    assert message is not None and phrase in message, message
    expected = []
    for J, params, key, index, eps in recorder.calls:
        expected.append(central(J, {k: v.copy() for k, v in params.items()}, key, index, eps))
    assert_no_leak(message, expected)


def test_numerical_partial_right_and_unwritten(capsys):
    assert run(check_numerical_partial, central)[0] is None
    assert "✔ numerical_partial is right" in capsys.readouterr().out

    def unwritten(J, params, key, index, eps=1e-6):
        raise NotImplementedError()

    assert "not written yet" in run(check_numerical_partial, unwritten)[0]


# --- the catalogue of typical mistakes the lesson demonstrates ---------------------------

from bpgd_helpers.checks.backprop import MISTAKES, buggy_backward  # noqa: E402


@pytest.mark.parametrize("mistake, phrase", [
    ("missing 1/m", "dZ3 is missing the 1/m"),
    ("wrong sign", "dZ3 has the wrong sign everywhere"),
    ("sigmoid' for relu'", "dZ2 uses sigmoid' where relu' belongs"),
    ("relu for relu'", "dZ2 multiplies by relu(Z2)"),
    ("W instead of W.T", "dA1 uses W2 where its transpose belongs"),
    ("bias not summed", "db3 has shape (1, 5), one column per example"),
])
def test_buggy_backward_makes_the_mistake_the_check_names(mistake, phrase):
    assert set(MISTAKES) >= {mistake}
    message, _ = run(check_backward, buggy_backward(mistake))
    assert message is not None and phrase in message, message


def test_buggy_backward_rejects_an_unknown_mistake():
    with pytest.raises(ValueError, match="mistake must be one of"):
        buggy_backward("typo")
