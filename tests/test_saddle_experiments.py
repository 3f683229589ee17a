"""The claims lesson 08 makes about gradient descent near saddles and local minima.

The reference for every number is the closed form of GD on f = x² − y²:
x_t = (1 − 2 lr)^t x_0 and y_t = (1 + 2 lr)^t y_0.
"""

import math

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers import surfaces


def escape_step(path, threshold=1.0):
    far = np.flatnonzero(np.abs(path[:, 1]) >= threshold)
    return int(far[0]) if far.size else None


@pytest.mark.parametrize("lr", [0.05, 0.1, 0.3])
def test_gd_on_the_stable_manifold_converges_to_the_saddle(lr):
    path = bp.optimize("saddle", (1.0, 0.0), lr=lr, steps=400)
    assert not path.diverged
    assert np.all(path[:, 1] == 0.0)  # y never leaves 0
    assert abs(path[-1, 0]) < 1e-12
    assert np.linalg.norm(surfaces.get("saddle").grad(*path[-1])) < 1e-11  # it stops as if at a minimum
    assert path[-1, 0] == pytest.approx((1 - 2 * lr) ** 400, rel=1e-12)


@pytest.mark.parametrize("lr", [0.05, 0.1])
@pytest.mark.parametrize("k", [1, 3, 6, 9, 12])
def test_a_nudge_escapes_after_log_one_over_nudge_steps(lr, k):
    nudge = 10.0**-k
    path = bp.optimize("saddle", (1.0, nudge), lr=lr, steps=800, warn=False)
    expected = math.ceil(math.log(1 / nudge) / math.log(1 + 2 * lr))
    assert escape_step(path) in (expected - 1, expected, expected + 1)


def test_gradient_noise_escapes_and_the_time_grows_like_log_one_over_noise():
    lr = 0.1
    medians = []
    sigmas = [1e-2, 1e-5, 1e-8, 1e-11]
    for sigma in sigmas:
        steps = [escape_step(bp.optimize("saddle", (1.0, 0.0), lr=lr, steps=400, noise=sigma, seed=seed, warn=False))
                 for seed in range(15)]
        assert all(s is not None for s in steps), f"a run with noise {sigma} never escaped"
        medians.append(np.median(steps))
    slope = np.polyfit(np.log(1 / np.array(sigmas)), medians, 1)[0]
    assert slope == pytest.approx(1 / math.log(1 + 2 * lr), rel=0.2)


def test_without_noise_or_nudge_there_is_no_escape():
    path = bp.optimize("saddle", (1.0, 0.0), lr=0.1, steps=300, noise=0.0)
    assert escape_step(path) is None


def test_gd_crawls_into_the_degenerate_monkey_saddle_like_one_over_t():
    lr = 0.05
    path = bp.optimize("monkey_saddle", (1.0, 0.0), lr=lr, steps=2000)
    for t in (1000, 2000):
        assert path[t, 0] * 3 * lr * t == pytest.approx(1.0, rel=0.015)
    assert np.all(np.diff(path[:, 0]) < 0) and np.all(path[:, 0] > 0)  # monotone, never crosses 0


def test_local_minima_trap_gd_and_the_basins_are_the_quadrants():
    """f = (x² − 1)² + (y² − 1)² + 0.3x + 0.15y separates into x and y parts, so with a small lr
    each start ends in the well of its quadrant, cut by the ridges through the central maximum."""
    wells = surfaces.get("local_minima")
    minima = [p for p in wells.critical_points() if p.kind == "minimum"]
    (top,) = [p for p in wells.critical_points() if p.kind == "maximum"]
    global_min = min(minima, key=lambda p: wells.f(p.x, p.y))
    rng = np.random.default_rng(0)
    trapped = tested = 0
    for _ in range(60):
        start = rng.uniform(-1.8, 1.8, size=2)
        if min(abs(start[0] - top.x), abs(start[1] - top.y)) < 0.1:
            continue  # too close to a basin boundary to call
        end = bp.optimize(wells, start, lr=0.02, steps=600)[-1]
        nearest = min(minima, key=lambda p: np.hypot(p.x - end[0], p.y - end[1]))
        assert np.hypot(nearest.x - end[0], nearest.y - end[1]) < 1e-6
        assert np.sign(nearest.x - top.x) == np.sign(start[0] - top.x)
        assert np.sign(nearest.y - top.y) == np.sign(start[1] - top.y)
        trapped += nearest != global_min
        tested += 1
    assert trapped > tested / 2  # most starts end in a worse, local minimum
