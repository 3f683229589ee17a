"""Run every benchmark and print one table: python -m benchmarks [--only NAME ...] [--markdown FILE]

Every module benchmarks/bench_*.py is imported and its run() called; a module that
fails is reported as a failed row, and the others still run.
"""

import argparse
import datetime
import importlib
import math
import pathlib
import platform
import sys
import traceback

HERE = pathlib.Path(__file__).resolve().parent
COLUMNS = ("benchmark", "value", "goal", "met", "note")


def modules(only=()):
    """Names of the bench_*.py modules, sorted, optionally filtered by part of their name."""
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if not only or any(o in n for o in only)]


def run_module(name):
    """The rows of one benchmark module, or one failed row saying what went wrong."""
    try:
        module = importlib.import_module(f"{__package__}.{name}")
        rows = module.run()
        for row in rows:
            missing = {"name", "value", "unit", "goal", "met", "note"} - set(row)
            if missing:
                raise ValueError(f"{name}.run() returned a row without {sorted(missing)}: {row}")
        return rows
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        return [{"name": name, "value": math.nan, "unit": "", "goal": "", "met": False,
                 "note": f"failed: {type(exc).__name__}: {exc}"[:200]}]


def format_value(row):
    value = row["value"]
    if isinstance(value, float) and math.isnan(value):
        return "—"
    if row["unit"] == "s":
        return f"{value:.2f} s"
    if row["unit"] == "ms":
        return f"{value:.1f} ms"
    if isinstance(value, float):
        return f"{value:.2f}{row['unit']}" if row["unit"].startswith("×") else f"{value:.3g} {row['unit']}"
    return f"{value} {row['unit']}".strip()


def cells(row):
    return (row["name"], format_value(row), row["goal"], "yes" if row["met"] else "**no**", row["note"])


def machine():
    """One line describing where the numbers were measured."""
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = [f"Python {platform.python_version()}"]
    for package in ("numpy", "torch", "keras", "sympy"):
        try:
            versions.append(f"{package} {importlib.import_module(package).__version__}")
        except ImportError:
            versions.append(f"{package} not installed")
    load = f"1-minute load average {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load unknown"
    return (f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
            f"{', '.join(versions)}; {datetime.date.today().isoformat()}, {load} at the end of the run")


def markdown(rows, where):
    lines = [f"Measured on {where}.", "", "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in cells(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def text_table(rows):
    table = [COLUMNS] + [tuple(c.replace("**", "") for c in cells(row)) for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    out = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in table]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=(), help="run only modules whose name contains one of these")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown to FILE ('-' for stdout)")
    args = parser.parse_args(argv)
    rows = []
    for name in modules(args.only):
        print(f"running {name} ...", file=sys.stderr, flush=True)
        rows += run_module(name)
    where = machine()
    print(text_table(rows))
    if args.markdown == "-":
        print("\n" + markdown(rows, where))
    else:
        print(f"\nMeasured on {where}.")
    if args.markdown and args.markdown != "-":
        pathlib.Path(args.markdown).write_text(markdown(rows, where), encoding="utf-8")
        print(f"Markdown table written to {args.markdown}", file=sys.stderr)
    return 0 if all(row["met"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
