"""Checks for lesson 09 (beyond plain SGD): the heavy-ball momentum step."""

import numpy as np

from ._core import call, compare, copy_arrays, fail, passed, same_arrays


def _reference(params, grads, velocity, lr, beta):
    new_velocity = {k: beta * velocity[k] - lr * grads["d" + k] for k in params}
    return {k: params[k] + new_velocity[k] for k in params}, new_velocity


def _random_state(rng):
    """A params dict of the article's shapes, its gradients and a non-zero velocity."""
    shapes = {"W1": (4, 3), "b1": (4, 1), "W2": (4, 4), "b2": (4, 1), "W3": (1, 4), "b3": (1, 1)}
    params = {k: rng.standard_normal(s) for k, s in shapes.items()}
    grads = {"d" + k: rng.standard_normal(s) for k, s in shapes.items()}
    velocity = {k: 0.3 * rng.standard_normal(s) for k, s in shapes.items()}
    return params, grads, velocity


def _diagnose(got_params, got_velocity, params, grads, velocity, lr, beta):
    """The most likely mistake, found by comparing with typical wrong versions of the step."""
    ref_p, ref_v = _reference(params, grads, velocity, lr, beta)
    if same_arrays(got_params, ref_v) and same_arrays(got_velocity, ref_p):
        return "the pair is in the wrong order: return (new_params, new_velocity)."
    if same_arrays(got_velocity, {k: beta * velocity[k] + grads["d" + k] for k in params}):
        return ("that is PyTorch's way of writing momentum (v = beta * v + g, then x = x - lr * v), whose v is "
                "the heavy ball's v divided by -lr. Here the velocity is the step itself: v = beta * v - lr * g, "
                "then x = x + v.")
    ema_v = {k: beta * velocity[k] + (1 - beta) * grads["d" + k] for k in params}
    if same_arrays(got_velocity, ema_v) or same_arrays(got_velocity, {k: -v for k, v in ema_v.items()}):
        return ("the velocity is an average of gradients, beta * v + (1 - beta) * g; the heavy ball "
                "uses v = beta * v - lr * g (no 1 - beta, and lr inside the velocity).")
    if same_arrays(got_velocity, {k: beta * velocity[k] + lr * grads["d" + k] for k in params}):
        return "the velocity moves uphill: v = beta * v - lr * g (minus lr times the gradient)."
    if same_arrays(got_velocity, {k: velocity[k] - lr * grads["d" + k] for k in params}):
        return "the old velocity is not multiplied by beta: v = beta * v - lr * g."
    if same_arrays(got_velocity, ref_v) and same_arrays(got_params, {k: params[k] + velocity[k] for k in params}):
        return "the parameters moved by the old velocity: compute the new v first, then x = x + v with that new v."
    if same_arrays(got_velocity, ref_v) and same_arrays(got_params, {k: params[k] - lr * grads["d" + k] for k in params}):
        return "the parameters took a plain GD step: move them by the new velocity, x = x + v."
    if same_arrays(got_velocity, velocity):
        return "the velocity did not change: return the new velocity, beta * v - lr * g."
    return "v_new = beta * v - lr * grads['d' + k], then params_new = params + v_new, for every key k."


def check_momentum_step(momentum_step):
    """Check momentum_step(params, grads, velocity, lr, beta) -> (new_params, new_velocity)."""
    __tracebackhide__ = True
    if not callable(momentum_step):
        fail(f"momentum_step should be a function, got a {type(momentum_step).__name__}.")
    rng = np.random.default_rng()
    params, grads, velocity = _random_state(rng)
    lr, beta = float(rng.uniform(0.01, 0.3)), float(rng.uniform(0.5, 0.95))
    inputs = (copy_arrays(params), copy_arrays(grads), copy_arrays(velocity))
    out = call(momentum_step, "momentum_step(params, grads, velocity, lr, beta)", *inputs, lr, beta)
    if not (isinstance(out, tuple) and len(out) == 2 and all(isinstance(d, dict) for d in out)):
        fail(f"momentum_step should return a pair of dicts (new_params, new_velocity), got {type(out).__name__}. "
             "Hint: end with `return new_params, new_velocity`.")
    got_params, got_velocity = out
    for name, got in (("new_params", got_params), ("new_velocity", got_velocity)):
        if sorted(got) != sorted(params):
            fail(f"{name} should have the keys of params, {sorted(params)}; got {sorted(got)}. "
                 "Hint: the velocity has one entry per parameter, named like the parameter (W1, not dW1).")
    if not (same_arrays(inputs[0], params) and same_arrays(inputs[2], velocity)):
        fail("momentum_step changed the params or velocity dicts it was given: build new dicts "
             "(e.g. {k: ... for k in params}) instead of updating in place.")
    expected_params, expected_velocity = _reference(params, grads, velocity, lr, beta)
    hint = "" if (same_arrays(got_params, expected_params) and same_arrays(got_velocity, expected_velocity)) else \
        _diagnose(got_params, got_velocity, params, grads, velocity, lr, beta)
    for k in params:
        compare(f"new_velocity[{k!r}]", got_velocity[k], expected_velocity[k], hint=hint)
    for k in params:
        compare(f"new_params[{k!r}]", got_params[k], expected_params[k], hint=hint)
    # From rest, the first step is a plain gradient-descent step.
    zero = {k: np.zeros_like(v) for k, v in params.items()}
    first_params, _ = call(momentum_step, "momentum_step with zero velocity", copy_arrays(params), copy_arrays(grads), zero, lr, beta)
    for k in params:
        compare(f"new_params[{k!r}] from zero velocity", first_params[k], params[k] - lr * grads["d" + k],
                hint="from rest (v = 0) the first momentum step is exactly a gradient-descent step.")
    passed("momentum_step is right: v = beta * v - lr * g, then x = x + v, for every parameter.")
