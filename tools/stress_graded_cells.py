"""Run every graded test cell of solution notebooks many times, to find flaky checks and hidden tests.

    .venv/bin/python tools/stress_graded_cells.py [--runs 100] [solutions/NN_name.ipynb ...]

Checks and hidden tests draw fresh random inputs on every run, so a rare draw can fail a right
answer (an oracle that differentiates through a ReLU kink, ties that make two mistakes look
alike). Each notebook is executed once in a fresh kernel, top to bottom; then each graded test
cell is run again --runs times in that kernel. This also catches an exercise that breaks when
re-run after later cells (a later cell that rebinds a name the answer uses). Every cell should
report runs/runs passed. Not part of `make test`: 300 runs of every cell take several minutes.
"""

import argparse
import collections
import pathlib
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).resolve().parent.parent


def stress(path, runs):
    """Yield (grade_id, passed, failures) for each graded cell of the notebook at `path`."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        for index, cell in enumerate(nb.cells):
            if not cell.metadata.get("nbgrader", {}).get("grade"):
                continue
            failures = collections.Counter()
            for _ in range(runs):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as exc:
                    failures[str(exc).strip().splitlines()[-1][:160]] += 1
            yield cell.metadata.nbgrader.grade_id, runs - sum(failures.values()), failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=pathlib.Path, help="default: every notebook in solutions/")
    parser.add_argument("--runs", type=int, default=100, help="runs of each graded cell (default 100)")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or sorted((ROOT / "solutions").glob("*.ipynb"))
    flaky = 0
    for path in notebooks:
        for grade_id, passed, failures in stress(path.resolve(), args.runs):
            flaky += passed < args.runs
            print(f"{path.name:40s} {grade_id:28s} {passed}/{args.runs} passed"
                  + "".join(f"\n    {n}× {message}" for message, n in failures.items()), flush=True)
    return 1 if flaky else 0


if __name__ == "__main__":
    sys.exit(main())
