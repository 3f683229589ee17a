"""The lesson-04 checks: the right verdict on right answers and on each typical wrong one,
each with its own message, and no leaked answers."""


import numpy as np
import pytest
import sympy as sp

from bpgd_helpers import symbolic as S
from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.chain_rule import check_linear_backward, check_steps_5_to_7

from .checkkit import Recorder

x, w1, b1, z1, a1, w2, b2, z2 = sp.symbols("x w1 b1 z1 a1 w2 b2 z2")  # the learner's own symbols


def run(check, fn):
    try:
        check(fn)
    except CheckFailed as exc:
        return str(exc)
    return None


# --- steps 5 to 7, symbolic ----------------------------------------------------------

def steps(da1=None, dw2=None, dz1=None, dw1=None):
    """A learner's steps_5_to_7 with some quantities replaced (each a function of the upstream values)."""

    def steps_5_to_7(dL_dz2):
        dL_da1 = da1(dL_dz2) if da1 else dL_dz2 * sp.diff(w2 * a1 + b2, a1)
        dL_dw2 = dw2(dL_dz2) if dw2 else dL_dz2 * sp.diff(w2 * a1 + b2, w2)
        dL_dz1 = dz1(dL_da1) if dz1 else dL_da1 * S.relu_prime(z1)
        dL_dw1 = dw1(dL_dz1) if dw1 else dL_dz1 * sp.diff(w1 * x + b1, w1)
        return dL_da1, dL_dw2, dL_dz1, dL_dw1

    return steps_5_to_7


sig = 1 / (1 + sp.exp(-z1))
WRONG_STEPS = [
    (steps(da1=lambda u: u * a1), "dL_da1 is wrong: it multiplies by a1"),
    (steps(da1=lambda u: u), "dL_da1 is wrong: it equals dL_dz2"),
    (steps(dw2=lambda u: u * w2), "dL_dw2 is wrong: it multiplies by w2"),
    (steps(dw2=lambda u: u * z1), "dL_dw2 is wrong: it multiplies by z1"),
    (steps(dz1=lambda u: u), "dL_dz1 is wrong: it equals dL_da1"),
    (steps(dz1=lambda u: u * sig * (1 - sig)), "dL_dz1 is wrong: it uses sigmoid' where relu' belongs"),
    (steps(dz1=lambda u: u * sp.Max(0, z1)), "dL_dz1 is wrong: it multiplies by relu(z1)"),
    (steps(dz1=lambda u: u * sp.Heaviside(z1)), "right away from the kink but wrong at z1 = 0"),
    (steps(dz1=lambda u: u * sp.diff(sp.Max(0, z1), z1)), "right away from the kink but wrong at z1 = 0"),
    (steps(dw1=lambda u: u * w1), "dL_dw1 is wrong: it multiplies by w1"),
    (steps(dw1=lambda u: u), "dL_dw1 is wrong: it equals dL_dz1"),
    (steps(dw1=lambda u: u * x * 2), "dL_dw1 is wrong: it is off by a constant factor of 2"),
    (steps(da1=lambda u: w2), "dL_da1 is wrong: it is only the local derivative w2"),
    (steps(dw2=lambda u: a1), "dL_dw2 is wrong: it is only the local derivative a1"),
    (steps(dz1=lambda u: S.relu_prime(z1)), "dL_dz1 is wrong: it is only the local derivative relu_prime(z1)"),
    (steps(dw1=lambda u: x), "dL_dw1 is wrong: it is only the local derivative x"),
]


@pytest.mark.parametrize("fn, phrase", WRONG_STEPS, ids=[p for _, p in WRONG_STEPS])
def test_each_wrong_step_gets_its_message(fn, phrase):
    message = run(check_steps_5_to_7, fn)
    assert message is not None and phrase in message, message
    assert "Hint:" in message
    assert not any(ch.isdigit() and ch not in "0125" for ch in message.split("Hint:")[0].replace("z1", "")
                   .replace("z2", "").replace("w1", "").replace("w2", "").replace("a1", "").replace("b1", "")
                   .replace("b2", "").replace("dL_d", "")), f"a number leaked: {message}"


def test_dw1_from_dl_da1_skips_the_relu():
    """dL_dw1 built from dL_da1 instead of dL_dz1: right wherever z1 > 0, so the message must name the skip."""
    def skipped(dL_dz2):
        dL_da1 = dL_dz2 * w2
        return dL_da1, dL_dz2 * a1, dL_da1 * S.relu_prime(z1), dL_da1 * x

    message = run(check_steps_5_to_7, skipped)
    assert message.startswith("dL_dw1 is wrong: it is dL_da1 times x, so it skips relu'(z1)"), message


def test_an_unrecognised_wrong_step_is_described_by_points_not_array_entries():
    message = run(check_steps_5_to_7, steps(dw1=lambda u: u * x * w1 + x))
    assert "dL_dw1 is wrong: it differs from SymPy's derivation at" in message and "random points" in message
    assert "index" not in message, message


def test_wrong_steps_have_different_messages():
    messages = [run(check_steps_5_to_7, fn) for fn, _ in WRONG_STEPS]
    assert len(set(messages)) == len(messages) - 1  # the two kink mistakes are the same mistake


def test_right_steps_pass_with_either_style(capsys):
    assert run(check_steps_5_to_7, steps()) is None
    assert "✔ steps 5 to 7 are right" in capsys.readouterr().out

    def explicit(dL_dz2):  # the same answer written with w2*a1 directly
        dL_da1 = dL_dz2 * w2
        dL_dz1 = dL_da1 * sp.Heaviside(z1, 0)
        return dL_da1, dL_dz2 * a1, dL_dz1, dL_dz1 * x

    assert run(check_steps_5_to_7, explicit) is None


def test_structural_problems_of_steps():
    assert "tuple of 4 expressions" in run(check_steps_5_to_7, lambda u: (u, u))
    assert "should be a SymPy expression" in run(check_steps_5_to_7, lambda u: (1.0, u, u, u))
    assert "uses ['q']" in run(check_steps_5_to_7, lambda u: (u * sp.Symbol("q"), u, u, u))

    def unwritten(dL_dz2):
        raise NotImplementedError()

    assert "not written yet" in run(check_steps_5_to_7, unwritten)


# --- linear_backward, NumPy from SymPy's entries -----------------------------------------


def right_linear(dZ, A_prev, W):
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)


WRONG_LINEAR = [
    (lambda dZ, A, W: (W @ dZ, dZ @ A.T, dZ.sum(axis=1, keepdims=True)), "raised ValueError"),
    (lambda dZ, A, W: (W.T @ dZ, dZ @ A.T / dZ.shape[1], dZ.sum(axis=1, keepdims=True)), "extra 1/m"),
    (lambda dZ, A, W: (W.T @ dZ, dZ @ A.T, dZ), "one column per example"),
    (lambda dZ, A, W: (W.T @ dZ, dZ @ A.T, dZ.mean(axis=1, keepdims=True)), "is the mean over the examples"),
    (lambda dZ, A, W: (W.T @ dZ, A @ dZ.T, dZ.sum(axis=1, keepdims=True)), "looks transposed"),
    (lambda dZ, A, W: (W.T @ dZ, dZ @ A.T, dZ.sum(axis=1)), "keepdims=True"),
    (lambda dZ, A, W: (W.T @ dZ, dZ @ A.T, dZ[:, :1] + dZ[:, 1:2]),  # a batch of 2 hard-coded
     "(compared with the course's reference, for W of shape (5, 3) and m = 6.)"),
]


@pytest.mark.parametrize("fn, phrase", WRONG_LINEAR, ids=[p for _, p in WRONG_LINEAR])
def test_each_wrong_linear_backward_gets_its_message(fn, phrase):
    recorder = Recorder(fn)
    message = run(check_linear_backward, recorder)
    assert message is not None and phrase in message, message
    for dZ, A_prev, W in recorder.calls:
        for expected in right_linear(dZ, A_prev, W):
            for v in np.ravel(expected):
                if abs(v) > 1e-3 and abs(v - round(v)) > 5e-4:
                    assert f"{v:.3f}" not in message and f"{v:.4f}" not in message


def test_square_W_without_transpose_is_named():
    """W2 (4 x 4) is square, so W2 @ dZ2 runs: the message must say which W lost its transpose."""
    def fn(dZ, A, W):
        dA = W @ dZ if W.shape[0] == W.shape[1] else W.T @ dZ
        return dA, dZ @ A.T, dZ.sum(axis=1, keepdims=True)

    message = run(check_linear_backward, fn)
    assert message.startswith("dA1 is wrong: it uses W2 where its transpose belongs"), message


def test_right_linear_backward_passes_against_sympy(capsys):
    recorder = Recorder(right_linear)
    assert run(check_linear_backward, recorder) is None
    assert "matches SymPy's dA, dW and db" in capsys.readouterr().out
    assert [c[0].shape for c in recorder.calls] == [(1, 2), (4, 2), (4, 2), (5, 6), (2, 3)]
