"""Compare a single number (a loss, a slope, one weight) without an arbitrary-factor diagnosis.

`compare(..., scalar=True)` describes a wrong answer by its ratio to the right one, which tells
something for arrays ("off by 0.5 everywhere") but nothing for one number: any two numbers differ
by some factor. Here a wrong number is described only by its sign or direction.
"""

import numbers

import numpy as np

from ._core import compare, fail


def compare_number(name, given, expected, hint="", rtol=1e-6, atol=1e-9):
    """Fail with "name is wrong (too large / too small / wrong sign)" unless `given` is `expected`.

    Anything that is not a real number (None, a list, an array of several values, NaN) is
    reported by ``compare``. The message never contains `expected`.
    """
    __tracebackhide__ = True
    tail = f" Hint: {hint}" if hint else ""
    value = given.item() if isinstance(given, np.ndarray) and given.size == 1 else given
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and not np.isnan(value):
        value, expected = float(value), float(expected)
        if np.isinf(value):
            fail(f"{name} is infinite.{tail}")
        if not np.isclose(value, expected, rtol=rtol, atol=atol):
            if expected != 0 and np.isclose(value, -expected, rtol=rtol, atol=atol):
                how = "it has the wrong sign"
            else:
                how = "it is too large" if value > expected else "it is too small"
            fail(f"{name} is wrong: {how}.{tail}")
    compare(name, given, expected, hint=hint, rtol=rtol, atol=atol, scalar=True)
