"""Check that the installed packages are the ones the course needs.

The minimum versions come from the package's own metadata (pyproject.toml),
so there is one place to change them.
"""

import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.version import Version

DISTRIBUTION = "bpgd-helpers"


def requirements(extra=None):
    """The Requirement objects of the course's runtime dependencies (or of one extra)."""
    reqs = []
    for text in metadata.requires(DISTRIBUTION) or []:
        req = Requirement(text)
        in_extra = req.marker is not None and "extra" in str(req.marker)
        if extra is None and not in_extra:
            reqs.append(req)
        elif extra is not None and in_extra and req.marker.evaluate({"extra": extra}):
            reqs.append(req)
    return reqs


def check_environment(verbose=True):
    """Report each required package: installed version, minimum, ok or not.

    Returns:
        a list of problems (empty when everything is fine).
    """
    problems, rows = [], []
    if sys.version_info < (3, 10):
        problems.append(f"Python {sys.version.split()[0]} is too old: the course needs Python 3.10 or newer")
    for req in requirements():
        try:
            installed = Version(metadata.version(req.name))
        except metadata.PackageNotFoundError:
            problems.append(f"{req.name} is not installed: run `make lab` again, or `pip install -e .`")
            rows.append((req.name, "missing", str(req.specifier), "MISSING"))
            continue
        ok = req.specifier.contains(installed, prereleases=True)
        if not ok:
            problems.append(f"{req.name} {installed} does not satisfy {req.specifier}: run `pip install -U '{req}'`")
        rows.append((req.name, str(installed), str(req.specifier), "ok" if ok else "TOO OLD"))
    if verbose:
        print(f"Python {sys.version.split()[0]}")
        for name, installed, spec, status in rows:
            print(f"{name:<12} {installed:<10} needs {spec:<10} {status}")
        print("All set!" if not problems else "\n".join(problems))
    return problems
