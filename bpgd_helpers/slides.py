"""Slide metadata for the lessons, so `jupyter nbconvert --to slides` gives a usable deck.

    python -m bpgd_helpers.slides solutions/06_gradient_descent.ipynb ...   # set it in place

The rule, applied to every cell in order (reveal.js's "slide" goes right, "subslide" down):

* a markdown cell with a `# ` or `## ` heading starts a slide (a cell holds no slide
  boundary, so a cell whose heading comes after a paragraph starts the slide at the paragraph);
* one with a `### ` heading (an exercise, a sub-topic) starts a subslide;
* the setup cell (the first code cell, if it holds only imports, `%` magics,
  `use_course_style()` and seeds) is skipped, with a `## Setup` heading right above it: a
  slide of import lines tells an audience nothing;
* an exercise's answer cell and its check cell stay on the exercise's slide, and a
  figure's caption (a markdown cell opening with `*Figure` or `*Animation`) stays with it;
* any other cell that would overflow the slide (about 26 lines, a figure counting as 14)
  starts a subslide, so long sections read as a column of slides.

The rule reads only cell sources and nbgrader metadata, never outputs, and exercise cells
count with a fixed size: a solution notebook and the student copy made from it get the
same metadata.
"""

import ast
import pathlib
import re
import sys

SLIDE, SUBSLIDE, CONTINUE, SKIP = "slide", "subslide", "-", "skip"
#: Lines of text that fit on one slide, and what a figure or an exercise cell counts as.
BUDGET = 26
FIGURE_LINES = 14
ANSWER_LINES = 8
CHECK_LINES = 4

_FIGURE_CALL = re.compile(r"\b(show|to_jshtml|GDExplorer|plt\.show|display)\s*\(|fig\.canvas|widgets\.(VBox|HBox)\(")
_CAPTION = re.compile(r"^\s*[*_](Figure|Animation)\b")
_SETUP_CALLS = {"use_course_style", "seed", "default_rng", "manual_seed", "filterwarnings", "set_printoptions"}


def _first_line(cell):
    for line in cell.source.splitlines():
        if line.strip():
            return line.lstrip()
    return ""


def heading_level(cell):
    """The level of the highest markdown heading in a cell (1 for `#`), or None; code fences skipped."""
    level, fenced = None, False
    for line in cell.source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        m = re.match(r"(#{1,6}) \S", line)
        if m and not fenced:
            level = min(level or 6, len(m.group(1)))
    return level


def _nbgrader(cell):
    return cell.metadata.get("nbgrader", {})


def is_setup_cell(cell):
    """True for a code cell of imports plus only magics, `use_course_style()` and seeding."""
    if cell.cell_type != "code" or _nbgrader(cell):
        return False
    code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        body = ast.parse(code).body
    except SyntaxError:
        return False
    if not any(isinstance(stmt, (ast.Import, ast.ImportFrom)) for stmt in body):
        return False
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            continue
        value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
        if isinstance(value, ast.Call):
            func = value.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _SETUP_CALLS:
                continue
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant):
            continue  # SEED = 0
        return False
    return True


def _lines(cell):
    """How much of a slide a cell takes, from its source only (see the module docstring)."""
    meta = _nbgrader(cell)
    if meta.get("solution"):
        return ANSWER_LINES
    if meta.get("grade"):
        return CHECK_LINES
    n = len(cell.source.splitlines()) or 1
    if cell.cell_type == "code" and _FIGURE_CALL.search(cell.source):
        n += FIGURE_LINES
    return n


def slide_types(nb):
    """The slide type of each cell of `nb`, by the rule in the module docstring."""
    types, used = [], 0
    first_code = next((c for c in nb.cells if c.cell_type == "code"), None)
    for cell in nb.cells:
        first = _first_line(cell) if cell.cell_type == "markdown" else ""
        level = heading_level(cell) if cell.cell_type == "markdown" else None
        size = _lines(cell)
        if level is not None and level <= 2:
            kind = SLIDE
        elif level == 3:
            kind = SUBSLIDE
        elif cell is first_code and is_setup_cell(cell):
            types.append(SKIP)
            continue
        elif _nbgrader(cell) or _CAPTION.match(first) or used == 0:
            kind = CONTINUE
        elif used + size > BUDGET:
            kind = SUBSLIDE
        else:
            kind = CONTINUE
        used = size if kind in (SLIDE, SUBSLIDE) else used + size
        types.append(kind)
    for i in range(1, len(types)):  # a "## Setup" heading over a skipped setup cell goes too
        above = nb.cells[i - 1]
        if types[i] == SKIP and above.cell_type == "markdown" and \
                re.match(r"#+\s*setup\b", _first_line(above), flags=re.I):
            types[i - 1] = SKIP
    if types and types[0] != SKIP:
        types[0] = SLIDE  # a deck opens with a slide, whatever its first cell is
    return types


def add_slide_metadata(nb):
    """Set `cell.metadata.slideshow.slide_type` on every cell of `nb` (in place); return `nb`."""
    if not hasattr(nb, "cells"):
        raise TypeError(f"expected a notebook (nbformat.NotebookNode), got {type(nb).__name__}")
    for cell, kind in zip(nb.cells, slide_types(nb)):
        cell.metadata["slideshow"] = {"slide_type": kind}
    return nb


def main(argv=None):
    import nbformat

    from .release import dumps

    paths = sys.argv[1:] if argv is None else argv
    if not paths:
        print(__doc__.split("\n\n")[1])
        return 2
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        before = [c.metadata.get("slideshow") for c in nb.cells]
        add_slide_metadata(nb)
        if [c.metadata.get("slideshow") for c in nb.cells] != before:
            pathlib.Path(path).write_text(dumps(nb), encoding="utf-8")
            print(f"{path}: slide metadata set")
        else:
            print(f"{path}: already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
