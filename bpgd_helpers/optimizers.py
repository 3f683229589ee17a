"""Update rules: plain gradient descent and four optimisers that go beyond it.

Each optimiser updates a dict of arrays in place from a dict of gradients
named "d" + key, so the same rule moves a point on a 2-D surface
({"xy": ...} with {"dxy": ...}) and trains the article's network
({"W1": ..., "b1": ...} with {"dW1": ..., "db1": ...}).
"""

import numbers
import warnings

import numpy as np

from ._validate import as_float_array

#: Allowed range of each hyperparameter: (low, high, the low end included?). High is excluded.
_RANGES = {"beta": (0.0, 1.0, True), "rho": (0.0, 1.0, True), "beta1": (0.0, 1.0, True),
           "beta2": (0.0, 1.0, True), "eps": (0.0, np.inf, False)}


def _check_number(value, name, low, high, low_included):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got a {type(value).__name__}")
    ok = (value >= low if low_included else value > low) and value < high and np.isfinite(value)
    if not ok:
        interval = f"{'[' if low_included else '('}{low:g}, {high:g})"
        raise ValueError(f"{name} must be in {interval}, got {value}")
    return float(value)


class Optimizer:
    """Base class: holds lr, hyperparameters and per-parameter state."""

    name = "base"
    defaults = {}

    def __init__(self, lr, **hyper):
        self.lr = _check_number(lr, "lr", 0.0, np.inf, False)
        unknown = sorted(set(hyper) - set(self.defaults))
        if unknown:
            allowed = sorted(self.defaults) or "none"
            raise TypeError(f"{self.name} got unknown hyperparameters {unknown}; it takes {allowed}")
        self.hyper = {**self.defaults, **{k: _check_number(v, k, *_RANGES[k]) for k, v in hyper.items()}}
        self.state = {}
        self.t = 0  # number of steps taken

    def step(self, params, grads):
        """Update every params[k] in place using grads["d" + k].

        Args:
            params: dict of float arrays, e.g. {"W1": ..., "b1": ...}; changed in place.
            grads: dict with one gradient of the same shape per parameter, e.g. {"dW1": ..., "db1": ...}.
        """
        if not isinstance(params, dict) or not isinstance(grads, dict):
            raise TypeError(f"params and grads must be dicts, got a {type(params).__name__} and a {type(grads).__name__}")
        missing = [f"d{k}" for k in params if f"d{k}" not in grads]
        if missing:
            raise ValueError(f"grads is missing {missing}: expected one 'd'-prefixed gradient per parameter, got {sorted(grads)}")
        checked = {}
        for k, value in params.items():
            g = grads[f"d{k}"]
            if (type(value) is np.ndarray and type(g) is np.ndarray and g.shape == value.shape
                    and value.dtype.kind == "f" and g.dtype == np.float64):
                checked[k] = g  # the usual case, checked cheaply: SGD calls step once per example
                continue
            if not (isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating)):
                raise TypeError(f"params[{k!r}] must be a float NumPy array (it is updated in place), got "
                                f"{type(value).__name__}{' of dtype ' + str(value.dtype) if isinstance(value, np.ndarray) else ''}; "
                                f"use np.array(..., dtype=float)")
            g = as_float_array(grads[f"d{k}"], f"d{k}")
            if g.shape != value.shape:
                raise ValueError(f"d{k} must have the shape of {k}, {value.shape}, got {g.shape}")
            checked[k] = g
        self.t += 1
        for k, value in params.items():
            value += self.update(k, checked[k])

    def update(self, key, g):
        """The change to add to parameter `key` given its gradient g."""
        raise NotImplementedError

    def _slot(self, key, name, like):
        return self.state.setdefault((key, name), np.zeros_like(like))


class GD(Optimizer):
    """x <- x - lr * g."""

    name = "gd"

    def update(self, key, g):
        return -self.lr * g


class Momentum(Optimizer):
    """Polyak's heavy ball: v <- beta * v - lr * g, x <- x + v."""

    name = "momentum"
    defaults = {"beta": 0.9}

    def update(self, key, g):
        v = self._slot(key, "v", g)
        v *= self.hyper["beta"]
        v -= self.lr * g
        return v.copy()


class Nesterov(Optimizer):
    """Nesterov momentum: v <- beta * v - lr * g, x <- x + beta * v - lr * g.

    This is the usual rewriting (Sutskever et al. 2013, PyTorch's
    nesterov=True) of "take the gradient at the look-ahead point x + beta * v":
    it needs only the gradient at the current point.
    """

    name = "nesterov"
    defaults = {"beta": 0.9}

    def update(self, key, g):
        v = self._slot(key, "v", g)
        v *= self.hyper["beta"]
        v -= self.lr * g
        return self.hyper["beta"] * v - self.lr * g


class RMSProp(Optimizer):
    """s <- rho * s + (1 - rho) * g**2, x <- x - lr * g / (sqrt(s) + eps)."""

    name = "rmsprop"
    defaults = {"rho": 0.9, "eps": 1e-8}

    def update(self, key, g):
        s = self._slot(key, "s", g)
        s *= self.hyper["rho"]
        s += (1 - self.hyper["rho"]) * g**2
        return -self.lr * g / (np.sqrt(s) + self.hyper["eps"])


class Adam(Optimizer):
    """Adam: bias-corrected momentum (m) and RMSProp scaling (v)."""

    name = "adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

    def update(self, key, g):
        b1, b2 = self.hyper["beta1"], self.hyper["beta2"]
        m, v = self._slot(key, "m", g), self._slot(key, "v", g)
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g**2
        m_hat = m / (1 - b1**self.t)
        v_hat = v / (1 - b2**self.t)
        return -self.lr * m_hat / (np.sqrt(v_hat) + self.hyper["eps"])


OPTIMIZERS = {cls.name: cls for cls in (GD, Momentum, Nesterov, RMSProp, Adam)}


def make_optimizer(name, lr, **hyper):
    """An optimiser by name: "gd", "momentum", "nesterov", "rmsprop" or "adam".

    Example:
        >>> opt = make_optimizer("momentum", lr=0.1, beta=0.8)
        >>> params = {"w": np.array([1.0])}
        >>> opt.step(params, {"dw": np.array([2.0])})
        >>> params["w"]
        array([0.8])
    """
    if isinstance(name, Optimizer):
        return name
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a name, one of {sorted(OPTIMIZERS)}, got a {type(name).__name__}")
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](lr, **hyper)


class Path(np.ndarray):
    """An (steps_taken + 1, 2) array of points that also says how the run ended.

    Attributes:
        diverged: True if the run stopped because values stopped being finite or exploded.
        message: one sentence saying how the run ended.
    """

    def __array_finalize__(self, obj):
        self.diverged = getattr(obj, "diverged", False)
        self.message = getattr(obj, "message", "")


#: A run is called divergent once |x| or |f| passes these bounds.
MAX_COORDINATE = 1e6
MAX_VALUE = 1e12


def optimize(surface, start, optimizer="gd", lr=0.1, steps=100, noise=0.0, seed=0, warn=True, **hyper):
    """Run an optimiser on a 2-D surface and return the path it takes.

    Args:
        surface: a surface object (surfaces.get(name)) or its name.
        start: (x, y) starting point.
        optimizer: "gd", "momentum", "nesterov", "rmsprop" or "adam".
        lr: learning rate.
        steps: maximum number of steps.
        noise: standard deviation of Gaussian noise added to each gradient, to mimic SGD.
        seed: seed of the noise.
        warn: issue one DivergenceWarning if the run diverges (path.message says the same).
        **hyper: the optimiser's hyperparameters (beta, rho, beta1, beta2, eps).
    Returns:
        path: a Path of shape (steps_taken + 1, 2); path.diverged and path.message say how it ended.
        A divergent run stops early; it never raises and never floods warnings.

    Example:
        >>> path = optimize("bowl", start=(2.0, 1.0), optimizer="gd", lr=0.05, steps=10)
        >>> path.shape
        (11, 2)
    """
    if isinstance(surface, str):
        from . import surfaces

        surface = surfaces.get(surface)
    if not (hasattr(surface, "grad") and hasattr(surface, "f")):
        raise TypeError(f"surface must be a surface object with f and grad, or its name; got {type(surface).__name__}")
    xy = as_float_array(start, "start").reshape(-1)
    if xy.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got {np.shape(start)}")
    if not np.all(np.isfinite(xy)):
        raise ValueError(f"start must be finite, got {tuple(xy)}")
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(f"steps must be a non-negative int, got a {type(steps).__name__}")
    if steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps}")
    noise = _check_number(noise, "noise", 0.0, np.inf, True)
    opt = make_optimizer(optimizer, lr, **hyper)
    rng = np.random.default_rng(seed)
    p = xy.copy()
    points = [p.copy()]
    diverged, message = False, f"ran all {steps} steps"
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = np.asarray(surface.grad(p[0], p[1]), dtype=np.float64)
            if noise:
                g = g + noise * rng.standard_normal(2)
            opt.t += 1  # what opt.step does, without re-checking the same dict every step
            p = p + opt.update("xy", g)
            finite = bool(np.all(np.isfinite(p)))
            if not (finite and np.all(np.abs(p) < MAX_COORDINATE) and abs(surface.f(p[0], p[1])) < MAX_VALUE):
                diverged = True
                message = (f"diverged at step {t + 1} of {steps}: the values blew up (|x| or |y| > {MAX_COORDINATE:g}, "
                           f"or |f| > {MAX_VALUE:g}); a smaller lr than {lr:g} helps unless the surface has no bottom")
                if finite:
                    points.append(p)
                break
            points.append(p)
    path = np.array(points).view(Path)
    path.diverged, path.message = diverged, message
    if diverged and warn:
        warnings.warn(message, DivergenceWarning, stacklevel=2)
    return path


class DivergenceWarning(UserWarning):
    """Issued once when an optimisation run diverges."""
