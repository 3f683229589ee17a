"""Checks for lesson 09 (beyond plain SGD): the Adam step.

check_adam_step runs the learner's adam_step for four steps in a row from a fresh state
(t = 0, m = u = 0). Each step starts from the course's own state, so one mistake cannot
snowball, and the steps together tell apart mistakes that agree on the first step (m = 0
hides how the old m is weighted). The inputs are random each call; beta2 (0.92 to 0.99) and
eps (0.01 to 0.1) are chosen so that the usual mistakes (no bias correction, eps inside the
square root, ...) change the answer by far more than rounding. A last call leaves out beta1,
beta2 and eps to check the defaults.
"""

import numbers

import numpy as np

from ._core import CheckFailed, call, compare, copy_arrays, fail, passed, same_arrays

_SHAPES = {"W1": (4, 3), "b1": (4, 1), "W2": (4, 4), "b2": (4, 1), "W3": (1, 4), "b3": (1, 1)}
_STEPS = 4
_DEFAULTS = (0.9, 0.999, 1e-8)


def _reference(params, grads, state, lr, beta1, beta2, eps):
    t = state["t"] + 1
    m = {k: beta1 * state["m"][k] + (1 - beta1) * grads["d" + k] for k in params}
    u = {k: beta2 * state["u"][k] + (1 - beta2) * grads["d" + k] ** 2 for k in params}
    new_params = {k: params[k] - lr * (m[k] / (1 - beta1**t)) / (np.sqrt(u[k] / (1 - beta2**t)) + eps)
                  for k in params}
    return new_params, {"t": t, "m": m, "u": u}


# Typical wrong moments: formula(old average, g, beta1, beta2) -> new average, and what is wrong.
_M_MISTAKES = [
    (lambda m, g, b1, b2: b1 * m + b1 * g,
     "m multiplies the new gradient by beta1; the new gradient gets (1 − beta1) and the old m gets beta1, "
     "so that the two weights add up to 1 and m stays an average: m = beta1 * m + (1 − beta1) * g."),
    (lambda m, g, b1, b2: (1 - b1) * m + b1 * g,
     "m has its two weights swapped: the old m keeps the large share, beta1, and the new gradient gets "
     "(1 − beta1)."),
    (lambda m, g, b1, b2: b1 * m + g,
     "m adds the whole gradient (as momentum's velocity does); Adam's m is an average, so the new gradient "
     "is multiplied by (1 − beta1)."),
    (lambda m, g, b1, b2: b2 * m + (1 - b2) * g,
     "m uses beta2; beta1 belongs to m (the gradients) and beta2 to u (the squared gradients)."),
    (lambda m, g, b1, b2: b1 * m + (1 - b1) * g**2,
     "m averages the squared gradient; m averages g itself, and u averages g**2."),
    (lambda m, g, b1, b2: m,
     "new_state['m'] is the old m: return the updated average, beta1 * m + (1 − beta1) * g."),
]
_U_MISTAKES = [
    (lambda u, g, b1, b2: b2 * u + (1 - b2) * g,
     "u averages g, not its square: u = beta2 * u + (1 − beta2) * g**2 (squared entry by entry)."),
    (lambda u, g, b1, b2: b2 * u + b2 * g**2,
     "u multiplies the new squared gradient by beta2; it gets (1 − beta2) and the old u gets beta2, "
     "so that the two weights add up to 1 and u stays an average: u = beta2 * u + (1 − beta2) * g**2."),
    (lambda u, g, b1, b2: (1 - b2) * u + b2 * g**2,
     "u has its two weights swapped: the old u keeps the large share, beta2, and the new g**2 gets "
     "(1 − beta2)."),
    (lambda u, g, b1, b2: b2 * u + g**2,
     "u adds the whole g**2; u is an average, so the new g**2 is multiplied by (1 − beta2)."),
    (lambda u, g, b1, b2: b1 * u + (1 - b1) * g**2,
     "u uses beta1; beta2 belongs to u (the squared gradients) and beta1 to m (the gradients)."),
    (lambda u, g, b1, b2: u,
     "new_state['u'] is the old u: return the updated average, beta2 * u + (1 − beta2) * g**2."),
]


def _corrected(m, u, b1, b2, t):
    return m / (1 - b1**t), u / (1 - b2**t)


_NO_EPS = "the step leaves out eps, or uses a fixed number instead of the argument eps: divide by (√û + eps)."

# Typical wrong steps, given the right new m and u and the new t: formula(p, m, u, t, lr, b1, b2, eps) -> new p.
_STEP_MISTAKES = [
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * m / (np.sqrt(u) + eps),
     "the step has no bias correction. m and u start at 0, so during the first steps they are too small; "
     "divide them by (1 − beta1**t) and (1 − beta2**t) to get m̂ and û, and step with m̂ / (√û + eps)."),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * m / (np.sqrt(_corrected(m, u, b1, b2, t)[1]) + eps),
     "the step uses m where it should use the bias-corrected m̂ = m / (1 − beta1**t)."),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * _corrected(m, u, b1, b2, t)[0] / (np.sqrt(u) + eps),
     "the step uses u where it should use the bias-corrected û = u / (1 − beta2**t)."),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * _corrected(m, u, b1, b2, t + 1)[0]
     / (np.sqrt(_corrected(m, u, b1, b2, t + 1)[1]) + eps),
     "the bias correction uses one step too many: t is the count after adding this step, state['t'] + 1, "
     "added once."),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * _corrected(m, u, b1, b2, t)[0]
     / np.sqrt(_corrected(m, u, b1, b2, t)[1] + eps),
     "eps is inside the square root; it goes outside: divide by (√û + eps)."),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * _corrected(m, u, b1, b2, t)[0]
     / np.sqrt(_corrected(m, u, b1, b2, t)[1]),
     _NO_EPS),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * _corrected(m, u, b1, b2, t)[0]
     / (np.sqrt(_corrected(m, u, b1, b2, t)[1]) + 1e-8),
     _NO_EPS),
    (lambda p, m, u, t, lr, b1, b2, eps: p - lr * _corrected(m, u, b1, b2, t)[0]
     / (_corrected(m, u, b1, b2, t)[1] + eps),
     "the step divides by û; divide by its square root, √û + eps (û is an average of squares)."),
    (lambda p, m, u, t, lr, b1, b2, eps: p + lr * _corrected(m, u, b1, b2, t)[0]
     / (np.sqrt(_corrected(m, u, b1, b2, t)[1]) + eps),
     "the parameters moved uphill: subtract the step, θ − lr · m̂ / (√û + eps)."),
]

_T_HINT = ("t counts the steps taken including this one: the first step has t = 1. Add 1 to state['t'] "
           "before the bias correction (with t = 0, 1 − beta1**t is 0) and return the new t in new_state.")


def _random_params(rng):
    return {k: rng.standard_normal(s) for k, s in _SHAPES.items()}


def _random_grads(rng):
    return {"d" + k: rng.standard_normal(s) for k, s in _SHAPES.items()}


def _copy_state(state):
    return {"t": state["t"], "m": copy_arrays(state["m"]), "u": copy_arrays(state["u"])}


def _is_count(value, t):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and value == t


def _changed(given, kept):
    """The name of the first input entry that adam_step changed, or None."""
    for name in ("params", "grads"):
        for k, v in kept[name].items():
            if not (isinstance(given[name].get(k), np.ndarray) and np.array_equal(given[name][k], v)):
                return f"{name}[{k!r}]"
    state, kept_state = given["state"], kept["state"]
    if not _is_count(state.get("t"), kept_state["t"]):
        return "state['t']"
    for part in ("m", "u"):
        for k, v in kept_state[part].items():
            if not (isinstance(state.get(part), dict) and isinstance(state[part].get(k), np.ndarray)
                    and np.array_equal(state[part][k], v)):
                return f"state[{part!r}][{k!r}]"
    return None


def _step(adam_step, step, params, grads, state, lr, betas_eps):
    """Call the learner's adam_step on copies; check what comes back and that no input changed."""
    __tracebackhide__ = True
    given = {"params": copy_arrays(params), "grads": copy_arrays(grads), "state": _copy_state(state)}
    if betas_eps:
        label = f"adam_step(params, grads, state, lr, beta1, beta2, eps) at step {step} (state['t'] = {state['t']})"
    else:
        label = f"adam_step(params, grads, state, lr) with the default beta1, beta2 and eps (state['t'] = {state['t']})"
    problem = None
    try:
        out = call(adam_step, label, given["params"], given["grads"], given["state"], lr, *betas_eps)
    except CheckFailed as exc:
        problem = str(exc)
    if problem is not None:
        if state["t"] == 0 and "by zero" in problem:  # NumPy's "divide by zero" or Python's "division by zero"
            problem += f" Hint: {_T_HINT}"
        elif "invalid value encountered in sqrt" in problem:
            problem += (" Hint: the square root met a negative number. u is an average of squared gradients, "
                        "beta2 * u + (1 − beta2) * g**2, and is never negative.")
        elif not betas_eps and "positional argument" in problem:
            problem += (" Hint: give beta1, beta2 and eps default values in the def line: "
                        "def adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8).")
        fail(problem)
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(d, dict) for d in out)):
        fail(f"adam_step should return a pair of dicts (new_params, new_state), got {_describe(out)}. "
             "Hint: end with `return new_params, new_state`.")
    new_params, new_state = out
    if set(new_params) == {"t", "m", "u"} and set(new_state) == set(params):
        fail("the pair is in the wrong order: return (new_params, new_state).")
    if sorted(new_params) != sorted(params):
        fail(f"new_params should have the keys of params, {sorted(params)}; got {sorted(new_params)}.")
    if set(new_state) != {"t", "m", "u"}:
        fail(f"new_state should be a dict with the keys 't', 'm' and 'u', like state; got {sorted(new_state)}. "
             "Hint: return {'t': t, 'm': new_m, 'u': new_u}, where new_m and new_u are dicts keyed like params.")
    for part in ("m", "u"):
        got = new_state[part]
        if not isinstance(got, dict) or sorted(got) != sorted(params):
            keys = sorted(got) if isinstance(got, dict) else f"a {type(got).__name__}"
            fail(f"new_state[{part!r}] should be a dict with the keys of params, {sorted(params)}; got {keys}. "
                 "Hint: the averages have one entry per parameter, named like the parameter (W1, not dW1).")
    where = _changed(given, {"params": params, "grads": grads, "state": state})
    if where:
        note = ("" if not where.startswith(("state['m']", "state['u']")) else
                " Note that state.copy() or dict(state) copies only the outer dict: its 'm' and 'u' are still "
                "the caller's dicts.")
        fail(f"adam_step changed {where}, one of its inputs, in place: build new dicts instead "
             f"(e.g. {{k: ... for k in params}}).{note}")
    return new_params, new_state


def _describe(value):
    if isinstance(value, tuple):
        return f"a tuple of {len(value)} ({', '.join(type(v).__name__ for v in value)})"
    return f"a {type(value).__name__}"


def _diagnose(records, lr, beta1, beta2, eps):
    """The most likely mistake, found by comparing every step with typical wrong versions of it."""
    if all(_is_count(got_s["t"], state["t"]) for _, _, state, _, got_s in records):
        return "new_state['t'] is still state['t']: count this step, t = state['t'] + 1, and return the new t."
    if not all(_is_count(got_s["t"], state["t"] + 1) for _, _, state, _, got_s in records):
        return "t is the number of steps taken including this one: add exactly 1 to state['t'] at every step."
    with_defaults = [_reference(p, g, s, lr, *_DEFAULTS) for p, g, s, _, _ in records]
    if all(same_arrays(got_p, exp_p) and same_arrays(got_s["m"], exp_s["m"]) and same_arrays(got_s["u"], exp_s["u"])
           for (*_, got_p, got_s), (exp_p, exp_s) in zip(records, with_defaults)):
        return ("adam_step ignores the beta1, beta2 and eps it is given and uses fixed numbers: use the "
                "arguments (their defaults go in the def line).")
    for part, mistakes in (("m", _M_MISTAKES), ("u", _U_MISTAKES)):
        refs = [_reference(p, g, s, lr, beta1, beta2, eps)[1] for p, g, s, _, _ in records]
        if all(same_arrays(got_s[part], ref[part]) for (*_, got_s), ref in zip(records, refs)):
            continue
        for formula, message in mistakes:
            if all(same_arrays(got_s[part], {k: formula(s[part][k], g["d" + k], beta1, beta2) for k in p})
                   for p, g, s, _, got_s in records):
                return message
        return ("m = beta1 * m + (1 − beta1) * g" if part == "m" else "u = beta2 * u + (1 − beta2) * g**2") + \
            ", for every key, from the average in state."
    with np.errstate(all="ignore"):
        for formula, message in _STEP_MISTAKES:
            matches = True
            for p, g, s, got_p, _ in records:
                _, ref = _reference(p, g, s, lr, beta1, beta2, eps)
                wrong = {k: formula(p[k], ref["m"][k], ref["u"][k], ref["t"], lr, beta1, beta2, eps) for k in p}
                matches = matches and same_arrays(got_p, wrong)
            if matches:
                return message
    return ("new_params = params − lr · m̂ / (√û + eps), with m̂ = m / (1 − beta1**t) and "
            "û = u / (1 − beta2**t), computed from the new m, u and t.")


def _compare_step(where, got_params, got_state, expected_params, expected_state, hint):
    __tracebackhide__ = True
    tail = f" Hint: {hint}" if hint else ""
    if not _is_count(got_state["t"], expected_state["t"]):
        fail(f"new_state['t'] {where} is wrong: it should be state['t'] + 1.{tail}")
    for part in ("m", "u"):
        for k in expected_params:
            compare(f"new_state[{part!r}][{k!r}] {where}", got_state[part][k], expected_state[part][k], hint=hint)
    for k in expected_params:
        compare(f"new_params[{k!r}] {where}", got_params[k], expected_params[k], hint=hint)


def check_adam_step(adam_step):
    """Check adam_step(params, grads, state, lr, beta1=0.9, beta2=0.999, eps=1e-8) -> (new_params, new_state).

    state is {"t": steps taken, "m": {key: average of g}, "u": {key: average of g**2}}.
    """
    __tracebackhide__ = True
    if not callable(adam_step):
        fail(f"adam_step: expected a function, got a {type(adam_step).__name__}. "
             "Did a later cell reuse the name adam_step?")
    rng = np.random.default_rng()
    lr, beta1 = float(rng.uniform(0.01, 0.3)), float(rng.uniform(0.6, 0.9))
    beta2, eps = float(rng.uniform(0.92, 0.99)), float(rng.uniform(0.01, 0.1))
    hyper = (lr, beta1, beta2, eps)
    params = _random_params(rng)
    state = {"t": 0, "m": {k: np.zeros_like(v) for k, v in params.items()},
             "u": {k: np.zeros_like(v) for k, v in params.items()}}
    records = []  # (params, grads, state, learner's new_params, learner's new_state), one per step
    for step in range(1, _STEPS + 1):
        grads = _random_grads(rng)
        got_params, got_state = _step(adam_step, step, params, grads, state, lr, hyper[1:])
        records.append((params, grads, state, got_params, got_state))
        params, state = _reference(params, grads, state, *hyper)  # the next step starts from the right state
    expected = [_reference(p, g, s, *hyper) for p, g, s, _, _ in records]
    right = all(_is_count(got_s["t"], exp_s["t"]) and same_arrays(got_s["m"], exp_s["m"]) and same_arrays(got_s["u"], exp_s["u"])
                and same_arrays(got_p, exp_p) for (_, _, _, got_p, got_s), (exp_p, exp_s) in zip(records, expected))
    hint = "" if right else _diagnose(records, *hyper)
    # Step 1 last: from m = u = 0 many mistakes only rescale the averages, which says less.
    for step in list(range(2, _STEPS + 1)) + [1]:
        (*_, got_p, got_s), (exp_p, exp_s) = records[step - 1], expected[step - 1]
        _compare_step(f"at step {step}", got_p, got_s, exp_p, exp_s, hint)
    # Left out, beta1, beta2 and eps take Adam's usual defaults.
    grads = _random_grads(rng)
    got_params, got_state = _step(adam_step, None, params, grads, state, lr, ())
    exp_params, exp_state = _reference(params, grads, state, lr, *_DEFAULTS)
    _compare_step("with the default beta1, beta2 and eps", got_params, got_state, exp_params, exp_state,
                  "called as adam_step(params, grads, state, lr), it should use beta1=0.9, beta2=0.999 and eps=1e-8.")
    passed("adam_step is right: m and u average g and g**2, t counts the steps, m̂ and û undo the start at 0, "
           "and θ moves by −lr · m̂ / (√û + eps); the same rule as bp.make_optimizer(\"adam\").")
