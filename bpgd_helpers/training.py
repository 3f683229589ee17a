"""Training the article's network: batch, stochastic and mini-batch gradient descent.

One loop covers all three variants of the article; only batch_size changes:
batch_size=None (or m) is batch GD, 1 is stochastic GD, anything between is
mini-batch GD. Any optimiser from `optimizers` can do the update.
"""

import time

import numpy as np

from ._validate import check_params, check_positive_int, check_X, check_y
from .losses import binary_cross_entropy
from .network import backward, forward
from .optimizers import make_optimizer


def minibatches(X, y, batch_size, seed=None):
    """Yield (X_batch, y_batch) pairs that cover every example exactly once.

    Args:
        X: (n_x, m) inputs; y: (1, m) labels.
        batch_size: examples per batch; the last batch may be smaller.
        seed: None keeps the original order; an int shuffles the columns with that seed.

    Example:
        >>> X, y = make_dataset(5)
        >>> [xb.shape[1] for xb, yb in minibatches(X, y, 2)]
        [2, 2, 1]
    """
    m = X.shape[1]
    batch_size = check_positive_int(batch_size, "batch_size")
    order = np.arange(m) if seed is None else np.random.default_rng(seed).permutation(m)
    for start in range(0, m, batch_size):
        idx = order[start : start + batch_size]
        yield X[:, idx], y[:, idx]


def train(X, y, params, optimizer="gd", lr=0.1, num_epochs=100, batch_size=None, seed=0,
          shuffle=True, progress=False, **hyper):
    """Train a copy of `params` and return it with the history of the run.

    Args:
        X, y: data, (n_x, m) and (1, m).
        params: starting parameters (not modified).
        optimizer: "gd", "momentum", "nesterov", "rmsprop" or "adam".
        lr: learning rate.
        num_epochs: passes over the data.
        batch_size: None for batch GD, 1 for SGD, else mini-batch size.
        seed: seed of the shuffling (epoch e uses seed + e).
        shuffle: shuffle the examples each epoch.
        progress: show a progress bar over epochs.
        **hyper: the optimiser's hyperparameters.
    Returns:
        (params, history). history has lists per epoch: "loss" (full-data J at
        the end of the epoch), "batch_loss" (mean of the batch losses seen
        during the epoch, weighted by batch size, as Keras reports it),
        "grad_evals" (examples whose gradient was computed so far),
        "updates" (parameter updates so far), "time" (seconds so far); and
        "diverged", "message". A run whose loss stops being finite ends early
        and says so in history["message"]; it never raises.
    """
    _, params = check_params(params)
    X = check_X(X, params["W1"].shape[1])
    y = check_y(y, X.shape[1])
    m = X.shape[1]
    batch_size = m if batch_size is None else min(check_positive_int(batch_size, "batch_size"), m)
    num_epochs = check_positive_int(num_epochs, "num_epochs")
    params = {k: v.copy() for k, v in params.items()}
    opt = make_optimizer(optimizer, lr, **hyper)
    history = {"loss": [], "batch_loss": [], "grad_evals": [], "updates": [], "time": [],
               "diverged": False, "message": f"trained for {num_epochs} epochs"}
    grad_evals = updates = 0
    epochs = range(num_epochs)
    if progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc=f"{opt.name}, batch_size={batch_size}", unit="epoch")
    start = time.perf_counter()
    with np.errstate(all="ignore"):
        for epoch in epochs:
            batch_losses = 0.0
            for Xb, yb in minibatches(X, y, batch_size, seed=(seed + epoch) if shuffle else None):
                y_hat, cache = forward(Xb, params)
                batch_losses += binary_cross_entropy(y_hat, yb) * Xb.shape[1]
                opt.step(params, backward(yb, cache, params))
                grad_evals += Xb.shape[1]
                updates += 1
                if not all(np.all(np.isfinite(v)) for v in params.values()):
                    break
            finite = all(np.all(np.isfinite(v)) for v in params.values())
            loss = binary_cross_entropy(forward(X, params)[0], y) if finite else float("nan")
            history["loss"].append(loss)
            history["batch_loss"].append(batch_losses / m)
            history["grad_evals"].append(grad_evals)
            history["updates"].append(updates)
            history["time"].append(time.perf_counter() - start)
            if not finite:
                history["diverged"] = True
                history["message"] = (f"diverged in epoch {epoch + 1}: the parameters stopped being finite; "
                                      f"try a smaller lr than {lr:g}")
                break
    return params, history
