"""Read notebooks defensively and tell which lesson a submission belongs to."""

import dataclasses
import functools
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SOLUTIONS = ROOT / "solutions"


class GradingError(Exception):
    """The input cannot be graded; the message is one line meant for the person grading."""


@dataclasses.dataclass
class Cell:
    """The parts of a notebook cell that grading needs."""

    cell_type: str
    source: str
    nbgrader: dict

    @property
    def grade_id(self):
        return self.nbgrader.get("grade_id")


def parse_notebook(text, label):
    """The cells of a notebook given as JSON text; GradingError if it is not one."""
    try:
        data = json.loads(text)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise GradingError(f"{label} is not a notebook: it is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or "nbformat" not in data:
        raise GradingError(f"{label} is not a notebook: it is JSON, but has no 'nbformat' field")
    if data["nbformat"] != 4 or not isinstance(data.get("cells"), list):
        raise GradingError(f"{label} is not a notebook in format 4 (nbformat={data['nbformat']!r}); "
                           "open and save it in a current JupyterLab")
    cells = []
    for number, raw in enumerate(data["cells"], start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("cell_type"), str):
            raise GradingError(f"{label} is not a valid notebook: cell {number} has no cell_type")
        source = raw.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise GradingError(f"{label} is not a valid notebook: the source of cell {number} is not text")
        metadata = raw.get("metadata") if isinstance(raw.get("metadata"), dict) else {}
        meta = metadata.get("nbgrader") if isinstance(metadata.get("nbgrader"), dict) else {}
        cells.append(Cell(raw["cell_type"], source, meta))
    return cells


def read_notebook(path):
    """The cells of the notebook at `path`, read once and never written."""
    path = pathlib.Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GradingError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GradingError(f"{path} is not a notebook: it is not UTF-8 text") from None
    return parse_notebook(text, str(path))


def find_lessons(solutions_dir=None):
    """{lesson name: solution path} for every notebook in solutions/."""
    folder = pathlib.Path(solutions_dir) if solutions_dir else SOLUTIONS
    lessons = {p.stem: p for p in sorted(folder.glob("*.ipynb"))}
    if not lessons:
        raise GradingError(f"no solution notebooks in {folder}: cannot grade without them")
    return lessons


@functools.lru_cache(maxsize=64)
def _solution_cells(path, mtime):
    return read_notebook(path)


def solution_cells(path):
    """The cells of a solution notebook (cached while the file is unchanged)."""
    path = pathlib.Path(path)
    return _solution_cells(path, path.stat().st_mtime_ns)


def lesson_from_filename(filename, lessons):
    """The lesson whose name the file name contains, e.g. 'alice-03_loss (1).ipynb' -> '03_loss'."""
    stem = pathlib.Path(filename).stem.lower()
    named = [name for name in lessons if re.search(rf"(?<!\d){re.escape(name.lower())}", stem)]
    if named:
        return max(named, key=len)
    number = re.match(r"(\d\d)(?!\d)", stem)
    numbered = [name for name in lessons if number and name.startswith(number.group(1) + "_")]
    if len(numbered) == 1:
        return numbered[0]
    raise GradingError(f"cannot tell the lesson from the file name {filename!r}: it should contain a lesson "
                       f"name such as {next(iter(lessons))!r} (or pass --lesson NAME)")


def _fingerprint(cells):
    """What identifies a lesson: its exercise ids and the text of its markdown cells."""
    keys = {("id", c.grade_id) for c in cells if c.grade_id}
    keys |= {("md", " ".join(c.source.split())) for c in cells if c.cell_type == "markdown" and c.source.strip()}
    return keys


def _similarity(cells, lesson_cells):
    lesson = _fingerprint(lesson_cells)
    return len(_fingerprint(cells) & lesson) / max(len(lesson), 1)


def check_lesson(cells, name, lessons, label):
    """Raise GradingError unless `cells` are the notebook of lesson `name` (a learner's copy of it).

    A copy keeps most of the lesson's exercise ids and markdown text. A notebook that
    shares less than half of them is compared with every other lesson, to name the one
    it belongs to.
    """
    own = _similarity(cells, solution_cells(lessons[name]))
    if own >= 0.5:
        return
    scores = {other: _similarity(cells, solution_cells(path)) for other, path in lessons.items() if other != name}
    best = max(scores, key=scores.get, default=None)
    if best is not None and scores[best] > own:
        raise GradingError(f"{label} is named as lesson {name}, but its cells are those of lesson {best}")
    if own == 0:
        raise GradingError(f"{label} is not lesson {name}: none of its exercises or text cells are in it")
