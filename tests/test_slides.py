"""Slide metadata: every lesson cell has it, the rule is the one in bpgd_helpers.slides, and
`jupyter nbconvert --to slides` turns a lesson into a deck."""

import pathlib
import re

import nbformat
import pytest

from bpgd_helpers import release, slides

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
KINDS = {"slide", "subslide", "fragment", "-", "skip", "notes"}
v4 = nbformat.v4


def read(path):
    return nbformat.read(str(path), as_version=4)


@pytest.mark.parametrize("path", SOLUTIONS + LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_cell_has_slide_metadata_by_the_rule(path):
    nb = read(path)
    stored = [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]
    assert None not in stored, (f"cell {stored.index(None)} has no slide metadata: run "
                                f"`python -m bpgd_helpers.slides solutions/{path.name}` and `make lessons`")
    assert set(stored) <= KINDS
    assert stored == slides.slide_types(nb), "slide metadata is stale: re-run `python -m bpgd_helpers.slides`"
    assert stored[0] == "slide" or (stored[0] == "skip" and "slide" in stored)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_student_copy_gets_the_same_slides(path):
    """The rule must not depend on answers, hidden tests or outputs, which the student copy loses."""
    nb = read(path)
    assert slides.slide_types(release.make_lesson(nb)) == slides.slide_types(nb)


def _nb(*cells):
    return v4.new_notebook(cells=list(cells))


def test_headings_start_slides_and_subslides():
    nb = _nb(v4.new_markdown_cell("# 03 · The loss\n\nobjectives"),
             v4.new_markdown_cell("## 1. Likelihood\n\ntext"),
             v4.new_code_cell("x = 1"),
             v4.new_markdown_cell("### Exercise 3.1: BCE"),
             v4.new_markdown_cell("\n## 2. Next section"))
    assert slides.slide_types(nb) == ["slide", "slide", "-", "subslide", "slide"]


def test_pure_setup_cell_is_skipped_but_a_cell_with_output_worth_showing_is_not():
    setup = v4.new_code_cell("%matplotlib widget\nimport numpy as np\nimport bpgd_helpers as bp\n"
                             "from bpgd_helpers.plotting import use_course_style\n\nuse_course_style()\n"
                             "rng = np.random.default_rng(0)\nSEED = 0\n")
    check = v4.new_code_cell("import bpgd_helpers as bp\nproblems = check_environment()")
    nb = _nb(v4.new_markdown_cell("# 01 · x"), setup, check)
    assert slides.slide_types(nb) == ["slide", "skip", "-"]
    assert slides.is_setup_cell(setup) and not slides.is_setup_cell(check)
    with_heading = _nb(v4.new_markdown_cell("# 01 · x"), v4.new_markdown_cell("## Setup\n\nImports."), setup,
                       v4.new_markdown_cell("## 1. Start"))
    assert slides.slide_types(with_heading) == ["slide", "skip", "skip", "slide"]
    assert not slides.is_setup_cell(v4.new_code_cell("def f(:"))  # a syntax error is not setup


def test_exercise_and_caption_stay_with_what_they_belong_to():
    long_text = "\n".join(f"line {k}" for k in range(40))
    answer = v4.new_code_cell("def f():\n    raise NotImplementedError()")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "f", "locked": False,
                                   "schema_version": 3, "task": False}
    check = v4.new_code_cell("check_f(f)")
    check.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "f_test", "locked": True,
                                  "points": 1, "schema_version": 3, "task": False}
    nb = _nb(v4.new_markdown_cell("### Exercise\n" + long_text), answer, check,
             v4.new_code_cell("show(fig, alt='a figure')"), v4.new_markdown_cell("*Figure: a figure.*"))
    assert slides.slide_types(nb) == ["slide", "-", "-", "subslide", "-"]


def test_a_long_section_becomes_a_column_of_subslides():
    paragraph = "\n".join(f"sentence {k}" for k in range(10))
    nb = _nb(v4.new_markdown_cell("## Section"), *[v4.new_markdown_cell(paragraph) for _ in range(6)])
    kinds = slides.slide_types(nb)
    assert kinds[0] == "slide" and kinds.count("subslide") == 2, kinds
    # each slide holds at most the budget, except one cell that is larger on its own
    sizes, used = [], 0
    for kind, cell in zip(kinds, nb.cells):
        used = len(cell.source.splitlines()) if kind in ("slide", "subslide") else used + len(cell.source.splitlines())
        sizes.append(used)
    assert max(sizes) <= slides.BUDGET


def test_add_slide_metadata_sets_every_cell_and_rejects_non_notebooks():
    nb = _nb(v4.new_markdown_cell("text first"), v4.new_code_cell("1 + 1"))
    slides.add_slide_metadata(nb)
    assert [c.metadata.slideshow.slide_type for c in nb.cells] == ["slide", "-"]
    with pytest.raises(TypeError, match="notebook"):
        slides.add_slide_metadata({"cells": []})


def test_nbconvert_builds_a_deck_for_a_lesson():
    from nbconvert import SlidesExporter

    path = ROOT / "solutions" / "00_welcome.ipynb"
    nb = slides.add_slide_metadata(read(path))  # the rule's metadata, whether or not it is stored yet
    body, _ = SlidesExporter(reveal_scroll=True).from_notebook_node(nb)
    kinds = slides.slide_types(nb)
    starts = kinds.count("slide") + kinds.count("subslide")
    # reveal.js: a <section> per slide wrapping a <section> per subslide (the slide's first included)
    assert len(re.findall(r"<section\b", body)) == kinds.count("slide") + starts
    assert "Welcome and setup" in body and "Reveal.initialize" in body
    skipped = [c for c, k in zip(nb.cells, kinds) if k == "skip"]
    for cell in skipped:
        assert cell.source.splitlines()[-1] not in body


def test_a_heading_after_a_paragraph_still_starts_its_slide_but_not_one_in_a_code_fence():
    nb = _nb(v4.new_markdown_cell("# 05 · x"),
             v4.new_markdown_cell("The end of section 1.\n\n## 2. Section two\n\ntext"),
             v4.new_markdown_cell("A note.\n\n### Exercise 5.1"),
             v4.new_markdown_cell("```python\n## not a heading\nx = 1\n```\nmore text"))
    assert slides.slide_types(nb) == ["slide", "slide", "subslide", "-"]
    assert slides.heading_level(nb.cells[3]) is None and slides.heading_level(nb.cells[1]) == 2
