"""bpgd_helpers: the helper package of the backpropagation and gradient descent course.

The names below are the stable public face that the notebooks and tests call.
Heavier parts (SymPy surfaces, the widget explorer) load on first use, so
`import bpgd_helpers` stays fast.
"""

from .activations import relu, relu_grad, sigmoid, sigmoid_grad
from .data import make_dataset
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .losses import binary_cross_entropy, binary_cross_entropy_grad, binary_cross_entropy_with_logits
from .network import accuracy, backward, backward_steps, forward, init_params, predict
from .optimizers import DivergenceWarning, make_optimizer, optimize
from .training import minibatches, train

__version__ = "0.1.0"

__all__ = [
    "relu", "relu_grad", "sigmoid", "sigmoid_grad",
    "binary_cross_entropy", "binary_cross_entropy_grad", "binary_cross_entropy_with_logits",
    "init_params", "forward", "backward", "backward_steps", "predict", "accuracy",
    "numerical_gradient", "gradient_check", "relative_error",
    "make_dataset",
    "make_optimizer", "optimize", "DivergenceWarning",
    "minibatches", "train",
    "surfaces", "GDExplorer",
]

# name -> module that defines it; imported on first access (PEP 562).
_LAZY = {"surfaces": ".surfaces", "symbolic": ".symbolic", "GDExplorer": ".explorer"}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module = importlib.import_module(_LAZY[name], __name__)
        value = module if _LAZY[name].endswith(name) else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'bpgd_helpers' has no attribute {name!r}")
