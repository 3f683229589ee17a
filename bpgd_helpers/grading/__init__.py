"""Grade a learner's notebook the way nbgrader would, without a JupyterHub.

    from bpgd_helpers.grading import grade
    report = grade("alice/03_loss.ipynb", timeout=60)
    print(report.total, report.max_total)

The lesson comes from the file name; the locked test cells (hidden tests included)
come from solutions/; the notebook runs in a fresh kernel in a temporary folder. The
submission file is only ever read. The command-line interface is
`python -m bpgd_helpers.grade`.
"""

import json
import pathlib
import tempfile

from .assemble import assemble
from .kernel import DEAD, ERROR, OK, TIMEOUT, run_cells
from .notebooks import GradingError, check_lesson, find_lessons, lesson_from_filename, read_notebook, solution_cells
from .report import NOT_ANSWERED, Report, Score, csv_rows, describe_error, one_line

__all__ = ["grade", "DEFAULT_TIMEOUT", "GradingError", "Report", "Score", "csv_rows", "find_lessons"]

DEFAULT_TIMEOUT = 60.0


def grade(path, timeout=DEFAULT_TIMEOUT, lesson=None, solutions_dir=None):
    """Grade one submission and return its Report.

    Args:
        path: the learner's .ipynb file (read, never written).
        timeout: seconds each cell may run before it is interrupted.
        lesson: the lesson name (e.g. "03_loss"); default: from the file name.
        solutions_dir: the folder of solution notebooks; default: the course's solutions/.

    Returns:
        A Report: `.exercises` (id, points, max_points, message), `.total`, `.max_total`.

    Raises:
        GradingError: the file is not a notebook, or not a notebook of a known lesson.
    """
    if not timeout > 0:
        raise ValueError(f"timeout should be a positive number of seconds, got {timeout!r}")
    path = pathlib.Path(path)
    lessons = find_lessons(solutions_dir)
    if lesson is not None and lesson not in lessons:
        raise GradingError(f"unknown lesson {lesson!r}; the lessons are {', '.join(lessons)}")
    submission = read_notebook(path)
    name = lesson or lesson_from_filename(path.name, lessons)
    check_lesson(submission, name, lessons, str(path))
    cells, exercises, notes = assemble(solution_cells(lessons[name]), submission)

    code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    with tempfile.TemporaryDirectory(prefix="bpgd-grade-") as tmp:
        _write_copy(cells, pathlib.Path(tmp) / f"{name}.ipynb")
        results = dict(zip(code, run_cells([cells[i].source for i in code], tmp, timeout=timeout)))

    for number, index in enumerate(code, start=1):
        if results[index].status in (TIMEOUT, DEAD):
            notes.append(f"code cell {number} {_what_happened(results[index], timeout)}")
    scores = []
    for ex in exercises:
        test = results[ex.position]
        if test.status == OK:
            scores.append(Score(ex.grade_id, ex.max_points, ex.max_points, "passed"))
        else:
            answers = [results[i] for i in ex.answer_positions]
            scores.append(Score(ex.grade_id, 0.0, ex.max_points, _message(test, answers, timeout)))
    return Report(name, str(path), scores, notes)


def _message(test, answers, timeout):
    """Why a test cell failed, in one line, with what went wrong in its answer cell if anything did."""
    if test.status == ERROR and any(a.status == ERROR and a.ename == "NotImplementedError" for a in answers):
        return NOT_ANSWERED
    if test.status == ERROR:
        message = describe_error(test.ename, test.evalue)
    elif test.status == TIMEOUT:
        message = f"timed out: ran for more than {timeout:g} s and was stopped (an endless loop?)"
    elif test.status == DEAD:
        message = "the kernel died while running this cell (os._exit, a crash or out of memory)"
    else:  # skipped: the reason is in evalue
        return test.evalue
    trouble = [a for a in answers if a.status != OK]
    if test.status == ERROR and trouble and message != NOT_ANSWERED:
        message += f" (its answer cell {_what_happened(trouble[0], timeout)})"
    return one_line(message)


def _what_happened(result, timeout):
    if result.status == ERROR:
        return "raised " + describe_error(result.ename, result.evalue)
    if result.status == TIMEOUT:
        return f"ran for more than {timeout:g} s and was stopped"
    if result.status == DEAD:
        return "made the kernel die; a new kernel replayed the cells before it"
    return "was not run"


def _write_copy(cells, path):
    """The notebook that is run, for the record (its outputs are never collected)."""
    kernelspec = {"name": "python3", "language": "python", "display_name": "Python 3"}
    nb = {"nbformat": 4, "nbformat_minor": 4, "metadata": {"kernelspec": kernelspec}, "cells": []}
    for c in cells:
        cell = {"cell_type": c.cell_type, "metadata": {"nbgrader": c.nbgrader} if c.nbgrader else {}, "source": c.source}
        if c.cell_type == "code":
            cell.update(outputs=[], execution_count=None)
        nb["cells"].append(cell)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
