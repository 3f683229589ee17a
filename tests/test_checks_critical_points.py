"""The checks of lesson 08 accept right answers and explain typical wrong ones."""

import numpy as np
import pytest
import sympy as sp

from bpgd_helpers.checks import CheckFailed
from bpgd_helpers.checks.critical_points import check_classify_hessian, check_critical_points_of

x, y = sp.symbols("x y", real=True)


# --- classify_hessian ----------------------------------------------------------------------------

def right_classify(H, tol=1e-8):
    eig = np.linalg.eigvalsh(H)
    zero = tol * max(1.0, np.abs(eig).max())
    if (eig > zero).any() and (eig < -zero).any():
        return "saddle"
    if (eig > zero).all():
        return "minimum"
    if (eig < -zero).all():
        return "maximum"
    return "degenerate"


def by_diagonal(H, tol=1e-8):
    return right_classify(np.diag(np.diag(H)), tol)


def by_determinant(H, tol=1e-8):  # the 2x2 test used for any size
    d = np.linalg.det(H)
    return "saddle" if d < -tol else "degenerate" if abs(d) <= tol else "minimum" if H[0, 0] > 0 else "maximum"


def zeros_make_degenerate(H, tol=1e-8):  # any zero eigenvalue -> degenerate, even with both signs
    eig = np.linalg.eigvalsh(H)
    if (np.abs(eig) <= tol).any():
        return "degenerate"
    return right_classify(H, tol)


def no_tolerance(H, tol=1e-8):
    eig = np.linalg.eigvalsh(H)
    if (eig > 0).any() and (eig < 0).any():
        return "saddle"
    return "minimum" if (eig > 0).all() else "maximum" if (eig < 0).all() else "degenerate"


def capitalised(H, tol=1e-8):
    return right_classify(H, tol).capitalize()


def test_right_classify_passes(capsys):
    check_classify_hessian(right_classify)
    assert capsys.readouterr().out.startswith("✔ classify_hessian is right")


@pytest.mark.parametrize("wrong,words", [
    (by_diagonal, "not the eigenvalues|Hint"),
    (by_determinant, "wrong"),
    (zeros_make_degenerate, "whatever the zero eigenvalues say"),
    (no_tolerance, r"compare \|eigenvalue\| with tol"),
    (capitalised, "spelled exactly"),
    (lambda H, tol=1e-8: None, "one of the strings"),
    (lambda H, tol=1e-8: 1 / 0, "ZeroDivisionError"),
])
def test_wrong_classify_fails_with_a_useful_message(wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check_classify_hessian(wrong)


def test_by_diagonal_is_caught_by_the_tricky_matrix_or_a_rotation():
    """Reading the diagonal is wrong for every rotated matrix; the message says to use the eigenvalues."""
    with pytest.raises(CheckFailed) as info:
        check_classify_hessian(by_diagonal)
    assert "Hessian with" in str(info.value)


# --- critical_points_of ----------------------------------------------------------------------------

def right_points(f):
    H = sp.hessian(f, (x, y))
    out = []
    for sol in sp.solve([f.diff(x), f.diff(y)], [x, y], dict=True):
        px, py = sol[x], sol[y]
        if px.is_real and py.is_real:
            out.append((float(px), float(py), right_classify(np.array(H.subs(sol), dtype=float))))
    return out


def first_only(f):
    return right_points(f)[:1]


def kind_from_fxx(f):  # classify by the sign of f_xx alone
    return [(px, py, "minimum" if float(f.diff(x, 2).subs({x: px, y: py})) > 0 else "maximum")
            for px, py, _ in right_points(f)]


def duplicated(f):
    points = right_points(f)
    return points + points[:1]


def not_critical(f):
    return [(px + 0.5, py, kind) for px, py, kind in right_points(f)]


def symbolic_coordinates(f):
    return [(sp.Symbol("a"), py, kind) for px, py, kind in right_points(f)]


def hessian_not_evaluated(f):
    H = sp.hessian(f, (x, y))
    return [(float(s[x]), float(s[y]), right_classify(np.array(H, dtype=float)))
            for s in sp.solve([f.diff(x), f.diff(y)], [x, y], dict=True)]


def own_symbols(f):  # symbols without real=True are not the x, y that f is written in
    a, b = sp.symbols("x y")
    return [(float(s[a]), float(s[b]), "minimum") for s in sp.solve([f.diff(a), f.diff(b)], [a, b], dict=True)]


def real_parts(f):  # complex solutions turned into their real part, with symbols that allow them
    a, b = sp.symbols("a b")
    g = f.subs({x: a, y: b})
    points = []
    for s in sp.solve([g.diff(a), g.diff(b)], [a, b], dict=True):
        px, py = float(sp.re(s[a])), float(sp.re(s[b]))
        points.append((px, py, right_classify(np.array(sp.hessian(f, (x, y)).subs({x: px, y: py}), dtype=float))))
    return points


def test_right_points_pass(capsys):
    check_critical_points_of(right_points)
    assert capsys.readouterr().out.startswith("✔ critical_points_of is right")


@pytest.mark.parametrize("wrong,words", [
    (first_only, "you found 1 of its 2"),
    (kind_from_fxx, "kind of"),
    (duplicated, "appears twice"),
    (not_critical, "is not a critical point"),
    (symbolic_coordinates, "should be numbers"),
    (lambda f: "none", "list of"),
    (lambda f: [(0, 0)], r"tuple \(x, y, kind\)"),
    (hessian_not_evaluated, r"\.subs\(solution\)"),
    (own_symbols, "without real=True"),
    (real_parts, "skip the complex solutions"),
])
def test_wrong_points_fail_with_a_useful_message(wrong, words):
    with pytest.raises(CheckFailed, match=words):
        check_critical_points_of(wrong)


def test_missing_point_message_does_not_say_where_it_is():
    with pytest.raises(CheckFailed) as info:
        check_critical_points_of(lambda f: [])
    assert "(" not in str(info.value).split("you found")[1].split("Hint")[0]
