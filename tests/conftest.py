"""Fixtures and strategies shared by the unit and property tests."""

import matplotlib

matplotlib.use("Agg")  # tests draw figures without a screen

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import bpgd_helpers as bp

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.load_profile("ci")


@pytest.fixture
def article_net():
    """The article's 3-feature network, a small batch of data and one forward pass."""
    X, y = bp.make_dataset(16, seed=1)
    params = bp.init_params([3, 4, 4, 1], seed=2)
    y_hat, cache = bp.forward(X, params)
    return X, y, params, y_hat, cache


@st.composite
def networks(draw, max_layers=4, max_width=6, max_m=8):
    """A random architecture, parameters, data and labels (float64)."""
    n_x = draw(st.integers(1, 5))
    hidden = draw(st.lists(st.integers(1, max_width), min_size=0, max_size=max_layers - 1))
    sizes = [n_x, *hidden, 1]
    m = draw(st.integers(1, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    params = bp.init_params(sizes, seed=seed)
    for k in params:
        if k.startswith("b"):
            params[k] = rng.normal(0, 0.5, size=params[k].shape)
    X = rng.normal(size=(n_x, m))
    y = rng.integers(0, 2, size=(1, m)).astype(float)
    return sizes, params, X, y
