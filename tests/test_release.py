"""lessons/ is exactly what `make lessons` makes from solutions/, and both folders are clean."""

import json
import pathlib
import re

import pytest

from bpgd_helpers import release

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_lessons_are_up_to_date():
    problems = release.stale_lessons()
    assert not problems, "run `make lessons`:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", SOLUTIONS + LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_kernelspec_and_name(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_student_copies_have_no_outputs_answers_or_counts(path):
    for cell in load(path)["cells"]:
        source = "".join(cell["source"])
        assert "BEGIN SOLUTION" not in source and "BEGIN HIDDEN TESTS" not in source
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solutions_are_executed_and_well_formed_exercises(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "run `make solutions` to store outputs"
    counts = [c["execution_count"] for c in code]
    assert counts == sorted(counts), "cells were executed out of order"
    ids, graded = set(), 0
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader")
        source = "".join(cell["source"])
        if meta is None:
            assert "BEGIN SOLUTION" not in source and "BEGIN HIDDEN TESTS" not in source, \
                "a cell with nbgrader markers needs nbgrader metadata"
            continue
        assert meta["schema_version"] == 3
        assert set(meta) >= {"grade", "grade_id", "locked", "solution", "task"}
        assert meta["grade_id"] not in ids, f"duplicate grade_id {meta['grade_id']}"
        ids.add(meta["grade_id"])
        if meta["solution"]:
            assert "### BEGIN SOLUTION" in source and not meta["locked"]
        if meta["grade"]:
            graded += 1
            assert meta["locked"] and meta["points"] > 0 and not meta["solution"]
    assert graded >= 1, "every lesson has at least one auto-graded exercise"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_lesson_structure(path):
    """Learning objectives first, a summary last: the same frame in every lesson."""
    markdown = ["".join(c["source"]) for c in load(path)["cells"] if c["cell_type"] == "markdown"]
    assert re.match(r"# \d\d · ", markdown[0]), "the first cell is the title '# NN · name'"
    assert "Learning objectives" in "\n".join(markdown[:2])
    assert "## Summary" in "\n".join(markdown[-2:])
