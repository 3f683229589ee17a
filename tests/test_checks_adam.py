"""The check of exercise 9.2 accepts the right Adam step and names each typical wrong one.

The oracle is the Adam rule written out below, independently of bpgd_helpers, and it is
compared with bp.make_optimizer("adam") (the optimiser of the lesson's races) over several steps.
"""

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.adam import check_adam_step

from .checkkit import assert_no_leak, run

def oracle(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (Kingma and Ba 2015, algorithm 1), key by key."""
    t = state["t"] + 1
    new_params, m, u = {}, {}, {}
    for k in params:
        g = grads["d" + k]
        m[k] = beta1 * state["m"][k] + (1 - beta1) * g
        u[k] = beta2 * state["u"][k] + (1 - beta2) * g * g
        m_hat = m[k] / (1 - beta1**t)
        u_hat = u[k] / (1 - beta2**t)
        new_params[k] = params[k] - lr * m_hat / (np.sqrt(u_hat) + eps)
    return new_params, {"t": t, "m": m, "u": u}


def expected_values(*args):
    new_params, new_state = oracle(*args)
    return list(new_params.values()) + list(new_state["m"].values()) + list(new_state["u"].values())


def variant(m_rule=None, u_rule=None, step_rule=None, t_bias=lambda t_old: t_old + 1, t_out=lambda t_old: t_old + 1):
    """An Adam step with one part replaced by a typical mistake.

    m_rule(m, g, b1, b2) and u_rule(u, g, b1, b2) give the new averages, step_rule(p, m, u, t, lr, b1, b2, eps)
    the new parameter, t_bias(old t) the t of the bias correction and t_out(old t) the returned t.
    """
    m_rule = m_rule or (lambda m, g, b1, b2: b1 * m + (1 - b1) * g)
    u_rule = u_rule or (lambda u, g, b1, b2: b2 * u + (1 - b2) * g**2)
    step_rule = step_rule or (lambda p, m, u, t, lr, b1, b2, eps:
                              p - lr * (m / (1 - b1**t)) / (np.sqrt(u / (1 - b2**t)) + eps))

    def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        t = t_bias(state["t"])
        m = {k: m_rule(state["m"][k], grads["d" + k], beta1, beta2) for k in params}
        u = {k: u_rule(state["u"][k], grads["d" + k], beta1, beta2) for k in params}
        new_params = {k: step_rule(params[k], m[k], u[k], t, lr, beta1, beta2, eps) for k in params}
        return new_params, {"t": t_out(state["t"]), "m": m, "u": u}

    return adam_step


right = variant()


def in_place(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    state["t"] += 1
    t = state["t"]
    for k in params:
        g = grads["d" + k]
        state["m"][k] *= beta1
        state["m"][k] += (1 - beta1) * g
        state["u"][k] *= beta2
        state["u"][k] += (1 - beta2) * g**2
        params[k] -= lr * (state["m"][k] / (1 - beta1**t)) / (np.sqrt(state["u"][k] / (1 - beta2**t)) + eps)
    return params, state


def shallow_copy(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    new_params, new_state = oracle(params, grads, state, lr, beta1, beta2, eps)
    copied = state.copy()  # copies the outer dict only
    copied["t"] = new_state["t"]
    for k in params:
        copied["m"][k] = new_state["m"][k]
        copied["u"][k] = new_state["u"][k]
    return new_params, copied


def squares_grads_in_place(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    new_params, new_state = oracle(params, grads, state, lr, beta1, beta2, eps)
    for k in params:
        grads["d" + k] **= 2
    return new_params, new_state


def unsquared_silenced(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    with np.errstate(all="ignore"):  # hides the square root of negative numbers
        return variant(u_rule=lambda u, g, b1, b2: b2 * u + (1 - b2) * g)(params, grads, state, lr, beta1, beta2, eps)


def no_defaults(params, grads, state, lr, beta1, beta2, eps):
    return oracle(params, grads, state, lr, beta1, beta2, eps)


def wrong_default(params, grads, state, lr, beta1=0.99, beta2=0.999, eps=1e-8):
    return oracle(params, grads, state, lr, beta1, beta2, eps)


def not_written(*args):
    raise NotImplementedError()


WRONG = {
    "no bias correction": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps: p - lr * m / (np.sqrt(u) + eps)),
                           "no bias correction"),
    "old t in the bias correction": (variant(t_bias=lambda t: t), "divide by zero"),
    "t never incremented": (variant(t_bias=lambda t: t, t_out=lambda t: t), "first step has t = 1"),
    "t not returned incremented": (variant(t_out=lambda t: t), "is still state['t']"),
    "t incremented twice in the bias correction": (variant(t_bias=lambda t: t + 2), "one step too many"),
    "t returned wrong": (variant(t_out=lambda t: 2 * t + 1), "add exactly 1 to state['t'] at every step"),
    "eps inside the square root": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                                           p - lr * (m / (1 - b1**t)) / np.sqrt(u / (1 - b2**t) + eps)),
                                   "eps is inside the square root"),
    "eps missing": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                            p - lr * (m / (1 - b1**t)) / np.sqrt(u / (1 - b2**t))), "leaves out eps"),
    "hyperparameters hard-coded": (lambda p, g, s, lr, *rest: oracle(p, g, s, lr), "ignores the beta1, beta2 and eps"),
    "no square root": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                               p - lr * (m / (1 - b1**t)) / (u / (1 - b2**t) + eps)), "divide by its square root"),
    "uphill": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                       p + lr * (m / (1 - b1**t)) / (np.sqrt(u / (1 - b2**t)) + eps)), "moved uphill"),
    "m instead of m_hat": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                                   p - lr * m / (np.sqrt(u / (1 - b2**t)) + eps)), "uses m where"),
    "u instead of u_hat": (variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                                   p - lr * (m / (1 - b1**t)) / (np.sqrt(u) + eps)), "uses u where"),
    "gradient not squared": (variant(u_rule=lambda u, g, b1, b2: b2 * u + (1 - b2) * g), "met a negative number"),
    "gradient not squared, warnings silenced": (unsquared_silenced, "u averages g, not its square"),
    "beta1 on the new gradient": (variant(m_rule=lambda m, g, b1, b2: b1 * m + b1 * g),
                                  "m multiplies the new gradient by beta1"),
    "m weights swapped": (variant(m_rule=lambda m, g, b1, b2: (1 - b1) * m + b1 * g), "m has its two weights swapped"),
    "whole gradient into m": (variant(m_rule=lambda m, g, b1, b2: b1 * m + g), "m adds the whole gradient"),
    "beta2 on the new squared gradient": (variant(u_rule=lambda u, g, b1, b2: b2 * u + b2 * g**2),
                                          "u multiplies the new squared gradient by beta2"),
    "u weights swapped": (variant(u_rule=lambda u, g, b1, b2: (1 - b2) * u + b2 * g**2),
                          "u has its two weights swapped"),
    "whole squared gradient into u": (variant(u_rule=lambda u, g, b1, b2: b2 * u + g**2), "u adds the whole g**2"),
    "betas swapped": (variant(m_rule=lambda m, g, b1, b2: b2 * m + (1 - b2) * g,
                              u_rule=lambda u, g, b1, b2: b1 * u + (1 - b1) * g**2), "m uses beta2"),
    "u uses beta1": (variant(u_rule=lambda u, g, b1, b2: b1 * u + (1 - b1) * g**2), "u uses beta1"),
    "m averages g**2": (variant(m_rule=lambda m, g, b1, b2: b1 * m + (1 - b1) * g**2), "m averages the squared"),
    "old m returned": (variant(m_rule=lambda m, g, b1, b2: m), "new_state['m'] is the old m"),
    "old u returned": (variant(u_rule=lambda u, g, b1, b2: u), "new_state['u'] is the old u"),
    "in place": (in_place, "in place"),
    "shallow copy of state": (shallow_copy, "copies only the outer dict"),
    "grads changed": (squares_grads_in_place, "changed grads["),
    "only new_params": (lambda *a: oracle(*a)[0], "pair of dicts"),
    "three values": (lambda *a: (oracle(*a)[0], oracle(*a)[1]["m"], oracle(*a)[1]["u"]), "a tuple of 3"),
    "wrong order": (lambda *a: oracle(*a)[::-1], "wrong order"),
    "state keys": (lambda *a: (oracle(*a)[0], {"step": oracle(*a)[1]["t"], "m": oracle(*a)[1]["m"],
                                               "u": oracle(*a)[1]["u"]}), "keys 't', 'm' and 'u'"),
    "averages keyed like grads": (lambda *a: (oracle(*a)[0], {"t": oracle(*a)[1]["t"],
                                                              "m": {"d" + k: v for k, v in oracle(*a)[1]["m"].items()},
                                                              "u": oracle(*a)[1]["u"]}), "W1, not dW1"),
    "params of another shape": (lambda *a: ({k: v.T for k, v in oracle(*a)[0].items()}, oracle(*a)[1]),
                                "transposed"),
    "no default values": (no_defaults, "default values in the def line"),
    "wrong default beta1": (wrong_default, "beta1=0.9, beta2=0.999 and eps=1e-8"),
    "not written": (not_written, "not written yet"),
}


def test_the_oracle_is_the_optimiser_of_the_races():
    rng = np.random.default_rng(0)
    hyper = {"beta1": 0.8, "beta2": 0.95, "eps": 0.05}
    params = {"W1": rng.standard_normal((4, 3)), "b1": rng.standard_normal((4, 1))}
    state = {"t": 0, "m": {k: np.zeros_like(v) for k, v in params.items()},
             "u": {k: np.zeros_like(v) for k, v in params.items()}}
    optimizer = bp.make_optimizer("adam", lr=0.1, **hyper)
    theirs = {k: v.copy() for k, v in params.items()}
    for _ in range(5):
        grads = {"d" + k: rng.standard_normal(v.shape) for k, v in params.items()}
        params, state = oracle(params, grads, state, 0.1, **hyper)
        optimizer.step(theirs, grads)
        for k in params:
            np.testing.assert_allclose(theirs[k], params[k], rtol=1e-12)


def test_right_step_passes(capsys):
    check_adam_step(right)
    check_adam_step(oracle)
    out = capsys.readouterr().out
    assert out == 2 * ("✔ adam_step is right: m and u average g and g**2, t counts the steps, m̂ and û undo the "
                       "start at 0, and θ moves by −lr · m̂ / (√û + eps); the same rule as "
                       "bp.make_optimizer(\"adam\").\n")


def test_a_right_step_passes_on_many_fresh_draws():
    for _ in range(50):
        message, _ = run(check_adam_step, right)
        assert message is None, message


def test_an_equivalent_rewriting_passes():
    # The same step with the bias corrections folded into lr and eps (as some libraries write it).
    def folded(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        _, new_state = oracle(params, grads, state, lr, beta1, beta2, eps)
        t = new_state["t"]
        scale = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
        return ({k: params[k] - scale * new_state["m"][k] / (np.sqrt(new_state["u"][k]) + eps * np.sqrt(1 - beta2**t))
                 for k in params}, new_state)

    message, _ = run(check_adam_step, folded)
    assert message is None, message


@pytest.mark.parametrize("trial", range(3))  # fresh random inputs each time
def test_each_mistake_fails_with_its_own_message(trial):
    messages = {}
    for name, (fn, phrase) in WRONG.items():
        message, recorder = run(check_adam_step, fn)
        assert message is not None, f"a wrong answer passed: {name}"
        assert phrase in message, f"{name}: expected {phrase!r} in: {message}"
        # "0.999" is the default beta2, which the defaults hint names on purpose.
        with np.errstate(all="ignore"):
            assert_no_leak(message.replace("0.999", ""), [expected_values(*args) for args in recorder.calls])
        messages[name] = message
    # Both crash at the first step (1 - beta1**0 = 0), so the check cannot tell them apart; its hint covers both.
    assert messages["old t in the bias correction"] == messages["t never incremented"]
    del messages["t never incremented"]
    assert len(set(messages.values())) == len(messages), "two different mistakes got the same message"


def test_the_check_runs_several_steps_with_t_going_up():
    _, recorder = run(check_adam_step, right)
    assert [args[2]["t"] for args in recorder.calls] == [0, 1, 2, 3, 4]
    assert [len(args) for args in recorder.calls] == [7, 7, 7, 7, 4]
    assert all(np.any(m != 0) for args in recorder.calls[1:] for m in args[2]["m"].values())
    first, second = run(check_adam_step, right)[1].calls[0], recorder.calls[0]
    assert not np.array_equal(first[0]["W1"], second[0]["W1"]), "the check should draw fresh inputs each time"


@pytest.mark.parametrize("value", [None, 3, "adam_step", np.zeros(3)])
def test_not_a_function(value):
    with pytest.raises(CheckFailed, match="expected a function"):
        check_adam_step(value)


def test_a_raising_answer_is_reported_with_its_error():
    message, _ = run(check_adam_step, lambda *a: a[0]["W9"])
    assert "raised KeyError" in message and "Hint" not in message


def test_a_hard_coded_eps_is_named_like_a_missing_one():
    fixed_eps = variant(step_rule=lambda p, m, u, t, lr, b1, b2, eps:
                        p - lr * (m / (1 - b1**t)) / (np.sqrt(u / (1 - b2**t)) + 1e-8))
    message, _ = run(check_adam_step, fixed_eps)
    assert "uses a fixed number instead of the argument eps" in message


def test_odd_values_in_the_input_state_are_reported_not_crashed_on():
    def t_becomes_an_array(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        out = oracle(params, grads, state, lr, beta1, beta2, eps)
        state["t"] = np.array([state["t"], 1])
        return out

    message, _ = run(check_adam_step, t_becomes_an_array)
    assert "changed state['t']" in message
