"""Check functions behind the visible test cells of the lessons.

One module per lesson topic (welcome, forward, loss, ...). Each check runs a
learner's answer on fresh inputs, compares it with the course's reference and
either prints a short success line or raises CheckFailed with a message the
learner can act on: what is wrong (shape, dtype, which step or element) and a
hint. A message never shows the expected values.

Hidden tests do not use these functions: they assert directly, so replacing a
check function gains a learner nothing.
"""

from ._core import CheckFailed, compare, fail, passed

__all__ = ["CheckFailed", "compare", "fail", "passed"]
