"""The machinery every check shares: compare an answer, fail with a hint, report success."""

import numbers
import warnings

import numpy as np


class CheckFailed(AssertionError):
    """A learner's answer is wrong; the message says what and how to look for it."""


def fail(message):
    """Raise CheckFailed with `message` (hidden from IPython's traceback)."""
    __tracebackhide__ = True
    raise CheckFailed(message)


def passed(message):
    """Print the success line of a check."""
    print(f"✔ {message}")


def copy_arrays(d):
    """A copy of a dict of arrays (params, grads, a velocity), each array copied."""
    return {k: v.copy() for k, v in d.items()}


def same_arrays(a, b):
    """True when dict `a` has every key of `b` with an array equal to b's up to rounding."""
    try:
        return all(np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12) for k in b)
    except (KeyError, TypeError, ValueError):
        return False


def call(fn, label, *args, hint="", warning_hint=""):
    """Return fn(*args); a learner's exception or NumPy floating-point warning fails the check instead.

    A warning such as "overflow encountered in exp" fails too (with
    `warning_hint`), so a check can insist on numerically stable code.
    """
    __tracebackhide__ = True
    tail = f" Hint: {hint}" if hint else ""
    if not callable(fn):
        fail(f"{label}: expected a function, got {_kind(fn)}. Did a later cell reuse the function's name?")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        try:
            with np.errstate(over="warn", divide="warn", invalid="warn"):
                return fn(*args)
        except NotImplementedError:
            problem = f"{label} is not written yet: replace `raise NotImplementedError()` with your answer."
        except RuntimeWarning as exc:
            problem = f"{label} made NumPy warn: {exc}." + (f" {warning_hint}" if warning_hint else tail)
        except Exception as exc:  # the learner's error becomes feedback, not a crash of the check
            problem = f"{label} raised {type(exc).__name__}: {exc}.{tail}"
    fail(problem)  # outside the except blocks, so the learner sees one traceback, not two


def _kind(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return f"a {type(value).__name__}"


def compare(name, given, expected, hint="", rtol=1e-6, atol=1e-9, scalar=False):
    """Fail with a targeted message unless `given` matches `expected`.

    The message names `name`, says what differs (type, shape, NaN, scale,
    sign, which entry) and ends with `hint`. It never contains the values of
    `expected`.

    Args:
        name: what the learner calls the quantity, e.g. "dZ2".
        given: the learner's value.
        expected: the reference value (array or number).
        hint: one sentence on where to look when it is wrong.
        scalar: the answer must be a single number.
    """
    __tracebackhide__ = True
    tail = f" Hint: {hint}" if hint else ""
    if given is None:
        fail(f"{name} is None: did the function reach a `return` statement?{tail}")
    if scalar:
        if isinstance(given, np.ndarray) and given.size == 1:
            given = given.item()
        if not isinstance(given, numbers.Real) or isinstance(given, bool):
            fail(f"{name} should be a single number (a float), got {_kind(given)}.{tail}")
        given_arr, expected_arr = np.float64(given), np.float64(expected)
    else:
        if isinstance(given, (list, tuple)):
            fail(f"{name} should be a NumPy array, got a {type(given).__name__}; wrap it in np.array(...).{tail}")
        if not isinstance(given, (np.ndarray, numbers.Number)):
            fail(f"{name} should be a NumPy array, got {_kind(given)}.{tail}")
        given_arr, expected_arr = np.asarray(given), np.asarray(expected, dtype=np.float64)
        if given_arr.shape != expected_arr.shape:
            note = ""
            if given_arr.shape == expected_arr.shape[::-1] and given_arr.ndim == 2:
                note = " It looks transposed: columns are examples, and each gradient has the shape of its quantity."
            elif given_arr.size == expected_arr.size:
                note = " It has the right number of entries in the wrong shape (check keepdims=True or a reshape)."
            elif expected_arr.ndim == 2 and given_arr.ndim == 2 and given_arr.shape[0] == expected_arr.shape[0]:
                note = " The number of rows is right; the number of columns is not (sum over examples with axis=1?)."
            fail(f"{name} has shape {given_arr.shape}, but it should have shape {expected_arr.shape}.{note}{tail}")
        if not (np.issubdtype(given_arr.dtype, np.floating) or np.issubdtype(given_arr.dtype, np.integer)
                or given_arr.dtype == bool):
            fail(f"{name} should hold real numbers, got dtype {given_arr.dtype}.{tail}")
        given_arr = given_arr.astype(np.float64)
    if np.any(np.isnan(given_arr)):
        fail(f"{name} contains NaN (not a number): look for 0/0, log(0) or inf - inf.{tail}")
    if np.allclose(given_arr, expected_arr, rtol=rtol, atol=atol):
        return
    diagnosis = _diagnose(given_arr, expected_arr)
    fail(f"{name} is wrong{diagnosis}.{tail}")


def _diagnose(given, expected):
    """A short, answer-free description of how `given` differs from `expected`."""
    if np.allclose(given, -expected, rtol=1e-6, atol=1e-9):
        return ": it has the wrong sign everywhere"
    flat_g, flat_e = np.ravel(given), np.ravel(expected)
    mask = np.abs(flat_e) > 1e-12
    if mask.any():
        ratios = flat_g[mask] / flat_e[mask]
        if np.allclose(ratios, ratios[0], rtol=1e-6) and np.allclose(flat_g[~mask], 0, atol=1e-9):
            # The factor itself is not shown: with it, the learner could rescale without understanding.
            size = "too large" if abs(ratios[0]) > 1 else "too small"
            return (f": it is off by a constant factor everywhere, {size} (a missing or extra scale, such as 1/m?)")
    if given.ndim == 0:
        return ""
    wrong = ~np.isclose(given, expected, rtol=1e-6, atol=1e-9)
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    return f": {int(wrong.sum())} of its {wrong.size} entries differ, the first at index {first}"
