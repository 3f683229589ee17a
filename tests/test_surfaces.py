"""Tests of bpgd_helpers.surfaces: derivatives against central differences, critical points
against published values and independent computations."""

import subprocess
import sys

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from bpgd_helpers import surfaces

ALL = surfaces.names()


def central_grad(f, x, y, h=1e-6):
    return np.array([(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)])


def central_hessian(f, x, y, h=1e-4):
    """Second derivatives from f alone (no use of grad)."""
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / h**2
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / h**2
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h**2)
    return np.array([[fxx, fxy], [fxy, fyy]])


def kinds(points):
    return sorted(p.kind for p in points)


def test_names_cover_the_required_surfaces():
    for name in ["bowl", "saddle", "monkey_saddle", "local_minima", "himmelblau", "rosenbrock"]:
        assert name in ALL
        assert surfaces.get(name).name == name


@pytest.mark.parametrize("name", ALL)
def test_f_matches_the_expression(name):
    s = surfaces.get(name)
    for px, py in [(0.3, -0.7), (1.25, 0.5), (-1.1, 1.9)]:
        exact = float(s.expr.subs({surfaces.x: sp.Rational(str(px)), surfaces.y: sp.Rational(str(py))}))
        assert s.f(px, py) == pytest.approx(exact, rel=1e-12, abs=1e-12)
        assert isinstance(s.f(px, py), float)


@pytest.mark.parametrize("name", ALL)
@given(u=st.floats(0, 1), v=st.floats(0, 1))
def test_grad_and_hessian_match_central_differences(name, u, v):
    s = surfaces.get(name)
    px = s.xlim[0] + u * (s.xlim[1] - s.xlim[0])
    py = s.ylim[0] + v * (s.ylim[1] - s.ylim[0])
    g = s.grad(px, py)
    assert g.shape == (2,)
    scale = 1 + np.abs(g).max()
    assert np.allclose(g, central_grad(s.f, px, py), rtol=1e-6, atol=1e-6 * scale)
    H = s.hessian(px, py)
    assert H.shape == (2, 2)
    assert np.allclose(H, central_hessian(s.f, px, py), rtol=1e-4, atol=1e-3 * (1 + np.abs(H).max()))


@pytest.mark.parametrize("name", ALL)
def test_f_and_grad_work_on_arrays(name):
    s = surfaces.get(name)
    X, Y, Z = s.grid(7)
    assert Z.shape == (7, 7)
    G = s.grad(X, Y)
    assert G.shape == (2, 7, 7)
    assert np.allclose(G[:, 3, 4], s.grad(X[3, 4], Y[3, 4]))
    assert Z[2, 5] == pytest.approx(s.f(X[2, 5], Y[2, 5]))


def test_bowl_is_ill_conditioned():
    s = surfaces.get("bowl")
    for px, py in [(0.0, 0.0), (1.3, -0.4)]:
        eig = np.linalg.eigvalsh(central_hessian(s.f, px, py))
        assert eig.min() > 0, "the bowl must be convex"
        assert eig.max() / eig.min() >= 5, "condition number must be at least 5"
    assert s.critical_points() == [(0.0, 0.0, "minimum")]


# Published values (Himmelblau 1972; e.g. Wikipedia's "Himmelblau's function").
HIMMELBLAU = {
    "minimum": [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)],
    "maximum": [(-0.270845, -0.923039)],
    "saddle": [(0.086677, 2.884254), (-3.073026, -0.081353), (3.385154, 0.073852), (-0.127961, -1.953715)],
}


def test_himmelblau_critical_points_match_published_values():
    found = surfaces.get("himmelblau").critical_points()
    assert len(found) == 9, f"expected 4 minima, 1 maximum and 4 saddles, found {kinds(found)}"
    for kind, points in HIMMELBLAU.items():
        for px, py in points:
            match = [p for p in found if abs(p.x - px) < 1e-5 and abs(p.y - py) < 1e-5]
            assert len(match) == 1, f"published {kind} at ({px}, {py}) not found"
            assert match[0].kind == kind
    assert surfaces.get("himmelblau").f(-0.270845, -0.923039) == pytest.approx(181.617, abs=1e-3)


def test_rosenbrock_has_one_minimum_at_1_1():
    found = surfaces.get("rosenbrock").critical_points()
    assert len(found) == 1
    assert found[0].kind == "minimum"
    assert found[0].x == pytest.approx(1.0, abs=1e-12) and found[0].y == pytest.approx(1.0, abs=1e-12)


def test_local_minima_matches_the_separable_oracle():
    # f = (x^2 - 1)^2 + (y^2 - 1)^2 + 0.3 x + 0.15 y separates: each coordinate solves
    # its own cubic, and the kind follows from the signs of the two second derivatives.
    s = surfaces.get("local_minima")
    xs = np.sort(np.roots([4, 0, -4, 0.3]).real)
    ys = np.sort(np.roots([4, 0, -4, 0.15]).real)
    expected = {}
    for px in xs:
        for py in ys:
            sx, sy = 12 * px**2 - 4 > 0, 12 * py**2 - 4 > 0
            expected[(px, py)] = "minimum" if sx and sy else "maximum" if not (sx or sy) else "saddle"
    found = s.critical_points()
    assert len(found) == len(expected) == 9
    for (px, py), kind in expected.items():
        match = [p for p in found if abs(p.x - px) < 1e-9 and abs(p.y - py) < 1e-9]
        assert len(match) == 1 and match[0].kind == kind


def test_local_minima_has_a_strictly_higher_local_minimum():
    s = surfaces.get("local_minima")
    values = sorted(s.f(p.x, p.y) for p in s.critical_points() if p.kind == "minimum")
    assert len(values) >= 2
    assert values[1] > values[0] + 0.1, "a local minimum must be strictly higher than the global one"
    X, Y, Z = s.grid(401)
    assert Z.min() >= values[0] - 1e-9, "the lowest minimum found must be the global minimum of the region"


def test_saddle_is_a_saddle():
    s = surfaces.get("saddle")
    assert s.critical_points() == [(0.0, 0.0, "saddle")]
    assert s.f(0.5, 0.0) > 0 > s.f(0.0, 0.5)


def test_monkey_saddle_is_reported_degenerate_not_guessed():
    s = surfaces.get("monkey_saddle")
    assert s.critical_points() == [(0.0, 0.0, "degenerate")]
    assert np.allclose(s.hessian(0.0, 0.0), 0.0)
    # Neither a minimum nor a maximum: f takes both signs arbitrarily close to the origin.
    assert s.f(1e-3, 0.0) > 0 > s.f(-1e-3, 0.0)


@pytest.mark.parametrize("name", ALL)
def test_critical_points_are_zeros_of_the_gradient_inside_the_region(name):
    s = surfaces.get(name)
    for p in s.critical_points():
        assert s.xlim[0] <= p.x <= s.xlim[1] and s.ylim[0] <= p.y <= s.ylim[1]
        assert np.abs(central_grad(s.f, p.x, p.y)).max() < 1e-5
        assert p.kind in {"minimum", "maximum", "saddle", "degenerate"}


@pytest.mark.parametrize("name", ALL)
def test_start_is_inside_the_region(name):
    s = surfaces.get(name)
    assert s.xlim[0] < s.start[0] < s.xlim[1] and s.ylim[0] < s.start[1] < s.ylim[1]


def test_points_outside_the_region_are_left_out():
    s = surfaces.Surface("shifted", (surfaces.x - 5) ** 2 + surfaces.y**2, xlim=(-1, 1), ylim=(-1, 1),
                         start=(0, 0), lr=0.1)
    assert s.critical_points() == []


def test_classify_hessian():
    assert surfaces.classify_hessian([[2, 0], [0, 3]]) == "minimum"
    assert surfaces.classify_hessian([[-2, 1], [1, -3]]) == "maximum"
    assert surfaces.classify_hessian([[0, 1], [1, 0]]) == "saddle"
    assert surfaces.classify_hessian([[1, 1], [1, 1]]) == "degenerate"
    with pytest.raises(ValueError, match="2x2"):
        surfaces.classify_hessian(np.eye(3))


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="unknown surface 'bowll'.*bowl"):
        surfaces.get("bowll")
    with pytest.raises(TypeError, match="surface name"):
        surfaces.get(3)
    with pytest.raises(ValueError, match="one point"):
        surfaces.get("bowl").hessian(np.zeros(2), 0.0)
    with pytest.raises(TypeError, match="SymPy expression"):
        surfaces.Surface("s", "x**2", (-1, 1), (-1, 1), (0, 0), 0.1)
    z = sp.Symbol("z")
    with pytest.raises(ValueError, match="only the symbols"):
        surfaces.Surface("s", surfaces.x * z, (-1, 1), (-1, 1), (0, 0), 0.1)
    with pytest.raises(ValueError, match="not isolated"):
        surfaces.Surface("valley", surfaces.x**2, (-1, 1), (-1, 1), (0, 0), 0.1).critical_points()
    with pytest.raises(NotImplementedError, match="polynomial"):
        surfaces.Surface("wave", sp.sin(surfaces.x) + surfaces.y**2, (-1, 1), (-1, 1), (0, 0), 0.1).critical_points()


def test_importing_the_package_does_not_import_sympy():
    code = "import sys, bpgd_helpers; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "import bpgd_helpers must stay cheap: surfaces load lazily"


def test_huge_values_overflow_to_inf_instead_of_raising():
    # optimize() relies on this to detect divergence: Python floats would raise OverflowError.
    s = surfaces.get("rosenbrock")
    with np.errstate(over="ignore", invalid="ignore"):
        assert s.f(1e200, 0.0) == np.inf
        assert not np.all(np.isfinite(s.grad(1e200, 1e200)))


@pytest.mark.parametrize("name", ALL)
def test_contour_levels_increase_and_cover_the_region(name):
    s = surfaces.get(name)
    levels = s.levels(25)
    Z = s.grid(200)[2]
    assert np.all(np.diff(levels) > 0)
    assert levels[0] == pytest.approx(Z.min()) and levels[-1] == pytest.approx(Z.max())
    assert 10 <= len(levels) <= 25
