"""A graded submission: per-exercise scores and one-line reasons, as text, JSON or CSV rows."""

import dataclasses
import re

MAX_MESSAGE = 300
NOT_ANSWERED = "not answered yet: the answer cell still raises NotImplementedError"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclasses.dataclass
class Score:
    """One exercise: its grade_id, the points earned and possible, and why."""

    id: str
    points: float
    max_points: float
    message: str


@dataclasses.dataclass
class Report:
    """The grade of one submission."""

    lesson: str
    submission: str
    exercises: list
    notes: list = dataclasses.field(default_factory=list)

    @property
    def total(self):
        return sum(e.points for e in self.exercises)

    @property
    def max_total(self):
        return sum(e.max_points for e in self.exercises)

    def to_dict(self):
        """The --json object: {"lesson", "total", "max_total", "exercises": [...]}."""
        return {"lesson": self.lesson, "total": _number(self.total), "max_total": _number(self.max_total),
                "exercises": [{"id": e.id, "points": _number(e.points), "max_points": _number(e.max_points),
                               "message": e.message} for e in self.exercises]}

    def to_text(self):
        width = max([len(e.id) for e in self.exercises] + [5])
        lines = [f"{self.submission}: lesson {self.lesson}"]
        for e in self.exercises:
            lines.append(f"  {e.id:<{width}}  {_points(e.points, e.max_points):>9}  {e.message}")
        lines.append(f"  {'total':<{width}}  {_points(self.total, self.max_total):>9}")
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)


def _number(x):
    return int(x) if float(x).is_integer() else round(float(x), 4)


def _points(points, max_points):
    return f"{_number(points)}/{_number(max_points)}"


def one_line(text):
    """The first non-empty line of `text`, without terminal colours, at most MAX_MESSAGE characters."""
    lines = [line.strip() for line in _ANSI.sub("", text).splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= MAX_MESSAGE else line[:MAX_MESSAGE - 1] + "…"


def describe_error(ename, evalue):
    """The reason a learner sees for an error: the check's own message, or 'Name: first line'."""
    line = one_line(evalue)
    if ename == "NotImplementedError" and not line:
        return NOT_ANSWERED
    if ename == "CheckFailed" and line:
        return line
    return one_line(f"{ename}: {line}") if line else ename or "failed"


def csv_rows(reports):
    """Rows for the batch CSV: one per submission, one points column per exercise id."""
    ids = []
    for item in reports:
        if isinstance(item, Report):
            ids += [e.id for e in item.exercises if e.id not in ids]
    header = ["submission", "lesson", "total", "max_total", *ids, "feedback", "notes", "error"]
    rows = [header]
    for item in reports:
        if isinstance(item, Report):
            points = {e.id: _number(e.points) for e in item.exercises}
            feedback = "; ".join(f"{e.id}: {e.message}" for e in item.exercises if e.points < e.max_points)
            rows.append([item.submission, item.lesson, _number(item.total), _number(item.max_total),
                         *[points.get(i, "") for i in ids], feedback, "; ".join(item.notes), ""])
        else:  # (submission, error message) for a notebook that could not be graded
            submission, error = item
            rows.append([submission, "", 0, "", *["" for _ in ids], "", "", error])
    return rows
