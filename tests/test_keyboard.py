"""free_tab_key: the script that lets Tab leave an ipympl figure is displayed in a notebook
kernel, and only there. (That the script works is tested in a real browser:
tests/browser/test_interaction.py::TestLesson00::test_tab_leaves_an_ipympl_figure.)"""

import types

import IPython
import IPython.display
import pytest

from bpgd_helpers import keyboard
from bpgd_helpers.plotting import use_course_style


@pytest.fixture
def fake_kernel(monkeypatch):
    """Pretend to run in a Jupyter kernel; collect what is displayed."""
    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **kw: shown.extend(objs))
    return shown


def test_outside_a_kernel_nothing_is_displayed_or_printed(capsys):
    assert keyboard.in_notebook_kernel() is False
    assert keyboard.free_tab_key() is False
    use_course_style()
    assert capsys.readouterr().out == ""


def test_in_a_kernel_the_script_is_displayed(fake_kernel):
    assert keyboard.free_tab_key() is True
    assert len(fake_kernel) == 1 and isinstance(fake_kernel[0], IPython.display.Javascript)
    script = fake_kernel[0].data
    assert "jupyter-matplotlib-canvas-div" in script and '"Tab"' in script
    assert "stopPropagation" in script


def test_use_course_style_frees_the_tab_key_in_a_kernel(fake_kernel):
    use_course_style()
    assert [type(o).__name__ for o in fake_kernel] == ["Javascript"]
