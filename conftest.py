"""pytest configuration shared by the unit tests and nbval's notebook runs."""

import os

# Lesson 10 and the framework tests run Keras on the PyTorch backend (CPU).
os.environ.setdefault("KERAS_BACKEND", "torch")

# Output types whose text is not deterministic: HTML renderings of figures and
# animations (random ids, base64 images) and JavaScript. text/plain, streams,
# LaTeX and Markdown are still compared.
_SKIP_COMPARE = ("text/html", "application/javascript")


def pytest_collectstart(collector):
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare = tuple(collector.skip_compare) + _SKIP_COMPARE
