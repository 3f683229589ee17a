"""landscape: flatten/unflatten, the Hessian of the network (against PyTorch autograd) and 2-D slices."""

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers import landscape

torch = pytest.importorskip("torch")


@pytest.fixture(scope="module")
def data():
    X, y = bp.make_dataset(64, seed=0)
    return X, y


def torch_hessian(X, y, params):
    """The Hessian of the mean BCE by PyTorch's autograd: the independent oracle."""
    theta = torch.tensor(landscape.flatten(params), dtype=torch.float64)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    shapes = [(k, params[k].shape) for k in ("W1", "b1", "W2", "b2", "W3", "b3")]

    def J(th):
        p, start = {}, 0
        for k, shape in shapes:
            size = int(np.prod(shape))
            p[k] = th[start : start + size].reshape(shape)
            start += size
        A1 = torch.relu(p["W1"] @ Xt + p["b1"])
        A2 = torch.relu(p["W2"] @ A1 + p["b2"])
        return torch.nn.functional.binary_cross_entropy_with_logits(p["W3"] @ A2 + p["b3"], yt)

    return torch.autograd.functional.hessian(J, theta).numpy()


def test_flatten_and_unflatten_are_inverse():
    params = bp.init_params([3, 4, 4, 1], seed=3)
    theta = landscape.flatten(params)
    assert theta.shape == (41,)
    assert np.array_equal(theta[:12], params["W1"].ravel()) and theta[-1] == params["b3"][0, 0]
    back = landscape.unflatten(theta, params)
    assert all(np.array_equal(back[k], params[k]) for k in params)
    back["W1"][0, 0] = 99.0  # a copy, not a view of theta
    assert theta[0] != 99.0


def test_gradient_vector_is_the_central_difference_of_the_loss(data):
    X, y = data
    params = bp.train(X, y, bp.init_params([3, 4, 4, 1], seed=1), lr=0.5, num_epochs=5)[0]
    theta, g = landscape.flatten(params), landscape.gradient_vector(X, y, params)
    eps = 1e-6
    for i in (0, 13, 20, 40):
        step = np.zeros_like(theta)
        step[i] = eps
        fd = (landscape.loss_at(X, y, landscape.unflatten(theta + step, params))
              - landscape.loss_at(X, y, landscape.unflatten(theta - step, params))) / (2 * eps)
        assert g[i] == pytest.approx(fd, rel=1e-5, abs=1e-9)


@pytest.mark.parametrize("seed,epochs", [(1, 0), (1, 20), (4, 100), (26, 5)])
def test_hessian_matches_pytorch_autograd(data, seed, epochs):
    X, y = data
    params = bp.init_params([3, 4, 4, 1], seed=seed)
    if epochs:
        params = bp.train(X, y, params, lr=1.0, num_epochs=epochs)[0]
    H = landscape.hessian(X, y, params)
    expected = torch_hessian(X, y, params)
    assert H.shape == (41, 41)
    np.testing.assert_allclose(H, expected, atol=1e-7)


def test_hessian_has_no_false_curvature_at_a_relu_kink(data):
    """With zero biases, examples whose first layer is all off give Z2 = b2 = 0 exactly: a kink.
    A plain central difference would report curvature of order 1/eps there."""
    X, y = data
    params = bp.init_params([3, 4, 4, 1], seed=1)
    cache = bp.forward(X, params)[1]
    assert np.any(cache["Z2"] == 0.0), "the test needs an example sitting exactly on a kink"
    H = landscape.hessian(X, y, params, eps=1e-7)
    assert np.abs(H).max() < 10
    np.testing.assert_allclose(H, torch_hessian(X, y, params), atol=1e-6)


def test_hessian_of_a_quadratic_loss_direction_predicts_the_slice(data):
    """Along any direction v, J(theta + a v) ≈ J + a g·v + a²/2 vᵀHv for small a."""
    X, y = data
    params = bp.train(X, y, bp.init_params([3, 4, 4, 1], seed=4), lr=1.0, num_epochs=50)[0]
    H, g = landscape.hessian(X, y, params), landscape.gradient_vector(X, y, params)
    v = np.random.default_rng(0).standard_normal(41)
    v /= np.linalg.norm(v)
    a = np.array([-2e-4, -1e-4, 0.0, 1e-4, 2e-4])
    J = landscape.slice_2d(X, y, params, v, np.zeros(41), a, [0.0])[0]
    linear = J[2] + a * (g @ v)
    np.testing.assert_allclose(J, linear + a**2 / 2 * (v @ H @ v), rtol=0, atol=1e-12)
    assert np.abs(J - linear).max() > 1e-10  # the quadratic term is really tested


def test_slice_2d_shape_centre_and_axes(data):
    X, y = data
    params = bp.init_params([3, 4, 4, 1], seed=2)
    d1, d2 = landscape.random_direction(params, seed=0), landscape.random_direction(params, seed=1)
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 3)
    Z = landscape.slice_2d(X, y, params, d1, d2, alphas, betas)
    assert Z.shape == (3, 5)
    assert Z[1, 2] == pytest.approx(landscape.loss_at(X, y, params), rel=1e-12)
    moved = {k: params[k] + 1.0 * d1[k] - 0.5 * d2[k] for k in params}
    assert Z[0, 4] == pytest.approx(landscape.loss_at(X, y, moved), rel=1e-12)


def test_random_direction_is_filter_normalised():
    params = bp.init_params([3, 4, 4, 1], seed=5)
    params["b1"] += 0.3
    d = landscape.random_direction(params, seed=7)
    for l in (1, 2, 3):
        rows = np.hstack([params[f"W{l}"], params[f"b{l}"]])
        d_rows = np.hstack([d[f"W{l}"], d[f"b{l}"]])
        np.testing.assert_allclose(np.linalg.norm(d_rows, axis=1), np.linalg.norm(rows, axis=1))
    other = landscape.random_direction(params, seed=8)
    assert not np.allclose(d["W1"], other["W1"])


def test_bad_input_names_what_was_expected(data):
    X, y = data
    params = bp.init_params([3, 4, 4, 1])
    with pytest.raises(ValueError, match="41"):
        landscape.unflatten(np.zeros(40), params)
    with pytest.raises(ValueError, match="d1 must have one entry per parameter"):
        landscape.slice_2d(X, y, params, np.zeros(3), np.zeros(41), [0.0], [0.0])
    with pytest.raises(ValueError, match="eps"):
        landscape.hessian(X, y, params, eps=0)
    with pytest.raises(ValueError, match="X.T"):
        landscape.hessian(X.T, y, params)
