"""Lesson 09's claim: tuned heavy-ball momentum beats tuned GD on an ill-conditioned quadratic,
at the rates theory predicts, (√κ−1)/(√κ+1) against (κ−1)/(κ+1).

The oracle is linear algebra, not the optimiser: on f = ½ Σ λ_i x_i², heavy ball is the linear
map (x, x_prev) -> ((1 + β − lr λ) x − β x_prev, x) per eigen-direction, and its rate is the
largest spectral radius of those 2x2 matrices.
"""

import numpy as np
import pytest
import sympy as sp

import bpgd_helpers as bp
from bpgd_helpers import surfaces


def measured_rate(path):
    d = np.linalg.norm(path, axis=1)
    half = len(d) // 2
    return (d[-1] / d[half]) ** (1 / (len(d) - 1 - half))


def spectral_rate(lr, beta, eigenvalues):
    return max(max(abs(np.linalg.eigvals(np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]]))))
               for lam in eigenvalues)


def bowl_with(kappa):
    x, y = surfaces.x, surfaces.y
    return surfaces.Surface(f"bowl_{kappa}", sp.Rational(1, 2) * (x**2 + kappa * y**2),
                            xlim=(-3, 3), ylim=(-2, 2), start=(-2.5, 1.0), lr=1 / kappa)


@pytest.mark.parametrize("kappa", [10, 100])
def test_tuned_rates_match_theory_and_momentum_wins(kappa):
    bowl = surfaces.get("bowl") if kappa == 10 else bowl_with(kappa)
    mu, L = np.linalg.eigvalsh(bowl.hessian(0.0, 0.0))
    assert L / mu == pytest.approx(kappa)
    gd = bp.optimize(bowl, (-2.5, 1.0), "gd", lr=2 / (L + mu), steps=200)
    root = np.sqrt(kappa)
    hb = bp.optimize(bowl, (-2.5, 1.0), "momentum", lr=4 / (np.sqrt(L) + np.sqrt(mu)) ** 2,
                     beta=((root - 1) / (root + 1)) ** 2, steps=200)
    assert measured_rate(gd) == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-3)
    # At the optimum the roots are double, so the error falls like t * rate^t: a little above rate.
    assert measured_rate(hb) == pytest.approx((root - 1) / (root + 1), rel=0.02)
    assert measured_rate(hb) < measured_rate(gd) - 0.1


def test_measured_momentum_rate_equals_the_spectral_radius_for_any_setting():
    bowl = surfaces.get("bowl")
    rng = np.random.default_rng(0)
    for _ in range(8):
        lr, beta = rng.uniform(0.02, 0.3), rng.uniform(0.0, 0.9)
        expected = spectral_rate(lr, beta, (1.0, 10.0))
        if expected >= 0.98:
            continue  # too slow to measure in 300 steps
        path = bp.optimize(bowl, (-2.5, 1.0), "momentum", lr=lr, beta=beta, steps=300)
        assert measured_rate(path) == pytest.approx(expected, rel=0.03)


def test_no_setting_of_a_grid_beats_the_theoretical_optimum():
    """Theory's settings are the best: a grid search finds nothing faster (up to measurement bias)."""
    bowl = surfaces.get("bowl")
    best_gd = min(measured_rate(bp.optimize(bowl, (-2.5, 1.0), "gd", lr=lr, steps=100, warn=False))
                  for lr in np.linspace(0.02, 0.2, 19))
    best_hb = min(measured_rate(bp.optimize(bowl, (-2.5, 1.0), "momentum", lr=lr, beta=beta, steps=100, warn=False))
                  for lr in np.linspace(0.05, 0.45, 17) for beta in np.linspace(0.0, 0.6, 13))
    kappa = 10.0
    assert best_gd >= (kappa - 1) / (kappa + 1) - 1e-3
    assert best_hb >= (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1) - 1e-3
    assert best_hb < 0.56 < 0.8 < best_gd


def test_steps_grow_like_kappa_for_gd_and_like_sqrt_kappa_for_momentum():
    steps = {}
    for kappa in (30, 300):
        bowl, root = bowl_with(kappa), np.sqrt(kappa)
        gd = bp.optimize(bowl, (-2.5, 1.0), "gd", lr=2 / (kappa + 1), steps=300)
        hb = bp.optimize(bowl, (-2.5, 1.0), "momentum", lr=4 / (root + 1) ** 2,
                         beta=((root - 1) / (root + 1)) ** 2, steps=300)
        steps[kappa] = (-1 / np.log(measured_rate(gd)), -1 / np.log(measured_rate(hb)))
    gd_growth = steps[300][0] / steps[30][0]
    hb_growth = steps[300][1] / steps[30][1]
    assert gd_growth == pytest.approx(10, rel=0.05)
    assert hb_growth == pytest.approx(np.sqrt(10), rel=0.1)
