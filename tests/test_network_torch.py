"""PyTorch autograd as an independent oracle for backward (runs when torch is installed)."""

import numpy as np
import pytest
from hypothesis import given

import bpgd_helpers as bp

from .conftest import networks

torch = pytest.importorskip("torch")


def torch_gradients(params, X, y):
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    L = len(params) // 2
    A = torch.tensor(X, dtype=torch.float64)
    for l in range(1, L + 1):
        Z = tp[f"W{l}"] @ A + tp[f"b{l}"]
        A = torch.relu(Z) if l < L else Z
    # the logits form of mean BCE: the same function, computed the way frameworks do
    loss = torch.nn.functional.binary_cross_entropy_with_logits(A, torch.tensor(y, dtype=torch.float64))
    loss.backward()
    return {f"d{k}": v.grad.numpy() for k, v in tp.items()}, loss.item()


@given(networks(max_layers=5, max_width=8, max_m=12))
def test_backward_matches_torch_autograd(net):
    sizes, params, X, y = net
    y_hat, cache = bp.forward(X, params)
    ours = bp.backward(y, cache, params)
    theirs, loss = torch_gradients(params, X, y)
    assert bp.binary_cross_entropy_with_logits(cache[f"Z{len(sizes) - 1}"], y) == pytest.approx(loss, rel=1e-12)
    err = bp.relative_error(ours, theirs)
    assert err < 1e-10, f"sizes={sizes}: relative error {err:.2e}"


def test_torch_uses_the_same_convention_at_a_relu_kink():
    X, y = bp.make_dataset(4, seed=0)
    X[:, 0] = 0.0
    params = bp.init_params([3, 4, 1], seed=0)  # zero biases: every Z1[:, 0] is exactly 0
    _, cache = bp.forward(X, params)
    assert np.all(cache["Z1"][:, 0] == 0)
    theirs, _ = torch_gradients(params, X, y)
    for k, g in bp.backward(y, cache, params).items():
        np.testing.assert_allclose(g, theirs[k], rtol=1e-12, atol=1e-15)
