"""Grade learners' notebooks: one notebook, or a folder of them into a CSV.

    python -m bpgd_helpers.grade SUBMISSION.ipynb [--json] [--timeout SECONDS]
    python -m bpgd_helpers.grade FOLDER [--csv grades.csv] [--jobs N]

Exit status: 0 when grading happened (whatever the score); 2 with one line on stderr
when the input cannot be graded (not a notebook, unknown lesson, another lesson's
notebook); 1 when no kernel could be started.
"""

import argparse
import concurrent.futures
import csv
import json
import pathlib
import sys

from bpgd_helpers.grading import DEFAULT_TIMEOUT, GradingError, csv_rows, grade


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m bpgd_helpers.grade",
        description="Grade a notebook of the course (or every notebook in a folder) against solutions/.")
    parser.add_argument("submission", help="a learner's .ipynb file, or a folder of them (graded into a CSV)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"seconds each cell may run before it is stopped (default {DEFAULT_TIMEOUT:g})")
    parser.add_argument("--lesson", metavar="NAME", help="the lesson, e.g. 03_loss (default: from the file name)")
    parser.add_argument("--csv", metavar="PATH", default="grades.csv",
                        help="for a folder: where to write the grades (default grades.csv)")
    parser.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="for a folder: notebooks graded at the same time (default 1)")
    parser.add_argument("--solutions", metavar="DIR", help="the solution notebooks (default: the course's solutions/)")
    return parser


def grade_folder(folder, csv_path, jobs=1, **options):
    """Grade every notebook under `folder` into the CSV at `csv_path`; returns the number graded."""
    from tqdm import tqdm

    folder = pathlib.Path(folder)
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        raise GradingError(f"no notebooks (*.ipynb) in {folder}")

    def one(path):
        try:
            report = grade(path, **options)
        except GradingError as exc:
            return (str(path.relative_to(folder)), str(exc))
        report.submission = str(path.relative_to(folder))
        return report

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(jobs, 1)) as pool, \
            tqdm(total=len(notebooks), desc="grading", unit="notebook", file=sys.stderr) as bar:
        futures = [pool.submit(one, path) for path in notebooks]
        for future in concurrent.futures.as_completed(futures):
            bar.update(1)
        results = [f.result() for f in futures]
    with open(csv_path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(csv_rows(results))
    failed = sum(1 for r in results if isinstance(r, tuple))
    print(f"wrote {csv_path}: {len(results)} notebooks, {len(results) - failed} graded, {failed} not gradable")
    return len(results)


def main(argv=None):
    args = _parser().parse_args(argv)
    if not args.timeout > 0:
        _parser().error(f"--timeout should be a positive number of seconds, got {args.timeout:g}")
    options = dict(timeout=args.timeout, lesson=args.lesson, solutions_dir=args.solutions)
    try:
        if pathlib.Path(args.submission).is_dir():
            if args.json:
                raise GradingError("--json grades one notebook; a folder is graded into a CSV (--csv PATH)")
            grade_folder(args.submission, args.csv, jobs=args.jobs, **options)
        else:
            report = grade(args.submission, **options)
            print(json.dumps(report.to_dict(), ensure_ascii=False) if args.json else report.to_text())
    except GradingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # the kernel could not be started
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the kernels were shut down on the way out
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
