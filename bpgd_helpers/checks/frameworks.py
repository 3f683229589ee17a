"""Checks for lesson 10 (frameworks: Keras and PyTorch)."""

import numpy as np

from ..data import make_dataset
from ..losses import binary_cross_entropy
from ..network import backward, forward, init_params
from ..training import minibatches, train
from ._core import call, compare, fail, passed


def _random_network(rng):
    """Params of a [3, n1, n2, 1] network with n1 != n2, so every shape says which layer it is."""
    n1, n2 = (int(n) for n in rng.choice(np.arange(5, 10), size=2, replace=False))
    params = init_params([3, n1, n2, 1], seed=int(rng.integers(0, 10**6)))
    for k in params:
        if k.startswith("b"):
            params[k] = rng.normal(0.0, 0.3, size=params[k].shape)
    return params


def check_to_keras_weights(to_keras_weights):
    """Check to_keras_weights(params) -> [W1.T, b1 as 1-D, W2.T, b2, ...]."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    params = _random_network(rng)
    before = {k: v.copy() for k, v in params.items()}
    weights = call(to_keras_weights, "to_keras_weights(params)", params)
    if not isinstance(weights, (list, tuple)):
        fail(f"to_keras_weights should return a list of arrays, got a {type(weights).__name__}. "
             "Hint: build a list [kernel1, bias1, kernel2, bias2, ...].")
    if any(not np.array_equal(params[k], before[k]) for k in params):
        fail("to_keras_weights changed the params passed to it. Hint: W.T and b.ravel() make new views; "
             "do not assign to params inside the function.")
    L = len(params) // 2
    if len(weights) != 2 * L:
        fail(f"for a network of {L} layers Keras expects {2 * L} arrays (a kernel and a bias per layer), "
             f"got {len(weights)}.")
    for l in range(1, L + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        kernel, bias = np.asarray(weights[2 * l - 2]), np.asarray(weights[2 * l - 1])
        where = f"weights[{2 * l - 2}], the kernel of layer {l},"
        if kernel.shape == b.shape or kernel.ndim == 1:
            fail(f"{where} has shape {kernel.shape}, the shape of a bias. Hint: the order is kernel, bias, "
                 "kernel, bias, ..., one pair per layer.")
        if kernel.shape == W.shape and W.shape[0] != W.shape[1]:
            fail(f"{where} has shape {kernel.shape}, the course's (n_{l}, n_{l - 1}). Keras multiplies rows of "
                 f"examples by the kernel, X.T @ kernel, so it wants (n_{l - 1}, n_{l}). Hint: transpose W{l}.")
        compare(f"weights[{2 * l - 2}] (kernel of layer {l})", kernel, W.T,
                hint=f"the kernel is W{l}.T; check that you took W{l}, not another layer's W.")
        if bias.shape == b.shape:
            fail(f"weights[{2 * l - 1}], the bias of layer {l}, has shape {bias.shape}; Keras biases are 1-D, "
                 f"shape ({b.shape[0]},). Hint: b{l}.ravel().")
        if bias.ndim == 2:
            fail(f"weights[{2 * l - 1}], the bias of layer {l}, has shape {bias.shape}, the shape of a kernel. "
                 "Hint: the order is kernel, bias, kernel, bias, ..., one pair per layer.")
        compare(f"weights[{2 * l - 1}] (bias of layer {l})", bias, b.ravel(),
                hint=f"the bias is b{l}.ravel(), in the same order as the units.")
    passed("to_keras_weights gives Keras's order and layout: a kernel (n_in, n_out) = W.T and a 1-D bias per layer.")


def _epoch_reference(X, y, params, lr, batch_size):
    """(params after one unshuffled epoch, the loss Keras reports, and three tempting wrong losses)."""
    new, history = train(X, y, params, lr=lr, num_epochs=1, batch_size=batch_size, shuffle=False)
    current = {k: v.copy() for k, v in params.items()}
    batch_losses, sizes = [], []
    for Xb, yb in minibatches(X, y, batch_size):  # the batch losses before each update, unweighted
        y_hat, cache = forward(Xb, current)
        batch_losses.append(binary_cross_entropy(y_hat, yb))
        sizes.append(Xb.shape[1])
        grads = backward(yb, cache, current)
        current = {k: v - lr * grads["d" + k] for k, v in current.items()}
    wrong = {
        "after": history["loss"][0],
        "before": binary_cross_entropy(forward(X, params)[0], y),
        "unweighted": float(np.mean(batch_losses)),
        "last": batch_losses[-1],
    }
    return new, history["batch_loss"][0], wrong


def check_keras_epoch(keras_epoch):
    """Check keras_epoch(X, y, params, lr, batch_size) -> (new params, the epoch loss as Keras reports it)."""
    __tracebackhide__ = True
    rng = np.random.default_rng()
    batch_size = int(rng.integers(8, 17))
    m = batch_size * int(rng.integers(3, 6)) + int(rng.integers(1, batch_size // 2))  # a short last batch
    X, y = make_dataset(m, seed=int(rng.integers(0, 10**6)))
    params = init_params([3, 4, 4, 1], seed=int(rng.integers(0, 10**6)))
    lr = float(rng.uniform(0.2, 1.0))
    before = {k: v.copy() for k, v in params.items()}
    result = call(keras_epoch, f"keras_epoch(X, y, params, lr={lr:.3f}, batch_size={batch_size})",
                  X, y, params, lr, batch_size)
    if not (isinstance(result, tuple) and len(result) == 2):
        fail(f"keras_epoch should return a pair (new_params, epoch_loss), got {type(result).__name__}. "
             "Hint: `return params, total / m`.")
    new, loss = result
    if any(not np.array_equal(params[k], before[k]) for k in params):
        fail("keras_epoch changed the params passed to it. Hint: start with "
             "params = {k: v.copy() for k, v in params.items()}, as bp.train does.")
    if not isinstance(new, dict) or set(new) != set(params):
        fail(f"the first item returned should be a params dict with keys {sorted(params)}, "
             f"got {sorted(new) if isinstance(new, dict) else type(new).__name__}.")
    expected, reported, wrong = _epoch_reference(X, y, params, lr, batch_size)
    if all(np.allclose(new[k], params[k]) for k in params):
        fail("the params did not change: update them after every batch, params[k] - lr * grads['d' + k].")
    for k in params:
        compare(f"new_params[{k!r}]", new[k], expected[k], rtol=1e-9, atol=1e-12,
                hint="one update per batch, the batches in their original order (bp.minibatches without a seed).")
    if not np.isscalar(loss) and np.size(loss) != 1:
        fail(f"the epoch loss should be one number, got {np.shape(loss)}.")
    loss = float(np.asarray(loss).ravel()[0])
    if np.isclose(loss, wrong["after"], rtol=1e-9) and not np.isclose(loss, reported, rtol=1e-9):
        fail("your epoch loss is the loss of the whole data set after the epoch. Keras reports something "
             "else: the mean of the batch losses it met during the epoch, each computed before its update.")
    if np.isclose(loss, wrong["unweighted"], rtol=1e-9) and not np.isclose(loss, reported, rtol=1e-9):
        fail(f"your epoch loss is the plain mean of the batch losses, but with m = {m} and batch_size = "
             f"{batch_size} the last batch is smaller. Hint: weight each batch loss by its number of examples, "
             "sum, and divide by m.")
    if np.isclose(loss, wrong["last"], rtol=1e-9):
        fail("your epoch loss is the loss of the last batch only: average over every batch of the epoch.")
    if np.isclose(loss, wrong["before"], rtol=1e-9) and not np.isclose(loss, reported, rtol=1e-9):
        fail("your epoch loss is the loss of the whole data set before the epoch. Hint: each batch's loss "
             "must come from the params as they are when that batch is reached.")
    compare("the epoch loss", loss, reported, scalar=True, rtol=1e-9, atol=1e-12,
            hint="add bp.binary_cross_entropy(y_hat, y_batch) * (examples in the batch) for each batch, "
                 "before its update, and divide the sum by m.")
    passed("keras_epoch updates once per batch and reports the epoch loss the way Keras does.")


def check_torch_forward(torch_forward):
    """Check torch_forward(X, params) -> y_hat, a (1, m) tensor that autograd can differentiate."""
    __tracebackhide__ = True
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed here, so this check cannot run (nothing is marked wrong). "
              "The setup cell says how to install it.")
        return
    rng = np.random.default_rng()
    params = _random_network(rng)
    m = int(rng.integers(5, 12))
    X = rng.standard_normal((3, m))
    y = (rng.random((1, m)) < 0.5).astype(np.float64)
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    y_hat = call(torch_forward, "torch_forward(X, params)", torch.tensor(X), tensors)
    if isinstance(y_hat, np.ndarray):
        fail("torch_forward returned a NumPy array. Autograd only follows PyTorch operations: keep everything "
             "a tensor (@, +, torch.relu, torch.sigmoid) and return the tensor.")
    if not isinstance(y_hat, torch.Tensor):
        fail(f"torch_forward should return a torch.Tensor, got a {type(y_hat).__name__}.")
    if y_hat.grad_fn is None:
        fail("y_hat is not connected to the parameters, so autograd cannot differentiate it. Hint: do not call "
             ".detach(), .numpy(), .item() or torch.tensor(...) inside torch_forward.")
    expected, cache = forward(X, params)
    got = y_hat.detach().numpy()
    if got.shape == (m, 1):
        fail(f"y_hat has shape {got.shape}, but it should be (1, m) = (1, {m}): the course's layout keeps "
             "examples in columns. Hint: Z = W @ A + b, with A = X of shape (n_x, m).")
    if got.shape == expected.shape and np.allclose(got, cache[f"Z{len(params) // 2}"]):
        fail("y_hat equals the last layer's Z, the logits: apply torch.sigmoid at the output.")
    compare("y_hat", got, expected, rtol=1e-10, atol=1e-12,
            hint="ReLU (torch.relu) on every hidden layer, sigmoid (torch.sigmoid) on the output only.")
    loss = torch.nn.functional.binary_cross_entropy(y_hat, torch.tensor(y))
    loss.backward()
    ours = backward(y, cache, params)
    for k, t in tensors.items():
        compare(f"autograd's d{k}", t.grad.numpy(), ours[f"d{k}"], rtol=1e-8, atol=1e-12,
                hint="build y_hat from the parameter tensors you were given, without copies.")
    passed("torch_forward matches bp.forward, and autograd through it gives bp.backward's gradients.")
