"""nbgrader round trip: solutions/ imported unchanged as the source of an nbgrader course.

One temporary course holds one assignment per lesson. `nbgrader generate_assignment` must
release exactly the notebooks in lessons/, and `nbgrader autograde` must give the solutions
full marks and the unsolved lessons zero. The course is built and graded once per test
session, even with pytest-xdist: the first worker does it under a file lock and the others
read its results.
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


def build_and_grade(root):
    """Make the course, release and autograde it; return what the tests compare."""
    (root / "nbgrader_config.py").write_text(CONFIG)
    for path in SOLUTIONS:
        for folder, copy_of in (("source", path), ("submitted/solved", path),
                                ("submitted/unsolved", ROOT / "lessons" / path.name)):
            if copy_of.exists():
                (root / folder / path.stem).mkdir(parents=True)
                shutil.copy(copy_of, root / folder / path.stem / path.name)
    nbgrader("generate_assignment", "*", "--create", cwd=root)
    nbgrader("autograde", "*", "--create", cwd=root)

    from nbgrader.api import Gradebook

    results = {"released": {}, "scores": {}}
    for path in SOLUTIONS:
        released = root / "release" / path.stem / path.name
        results["released"][path.stem] = cells(released) if released.exists() else None
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="bpgd") as gradebook:
        for student in ("solved", "unsolved"):
            for path in SOLUTIONS:
                with contextlib.suppress(Exception):  # a missing submission shows up as None
                    nb = gradebook.find_submission_notebook(path.stem, path.stem, student)
                    results["scores"][f"{student}/{path.stem}"] = {
                        "score": nb.score, "max_score": nb.max_score,
                        "grades": {g.name: [g.score, g.max_score] for g in nb.grades}}
    return results


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


@pytest.fixture(scope="session")
def roundtrip(tmp_path_factory):
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base  # common to all workers
    root, results = shared / "nbgrader-course", shared / "nbgrader-course.json"
    with exclusive(shared / "nbgrader-course.lock"):
        if not results.exists():
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir()
            results.write_text(json.dumps(build_and_grade(root)))
    return json.loads(results.read_text())


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_generate_assignment_releases_exactly_lessons(roundtrip, path):
    released = roundtrip["released"][path.stem]
    assert released is not None, f"nbgrader released no {path.name}"
    lesson = ROOT / "lessons" / path.name
    assert lesson.exists(), "run `make lessons`"
    assert released == cells(lesson), "lessons/ differs from what nbgrader generate_assignment releases"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_autograde_gives_the_solution_full_marks(roundtrip, path):
    result = roundtrip["scores"].get(f"solved/{path.stem}")
    assert result is not None, "nbgrader did not grade the solution"
    assert result["grades"] == {grade_id: [p, p] for grade_id, p in points(path).items()}
    assert result["score"] == result["max_score"] == sum(points(path).values()) > 0


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_autograde_gives_the_unsolved_lesson_zero(roundtrip, path):
    result = roundtrip["scores"].get(f"unsolved/{path.stem}")
    assert result is not None, "nbgrader did not grade the unsolved lesson"
    expected = points(ROOT / "solutions" / path.name)
    assert result["grades"] == {grade_id: [0.0, p] for grade_id, p in expected.items()}
    assert result["score"] == 0 and result["max_score"] == sum(expected.values()) > 0
