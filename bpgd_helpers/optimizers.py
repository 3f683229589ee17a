"""Update rules: plain gradient descent and four optimisers that go beyond it.

Each optimiser updates a dict of arrays in place from a dict of gradients
named "d" + key, so the same rule moves a point on a 2-D surface
({"xy": ...} with {"dxy": ...}) and trains the article's network
({"W1": ..., "b1": ...} with {"dW1": ..., "db1": ...}).
"""

import numpy as np

from ._validate import as_float_array


class Optimizer:
    """Base class: holds lr, hyperparameters and per-parameter state."""

    name = "base"
    defaults = {}

    def __init__(self, lr, **hyper):
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating, np.integer)):
            raise TypeError(f"lr must be a positive number, got {type(lr).__name__}")
        if not lr > 0 or not np.isfinite(lr):
            raise ValueError(f"lr must be a positive finite number, got {lr}")
        unknown = sorted(set(hyper) - set(self.defaults))
        if unknown:
            allowed = sorted(self.defaults) or "none"
            raise TypeError(f"{self.name} got unknown hyperparameters {unknown}; it takes {allowed}")
        self.lr = float(lr)
        self.hyper = {**self.defaults, **hyper}
        self.state = {}
        self.t = 0  # number of steps taken

    def step(self, params, grads):
        """Update every params[k] in place using grads["d" + k]."""
        missing = [f"d{k}" for k in params if f"d{k}" not in grads]
        if missing:
            raise ValueError(f"grads is missing {missing}: expected one 'd'-prefixed gradient per parameter, got {sorted(grads)}")
        self.t += 1
        for k, value in params.items():
            value += self.update(k, np.asarray(grads[f"d{k}"], dtype=np.float64))

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


def optimize(surface, start, optimizer="gd", lr=0.1, steps=100, noise=0.0, seed=0, **hyper):
    """Run an optimiser on a 2-D surface and return the path it takes.

    Args:
        surface: a surface object (surfaces.get(name)) or its name.
        start: (x, y) starting point.
        optimizer: "gd", "momentum", "nesterov", "rmsprop" or "adam".
        lr: learning rate.
        steps: maximum number of steps.
        noise: standard deviation of Gaussian noise added to each gradient, to mimic SGD.
        seed: seed of the noise.
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
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a non-negative int, got {steps!r}")
    if not (noise >= 0 and np.isfinite(noise)):
        raise ValueError(f"noise must be a non-negative number, got {noise}")
    opt = make_optimizer(optimizer, lr, **hyper)
    rng = np.random.default_rng(seed)
    params = {"xy": xy.copy()}
    points = [xy.copy()]
    diverged, message = False, f"ran all {steps} steps"
    with np.errstate(all="ignore"):
        for t in range(steps):
            g = np.asarray(surface.grad(*params["xy"]), dtype=np.float64).reshape(2)
            if noise:
                g = g + noise * rng.standard_normal(2)
            opt.step(params, {"dxy": g})
            p = params["xy"]
            value = float(surface.f(*p)) if np.all(np.isfinite(p)) else np.nan
            if not (np.all(np.isfinite(p)) and np.all(np.abs(p) < MAX_COORDINATE) and abs(value) < MAX_VALUE):
                diverged = True
                message = (
                    f"diverged at step {t + 1}: the point left every bound (|x| < {MAX_COORDINATE:g}, "
                    f"|f| < {MAX_VALUE:g}); try a smaller lr than {lr:g}"
                )
                if np.all(np.isfinite(p)):
                    points.append(p.copy())
                break
            points.append(p.copy())
    path = np.array(points).view(Path)
    path.diverged, path.message = diverged, message
    if diverged:
        import warnings

        warnings.warn(message, DivergenceWarning, stacklevel=2)
    return path


class DivergenceWarning(UserWarning):
    """Issued once when an optimisation run diverges."""
