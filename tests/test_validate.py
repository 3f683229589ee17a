"""The input checks' fast paths give the same answers as the careful paths they skip."""

import warnings

import numpy as np
import pytest

import bpgd_helpers as bp
from bpgd_helpers._validate import as_float_array, check_params, check_y, finite, layer_count


def test_finite_accepts_huge_values():
    arr = np.full((2, 3), 1e308)
    assert finite(arr, "X") is arr  # their sum overflows, but every entry is finite


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_finite_counts_every_bad_entry(bad):
    arr = np.zeros((3, 4))
    arr[0, 1] = arr[2, 3] = bad
    with pytest.raises(ValueError, match="X must be finite, but 2 of its 12 entries"):
        finite(arr, "X")


def test_finite_raises_without_a_warning_first():
    arr = np.array([[np.inf, -np.inf, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="2 of its 3 entries"):
            finite(arr, "W1")


def test_as_float_array_returns_float64_arrays_untouched_and_converts_the_rest():
    arr = np.zeros((2, 2))
    assert as_float_array(arr, "z") is arr
    ints = as_float_array(np.arange(3), "z")
    assert ints.dtype == np.float64
    assert as_float_array(np.float32(2.5), "z").dtype == np.float64
    with pytest.raises(TypeError, match="z must hold real numbers"):
        as_float_array(np.array([1j]), "z")


@pytest.mark.parametrize("bad, pattern", [
    (np.nan, "y must be finite"),
    (np.inf, "y must be finite"),
    (2.0, "between 0 and 1"),
    (-1.0, "between 0 and 1"),
])
def test_check_y_names_the_problem(bad, pattern):
    y = np.array([[0.0, 1.0, 0.0]])
    y[0, 1] = bad
    with pytest.raises(ValueError, match=pattern):
        check_y(y, 3)


def test_layer_count_fast_and_careful_paths_agree():
    params = bp.init_params([3, 4, 4, 1])
    assert layer_count(params) == 3
    assert layer_count({**params, "note": "extra keys are ignored"}) == 3
    with pytest.raises(ValueError, match="must hold W1, b1"):
        layer_count({})
    del params["b3"]
    with pytest.raises(ValueError, match=r"missing \['b3'\]"):
        layer_count(params)


def test_check_params_without_values_still_checks_shapes_but_not_finiteness():
    params = bp.init_params([3, 4, 1])
    params["W2"][0, 0] = np.nan
    L, out = check_params(params, values=False)
    assert L == 2 and out["W2"] is params["W2"]
    with pytest.raises(ValueError, match="W2 must be finite"):
        check_params(params)
    params["b1"] = np.zeros(4)
    with pytest.raises(ValueError, match=r"b1 must have shape \(n_1, 1\)"):
        check_params(params, values=False)
