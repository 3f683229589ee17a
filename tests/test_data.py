import numpy as np
import pytest

import bpgd_helpers as bp


def test_shapes_dtype_and_determinism():
    X, y = bp.make_dataset(50, seed=3)
    assert X.shape == (3, 50) and y.shape == (1, 50)
    assert X.dtype == y.dtype == np.float64
    assert set(np.unique(y)) <= {0.0, 1.0}
    X2, y2 = bp.make_dataset(50, seed=3)
    np.testing.assert_array_equal(X, X2)
    assert not np.array_equal(X, bp.make_dataset(50, seed=4)[0])


def test_classes_are_roughly_balanced():
    _, y = bp.make_dataset(4000)
    assert 0.45 < y.mean() < 0.55


def test_a_linear_model_cannot_learn_it_but_the_articles_network_can():
    X, y = bp.make_dataset(400, seed=0)
    linear, _ = bp.train(X, y, bp.init_params([3, 1], seed=0), lr=0.5, num_epochs=300)
    deep, _ = bp.train(X, y, bp.init_params([3, 8, 8, 1], seed=0), optimizer="adam", lr=0.02,
                       num_epochs=300, batch_size=32)
    assert bp.accuracy(X, y, linear) < 0.65
    assert bp.accuracy(X, y, deep) > 0.9


@pytest.mark.parametrize("m, exc", [(0, ValueError), (-3, ValueError), (2.5, TypeError), ("10", TypeError)])
def test_bad_sizes(m, exc):
    with pytest.raises(exc, match="m must be a positive int"):
        bp.make_dataset(m)
