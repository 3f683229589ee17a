"""Tests of bpgd_helpers.optimizers: step rules by hand and against PyTorch, the GD rate on
the bowl against the theory for quadratics, divergence, noise and bad input."""

import warnings

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers import surfaces
from bpgd_helpers.optimizers import DivergenceWarning, make_optimizer, optimize

# Two steps from w = 1 with gradients 2 then -1, lr = 0.1, worked out by hand.
HAND = {
    # x <- x - lr g: 1 - 0.2 = 0.8; 0.8 + 0.1 = 0.9
    ("gd", ()): [0.8, 0.9],
    # v1 = -0.2, w1 = 0.8; v2 = 0.9(-0.2) + 0.1 = -0.08, w2 = 0.72
    ("momentum", (("beta", 0.9),)): [0.8, 0.72],
    # v1 = -0.2, w1 = 1 + 0.9(-0.2) - 0.2 = 0.62; v2 = -0.08, w2 = 0.62 + 0.9(-0.08) + 0.1 = 0.648
    ("nesterov", (("beta", 0.9),)): [0.62, 0.648],
    # s1 = 0.1*4 = 0.4, w1 = 1 - 0.2/sqrt(0.4); s2 = 0.36 + 0.1 = 0.46, w2 = w1 + 0.1/sqrt(0.46)
    ("rmsprop", (("rho", 0.9), ("eps", 1e-12))): [1 - 0.2 / 0.4**0.5, 1 - 0.2 / 0.4**0.5 + 0.1 / 0.46**0.5],
    # m1 = 0.2, v1 = 0.004, m^ = 2, v^ = 4, w1 = 1 - 0.1 * 2/2 = 0.9;
    # m2 = 0.08, v2 = 0.004996, m^ = 0.08/0.19, v^ = 0.004996/0.001999
    ("adam", (("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-12))): [
        0.9, 0.9 - 0.1 * (0.08 / 0.19) / (0.004996 / (1 - 0.999**2)) ** 0.5],
}


@pytest.mark.parametrize("name, hyper", list(HAND))
def test_step_rule_matches_a_hand_computation(name, hyper):
    opt = make_optimizer(name, lr=0.1, **dict(hyper))
    params = {"w": np.array([1.0])}
    got = []
    for g in (2.0, -1.0):
        opt.step(params, {"dw": np.array([g])})
        got.append(params["w"][0])
    assert got == pytest.approx(HAND[(name, hyper)], rel=1e-9)


TORCH = {
    "gd": (lambda torch, p, lr: torch.optim.SGD(p, lr=lr), {}),
    "momentum": (lambda torch, p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8), {"beta": 0.8}),
    "nesterov": (lambda torch, p, lr: torch.optim.SGD(p, lr=lr, momentum=0.8, nesterov=True), {"beta": 0.8}),
    "rmsprop": (lambda torch, p, lr: torch.optim.RMSprop(p, lr=lr, alpha=0.95, eps=1e-7), {"rho": 0.95, "eps": 1e-7}),
    "adam": (lambda torch, p, lr: torch.optim.Adam(p, lr=lr, betas=(0.8, 0.99), eps=1e-7),
             {"beta1": 0.8, "beta2": 0.99, "eps": 1e-7}),
}


@pytest.mark.parametrize("name", list(TORCH))
def test_step_rule_matches_pytorch_on_a_network_shaped_dict(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    params = {"W1": rng.normal(size=(4, 3)), "b1": rng.normal(size=(4, 1))}
    tparams = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in params.values()]
    make_torch, hyper = TORCH[name]
    topt = make_torch(torch, tparams, 0.05)
    opt = make_optimizer(name, lr=0.05, **hyper)
    for _ in range(6):
        grads = {"d" + k: rng.normal(size=v.shape) for k, v in params.items()}
        opt.step(params, grads)
        for t, g in zip(tparams, grads.values()):
            t.grad = torch.tensor(g)
        topt.step()
    for v, t in zip(params.values(), tparams):
        assert np.allclose(v, t.detach().numpy(), rtol=1e-10, atol=1e-12)


def bowl_eigenvalues():
    """Eigenvalues of the bowl's Hessian, from second differences of f (not from the code's hessian)."""
    f, h = surfaces.get("bowl").f, 1e-3
    fxx = (f(h, 0) - 2 * f(0, 0) + f(-h, 0)) / h**2
    fyy = (f(0, h) - 2 * f(0, 0) + f(0, -h)) / h**2
    return np.array([fxx, fyy])  # the bowl is axis-aligned: f has no xy term


@pytest.mark.parametrize("lr", [0.02, 0.1, 0.15, 0.19])
def test_gd_rate_on_the_bowl_matches_theory(lr):
    lam = bowl_eigenvalues()
    predicted = np.max(np.abs(1 - lr * lam))
    path = optimize("bowl", start=(2.0, 1.0), optimizer="gd", lr=lr, steps=60)
    dist = np.linalg.norm(path, axis=1)  # distance to the minimum at the origin
    measured = (dist[-1] / dist[-21]) ** (1 / 20)
    assert measured == pytest.approx(predicted, rel=1e-3)


def test_gd_converges_iff_lr_below_2_over_L():
    L = bowl_eigenvalues().max()
    below = optimize("bowl", start=(2.0, 1.0), lr=0.98 * 2 / L, steps=2000, warn=False)
    above = optimize("bowl", start=(2.0, 1.0), lr=1.02 * 2 / L, steps=2000, warn=False)
    assert not below.diverged and np.linalg.norm(below[-1]) < 1e-6
    assert above.diverged


def test_divergence_is_reported_not_raised_with_one_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = optimize("bowl", start=(2.0, 1.0), lr=0.5, steps=500)
    assert path.diverged
    assert "diverged at step" in path.message and "lr" in path.message
    assert len(path) < 501 and path.shape[1] == 2
    assert np.all(np.isfinite(path))
    assert [w.category for w in caught] == [DivergenceWarning], "exactly one warning, and no overflow warnings"


def test_divergence_to_infinity_in_one_step_stops_cleanly():
    # An absurd lr overflows f (and then the point) to inf at once: no overflow warnings leak,
    # and the path keeps only finite points.
    for surface, lr in [("bowl", 1e307), ("rosenbrock", 1e305)]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            path = optimize(surface, start=(-1.5, 2.0), lr=lr, steps=50, warn=False)
        assert path.diverged and caught == []
        assert np.all(np.isfinite(path)) and len(path) <= 2


def test_a_run_without_divergence_has_steps_plus_one_points():
    path = optimize("himmelblau", start=(0.0, 0.0), optimizer="adam", lr=0.05, steps=37)
    assert path.shape == (38, 2)
    assert not path.diverged and path.message == "ran all 37 steps"
    assert np.array_equal(path[0], [0.0, 0.0])


@pytest.mark.parametrize("name", list(TORCH))
def test_optimize_takes_the_same_steps_as_the_dict_rule(name):
    s = surfaces.get("himmelblau")
    hyper = TORCH[name][1]
    path = optimize(s, start=(1.0, -1.0), optimizer=name, lr=0.01, steps=15, **hyper)
    opt = make_optimizer(name, lr=0.01, **hyper)
    params = {"xy": np.array([1.0, -1.0])}
    expected = [params["xy"].copy()]
    for _ in range(15):
        opt.step(params, {"dxy": s.grad(*params["xy"])})
        expected.append(params["xy"].copy())
    assert np.allclose(path, expected, rtol=1e-12, atol=1e-12)


def test_noise_is_seeded_and_perturbs_the_path():
    clean = optimize("bowl", (2.0, 1.0), lr=0.05, steps=30)
    noisy = optimize("bowl", (2.0, 1.0), lr=0.05, steps=30, noise=1.0, seed=3)
    again = optimize("bowl", (2.0, 1.0), lr=0.05, steps=30, noise=1.0, seed=3)
    other = optimize("bowl", (2.0, 1.0), lr=0.05, steps=30, noise=1.0, seed=4)
    assert np.array_equal(noisy, again)
    assert not np.allclose(noisy, clean) and not np.allclose(noisy, other)
    # First step: x1 = x0 - lr (grad + noise * z) with z the seed's first standard normals.
    z = np.random.default_rng(3).standard_normal(2)
    assert np.allclose(noisy[1], np.array([2.0, 1.0]) - 0.05 * (np.array([2.0, 10.0]) + z))


def test_top_level_names():
    assert bp.optimize is optimize and bp.make_optimizer is make_optimizer


@pytest.mark.parametrize("call, error, words", [
    (lambda: make_optimizer("sgd", lr=0.1), ValueError, "one of"),
    (lambda: make_optimizer(3, lr=0.1), TypeError, "one of"),
    (lambda: make_optimizer("gd", lr=-0.1), ValueError, "lr must be"),
    (lambda: make_optimizer("gd", lr="0.1"), TypeError, "lr must be a number"),
    (lambda: make_optimizer("gd", lr=0.1, beta=0.9), TypeError, "unknown hyperparameters"),
    (lambda: make_optimizer("momentum", lr=0.1, beta=1.5), ValueError, "beta must be in"),
    (lambda: make_optimizer("adam", lr=0.1, eps=0.0), ValueError, "eps must be in"),
    (lambda: optimize("bowl", (1.0, 1.0, 1.0)), ValueError, "start must be a point"),
    (lambda: optimize("bowl", (np.nan, 1.0)), ValueError, "start must be finite"),
    (lambda: optimize("bowl", (1.0, 1.0), steps=-1), ValueError, "steps"),
    (lambda: optimize("bowl", (1.0, 1.0), steps=2.5), TypeError, "steps"),
    (lambda: optimize("bowl", (1.0, 1.0), noise=-1.0), ValueError, "noise"),
    (lambda: optimize("bowls", (1.0, 1.0)), ValueError, "unknown surface"),
    (lambda: optimize(42, (1.0, 1.0)), TypeError, "surface"),
])
def test_bad_input_is_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_step_rejects_bad_dicts():
    opt = make_optimizer("gd", lr=0.1)
    with pytest.raises(ValueError, match=r"missing \['db1'\]"):
        opt.step({"W1": np.ones((2, 2)), "b1": np.ones((2, 1))}, {"dW1": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"dW1 must have the shape of W1, \(2, 2\), got \(2,\)"):
        opt.step({"W1": np.ones((2, 2))}, {"dW1": np.ones(2)})
    with pytest.raises(TypeError, match="float NumPy array"):
        opt.step({"w": 1.0}, {"dw": 1.0})
    with pytest.raises(TypeError, match="float NumPy array"):
        opt.step({"w": np.array([1, 2])}, {"dw": np.array([1.0, 1.0])})
