"""The SymPy derivations of lesson 04 against three independent oracles.

For random architectures, inputs and labels, every quantity of backpropagation
(dA3, dZ3, dW3, db3, dA2, ...) is computed four ways and compared:
the lambdified SymPy derivation, bp.backward_steps, central differences
(Richardson-extrapolated, away from ReLU kinks) and PyTorch autograd.
"""

import functools

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import bpgd_helpers as bp
from bpgd_helpers import symbolic as S

try:
    import torch
except ImportError:  # PyTorch is optional: the other three oracles still run
    torch = None

TOL = 1e-8


def rel_err(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape, f"shapes differ: {a.shape} vs {b.shape}"
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


class _Relu(sp.Function):
    """A ReLU of the test's own, whose derivative is a step that is 0 at the kink."""

    def fdiff(self, argindex=1):
        return _step(self.args[0])


_step = sp.Function("_step")


@st.composite
def small_networks(draw):
    """A small random architecture (SymPy derives it in well under a second), data and labels."""
    n_x = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    sizes = [n_x, *hidden, 1]
    m = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = rng.normal(0, 1.0, size=(sizes[l], sizes[l - 1]))
        params[f"b{l}"] = rng.normal(0, 0.5, size=(sizes[l], 1))
    X = rng.normal(size=(n_x, m))
    y = rng.integers(0, 2, size=(1, m)).astype(float)
    return sizes, params, X, y


# --- plain-NumPy forward from any layer on, for central differences --------------------

def cost_from(start, value, params, cache, y):
    """J when the quantity `start` ("Z2", "A2", "W2", ...) is replaced by `value`."""
    L = len(params) // 2
    p = dict(params)
    kind, l = start[0], int(start[1:])
    if kind in "Wb":
        p[start] = value
        A, first = cache["A0"], 1
    elif kind == "Z":
        A, first = None, l
    else:  # "A": continue from the activation of layer l
        A, first = value, l + 1
    for k in range(first, L + 1):
        Z = value if (kind == "Z" and k == l) else p[f"W{k}"] @ A + p[f"b{k}"]
        A = 1 / (1 + np.exp(-Z)) if k == L else np.maximum(Z, 0)
    A = np.clip(A, 1e-300, 1 - 1e-16)
    return float(-np.mean(y * np.log(A) + (1 - y) * np.log(1 - A)))


def central_difference(f, value, h):
    grad = np.zeros_like(value)
    for idx in np.ndindex(value.shape):
        plus, minus = value.copy(), value.copy()
        plus[idx] += h
        minus[idx] -= h
        grad[idx] = (f(plus) - f(minus)) / (2 * h)
    return grad


def richardson(f, value, h=1e-3):
    """Central differences at h and h/2 combined so the h**2 error cancels: error O(h**4)."""
    return (4 * central_difference(f, value, h / 2) - central_difference(f, value, h)) / 3


def finite_difference_steps(params, cache, y, names):
    out = {}
    L = len(params) // 2
    for name in names:
        q = name[1:]  # dW2 -> W2, dZ2 -> Z2
        base = params[q] if q[0] in "Wb" else cache[q]
        h = 1e-3
        if q == f"A{L}":  # J(A) = BCE curves like 1/A and 1/(1 - A): keep the step well inside (0, 1)
            h = 1e-3 * float(np.min(np.minimum(base, 1 - base)))
        out[name] = richardson(lambda v: cost_from(q, v, params, cache, y), base, h)
    return out


# --- PyTorch autograd, with the intermediate gradients kept ---------------------------

def torch_steps(params, X, y):
    L = len(params) // 2
    tp = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    A = torch.tensor(X, dtype=torch.float64)
    kept = {}
    for l in range(1, L + 1):
        Z = tp[f"W{l}"] @ A + tp[f"b{l}"]
        A = torch.sigmoid(Z) if l == L else torch.relu(Z)
        Z.retain_grad()
        A.retain_grad()
        kept[f"Z{l}"], kept[f"A{l}"] = Z, A
    t_y = torch.tensor(y, dtype=torch.float64)
    J = -(t_y * torch.log(A) + (1 - t_y) * torch.log(1 - A)).mean()
    J.backward()
    out = {f"d{k}": v.grad.numpy() for k, v in tp.items()}
    out.update({f"d{k}": v.grad.numpy() for k, v in kept.items() if not (k[0] == "A" and int(k[1:]) == 0)})
    return out


# --- the property test: four ways, one answer ----------------------------------------

@settings(max_examples=10)
@given(small_networks())
def test_sympy_numpy_central_differences_and_torch_agree(net):
    sizes, params, X, y = net
    y_hat, cache = bp.forward(X, params)
    L = len(sizes) - 1
    hidden_Z = np.concatenate([cache[f"Z{l}"].ravel() for l in range(1, L)])
    assume(np.min(np.abs(hidden_Z)) > 0.05)          # away from ReLU kinks
    assume(np.all(np.abs(cache[f"Z{L}"]) < 8))      # away from sigmoid saturation

    symbolic = S.derive_network_gradients(sizes, m=X.shape[1]).numeric(X, y, params)
    numpy_steps = bp.backward_steps(y, cache, params)
    differences = finite_difference_steps(params, cache, y, list(numpy_steps))
    oracles = {"bp.backward_steps": numpy_steps, "central differences": differences}
    if torch is not None:
        oracles["PyTorch autograd"] = torch_steps(params, X, y)

    assert list(symbolic) == list(numpy_steps)
    for name in numpy_steps:
        for oracle, values in oracles.items():
            value = values[name]
            err = rel_err(symbolic[name], value)
            assert err < TOL, f"sizes={sizes}: SymPy's {name} vs {oracle}: relative error {err:.2e}"


# --- the scalar derivation --------------------------------------------------------

def test_pytorch_oracle_is_installed():
    """The four-way test above uses PyTorch when it is installed; say so when it is not."""
    pytest.importorskip("torch")


def test_sigmoid_derivative_is_y_hat_times_one_minus_y_hat():
    derivative, identity, difference = S.sigmoid_derivative_identity()
    assert difference == 0
    assert derivative.has(sp.exp) and sp.diff(identity, S.z3) != 0


def test_scalar_steps_follow_the_article_and_simplify_dz3():
    steps = S.scalar_steps()
    assert list(steps) == list(S.SCALAR_TO_COURSE)
    assert sp.simplify(steps["dL/dz3"] - (S.y_hat - S.y)) == 0
    assert sp.simplify(steps["dL/dw3"] - (S.y_hat - S.y) * S.a2) == 0
    assert sp.simplify(steps["dL/dw1"] - steps["dL/dz1"] * S.x) == 0
    assert [S.ARTICLE_STEP[k] for k in steps] == sorted(S.ARTICLE_STEP[k] for k in steps)


def test_relu_prime_is_a_step_with_zero_at_the_kink():
    assert [S.relu_derivative(S.z).subs(S.z, v) for v in (-2, 0, 3)] == [0, 0, 1]
    assert sp.diff(S.relu(S.z), S.z).subs(S.z, 0) == sp.Rational(1, 2), "SymPy's own convention"
    assert S.with_course_kink(sp.Heaviside(S.z2) * S.w) == S.relu_prime(S.z2) * S.w


@functools.lru_cache(maxsize=None)
def direct_scalar_gradients():
    """From scratch: the scalar loss as one composite expression, and sp.diff of it (no chain rule by hand)."""
    names = ("W1", "b1", "W2", "b2", "W3", "b3")
    ps = [sp.Symbol(k.lower()) for k in names]
    x, y = sp.symbols("x y")
    w1, b1, w2, b2, w3, b3 = ps
    y_hat = 1 / (1 + sp.exp(-(w3 * _Relu(w2 * _Relu(w1 * x + b1) + b2) + b3)))
    loss = -(y * sp.log(y_hat) + (1 - y) * sp.log(1 - y_hat))
    numpy_names = {"_Relu": lambda u: np.maximum(u, 0.0), "_step": lambda u: np.heaviside(u, 0.0)}
    return {f"d{k}": sp.lambdify([x, y, *ps], sp.diff(loss, p), [numpy_names, "numpy"]) for k, p in zip(names, ps)}


@settings(max_examples=25)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.0, 1.0]))
def test_scalar_steps_equal_backward_steps_and_direct_differentiation(seed, label):
    rng = np.random.default_rng(seed)
    params = {k: rng.normal(size=(1, 1)) for k in ("W1", "b1", "W2", "b2", "W3", "b3")}
    X, y = rng.normal(size=(1, 1)), np.array([[label]])
    _, cache = bp.forward(X, params)
    assume(abs(cache["Z1"].item()) > 1e-3 and abs(cache["Z2"].item()) > 1e-3)
    ours = S.scalar_gradients(X, y, params)
    ref = bp.backward_steps(y, cache, params)
    for name in ref:
        assert rel_err(ours[name], ref[name]) < TOL, name
    point = [X.item(), label] + [params[k].item() for k in ("W1", "b1", "W2", "b2", "W3", "b3")]
    for name, f in direct_scalar_gradients().items():
        assert rel_err(ours[name].item(), f(*point)) < TOL, name


def test_scalar_gradients_rejects_a_bigger_network():
    with pytest.raises(ValueError, match=r"layer_sizes \[1, 1, 1, 1\]"):
        S.scalar_gradients(np.ones((3, 1)), np.ones((1, 1)), bp.init_params([3, 4, 4, 1]))


def test_evaluate_scalar_names_unknown_symbols():
    values = S.scalar_values(1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"uses \['q'\]"):
        S.evaluate_scalar(sp.Symbol("q") * S.z2, values)


def test_public_names_stay_importable_from_the_package():
    """symbolic is split into scalar and batch modules; lessons import every name from the package."""
    import bpgd_helpers
    from bpgd_helpers.symbolic import batch, scalar

    assert bpgd_helpers.symbolic is S
    for name in S.__all__:
        assert getattr(S, name) is getattr(scalar, name, None) or getattr(S, name) is getattr(batch, name, None), name
    assert {"relu_prime", "SCALAR_FORWARD", "z1", "derive_network_gradients", "pullback"} <= set(S.__all__)


def test_pullback_adds_one_term_per_path():
    u, v = sp.symbols("u v")
    output = sp.Matrix([[2 * u, u * v, v]])  # u feeds two entries, v two
    up = sp.Matrix([[sp.Symbol("g0"), sp.Symbol("g1"), sp.Symbol("g2")]])
    got = S.pullback(up, output, sp.Matrix([[u, v]]))
    assert sp.expand(got[0, 0] - (2 * up[0] + v * up[1])) == 0
    assert sp.expand(got[0, 1] - (u * up[1] + up[2])) == 0


# --- the matrix derivation ---------------------------------------------------------

@pytest.fixture(scope="module")
def article():
    return S.derive_network_gradients((3, 4, 4, 1), m=2)


def test_steps_are_named_and_shaped_like_backward_steps(article):
    X, y = bp.make_dataset(2, seed=3)
    params = bp.init_params([3, 4, 4, 1], seed=3)
    _, cache = bp.forward(X, params)
    ref = bp.backward_steps(y, cache, params)
    assert list(article.steps) == list(ref)
    assert {k: v.shape for k, v in article.steps.items()} == {k: v.shape for k, v in ref.items()}


def test_every_step_adds_up_to_its_matrix_formula(article):
    for name in article.steps:
        assert article.agrees_with_matrix_form(name), name
    assert article.matrix_form("dW3")[0] == "dW3 = dZ3 · A2ᵀ"
    assert article.matrix_form("dA1")[0] == "dA1 = W2ᵀ · dZ2"


def test_agrees_with_matrix_form_can_fail():
    d = S.derive_network_gradients((2, 3, 3, 1), m=2)
    s = d.sym
    d.steps["dA1"] = s["W2"] * s["dZ2"]             # W instead of W.T: a classic slip
    d.steps["db2"] = s["dZ2"][:, :1]                # not summed over the batch
    assert not d.agrees_with_matrix_form("dA1")
    assert not d.agrees_with_matrix_form("db2")


def direct_network_gradients(sizes, m):
    """From scratch: J as one composite expression, and sp.diff of it for every parameter entry."""
    def M(name, rows, cols):
        return sp.Matrix(rows, cols, lambda i, j: sp.Symbol(f"{name}_{i}_{j}"))

    X, Y = M("X", sizes[0], m), M("Y", 1, m)
    params, A = {}, X
    for l in range(1, len(sizes)):
        params[f"W{l}"], params[f"b{l}"] = M(f"W{l}", sizes[l], sizes[l - 1]), M(f"b{l}", sizes[l], 1)
        Z = params[f"W{l}"] * A + params[f"b{l}"] * sp.ones(1, m)
        A = Z.applyfunc(lambda e: 1 / (1 + sp.exp(-e))) if l == len(sizes) - 1 else Z.applyfunc(_Relu)
    J = sp.Add(*[-(Y[0, c] * sp.log(A[0, c]) + (1 - Y[0, c]) * sp.log(1 - A[0, c])) for c in range(m)]) / m
    args = [*X, *Y, *[s for P in params.values() for s in P]]
    numpy_names = {"_Relu": lambda u: np.maximum(u, 0.0), "_step": lambda u: np.heaviside(u, 0.0)}
    grads = {f"d{k}": sp.lambdify(args, [sp.diff(J, s) for s in P], [numpy_names, "numpy"])
             for k, P in params.items()}

    def evaluate(X, y, values):
        point = [*X.ravel(), *y.ravel(), *[v for k in params for v in values[k].ravel()]]
        return {k: np.array(f(*point)).reshape(values[k[1:]].shape) for k, f in grads.items()}

    return evaluate


def test_chain_rule_equals_sympy_differentiating_the_whole_cost():
    sizes, m = (2, 2, 2, 1), 2
    direct = direct_network_gradients(sizes, m)
    derivation = S.derive_network_gradients(sizes, m)
    rng = np.random.default_rng(7)
    for _ in range(3):
        params = {k: rng.normal(size=M.shape) for k, M in derivation.sym.items() if k[0] in "Wb"}
        X, y = rng.normal(size=(2, m)), rng.integers(0, 2, size=(1, m)).astype(float)
        _, cache = bp.forward(X, params)
        assert min(np.min(np.abs(cache["Z1"])), np.min(np.abs(cache["Z2"]))) > 1e-3
        ours, theirs = derivation.numeric(X, y, params), direct(X, y, params)
        for name in theirs:
            assert rel_err(ours[name], theirs[name]) < TOL, name


def test_kink_convention_matches_bp_at_exact_zero():
    d = S.derive_network_gradients((3, 2, 1), m=2)
    X = np.array([[0.0, 1.0], [0.0, -1.0], [0.0, 0.5]])
    params = bp.init_params([3, 2, 1], seed=0)  # zero biases: Z1[:, 0] is exactly 0
    y = np.array([[1.0, 0.0]])
    _, cache = bp.forward(X, params)
    assert np.all(cache["Z1"][:, 0] == 0)
    ours, ref = d.numeric(X, y, params), bp.backward_steps(y, cache, params)
    for name in ref:
        np.testing.assert_allclose(ours[name], ref[name], rtol=1e-12, atol=1e-15, err_msg=name)


def test_numeric_reuses_its_lambdified_functions(article):
    X, y = bp.make_dataset(2, seed=0)
    params = bp.init_params([3, 4, 4, 1], seed=0)
    article.numeric(X, y, params)
    cached = dict(article._functions)
    article.numeric(X + 1, y, params)
    assert article._functions == cached and len(cached) == len(article.steps) + len(article.forward)


@pytest.mark.parametrize("sizes, m, exc, match", [
    ("341", 2, TypeError, "list of ints"),
    ([3, 4, 2], 2, ValueError, r"one sigmoid output"),
    ([3, 0, 1], 2, ValueError, r"layer_sizes\[1\] must be a positive int"),
    ([3, 4, 1], 0, ValueError, "m must be a positive int"),
])
def test_bad_architecture_is_named(sizes, m, exc, match):
    with pytest.raises(exc, match=match):
        S.derive_network_gradients(sizes, m)


def test_numeric_names_wrong_shapes(article):
    X, y = bp.make_dataset(2)
    with pytest.raises(ValueError, match=r"params must have the shapes"):
        article.numeric(X, y, bp.init_params([3, 5, 4, 1]))
    with pytest.raises(ValueError, match=r"X must have shape \(3, 2\)"):
        article.numeric(np.ones((3, 5)), np.ones((1, 5)), bp.init_params([3, 4, 4, 1]))
