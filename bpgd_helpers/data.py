"""The course's synthetic data set: no downloads, the same every run."""

import numpy as np

from ._validate import check_positive_int

#: Points closer to the origin than this are class 1. For standard normal
#: features in 3-D, |x|^2 follows a chi-squared law with 3 degrees of
#: freedom whose median is 2.366, so about half of the points are inside.
RADIUS = float(np.sqrt(2.366))


def make_dataset(m, seed=0):
    """m examples with 3 features; label 1 inside a ball, 0 outside.

    No straight plane separates the inside of a ball from the outside, so a
    linear model (logistic regression) cannot learn this boundary; the
    article's two-hidden-layer network can.

    Args:
        m: number of examples.
        seed: seed of the random generator.
    Returns:
        (X, y): X of shape (3, m), y of shape (1, m) with values 0.0 and 1.0.

    Example:
        >>> X, y = make_dataset(4)
        >>> X.shape, y.shape
        ((3, 4), (1, 4))
    """
    m = check_positive_int(m, "m")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((3, m))
    y = (np.sum(X**2, axis=0, keepdims=True) < RADIUS**2).astype(np.float64)
    return X, y
