"""The grading command: full marks for solutions, zero for unsolved lessons, and survival of
what real classes submit (endless loops, dying kernels, tampered tests, patched checks,
garbage files, another lesson's notebook, huge output).

Every notebook is graded once per test session (the `graded` fixture caches reports), and the
adversarial submissions are built here from lesson 00, which executes in a few seconds.
"""

import copy
import csv
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from bpgd_helpers import release
from bpgd_helpers.grading import GradingError, grade
from bpgd_helpers.grading.kernel import DEAD, OK, SKIPPED, TIMEOUT, run_cells
from bpgd_helpers.grading.notebooks import find_lessons, lesson_from_filename
from bpgd_helpers.grading.report import MAX_MESSAGE, NOT_ANSWERED, describe_error

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
WELCOME_SOLUTION = ROOT / "solutions" / "00_welcome.ipynb"
WELCOME_LESSON = ROOT / "lessons" / "00_welcome.ipynb"
CORRECT = "    return 2.0 * (w - 3.0)\n"
WRONG = "    return (w - 3.0) ** 2\n"  # the function instead of its slope
TIMEOUT_S = 4.0  # for the adversarial submissions: lesson 00's cells each take about a second at most
CI_TIMEOUT = 300  # for the course's own notebooks, as nbval's --nbval-cell-timeout: a busy CI machine is slow


def load(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def save(nb, path):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")
    return path


def digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def expected_exercises(path):
    """The oracle: graded cells and their points, read straight from the nbgrader metadata."""
    cells = load(path)["cells"]
    return [(c["metadata"]["nbgrader"]["grade_id"], float(c["metadata"]["nbgrader"]["points"]))
            for c in cells if c["metadata"].get("nbgrader", {}).get("grade")]


def index_of(nb, grade_id):
    return next(i for i, c in enumerate(nb["cells"]) if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)


def code_cell(text, **metadata):
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": text}


def answer(body):
    return 'def slope(w):\n    """The derivative of f(w) = (w - 3)**2."""\n' + body


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade() a snapshot of `path`, once per path and options.

    The snapshot keeps the file name, alone in a new folder, so the report can say whether
    grading changed the file (`report.unchanged`) or wrote anything next to it
    (`report.folder_unchanged`), even while someone edits the original.
    """
    cache = {}

    def run(path, **options):
        key = (str(path), tuple(sorted(options.items())))
        if key not in cache:
            snapshot = tmp_path_factory.mktemp("submission") / pathlib.Path(path).name
            shutil.copyfile(path, snapshot)
            before, listing = digest(snapshot), sorted(os.listdir(snapshot.parent))
            report = grade(snapshot, **options)
            report.unchanged = digest(snapshot) == before
            report.folder_unchanged = sorted(os.listdir(snapshot.parent)) == listing
            cache[key] = report
        return cache[key]

    return run


# --- every solution gets full marks, every unsolved lesson zero ---------------------------------
# Classes, so that pytest-xdist's --dist loadscope can spread them over workers.

class TestSolutions:
    @pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
    def test_full_marks(self, graded, path):
        report = graded(path, timeout=CI_TIMEOUT)
        assert report.lesson == path.stem
        assert [(e.id, e.max_points) for e in report.exercises] == expected_exercises(path)
        assert {e.id: e.message for e in report.exercises if e.points != e.max_points} == {}
        assert report.total == report.max_total == sum(p for _, p in expected_exercises(path)) > 0
        assert report.notes == [], "an untouched solution needs no restored cells and no interrupts"
        assert report.unchanged and report.folder_unchanged, "grading must not write to the submission or its folder"


class TestUnsolvedLessons:
    @pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
    def test_zero(self, graded, path):
        report = graded(path, timeout=CI_TIMEOUT)
        assert [(e.id, e.max_points) for e in report.exercises] == expected_exercises(ROOT / "solutions" / path.name)
        assert report.total == 0 < report.max_total
        for e in report.exercises:
            assert "NotImplementedError" in e.message, f"{e.id}: an unsolved exercise should say so, got {e.message!r}"
        assert report.notes == []
        assert report.unchanged and report.folder_unchanged


# --- adversarial submissions, built from lesson 00 ----------------------------------------------

@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    """Lesson 00 with its exercise repeated n times (grade ids slope_1, slope_1_test, ...).

    Returns make(n) -> (solutions folder, released student copy as a notebook dict).
    """
    base = tmp_path_factory.mktemp("multi")

    def make(n):
        nb = load(WELCOME_SOLUTION)
        at = index_of(nb, "slope")
        answer_cell, test_cell = nb["cells"][at], nb["cells"][at + 1]
        copies = []
        for k in range(1, n + 1):
            for cell, grade_id in ((answer_cell, f"slope_{k}"), (test_cell, f"slope_{k}_test")):
                cell = copy.deepcopy(cell)
                cell["metadata"]["nbgrader"]["grade_id"] = grade_id
                cell["id"] = grade_id.replace("_", "-")  # cell ids stay unique
                copies.append(cell)
        nb["cells"][at:at + 2] = copies
        path = save(nb, base / f"solutions{n}" / "00_welcome.ipynb")
        student = json.loads(release.lesson_text(path))
        return path.parent, student

    return make


class TestAdversarial:
    def test_the_rest_is_graded_after_loops_crashes_exceptions_and_huge_output(self, graded, tmp_path):
        """Bad cells before the answer: each is cut off or survived, and the exercise still counts.

        The answer calls a helper defined before the bad cells, so full marks also prove that the
        kernel started after the crash replayed the earlier cells.
        """
        nb = load(WELCOME_LESSON)
        at = index_of(nb, "slope")
        nb["cells"][at]["source"] = answer("    return helper(w)\n")
        bad = ["def helper(w):\n    return 2.0 * (w - 3.0)",
               "while True:\n    pass",  # stopped by an interrupt
               "1 / 0",
               "print('x' * 50_000_000)",  # 50 MB of output
               "open('written_by_learner.txt', 'w').write('x')",
               "import os\nos._exit(1)"]  # the kernel dies
        nb["cells"][at:at] = [code_cell(text) for text in bad]
        path = save(nb, tmp_path / "00_welcome.ipynb")
        number = {text: sum(c["cell_type"] == "code" for c in nb["cells"][:nb["cells"].index(cell) + 1])
                  for text, cell in zip(bad, nb["cells"][at:])}
        report = graded(path, timeout=TIMEOUT_S)
        assert [(e.id, e.points, e.message) for e in report.exercises] == [("slope_test", 1, "passed")]
        assert f"code cell {number[bad[1]]} ran for more than {TIMEOUT_S:g} s and was stopped" in report.notes
        assert any(n.startswith(f"code cell {number[bad[-1]]} made the kernel die") for n in report.notes)
        assert report.unchanged
        assert report.folder_unchanged, "the learner's file write went to the grader's temporary folder"

    def test_tampered_tests_and_patched_checks_gain_nothing(self, graded, multi, tmp_path):
        solutions, nb = multi(7)
        answers = {1: CORRECT, 2: WRONG, 3: WRONG, 4: WRONG, 6: CORRECT, 7: CORRECT,
                   # a no-op check: the hidden tests assert directly, so it changes nothing
                   5: WRONG + "\nimport bpgd_helpers.checks.welcome as _checks\n"
                              "_checks.check_slope = lambda f: print('✔ slope is right')\n"}
        for k, body in answers.items():
            nb["cells"][index_of(nb, f"slope_{k}")]["source"] = answer(body)
        nb["cells"][index_of(nb, "slope_2_test")]["source"] = "print('✔ slope is right')"  # edited
        nb["cells"][index_of(nb, "slope_3_test")]["source"] = ""  # emptied
        del nb["cells"][index_of(nb, "slope_4_test")]  # deleted
        moved = nb["cells"].pop(index_of(nb, "slope_6_test"))  # moved above its answer cell
        nb["cells"].insert(index_of(nb, "slope_6"), moved)
        nb["cells"][index_of(nb, "slope_7_test")]["metadata"]["nbgrader"]["points"] = 100  # more points?
        nb["cells"].append(code_cell("pass", nbgrader={"grade": True, "grade_id": "bonus", "locked": True,
                                                       "points": 50, "schema_version": 3, "solution": False}))
        path = save(nb, tmp_path / "00_welcome.ipynb")
        report = graded(path, timeout=TIMEOUT_S, solutions_dir=str(solutions))
        points = {e.id: e.points for e in report.exercises}
        assert points == {f"slope_{k}_test": float(k in (1, 6, 7)) for k in range(1, 8)}
        assert report.max_total == 7 and report.total == 3
        messages = {e.id: e.message for e in report.exercises}
        assert messages["slope_5_test"].startswith("AssertionError"), "the hidden test, not the patched check, failed"
        for k in (2, 3, 4):
            assert messages[f"slope_{k}_test"].startswith("slope("), "the restored visible check explains the mistake"
        assert any("slope_2_test" in n and "edited" in n for n in report.notes)
        assert any("slope_3_test" in n and "edited" in n for n in report.notes)
        assert any("slope_4_test" in n and "missing" in n for n in report.notes)
        assert report.unchanged and report.folder_unchanged


    def test_each_failure_costs_only_its_own_exercise(self, graded, multi, tmp_path):
        solutions, nb = multi(6)
        answers = {
            1: "    while True:\n        pass\n",  # the test cell runs forever
            2: "    import os\n    os._exit(1)\n",  # the test cell kills the kernel
            3: "    raise ValueError('boom')\n",
            4: "    raise AssertionError('x' * 1_000_000)\n",  # a huge error message
            5: CORRECT,
        }
        for k, body in answers.items():
            nb["cells"][index_of(nb, f"slope_{k}")]["source"] = answer(body)
        nb["cells"][index_of(nb, "slope_6")]["source"] = "del slope\nraise RuntimeError('oops')"
        path = save(nb, tmp_path / "00_welcome.ipynb")
        report = graded(path, timeout=TIMEOUT_S, solutions_dir=str(solutions))
        result = {e.id: (e.points, e.message) for e in report.exercises}
        assert [p for p, _ in result.values()] == [0, 0, 0, 0, 1, 0]
        assert result["slope_1_test"][1].startswith("timed out")
        assert result["slope_2_test"][1].startswith("the kernel died")
        # the check may report the learner's exception in its own words; the exception is in the message
        assert "ValueError: boom" in result["slope_3_test"][1]
        assert "AssertionError: xxx" in result["slope_4_test"][1]
        assert len(result["slope_4_test"][1]) <= MAX_MESSAGE
        assert result["slope_6_test"][1].startswith("NameError")
        assert result["slope_6_test"][1].endswith("(its answer cell raised RuntimeError: oops)")
        assert report.unchanged and report.folder_unchanged


    def test_a_notebook_whose_editor_dropped_the_metadata_is_still_graded(self, graded, tmp_path):
        """Without grade ids the answer cell is found by position: the test goes before the next known cell."""
        nb = load(WELCOME_SOLUTION)
        for cell in nb["cells"]:
            cell["metadata"] = {}
        path = save(nb, tmp_path / "00_welcome.ipynb")
        report = graded(path)
        assert [(e.id, e.points, e.message) for e in report.exercises] == [("slope_test", 1, "passed")]
        assert report.unchanged and report.folder_unchanged


    def test_kernel_restarts_are_limited_and_the_rest_is_reported(self, tmp_path):
        cells = ["x = 1", "import os; os._exit(1)", "assert x == 1", "import os; os._exit(1)", "x"]
        results = run_cells(cells, tmp_path, timeout=10, max_restarts=1)
        assert [r.status for r in results] == [OK, DEAD, OK, DEAD, SKIPPED]
        assert "restarted 1 times" in results[-1].evalue


    def test_an_endless_loop_is_interrupted_and_one_that_ignores_it_is_restarted(self, tmp_path):
        # ipykernel installs its own SIGINT handler for each cell, so the learner's must be in the same cell
        cells = ["y = 2", "while True: pass", "1 / y",
                 "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass", "1 / y"]
        results = run_cells(cells, tmp_path, timeout=2, grace=3)
        assert [r.status for r in results] == [OK, TIMEOUT, OK, TIMEOUT, OK]
        assert [r.stuck for r in results] == [False, False, False, True, False], "interrupted, then restarted"


# --- input that cannot be graded ----------------------------------------------------------------

GARBAGE = {
    "not JSON": b"print('hello')\n",
    "binary": bytes(range(256)),
    "empty file": b"",
    "a JSON list": b"[1, 2, 3]",
    "JSON without nbformat": b'{"cells": []}',
    "nbformat 3": b'{"nbformat": 3, "worksheets": []}',
    "cells that are not cells": b'{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [1]}',
}


@pytest.mark.parametrize("content", GARBAGE.values(), ids=GARBAGE.keys())
def test_garbage_input_is_rejected_in_one_line(tmp_path, content):
    path = tmp_path / "00_welcome.ipynb"
    path.write_bytes(content)
    with pytest.raises(GradingError, match="not a .*notebook") as info:
        grade(path)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == content


@pytest.fixture(scope="module")
def two_lessons(tmp_path_factory):
    """A solutions folder holding lesson 00 and a small second lesson, 99_other."""
    folder = tmp_path_factory.mktemp("two_lessons")
    save(load(WELCOME_SOLUTION), folder / "00_welcome.ipynb")
    meta = {"schema_version": 3, "task": False}
    other = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": "# 99 · Another lesson\n\n**Learning objectives.**"},
        code_cell("answer = 42", nbgrader={**meta, "grade": False, "grade_id": "answer", "locked": False,
                                           "solution": True}),
        code_cell("assert answer == 42", nbgrader={**meta, "grade": True, "grade_id": "answer_test",
                                                   "locked": True, "points": 1, "solution": False}),
    ]}
    save(other, folder / "99_other.ipynb")
    return folder


def test_the_notebook_of_another_lesson_is_rejected(tmp_path, two_lessons):
    path = save(load(WELCOME_LESSON), tmp_path / "99_other.ipynb")
    with pytest.raises(GradingError, match="named as lesson 99_other, but its cells are those of lesson 00_welcome"):
        grade(path, solutions_dir=two_lessons)
    blank = save({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}, tmp_path / "00_welcome.ipynb")
    with pytest.raises(GradingError, match="is not lesson 00_welcome"):
        grade(blank, solutions_dir=two_lessons)


@pytest.mark.parametrize("other", [p.stem for p in SOLUTIONS if p != WELCOME_SOLUTION] or ["(none yet)"])
def test_lesson_00_under_the_name_of_a_real_lesson_is_rejected(tmp_path, other):
    if other == "(none yet)":
        pytest.skip("only lesson 00 exists so far")
    path = save(load(WELCOME_LESSON), tmp_path / f"{other}.ipynb")
    with pytest.raises(GradingError, match=f"named as lesson {other}, but its cells are those of lesson 00_welcome"):
        grade(path)


def test_unknown_lessons_are_rejected(tmp_path):
    path = save(load(WELCOME_LESSON), tmp_path / "homework.ipynb")
    with pytest.raises(GradingError, match="cannot tell the lesson from the file name 'homework.ipynb'"):
        grade(path)
    with pytest.raises(GradingError, match="unknown lesson 'nope'"):
        grade(path, lesson="nope")


@pytest.mark.parametrize("filename", ["00_welcome.ipynb", "alice_00_welcome (1).ipynb", "00_welcome-Copy1.ipynb",
                                      "00-mine.ipynb", "00_WELCOME.ipynb"])
def test_the_lesson_comes_from_the_file_name(filename):
    assert lesson_from_filename(filename, find_lessons()) == "00_welcome"


@pytest.mark.parametrize("filename", ["homework.ipynb", "000_welcome.ipynb", "welcome.ipynb"])
def test_file_names_without_a_lesson_are_refused(filename):
    with pytest.raises(GradingError, match="cannot tell the lesson"):
        lesson_from_filename(filename, find_lessons())


def test_error_messages_are_one_short_line():
    assert describe_error("CheckFailed", "dZ3 has shape (1, 4), expected (1, 5).\nmore") == \
        "dZ3 has shape (1, 4), expected (1, 5)."
    assert describe_error("NameError", "\x1b[0;31mname 'slope' is not defined\x1b[0m") == \
        "NameError: name 'slope' is not defined"
    assert describe_error("NotImplementedError", "") == NOT_ANSWERED
    assert describe_error("KeyboardInterrupt", "") == "KeyboardInterrupt"
    assert len(describe_error("ValueError", "y" * 10_000)) == MAX_MESSAGE


# --- the command line ---------------------------------------------------------------------------

def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "bpgd_helpers.grade", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=300)


def test_cli_grades_with_json_and_exit_status_0(tmp_path):
    path = save(load(WELCOME_LESSON), tmp_path / "homework.ipynb")
    before = digest(path)
    run = cli(path, "--json", "--lesson", "00_welcome", "--timeout", "30")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert set(result) == {"lesson", "total", "max_total", "exercises"}
    assert (result["lesson"], result["total"], result["max_total"]) == ("00_welcome", 0, 1)
    [exercise] = result["exercises"]
    assert (exercise["id"], exercise["points"], exercise["max_points"]) == ("slope_test", 0, 1)
    assert "NotImplementedError" in exercise["message"]
    assert digest(path) == before


@pytest.mark.parametrize("case", ["garbage", "JSON list", "unknown lesson", "wrong lesson", "missing file",
                                  "bad timeout"])
def test_cli_rejects_unusable_input_with_one_line(tmp_path, two_lessons, case):
    path, extra = tmp_path / "00_welcome.ipynb", []
    if case == "garbage":
        path.write_bytes(b"\x00\x01 garbage")
    elif case == "JSON list":
        path.write_text("[]")
    elif case == "unknown lesson":
        path = save(load(WELCOME_LESSON), tmp_path / "notes.ipynb")
    elif case == "wrong lesson":
        path = save(load(WELCOME_LESSON), tmp_path / "99_other.ipynb")
        extra = ["--solutions", two_lessons]
    elif case == "bad timeout":
        path = save(load(WELCOME_LESSON), path)
        extra = ["--timeout", "-1"]
    run = cli(path, *extra)
    assert run.returncode == 2
    assert run.stdout == ""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert "Traceback" not in run.stderr
    assert lines[-1].startswith(("error: ", "python -m bpgd_helpers.grade: error: "))
    if case != "bad timeout":  # argparse prints its usage line first
        assert len(lines) == 1, run.stderr


def test_cli_grades_a_folder_into_a_csv(tmp_path):
    folder = tmp_path / "class"
    save(load(WELCOME_SOLUTION), folder / "alice" / "00_welcome.ipynb")
    save(load(WELCOME_LESSON), folder / "bob" / "00_welcome.ipynb")
    (folder / "carol").mkdir()
    (folder / "carol" / "00_welcome.ipynb").write_text("not a notebook")
    save(load(WELCOME_LESSON), folder / "bob" / ".ipynb_checkpoints" / "00_welcome-checkpoint.ipynb")
    hashes = {p: digest(p) for p in folder.rglob("*.ipynb")}
    out = tmp_path / "grades.csv"
    run = cli(folder, "--csv", out, "--jobs", "2")
    assert run.returncode == 0, run.stderr
    assert "grading" in run.stderr and "3/3" in run.stderr, "a progress bar on stderr"
    rows = {row["submission"]: row for row in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {"alice/00_welcome.ipynb", "bob/00_welcome.ipynb", "carol/00_welcome.ipynb"}
    assert (rows["alice/00_welcome.ipynb"]["total"], rows["alice/00_welcome.ipynb"]["slope_test"]) == ("1", "1")
    assert rows["bob/00_welcome.ipynb"]["total"] == "0"
    assert "NotImplementedError" in rows["bob/00_welcome.ipynb"]["feedback"]
    assert "not a notebook" in rows["carol/00_welcome.ipynb"]["error"]
    assert {p: digest(p) for p in folder.rglob("*.ipynb")} == hashes
