"""The loss landscape of a network: slices along two directions and the Hessian.

A network's parameters live in a space of many dimensions (41 for the
article's 3-4-4-1 network), so its loss J cannot be drawn directly. Two
pictures still tell a lot:

* a 2-D slice, J(params + a * d1 + b * d2) over a grid of (a, b), for two
  directions d1, d2 in parameter space;
* the Hessian, the matrix of second derivatives of J: at a critical point,
  its eigenvalues say minimum (all > 0), maximum (all < 0) or saddle (both signs),
  exactly as for a surface f(x, y).

The Hessian is computed by central differences of the backprop gradient:
column i is (grad(theta + eps e_i) - grad(theta - eps e_i)) / (2 eps), with the
ReLUs' on/off pattern held fixed so that no difference straddles a kink.
"""

import numpy as np

from ._validate import as_float_array, check_params, check_X, check_y
from .activations import relu_grad, sigmoid
from .losses import binary_cross_entropy
from .network import backward, forward, linear_backward, linear_forward


def flatten(params):
    """All parameters in one vector theta, in the order W1, b1, W2, b2, ...

    Example:
        >>> flatten(init_params([3, 4, 4, 1])).shape
        (41,)
    """
    L, params = check_params(params)
    return np.concatenate([params[f"{p}{l}"].ravel() for l in range(1, L + 1) for p in ("W", "b")])


def unflatten(theta, like):
    """The params dict with the shapes of `like` and the values of the vector `theta`."""
    L, like = check_params(like)
    theta = as_float_array(theta, "theta").ravel()
    n = sum(v.size for v in like.values())
    if theta.size != n:
        raise ValueError(f"theta must hold {n} numbers (one per parameter of `like`), got {theta.size}")
    params, start = {}, 0
    for l in range(1, L + 1):
        for p in ("W", "b"):
            shape = like[f"{p}{l}"].shape
            params[f"{p}{l}"] = theta[start : start + int(np.prod(shape))].reshape(shape).copy()
            start += int(np.prod(shape))
    return params


def _data(X, y, params):
    _, params = check_params(params)
    X = check_X(X, params["W1"].shape[1])
    return X, check_y(y, X.shape[1]), params


def loss_at(X, y, params):
    """J, the mean binary cross-entropy of the network on (X, y)."""
    return binary_cross_entropy(forward(X, params)[0], y)


def gradient_vector(X, y, params):
    """dJ/dtheta by backprop, as one vector in the order of `flatten`."""
    X, y, params = _data(X, y, params)
    grads = backward(y, forward(X, params)[1], params)
    return flatten({k[1:]: v for k, v in grads.items()})


def _relu_masks(X, params):
    """Which ReLUs are on (Z > 0) for each example, layer by layer: {l: (n_l, m) array of 0/1}."""
    cache = forward(X, params)[1]
    L = len(params) // 2
    return {l: relu_grad(cache[f"Z{l}"]) for l in range(1, L)}


def _frozen_gradient(X, y, theta, like, masks):
    """dJ/dtheta of the network whose ReLUs keep the on/off pattern `masks`.

    With the pattern frozen, every hidden layer is linear (A_l = Z_l * mask_l), so
    J is smooth in theta and central differences of this gradient converge; the
    true J has kinks where some Z_l crosses 0. Autograd frameworks make the same
    choice (relu'' = 0, relu'(0) = 0).
    """
    params = unflatten(theta, like)
    L = len(params) // 2
    A = {0: X}
    for l in range(1, L + 1):
        Z = linear_forward(A[l - 1], params[f"W{l}"], params[f"b{l}"])  # (n_l, m)
        A[l] = Z * masks[l] if l < L else sigmoid(Z)
    grads = {}
    dZ = (A[L] - y) / X.shape[1]  # (1, m)
    for l in range(L, 0, -1):
        dA_prev, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dZ, A[l - 1], params[f"W{l}"])
        if l > 1:
            dZ = dA_prev * masks[l - 1]  # (n_{l-1}, m)
    return np.concatenate([grads[f"{p}{l}"].ravel() for l in range(1, L + 1) for p in ("W", "b")])


def hessian(X, y, params, eps=1e-5):
    """The Hessian of J at params, an (n, n) symmetric matrix with n = number of parameters.

    Column i is the central difference, along parameter i, of the backprop gradient of
    the network with its ReLU on/off pattern frozen at params (see _frozen_gradient):
    a ReLU network has kinks, and a difference across one would report a huge, false
    curvature. The result is symmetrised, (H + H.T) / 2, and agrees with PyTorch's
    autograd Hessian to about eps**2.

    Args:
        X, y: data, (n_x, m) and (1, m).
        params: the point at which to take the Hessian.
        eps: the central-difference step.
    Returns:
        H, shape (n, n), in the parameter order of `flatten`.

    Example:
        >>> X, y = make_dataset(64)
        >>> H = hessian(X, y, init_params([3, 4, 4, 1]))
        >>> H.shape, np.allclose(H, H.T)
        ((41, 41), True)
    """
    X, y, params = _data(X, y, params)
    if not eps > 0:
        raise ValueError(f"eps must be a positive step, got {eps}")
    theta, masks = flatten(params), _relu_masks(X, params)
    H = np.empty((theta.size, theta.size))
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = eps
        g_plus = _frozen_gradient(X, y, theta + step, params, masks)
        g_minus = _frozen_gradient(X, y, theta - step, params, masks)
        H[:, i] = (g_plus - g_minus) / (2 * eps)
    return (H + H.T) / 2


def random_direction(params, seed=0):
    """A random direction in parameter space, scaled unit by unit to the size of params.

    Each unit's incoming weights and bias (a row of W_l with its entry of b_l) get
    a Gaussian direction rescaled to the norm of that unit's own row. This
    "filter normalisation" (Li et al., 2018) makes a step of a = 1 change every
    unit by about its own size, so slices of different networks are comparable.

    Returns:
        a params-shaped dict.
    """
    L, params = check_params(params)
    rng = np.random.default_rng(seed)
    direction = {}
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        row = np.hstack([W, b])  # (n_l, n_{l-1} + 1): one row per unit
        d = rng.standard_normal(row.shape)
        d *= np.linalg.norm(row, axis=1, keepdims=True) / np.linalg.norm(d, axis=1, keepdims=True)
        direction[f"W{l}"], direction[f"b{l}"] = d[:, :-1], d[:, -1:]
    return direction


def slice_2d(X, y, params, d1, d2, alphas, betas):
    """J(params + a * d1 + b * d2) for every a in alphas (columns) and b in betas (rows).

    Args:
        X, y: data.
        params: the centre of the slice (a = b = 0).
        d1, d2: two directions, params-shaped dicts or vectors in the order of `flatten`.
        alphas, betas: 1-D arrays of step sizes along d1 and d2.
    Returns:
        J, shape (len(betas), len(alphas)), ready for contour(alphas, betas, J).
    """
    X, y, params = _data(X, y, params)
    theta = flatten(params)
    v1, v2 = (flatten(d) if isinstance(d, dict) else as_float_array(d, "direction").ravel() for d in (d1, d2))
    for name, v in (("d1", v1), ("d2", v2)):
        if v.shape != theta.shape:
            raise ValueError(f"{name} must have one entry per parameter ({theta.size}), got {v.size}")
    alphas = as_float_array(alphas, "alphas").ravel()
    betas = as_float_array(betas, "betas").ravel()
    J = np.empty((betas.size, alphas.size))
    for i, b in enumerate(betas):
        for j, a in enumerate(alphas):
            J[i, j] = loss_at(X, y, unflatten(theta + a * v1 + b * v2, params))
    return J
