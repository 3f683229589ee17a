"""nbgrader round trip: solutions/ imported unchanged as the source of an nbgrader course.

A temporary course holds one assignment per lesson. `nbgrader generate_assignment` must
release exactly the notebooks in lessons/, and `nbgrader autograde` must give the solutions
full marks and the unsolved lessons zero. Each course (release only; solutions submitted;
lessons submitted) is built once per test session, even with pytest-xdist: the first worker
that needs it builds it under a file lock, and the others read its results.
"""

import contextlib
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

pytest.importorskip("nbgrader", reason="nbgrader is a dev dependency (pip install -e '.[dev]')")

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
CONFIG = """\
c = get_config()
c.CourseDirectory.course_id = "bpgd"
c.Execute.timeout = 300  # seconds per cell; the course's cells take a few at most
"""


def cells(path):
    """(cell type, source, nbgrader metadata) of every cell: what nbgrader releases and grades."""
    nb = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
    out = []
    for c in nb["cells"]:
        source = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        out.append([c["cell_type"], source, c["metadata"].get("nbgrader")])
    return out


def points(path):
    return {c[2]["grade_id"]: float(c[2]["points"]) for c in cells(path) if c[2] and c[2].get("grade")}


def nbgrader(*args, cwd):
    # nbgrader runs `alembic` from PATH to set up its gradebook, so the venv's bin/ goes first.
    env = dict(os.environ, PATH=os.pathsep.join([str(pathlib.Path(sys.executable).parent), os.environ["PATH"]]))
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=1200)
    assert run.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{run.stderr[-3000:]}"


def make_course(root, student=None):
    """A course with every lesson as an assignment, released; with `student`, also autograded.

    The solutions are submitted as student "solved", the unsolved lessons as "unsolved".
    Returns the released cells (no student) or the gradebook's scores per lesson.
    """
    (root / "nbgrader_config.py").write_text(CONFIG)
    for path in SOLUTIONS:
        (root / "source" / path.stem).mkdir(parents=True)
        shutil.copy(path, root / "source" / path.stem / path.name)
        submission = {"solved": path, "unsolved": ROOT / "lessons" / path.name}.get(student)
        if submission is not None and submission.exists():
            (root / "submitted" / student / path.stem).mkdir(parents=True)
            shutil.copy(submission, root / "submitted" / student / path.stem / path.name)
    nbgrader("generate_assignment", "*", "--create", cwd=root)
    if student is None:
        return {path.stem: cells(root / "release" / path.stem / path.name)
                for path in SOLUTIONS if (root / "release" / path.stem / path.name).exists()}
    nbgrader("autograde", "*", "--create", cwd=root)

    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="bpgd") as gradebook:
        for path in SOLUTIONS:
            with contextlib.suppress(Exception):  # a missing submission shows up as None
                nb = gradebook.find_submission_notebook(path.stem, path.stem, student)
                scores[path.stem] = {"score": nb.score, "max_score": nb.max_score,
                                     "grades": {g.name: [g.score, g.max_score] for g in nb.grades}}
    return scores


@contextlib.contextmanager
def exclusive(lock_path):
    """Hold an exclusive lock on lock_path (POSIX); elsewhere, no lock (run without xdist there)."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(lock_path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def once_per_session(tmp_path_factory, name, student=None):
    """make_course(...) run by the first pytest-xdist worker that asks; the others read its result."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # common to all workers
    root, result = shared / f"nbgrader-{name}", shared / f"nbgrader-{name}.json"
    with exclusive(shared / f"nbgrader-{name}.lock"):
        if not result.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            result.write_text(json.dumps(make_course(root, student)))
    return json.loads(result.read_text())


@pytest.fixture(scope="session")
def released(tmp_path_factory):
    return once_per_session(tmp_path_factory, "release")


@pytest.fixture(scope="session")
def solved(tmp_path_factory):
    return once_per_session(tmp_path_factory, "solved", student="solved")


@pytest.fixture(scope="session")
def unsolved(tmp_path_factory):
    return once_per_session(tmp_path_factory, "unsolved", student="unsolved")


# Classes, so that pytest-xdist's --dist loadscope can run the two autogrades on different workers.

class TestGenerateAssignment:
    @pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
    def test_releases_exactly_lessons(self, released, path):
        assert path.stem in released, f"nbgrader released no {path.name}"
        lesson = ROOT / "lessons" / path.name
        assert lesson.exists(), "run `make lessons`"
        assert released[path.stem] == cells(lesson), "lessons/ differs from what nbgrader generate_assignment releases"


class TestAutogradeSolutions:
    @pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
    def test_full_marks(self, solved, path):
        result = solved.get(path.stem)
        assert result is not None, "nbgrader did not grade the solution"
        assert result["grades"] == {grade_id: [p, p] for grade_id, p in points(path).items()}
        assert result["score"] == result["max_score"] == sum(points(path).values()) > 0


class TestAutogradeUnsolvedLessons:
    @pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
    def test_zero(self, unsolved, path):
        result = unsolved.get(path.stem)
        assert result is not None, "nbgrader did not grade the unsolved lesson"
        expected = points(ROOT / "solutions" / path.name)
        assert result["grades"] == {grade_id: [0.0, p] for grade_id, p in expected.items()}
        assert result["score"] == 0 and result["max_score"] == sum(expected.values()) > 0
