"""Two-variable test surfaces for the gradient-descent lab (lessons 06-09).

Each surface is written down once, as a SymPy expression in x and y. Its
gradient and Hessian are derived from that expression by SymPy and turned
into fast NumPy functions with `lambdify`, so the formula, the code and the
figures can never disagree.

    >>> from bpgd_helpers import surfaces
    >>> surfaces.names()
    ['bowl', 'saddle', 'monkey_saddle', 'local_minima', 'himmelblau', 'rosenbrock']
    >>> bowl = surfaces.get("bowl")
    >>> bowl.grad(1.0, 1.0)
    array([ 1., 10.])
"""

from functools import cached_property
from typing import NamedTuple

import numpy as np
import sympy as sp

#: The two variables every surface is written in.
x, y = sp.symbols("x y", real=True)


class CriticalPoint(NamedTuple):
    """A point where the gradient is zero, and what kind of point it is.

    kind is "minimum", "maximum" or "saddle" from the signs of the Hessian's
    eigenvalues, or "degenerate" when an eigenvalue is zero and the Hessian
    alone cannot tell.
    """

    x: float
    y: float
    kind: str


class Surface:
    """A function f(x, y) with its gradient, Hessian, critical points and a plotting region.

    Attributes:
        name: the key of `get`, e.g. "bowl".
        title: a short human name for figure titles.
        expr: the SymPy expression of f in the symbols `surfaces.x` and `surfaces.y`.
        xlim, ylim: the plotting region, (low, high) each.
        start: a sensible default starting point (x, y).
        lr: a learning rate at which plain gradient descent behaves well from `start`.
        steps: a number of steps that shows the interesting part of a run.
        description: one sentence about the surface's shape.
    """

    def __init__(self, name, expr, xlim, ylim, start, lr, steps=100, title=None, description=""):
        if not isinstance(expr, sp.Expr):
            raise TypeError(f"expr must be a SymPy expression in x and y, got a {type(expr).__name__}")
        extra = expr.free_symbols - {x, y}
        if extra:
            raise ValueError(f"expr must use only the symbols surfaces.x and surfaces.y, got also {sorted(map(str, extra))}")
        self.name = name
        self.title = title or name
        self.expr = expr
        self.xlim = tuple(float(v) for v in xlim)
        self.ylim = tuple(float(v) for v in ylim)
        self.start = tuple(float(v) for v in start)
        self.lr = float(lr)
        self.steps = int(steps)
        self.description = description
        self.grad_expr = [sp.diff(expr, x), sp.diff(expr, y)]
        self.hessian_expr = sp.hessian(expr, (x, y))
        self._f = sp.lambdify((x, y), expr, "numpy")
        self._grad = sp.lambdify((x, y), self.grad_expr, "numpy")
        self._hessian = sp.lambdify((x, y), self.hessian_expr.tolist(), "numpy")

    def __repr__(self):
        return f"<Surface {self.name!r}: f(x, y) = {self.expr}>"

    def f(self, x, y):
        """f(x, y): a float for numbers, an array for arrays (broadcast)."""
        if np.ndim(x) == 0 and np.ndim(y) == 0:
            return float(self._f(np.float64(x), np.float64(y)))
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.broadcast_to(self._f(x, y), x.shape).astype(float)

    def grad(self, x, y):
        """array([df/dx, df/dy]): shape (2,) for numbers, (2, *shape) for arrays."""
        if np.ndim(x) == 0 and np.ndim(y) == 0:
            return np.array(self._grad(np.float64(x), np.float64(y)), dtype=float)
        x, y = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
        return np.stack([np.broadcast_to(g, x.shape) for g in self._grad(x, y)]).astype(float)

    def hessian(self, x, y):
        """The 2x2 matrix of second derivatives at one point (x, y)."""
        if np.ndim(x) != 0 or np.ndim(y) != 0:
            raise ValueError(f"hessian takes one point: x and y must be numbers, got shapes {np.shape(x)} and {np.shape(y)}")
        return np.array(self._hessian(np.float64(x), np.float64(y)), dtype=float)

    def grid(self, n=200):
        """(X, Y, Z) on an n-by-n grid over the plotting region, ready for contour plots."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self.f(X, Y)

    def levels(self, n=25, grid_size=200):
        """n increasing contour levels that spread the lines evenly over the region.

        They are quantiles of f over the region, so steep surfaces such as
        Rosenbrock still show their flat valley.
        """
        Z = self.grid(grid_size)[2]
        return np.unique(np.quantile(Z, np.linspace(0, 1, n)))

    def classify(self, x, y):
        """"minimum", "maximum", "saddle" or "degenerate" from the Hessian's eigenvalues at (x, y)."""
        return classify_hessian(self.hessian(x, y))

    def critical_points(self):
        """Every real critical point in the plotting region, as CriticalPoint(x, y, kind) tuples.

        Found exactly, not by search: for a polynomial f the two equations
        df/dx = 0 and df/dy = 0 are reduced by resultants to one polynomial in
        x and one in y, whose real roots are isolated exactly; every pair of
        roots that zeroes the gradient (checked at 30 digits) is a critical
        point. Sorted by kind (minimum, saddle, maximum, degenerate), then x, y.

        Example:
            >>> surfaces.get("saddle").critical_points()
            [CriticalPoint(x=0.0, y=0.0, kind='saddle')]
        """
        return list(self._critical_points)

    @cached_property
    def _critical_points(self):
        points = [(px, py) for px, py in _polynomial_critical_points(self.expr)
                  if _inside(px, self.xlim) and _inside(py, self.ylim)]
        found = [CriticalPoint(px, py, self.classify(px, py)) for px, py in points]
        order = {"minimum": 0, "saddle": 1, "maximum": 2, "degenerate": 3}
        return sorted(found, key=lambda p: (order[p.kind], p.x, p.y))


def classify_hessian(H, tol=1e-9):
    """Classify a symmetric 2x2 Hessian by the signs of its eigenvalues.

    Both positive: "minimum"; both negative: "maximum"; one of each: "saddle";
    an eigenvalue that is zero (relative to the largest, within tol): "degenerate".
    """
    H = np.asarray(H, dtype=float)
    if H.shape != (2, 2):
        raise ValueError(f"H must be a 2x2 Hessian, got shape {H.shape}")
    eig = np.linalg.eigvalsh(H)
    if np.any(np.abs(eig) <= tol * max(1.0, np.max(np.abs(eig)))):
        return "degenerate"
    if np.all(eig > 0):
        return "minimum"
    if np.all(eig < 0):
        return "maximum"
    return "saddle"


def _inside(value, lim, tol=1e-9):
    return lim[0] - tol <= value <= lim[1] + tol


def _real_roots(poly):
    """The distinct real roots of a univariate polynomial, exactly isolated."""
    if poly.is_zero:
        return None  # every value is a root
    if poly.degree() <= 0:
        return []
    return sorted(set(poly.sqf_part().real_roots()))


def _polynomial_critical_points(expr):
    """All real solutions of grad f = 0 for a polynomial f, as (x, y) floats."""
    expr = sp.nsimplify(sp.expand(expr), rational=True)
    if not expr.is_polynomial(x, y):
        raise NotImplementedError("critical_points() solves polynomial surfaces exactly; this expression is not a polynomial in x and y")
    gx, gy = sp.diff(expr, x), sp.diff(expr, y)
    x_roots = _real_roots(sp.Poly(sp.resultant(gx, gy, y), x))
    y_roots = _real_roots(sp.Poly(sp.resultant(gx, gy, x), y))
    if x_roots is None or y_roots is None:
        raise ValueError("the critical points of this surface are not isolated (the gradient vanishes along a curve)")
    # The rounding scale of each component: the same polynomial with every term made positive.
    abs_gx, abs_gy = (sum(abs(c) * x**i * y**j for (i, j), c in sp.Poly(g, x, y).terms()) for g in (gx, gy))
    points = []
    for rx in x_roots:
        vx = rx.evalf(30)
        for ry in y_roots:
            vy = ry.evalf(30)
            # The roots are exact, evaluated to 30 digits: a true pair leaves a residual near
            # 1e-30 of the scale, a spurious pair one of order 1.
            at, at_abs = {x: vx, y: vy}, {x: abs(vx), y: abs(vy)}
            if all(abs(g.evalf(30, subs=at)) <= 1e-20 * (1 + g_abs.evalf(30, subs=at_abs))
                   for g, g_abs in ((gx, abs_gx), (gy, abs_gy))):
                points.append((float(vx), float(vy)))
    return points


_half = sp.Rational(1, 2)

#: name -> the arguments of Surface. Each expression is the single definition of its surface.
_SPECS = {
    "bowl": dict(
        expr=_half * (x**2 + 10 * y**2),
        xlim=(-3, 3), ylim=(-1.5, 1.5), start=(-2.5, 1.0), lr=0.1, steps=60,
        title="ill-conditioned bowl",
        description="A quadratic bowl, 10 times steeper along y than along x "
                    "(Hessian eigenvalues 1 and 10, condition number 10), with its minimum at (0, 0).",
    ),
    "saddle": dict(
        expr=x**2 - y**2,
        xlim=(-2, 2), ylim=(-2, 2), start=(1.8, 0.05), lr=0.1, steps=40,
        title="saddle x² − y²",
        description="A saddle: a minimum along x and a maximum along y, meeting at the origin.",
    ),
    "monkey_saddle": dict(
        expr=x**3 - 3 * x * y**2,
        xlim=(-1.5, 1.5), ylim=(-1.5, 1.5), start=(1.0, 0.2), lr=0.05, steps=80,
        title="monkey saddle x³ − 3xy²",
        description="A monkey saddle: three valleys and three ridges meet at a flat, degenerate point at the origin.",
    ),
    "local_minima": dict(
        expr=(x**2 - 1) ** 2 + (y**2 - 1) ** 2 + sp.Rational(3, 10) * x + sp.Rational(3, 20) * y,
        xlim=(-2, 2), ylim=(-2, 2), start=(1.5, 1.5), lr=0.05, steps=60,
        title="four wells",
        description="Four wells at different heights: the global minimum near (−1, −1) and three higher "
                    "local minima, separated by four saddles and a maximum near the origin.",
    ),
    "himmelblau": dict(
        expr=(x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
        xlim=(-5, 5), ylim=(-5, 5), start=(0.0, 0.0), lr=0.01, steps=60,
        title="Himmelblau's function",
        description="Himmelblau's function: four minima at the same height, one maximum and four saddles.",
    ),
    "rosenbrock": dict(
        expr=(1 - x) ** 2 + 100 * (y - x**2) ** 2,
        xlim=(-2, 2), ylim=(-1, 3), start=(-1.5, 2.0), lr=0.001, steps=500,
        title="Rosenbrock's banana",
        description="Rosenbrock's function: a narrow curved valley with a very flat floor, "
                    "and its only minimum at (1, 1).",
    ),
}

_cache = {}


def names():
    """The names `get` accepts, in teaching order."""
    return list(_SPECS)


def get(name):
    """The surface called `name` (see `names()`); the same object on every call.

    Example:
        >>> s = get("himmelblau")
        >>> s.f(3.0, 2.0)
        0.0
    """
    if isinstance(name, Surface):
        return name
    if not isinstance(name, str):
        raise TypeError(f"name must be a surface name (a str, one of {names()}), got a {type(name).__name__}")
    if name not in _SPECS:
        raise ValueError(f"unknown surface {name!r}: expected one of {names()}")
    if name not in _cache:
        _cache[name] = Surface(name, **_SPECS[name])
    return _cache[name]
