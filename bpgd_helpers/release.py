"""Make the student notebooks in lessons/ from the sources in solutions/.

    python -m bpgd_helpers.release lessons        # regenerate lessons/ (make lessons)
    python -m bpgd_helpers.release execute [NB]   # execute solutions in place (make solutions)
    python -m bpgd_helpers.release check          # exit 1 if lessons/ is out of date

The student copy is made with nbgrader's own preprocessors, in the order
`nbgrader generate_assignment` runs them (all but the gradebook step), so its
cell sources are exactly what nbgrader would release;
tests/test_nbgrader_roundtrip.py checks that against a real nbgrader course. Two things are added for the course's own tooling:
every autograded or solution cell gets the nbval tag "raises-exception" (an
unsolved exercise raises NotImplementedError by design), and execution counts
and outputs are cleared.
"""

import argparse
import copy
import pathlib
import sys

from .slides import add_slide_metadata

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LESSONS = ROOT / "lessons"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
EXPECTED_FAILURE_TAG = "raises-exception"
#: Cell metadata that authoring tools leave behind and reviewers do not need.
_NOISE = ("lines_to_next_cell", "execution", "ExecuteTime", "collapsed", "scrolled", "jupyter")


def _nbformat():
    import nbformat

    return nbformat


def tidy(nb):
    """Strip authoring noise, make sure the notebook names its kernel, and mark its slides."""
    nb.metadata.pop("jupytext", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {"name": "python"})
    for cell in nb.cells:
        for key in _NOISE:
            cell.metadata.pop(key, None)
    return add_slide_metadata(nb)


def is_exercise_cell(cell):
    meta = cell.metadata.get("nbgrader", {})
    return bool(meta.get("solution") or meta.get("grade"))


def release_preprocessors():
    """nbgrader's own `generate_assignment` preprocessors, in its order, minus the gradebook step.

    Taken from nbgrader itself rather than listed here, so the student copy stays what the
    installed nbgrader would release. With nbgrader's default configuration the header/footer
    and AUTOTEST steps change nothing; CheckCellMetadata raises on malformed nbgrader metadata,
    exactly as `nbgrader generate_assignment` would.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.preprocessors import SaveCells

    return [cls() for cls in GenerateAssignment.preprocessors.default() if cls is not SaveCells]


def make_lesson(solution_nb):
    """The student copy of a solution notebook (a new notebook; the input is untouched)."""
    nb = copy.deepcopy(solution_nb)
    resources = {}
    for pp in release_preprocessors():
        nb, resources = pp.preprocess(nb, resources)
    tidy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            cell.outputs = []
            if is_exercise_cell(cell):
                tags = cell.metadata.setdefault("tags", [])
                if EXPECTED_FAILURE_TAG not in tags:
                    tags.append(EXPECTED_FAILURE_TAG)
    return nb


def dumps(nb):
    text = _nbformat().writes(nb)
    return text if text.endswith("\n") else text + "\n"


def lesson_text(solution_path):
    nbf = _nbformat()
    return dumps(make_lesson(nbf.read(str(solution_path), as_version=4)))


def write_lessons(names=None):
    LESSONS.mkdir(exist_ok=True)
    written = []
    for src in sorted(SOLUTIONS.glob("*.ipynb")):
        if names and src.name not in names:
            continue
        (LESSONS / src.name).write_text(lesson_text(src), encoding="utf-8")
        written.append(src.name)
    return written


def stale_lessons():
    """Names of lessons whose file differs from what make_lesson produces (or is missing/extra)."""
    problems = []
    sources = {p.name for p in SOLUTIONS.glob("*.ipynb")}
    for name in sorted(sources):
        target = LESSONS / name
        if not target.exists():
            problems.append(f"lessons/{name} is missing")
        elif target.read_text(encoding="utf-8") != lesson_text(SOLUTIONS / name):
            problems.append(f"lessons/{name} differs from what `make lessons` produces")
    for p in sorted(LESSONS.glob("*.ipynb")):
        if p.name not in sources:
            problems.append(f"lessons/{p.name} has no source in solutions/")
    return problems


def execute(path, timeout=600):
    """Execute a solution notebook in place, storing its outputs (seeded, so they reproduce)."""
    from nbclient import NotebookClient

    nbf = _nbformat()
    path = pathlib.Path(path)
    nb = tidy(nbf.read(str(path), as_version=4))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    tidy(nb)
    path.write_text(dumps(nb), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bpgd_helpers.release", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_lessons = sub.add_parser("lessons", help="regenerate lessons/ from solutions/")
    p_lessons.add_argument("names", nargs="*", help="only these notebook file names")
    p_exec = sub.add_parser("execute", help="execute solution notebooks in place")
    p_exec.add_argument("notebooks", nargs="*", help="default: every notebook in solutions/")
    sub.add_parser("check", help="exit 1 if lessons/ is out of date")
    args = parser.parse_args(argv)
    if args.command == "lessons":
        for name in write_lessons(set(args.names)):
            print(f"lessons/{name}")
    elif args.command == "execute":
        for nb in args.notebooks or sorted(SOLUTIONS.glob("*.ipynb")):
            print(f"executing {nb}", flush=True)
            execute(nb)
    else:
        problems = stale_lessons()
        for line in problems:
            print(line)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
