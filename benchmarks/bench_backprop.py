"""Forward + backward of the article's network against PyTorch autograd (float64, one thread)."""

import torch

import bpgd_helpers as bp

from ._timing import fmt_seconds, race

LAYER_SIZES = [3, 16, 8, 1]
#: batch size -> goal: our time at most this multiple of PyTorch's.
GOALS = {64: 0.5, 10_000: 1.0}


def contestants(m, seed=0):
    """(ours, theirs): functions that compute every gradient of the mean BCE on m examples."""
    X, y = bp.make_dataset(m, seed=seed)
    params = bp.init_params(LAYER_SIZES, seed=seed)

    def ours():
        _, cache = bp.forward(X, params)
        return bp.backward(y, cache, params)

    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tX, ty = torch.tensor(X), torch.tensor(y)
    L = len(LAYER_SIZES) - 1

    def theirs():
        A = tX
        for l in range(1, L + 1):
            Z = tparams[f"W{l}"] @ A + tparams[f"b{l}"]
            A = torch.relu(Z) if l < L else Z
        # the logits form of the mean BCE: PyTorch's fastest and most stable way to the same gradients
        loss = torch.nn.functional.binary_cross_entropy_with_logits(A, ty)
        return torch.autograd.grad(loss, list(tparams.values()))

    return ours, theirs


def run():
    torch.set_num_threads(1)
    rows = []
    for m, goal in GOALS.items():
        ours, theirs = contestants(m)
        t_ours, t_theirs, ratio = race(ours, theirs)
        rows.append({
            "name": f"forward + backward, {LAYER_SIZES}, batch {m:,}, vs PyTorch autograd",
            "value": ratio, "unit": "× PyTorch", "goal": f"≤ {goal}×", "met": ratio <= goal,
            "note": f"ours {fmt_seconds(t_ours)}, PyTorch {fmt_seconds(t_theirs)} per pass (float64, 1 thread)",
        })
    return rows
