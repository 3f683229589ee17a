"""Checks for lesson 07 (SGD, batch and mini-batch gradient descent)."""

import numpy as np

from ..data import make_dataset
from ..network import backward, forward, init_params
from ..training import minibatches
from ._core import compare, fail, passed


def _labelled_data(m, rng):
    """X whose first row numbers the columns 0..m-1, so a batch tells which examples it holds."""
    X = rng.standard_normal((3, m))
    X[0] = np.arange(m)
    y = (rng.random((1, m)) < 0.5).astype(np.float64)
    return X, y


def _collect(iterator, X, y, batch_size, seed):
    """The batches as a list, with the learner's errors turned into feedback."""
    __tracebackhide__ = True
    try:
        batches = list(iterator(X.copy(), y.copy(), batch_size, seed))
    except NotImplementedError:
        fail("minibatch_iterator still raises NotImplementedError: replace that line with your answer.")
    except Exception as exc:
        hint = (" Hint: columns are examples, so a batch is X[:, idx] and y[:, idx]; X[idx] picks rows (features)."
                if isinstance(exc, IndexError) else "")
        fail(f"minibatch_iterator(X, y, batch_size={batch_size}, seed={seed}) raised "
             f"{type(exc).__name__}: {exc}.{hint}")
    for i, item in enumerate(batches):
        if not (isinstance(item, tuple) and len(item) == 2):
            fail(f"batch {i} should be a pair (X_batch, y_batch), got {type(item).__name__}. "
                 "Hint: `yield X[:, idx], y[:, idx]` yields a pair.")
    return batches


def check_minibatch_iterator(minibatch_iterator):
    """Check minibatch_iterator(X, y, batch_size, seed): shuffled batches covering every example once."""
    __tracebackhide__ = True
    if not callable(minibatch_iterator):
        fail(f"minibatch_iterator should be a function, got a {type(minibatch_iterator).__name__}.")
    rng = np.random.default_rng()
    m = int(rng.integers(23, 60))
    batch_size = int(rng.choice([4, 5, 7]))
    if m % batch_size == 0:
        m += 1
    X, y = _labelled_data(m, rng)
    seed = int(rng.integers(0, 1000))
    batches = _collect(minibatch_iterator, X, y, batch_size, seed)
    if not batches:
        fail("minibatch_iterator yielded no batches. Hint: loop `for start in range(0, m, batch_size)` and yield.")
    sizes = []
    for i, (Xb, yb) in enumerate(batches):
        Xb, yb = np.asarray(Xb), np.asarray(yb)
        if Xb.ndim != 2 or Xb.shape[0] != 3:
            note = " It looks transposed: keep the 3 features as rows and take columns." if Xb.shape[-1:] == (3,) else ""
            fail(f"X_batch {i} has shape {Xb.shape}, but it should be (n_x, b) = (3, b): columns are examples.{note} "
                 "Hint: index columns with X[:, idx].")
        if yb.shape != (1, Xb.shape[1]):
            fail(f"y_batch {i} has shape {yb.shape}, but it should be (1, b) = (1, {Xb.shape[1]}) to match X_batch. "
                 "Hint: index y the same way as X, y[:, idx].")
        sizes.append(Xb.shape[1])
    full, last = m // batch_size, m % batch_size
    if sum(sizes) == full * batch_size and len(sizes) == full:
        fail(f"with m = {m} and batch_size = {batch_size} the batches hold only {sum(sizes)} examples: "
             "the last, smaller batch is missing. Hint: range(0, m, batch_size) also starts a last, shorter slice.")
    if sorted(sizes[:-1]) != [batch_size] * (len(sizes) - 1) or sizes[-1] not in (batch_size, last):
        fail(f"with m = {m} and batch_size = {batch_size} the batch sizes are {sizes}: every batch should "
             f"hold batch_size examples except the last, which holds what is left.")
    ids = np.concatenate([np.asarray(Xb)[0] for Xb, _ in batches])
    if sorted(ids.tolist()) != list(range(m)):
        fail("the batches do not hold every example exactly once (some repeat, some are missing). "
             "Hint: shuffle the column indices once with rng.permutation(m) and slice that order; "
             "do not draw each batch at random.")
    for Xb, yb in batches:
        if not np.array_equal(np.asarray(yb)[0], y[0, np.asarray(Xb)[0].astype(int)]):
            fail("a y_batch does not belong to its X_batch: X and y were reordered differently. "
                 "Hint: index both with the same idx.")
    if np.array_equal(ids, np.arange(m)):
        fail("the examples come in their original order: shuffle them with the seed. "
             "Hint: order = np.random.default_rng(seed).permutation(m).")
    again = np.concatenate([np.asarray(Xb)[0] for Xb, _ in _collect(minibatch_iterator, X, y, batch_size, seed)])
    if not np.array_equal(ids, again):
        fail("two calls with the same seed give different orders: make the generator from the seed, "
             "np.random.default_rng(seed), inside the function.")
    other = np.concatenate([np.asarray(Xb)[0] for Xb, _ in _collect(minibatch_iterator, X, y, batch_size, seed + 1)])
    if np.array_equal(ids, other):
        fail("seed and seed + 1 give the same order: the shuffle must depend on the seed.")
    one = _collect(minibatch_iterator, X, y, m + 5, seed)
    if len(one) != 1 or np.asarray(one[0][0]).shape != (3, m):
        fail(f"with batch_size = {m + 5} > m = {m} there should be one batch holding all {m} examples.")
    passed("minibatch_iterator is right: its shuffled batches cover every example exactly once, "
           "X and y stay paired, the last batch holds what is left, and the seed fixes the order.")


_STEPS = ("for each (X_batch, y_batch): forward on X_batch, backward with y_batch, then update every "
          "parameter with its own gradient (params[k] -= lr * grads['d' + k]) before the next batch.")
_EXCEPTION_HINTS = {
    KeyError: "params are keyed 'W1', 'b1', ... and their gradients 'dW1', 'db1', ...: use grads['d' + k].",
    ValueError: "give bp.backward the labels of the batch, y_batch, with the cache of forward(X_batch, params).",
}


def _reference_epoch(X, y, params, lr, batch_size, seed, order_seed="same", sign=-1.0, stale=False):
    """One epoch of mini-batch GD; order_seed, sign and stale make typical wrong versions of it."""
    start = params
    params = {k: v.copy() for k, v in params.items()}
    for Xb, yb in minibatches(X, y, batch_size, seed if order_seed == "same" else order_seed):
        at = start if stale else params  # stale: every gradient taken at the epoch's starting point
        grads = backward(yb, forward(Xb, at)[1], at)
        for k in params:
            params[k] = params[k] + sign * lr * grads["d" + k]
    return params


def _close(a, b):
    try:
        return all(np.allclose(a[k], b[k], rtol=1e-6, atol=1e-9) for k in b)
    except (KeyError, TypeError, ValueError):
        return False


def check_train_epoch(train_epoch):
    """Check train_epoch(X, y, params, lr, batch_size, seed): one epoch of mini-batch GD."""
    __tracebackhide__ = True
    if not callable(train_epoch):
        fail(f"train_epoch should be a function, got a {type(train_epoch).__name__}.")
    rng = np.random.default_rng()
    for batch_size in (int(rng.integers(3, 9)), 1, None):
        m = int(rng.integers(17, 30))
        X, y = make_dataset(m, seed=int(rng.integers(0, 10**6)))
        params = init_params([3, 4, 4, 1], seed=int(rng.integers(0, 10**6)))
        lr, seed = float(rng.uniform(0.05, 0.5)), int(rng.integers(0, 1000))
        b = m if batch_size is None else batch_size
        before = {k: v.copy() for k, v in params.items()}
        try:
            got = train_epoch(X, y, params, lr, b, seed)
        except NotImplementedError:
            fail("train_epoch still raises NotImplementedError: replace that line with your answer.")
        except Exception as exc:
            fail(f"train_epoch(X, y, params, lr, batch_size={b}, seed={seed}) raised {type(exc).__name__}: {exc}. "
                 f"Hint: {_EXCEPTION_HINTS.get(type(exc), _STEPS)}")
        if not isinstance(got, dict):
            fail(f"train_epoch should return the params dict, got {type(got).__name__}.")
        if sorted(got) != sorted(params):
            fail(f"train_epoch should return a dict with keys {sorted(params)}, got {sorted(got)}.")
        if not _close(params, before):
            fail("train_epoch changed the params dict it was given: work on a copy, "
                 "e.g. params = {k: v.copy() for k, v in params.items()}.")
        expected = _reference_epoch(X, y, params, lr, b, seed)
        label = f"with batch_size={b} (m={m})"
        hint = ""
        for k in params:
            if not (isinstance(got[k], np.ndarray) and got[k].shape == expected[k].shape
                    and np.allclose(got[k], expected[k], rtol=1e-6, atol=1e-10)):
                hint = hint or _diagnose_epoch(got, X, y, params, lr, b, seed)
            compare(f"{k} {label}", got[k], expected[k], rtol=1e-6, atol=1e-10, hint=hint)
    passed("train_epoch is right: one update per batch, in the order of bp.minibatches, "
           "for SGD (batch_size=1), mini-batch and batch GD (batch_size=m).")


def _diagnose_epoch(got, X, y, params, lr, batch_size, seed):
    """One sentence on the most likely mistake, found by comparing with typical wrong versions."""
    if _close(got, params):
        return "the parameters did not change at all: apply W := W - lr * dW to each parameter."
    if _close(got, _reference_epoch(X, y, params, lr, batch_size, seed, sign=+1.0)):
        return "the parameters moved uphill: the update subtracts lr * gradient."
    if _close(got, _reference_epoch(X, y, params, lr, batch_size, None)):
        return "the batches were visited in their original order: use bp.minibatches(X, y, batch_size, seed=seed)."
    full = _reference_epoch(X, y, params, lr, X.shape[1], seed)
    if batch_size < X.shape[1] and _close(got, full):
        return "you made one update for the whole epoch: update after every batch, with that batch's gradient."
    if batch_size < X.shape[1] and _close(got, _reference_epoch(X, y, params, lr, batch_size, seed, stale=True)):
        return ("every batch's gradient was taken at the starting parameters: run forward and backward on the "
                "parameters as the previous batches left them, and update those before the next batch.")
    return _STEPS
