"""One epoch of mini-batch gradient descent: bp.train against keras.Model.fit."""

import keras
import torch

import bpgd_helpers as bp

from ._timing import fmt_seconds, race

LAYER_SIZES = [3, 16, 8, 1]
M, BATCH_SIZE, GOAL = 2048, 32, 0.1


def keras_model(params):
    """The network in Keras (its defaults: float32), starting from `params`."""
    L = len(params) // 2
    layers = [keras.Input(shape=(params["W1"].shape[1],))]
    layers += [keras.layers.Dense(params[f"W{l}"].shape[0], activation="relu" if l < L else "sigmoid")
               for l in range(1, L + 1)]
    model = keras.Sequential(layers)
    model.set_weights([w for l in range(1, L + 1) for w in (params[f"W{l}"].T, params[f"b{l}"].ravel())])
    return model


def contestants(seed=0):
    """(ours, theirs): functions that each train one epoch, unshuffled, with plain SGD."""
    X, y = bp.make_dataset(M, seed=seed)
    params = bp.init_params(LAYER_SIZES, seed=seed)

    def ours():
        return bp.train(X, y, params, lr=0.01, num_epochs=1, batch_size=BATCH_SIZE, shuffle=False)

    model = keras_model(params)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy")
    X_rows, y_rows = X.T.astype("float32"), y.T.astype("float32")

    def theirs():
        return model.fit(X_rows, y_rows, batch_size=BATCH_SIZE, epochs=1, shuffle=False, verbose=0)

    return ours, theirs


def run():
    torch.set_num_threads(1)
    ours, theirs = contestants()
    t_ours, t_theirs, ratio = race(ours, theirs, rounds=15, min_seconds=0.05)
    return [{
        "name": f"one epoch of mini-batch GD ({M:,} examples, batch {BATCH_SIZE}), vs keras.Model.fit",
        "value": ratio, "unit": "× Keras", "goal": f"≤ {GOAL}×", "met": ratio <= GOAL,
        "note": f"ours {fmt_seconds(t_ours)}, Keras {fmt_seconds(t_theirs)} per epoch ({M // BATCH_SIZE} updates)",
    }]
