"""Tools shared by the tests of bpgd_helpers.checks: record what a check feeds a learner's
function, run a check and catch its verdict, and make sure a message leaks no expected value."""

import copy

import numpy as np

from bpgd_helpers.checks import CheckFailed


class Recorder:
    """Wraps a learner's function and keeps a copy of every argument it was called with."""

    def __init__(self, fn):
        self.fn, self.calls = fn, []

    def __call__(self, *args):
        self.calls.append(copy.deepcopy(args))
        return self.fn(*args)


def run(check, fn):
    """(message, or None if the check passed; recorder) for `check` applied to `fn`."""
    recorder = Recorder(fn)
    try:
        check(recorder)
    except CheckFailed as exc:
        return str(exc), recorder
    return None, recorder


def assert_no_leak(message, expected):
    """No value of `expected` (numbers, arrays, or lists of arrays) is written in `message` with 3+ decimals."""
    flat = [np.ravel(np.asarray(a, dtype=float)) for e in expected for a in (e if isinstance(e, list) else [e])]
    for v in np.concatenate(flat):
        if not np.isfinite(v) or abs(v) < 1e-3 or abs(v - round(v)) < 5e-4 or abs(v) == 0.5:
            continue  # 0, 0.5 and whole numbers also appear as shapes and constants in ordinary text
        for text in {f"{v:.3f}", f"{v:.4f}", f"{v:.6f}", repr(float(v))}:
            assert text not in message, f"the message shows the expected value {text}: {message}"
