"""The lesson-02 checks: the right verdict on right and on typical wrong answers, and no leaked answers.

Each wrong answer is wrapped in a Recorder that keeps the inputs the check
gave it; the test recomputes the expected values from those inputs with its
own formulas and asserts that none of them appears in the message.
"""


import numpy as np
import pytest

from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.forward import check_forward_pass, check_relu, check_sigmoid

from .checkkit import assert_no_leak, run


def assert_verdicts(check, right, wrong, expected_of):
    """`right` passes; each wrong answer fails with its own message containing its key phrase, leak-free."""
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


# --- relu -----------------------------------------------------------------------------------

def relu_oracle(z):
    return np.where(z > 0, z, 0.0)


def relu_in_place(z):
    z[z < 0] = 0
    return z


def not_written(*args):
    raise NotImplementedError()


def test_relu_check(capsys):
    wrong = [
        (lambda z: (z > 0).astype(float), "relu's derivative"),
        (lambda z: np.minimum(z, 0), "other way round"),
        (np.abs, "returns |z|"),
        (lambda z: z, "returns z unchanged"),
        (relu_in_place, "in place"),
        (lambda z: max(0, z), "raised ValueError"),
        (lambda z: np.maximum(z, 0).tolist(), "should be a NumPy array"),
        (lambda z: np.maximum(z, 0).T, "transposed"),
        (lambda z: np.maximum(z, 0.1), "relu(z) is wrong"),
        (lambda z: np.max(z, 0), "np.max reduces the array"),
        (not_written, "not written yet"),
    ]
    assert_verdicts(check_relu, lambda z: np.maximum(z, 0), wrong, relu_oracle)
    assert "✔ relu is right" in capsys.readouterr().out


# --- sigmoid --------------------------------------------------------------------------------

def sigmoid_oracle(z):
    return 0.5 * (1 + np.tanh(np.asarray(z) / 2))  # an identity, not the course's formula


def stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def test_sigmoid_check_accepts_stable_forms(capsys):
    for right in (stable_sigmoid, sigmoid_oracle):
        message, _ = run(check_sigmoid, right)
        assert message is None, message
    assert "no overflow for |z| up to 1e4" in capsys.readouterr().out


def test_sigmoid_check():
    wrong = [
        (lambda z: 1 / (1 + np.exp(-z)), "overflow encountered in exp"),  # naive: right values, but overflows
        (lambda z: np.exp(z) / (1 + np.exp(z)), "np.exp(z) for z > 709"),
        (lambda z: np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z))), "computes both a and b"),
        (lambda z: 1 / (1 + np.exp(z)), "mirrored"),
        (np.tanh, "tanh"),
        (lambda z: stable_sigmoid(z) * (1 - stable_sigmoid(z)), "derivative"),
        (lambda z: np.exp(-np.clip(z, -500, 500)), "1 / (1 + ...) around it is missing"),
        (lambda z: stable_sigmoid(np.clip(z, -20, 20)), "between -1e4 and 1e4 is wrong"),
    ]
    # The naive forms fail only on large |z|, so each gets one message; they differ in the exp that warned.
    message, recorder = run(check_sigmoid, wrong[0][0])
    assert "z < -709" in message
    messages = []
    for fn, phrase in wrong:
        message, recorder = run(check_sigmoid, fn)
        assert message is not None and phrase in message, f"expected {phrase!r} in: {message}"
        with np.errstate(all="ignore"):
            assert_no_leak(message, [sigmoid_oracle(*args) for args in recorder.calls])
        messages.append(message)
    # The three overflowing forms share the overflow explanation; every other mistake has its own message.
    assert len(set(messages[3:])) == len(messages[3:])


def test_sigmoid_check_reports_nan_when_warnings_are_silenced():
    def silenced(z):
        with np.errstate(all="ignore"):
            return np.exp(z) / (1 + np.exp(z))

    message, _ = run(check_sigmoid, silenced)
    assert "NaN for large |z|" in message and "inf / inf" in message


# --- forward pass ---------------------------------------------------------------------------

def forward_oracle(X, params):
    """The forward pass written out, with the tanh form of sigmoid."""
    A1 = np.maximum(params["W1"] @ X + params["b1"], 0)
    A2 = np.maximum(params["W2"] @ A1 + params["b2"], 0)
    Z3 = params["W3"] @ A2 + params["b3"]
    return [A1, A2, Z3, sigmoid_oracle(Z3)]


def make_forward(transpose=(), no_bias=(), hidden=None, output=None, from_z=False, elementwise=False,
                 rows=False, only_y_hat=False, missing=None, bias_scale=1.0):
    """A forward pass with one deliberate mistake."""
    hidden = hidden or (lambda z: np.maximum(z, 0))
    output = output or stable_sigmoid

    def forward_pass(X, params):
        A, Z, cache = X.T if rows else X, None, {"A0": X}
        for l in (1, 2, 3):
            W = params[f"W{l}"].T if l in transpose else params[f"W{l}"]
            source = Z if (from_z and l > 1) else A
            Z = (W * source if elementwise else W @ source) + (0 if l in no_bias else bias_scale * params[f"b{l}"])
            A = hidden(Z) if l < 3 else output(Z)
            cache[f"Z{l}"], cache[f"A{l}"] = Z, A
        if missing:
            del cache[missing]
        return A if only_y_hat else (A, cache)

    return forward_pass


def test_forward_pass_check(capsys):
    sigmoid = stable_sigmoid
    wrong = [
        (make_forward(transpose=(2,)), "Z2 uses W2.T"),
        (make_forward(transpose=(1,)), "raised ValueError"),
        (make_forward(no_bias=(1,)), "Z1 is missing the bias"),
        (make_forward(no_bias=(3,)), "Z3 is missing the bias"),
        (make_forward(from_z=True), "computed from Z1"),
        (make_forward(hidden=sigmoid), "A1 uses sigmoid, but hidden layers use relu"),
        (make_forward(hidden=lambda z: z), "A1 equals Z1"),
        (make_forward(hidden=lambda z: (z > 0).astype(float)), "A1 is relu'(Z1)"),
        (make_forward(output=lambda z: np.maximum(z, 0)), "A3 uses relu"),
        (make_forward(output=lambda z: z), "A3 equals Z3"),
        (make_forward(output=lambda z: sigmoid(-z)), "A3 is sigmoid(-Z3)"),
        (make_forward(output=lambda z: 1 / (1 + np.exp(-z))), "The sigmoid of the output layer overflowed"),
        (make_forward(elementwise=True), "not * (element by element)"),
        (make_forward(only_y_hat=True), "should return a pair (y_hat, cache)"),
        (make_forward(missing="Z2"), "the cache is missing ['Z2']"),
        (make_forward(bias_scale=2.0), "Z1 is wrong"),
        (make_forward(hidden=lambda z: np.maximum(z, 0.1)), "A1 is wrong"),
        (make_forward(output=lambda z: 0.9 * stable_sigmoid(z)), "A3 is wrong"),
    ]
    assert_verdicts(check_forward_pass, make_forward(), wrong, forward_oracle)
    assert "✔ forward_pass is right" in capsys.readouterr().out


def test_forward_pass_check_names_the_cache_names_and_an_unfinished_relu():
    def y_hat_named(X, params):
        W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        Z1 = W1 @ X + b1
        A1 = np.maximum(Z1, 0)
        Z2 = W2 @ A1 + b2
        A2 = np.maximum(Z2, 0)
        Z3 = W3 @ A2 + b3
        y_hat = stable_sigmoid(Z3)  # the stub's cache line needs A3
        cache = {"A0": X, "Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2, "Z3": Z3, "A3": A3}  # noqa: F821
        return y_hat, cache

    def unfinished_relu(X, params):
        Z1 = params["W1"] @ X + params["b1"]
        return not_written(Z1)

    message, _ = run(check_forward_pass, y_hat_named)
    assert "NameError" in message and "define Z1, A1, Z2, A2, Z3 and A3" in message, message
    message, _ = run(check_forward_pass, unfinished_relu)
    assert "calls a relu or sigmoid that is not" in message and "bp.relu" in message, message


def test_forward_pass_check_does_not_depend_on_the_learner_mutating_params():
    def mutating(X, params):
        params["b1"] += 1.0  # changes only the check's copy
        return make_forward()(X, params)

    message, _ = run(check_forward_pass, mutating)
    assert message is not None and "Z1" in message


@pytest.mark.parametrize("check", [check_relu, check_sigmoid, check_forward_pass])
def test_checks_say_when_the_answer_is_not_a_function(check):
    with pytest.raises(CheckFailed, match="expected a function"):
        check(42)
