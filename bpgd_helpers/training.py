"""Training the article's network: batch, stochastic and mini-batch gradient descent.

One loop covers all three variants of the article; only batch_size changes:
batch_size=None (or m) is batch GD, 1 is stochastic GD, anything between is
mini-batch GD. Any optimiser from `optimizers` can do the update.
"""

import numbers
import time

import numpy as np

from ._validate import as_float_array, check_params, check_positive_int, check_X, check_y
from .activations import relu, relu_grad, sigmoid
from .losses import EPS, binary_cross_entropy
from .network import forward, linear_backward, linear_forward
from .optimizers import make_optimizer


def minibatches(X, y, batch_size, seed=None):
    """Yield (X_batch, y_batch) pairs that cover every example exactly once.

    Args:
        X: (n_x, m) inputs; y: (1, m) labels (columns are examples).
        batch_size: examples per batch; the last batch may be smaller.
        seed: None keeps the original order; an int shuffles the columns with that seed.
    Yields:
        (X_batch, y_batch) of shapes (n_x, b) and (1, b), b <= batch_size.

    Example:
        >>> X, y = make_dataset(5)
        >>> [xb.shape[1] for xb, yb in minibatches(X, y, 2)]
        [2, 2, 1]
    """
    X = as_float_array(X, "X")
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D with shape (n_x, m), columns are examples; got shape {X.shape}")
    m = X.shape[1]
    y = check_y(y, m)
    batch_size = check_positive_int(batch_size, "batch_size")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"seed must be None (keep the order) or an int, got {type(seed).__name__}")
    order = np.arange(m) if seed is None else np.random.default_rng(seed).permutation(m)
    for start in range(0, m, batch_size):
        idx = order[start : start + batch_size]
        yield X[:, idx], y[:, idx]


def _forward_backward(X, y, params, L):
    """(y_hat, grads): bp.forward then bp.backward, without their per-call input checks.

    train() checks its inputs once. Checking them again on every batch would cost
    more than the arithmetic of a small batch (lesson 07 measures this), which
    would make SGD look slower than it is. The layers are network's own
    functions, and tests check the result equals forward + backward exactly.
    """
    A, Z = {0: X}, {}
    for l in range(1, L + 1):
        Z[l] = linear_forward(A[l - 1], params[f"W{l}"], params[f"b{l}"])  # (n_l, b)
        A[l] = relu(Z[l]) if l < L else sigmoid(Z[l])
    grads = {}
    dZ = (A[L] - y) / X.shape[1]  # (1, b): dJ/dZ_L for sigmoid + BCE
    for l in range(L, 0, -1):
        dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, A[l - 1], params[f"W{l}"])
        if l > 1:
            dZ = dA_prev * relu_grad(Z[l - 1])  # (n_{l-1}, b)
    return A[L], grads


def _all_finite(params):
    return all(np.all(np.isfinite(v)) for v in params.values())


def _summed_loss(y_hat, y):
    """The BCE summed over examples, as binary_cross_entropy computes it (same clipping), minus its input checks."""
    p = np.clip(y_hat, EPS, 1.0 - EPS)
    return -float(np.sum(y * np.log(p) + (1.0 - y) * np.log1p(-p)))


def _full_loss(X, y, params):
    """J on the whole data set, or NaN once the network's output stops being finite."""
    with np.errstate(all="ignore"):
        y_hat, _ = forward(X, params)
    return binary_cross_entropy(y_hat, y) if np.all(np.isfinite(y_hat)) else float("nan")


def train(X, y, params, optimizer="gd", lr=0.1, num_epochs=100, batch_size=None, seed=0,
          shuffle=True, progress=False, log_every=None, **hyper):
    """Train a copy of `params` and return it with the history of the run.

    Args:
        X, y: data, (n_x, m) and (1, m).
        params: starting parameters (not modified).
        optimizer: "gd", "momentum", "nesterov", "rmsprop" or "adam".
        lr: learning rate.
        num_epochs: passes over the data.
        batch_size: None for batch GD, 1 for SGD, else mini-batch size.
        seed: seed of the shuffling (epoch e uses seed + e).
        shuffle: shuffle the examples each epoch; False keeps their order (as Keras with shuffle=False).
        progress: show a progress bar over epochs.
        log_every: if an int k, also record the full-data loss before training and after every
            k updates, in history["log"], to see progress within an epoch.
        **hyper: the optimiser's hyperparameters.
    Returns:
        (params, history). history has lists per epoch:
        "loss" (full-data J at the end of the epoch), "batch_loss" (mean of the batch
        losses seen during the epoch, weighted by batch size, as Keras reports it),
        "grad_evals" (per-example gradients computed so far), "updates" (parameter
        updates so far) and "time" (CPU seconds spent on updates so far, time.process_time, so
        other programs on a busy machine do not inflate it; the end-of-epoch evaluation of the
        full-data loss is not counted); and "diverged", "message".
        With log_every, history["log"] holds lists "updates", "grad_evals", "time" and
        "loss" sampled every log_every updates, starting at 0. A run whose parameters
        stop being finite ends early and says so in history["message"]; it never raises.

    Example:
        >>> X, y = make_dataset(64)
        >>> params, history = train(X, y, init_params([3, 4, 4, 1]), lr=0.5, num_epochs=3, batch_size=16)
        >>> history["updates"], history["grad_evals"]
        ([4, 8, 12], [64, 128, 192])
    """
    L, params = check_params(params)
    X = check_X(X, params["W1"].shape[1])
    y = check_y(y, X.shape[1])
    m = X.shape[1]
    batch_size = m if batch_size is None else min(check_positive_int(batch_size, "batch_size"), m)
    num_epochs = check_positive_int(num_epochs, "num_epochs")
    if log_every is not None:
        log_every = check_positive_int(log_every, "log_every")
    params = {k: v.copy() for k, v in params.items()}
    opt = make_optimizer(optimizer, lr, **hyper)
    history = {"loss": [], "batch_loss": [], "grad_evals": [], "updates": [], "time": [],
               "diverged": False, "message": f"trained for {num_epochs} epochs"}
    log = None
    if log_every is not None:
        log = {"updates": [0], "grad_evals": [0], "time": [0.0],
               "loss": [_full_loss(X, y, params)]}
        history["log"] = log
    grad_evals = updates = 0
    seconds = 0.0  # time spent on updates only
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc=f"{opt.name}, batch_size={batch_size}", unit="epoch")
    with np.errstate(all="ignore"):
        # The epoch's batch_loss, the batch-size-weighted mean of its batch losses, is the mean over
        # examples of each one's loss when its batch was used: keep those predictions and sum once
        # per epoch (a loss per update would cost about a sixth of an SGD update).
        seen_y_hat, seen_y = np.empty((1, m)), np.empty((1, m))
        for epoch in epochs:
            seen = 0
            finite_now = True
            tic = time.process_time()
            for Xb, yb in minibatches(X, y, batch_size, seed=(seed + epoch) if shuffle else None):
                y_hat, grads = _forward_backward(Xb, yb, params, L)
                if not np.all(np.isfinite(y_hat)):  # the previous update went non-finite
                    finite_now = False
                    break
                seen_y_hat[:, seen : seen + yb.shape[1]] = y_hat
                seen_y[:, seen : seen + yb.shape[1]] = yb
                seen += yb.shape[1]
                opt.step(params, grads)
                grad_evals += Xb.shape[1]
                updates += 1
                if log is not None and updates % log_every == 0:
                    finite_now = _all_finite(params)
                    if not finite_now:
                        break
                    seconds += time.process_time() - tic
                    log["updates"].append(updates)
                    log["grad_evals"].append(grad_evals)
                    log["time"].append(seconds)
                    log["loss"].append(_full_loss(X, y, params))
                    tic = time.process_time()
            seconds += time.process_time() - tic
            finite_now = finite_now and _all_finite(params)
            loss = _full_loss(X, y, params) if finite_now else float("nan")
            finite_now = finite_now and np.isfinite(loss)
            history["loss"].append(loss)
            history["batch_loss"].append(_summed_loss(seen_y_hat[:, :seen], seen_y[:, :seen]) / m)
            history["grad_evals"].append(grad_evals)
            history["updates"].append(updates)
            history["time"].append(seconds)
            if progress:
                epochs.set_postfix(loss=f"{loss:.4f}")
            if not finite_now:
                history["diverged"] = True
                history["message"] = (f"diverged in epoch {epoch + 1}: the parameters or the network's output stopped "
                                      f"being finite; "
                                      f"try a smaller lr than {lr:g}")
                break
    return params, history
