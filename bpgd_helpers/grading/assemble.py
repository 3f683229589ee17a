"""Put the lesson's locked test cells back into a submission before it runs.

The test cells (hidden tests included) come from solutions/, whatever the submission
did to them: edited, emptied, deleted, duplicated or moved. Each goes back right after
the cell it follows in the lesson (usually the exercise's answer cell, found by its
grade_id, wherever the learner moved it), or, when that cell is gone, right before the
next cell of the lesson that is still there. Points always come from solutions/.
"""

import dataclasses
import difflib
import re

from .notebooks import Cell

_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.M | re.S)


@dataclasses.dataclass
class Exercise:
    """A graded test cell of the lesson and where it (and its answer cells) ended up."""

    grade_id: str
    max_points: float
    position: int
    answer_positions: list


def is_locked(cell):
    """A cell the learner may not change: a test cell or a read-only cell."""
    return bool(cell.nbgrader.get("locked")) and not cell.nbgrader.get("solution")


def released_source(source):
    """The source the learner was given: hidden tests removed, as nbgrader releases it."""
    return _HIDDEN.sub("", source)


def _key(cell):
    return ("id", cell.grade_id) if cell.grade_id else (cell.cell_type, " ".join(cell.source.split()))


def assemble(lesson, submission):
    """Return (cells, exercises, notes): the notebook to run, its graded cells, tampering notes.

    Args:
        lesson: the cells of the lesson's solution notebook.
        submission: the cells of the learner's notebook.
    """
    locked_ids = {c.grade_id for c in lesson if is_locked(c) and c.grade_id}
    kept = [c for c in submission if c.grade_id not in locked_ids]
    notes = []
    for cell in lesson:
        if cell.grade_id in locked_ids:
            given = [c.source for c in submission if c.grade_id == cell.grade_id]
            if not given:
                notes.append(f"{cell.grade_id}: the test cell was missing and has been restored")
            elif any(s.strip() not in (cell.source.strip(), released_source(cell.source).strip()) for s in given):
                notes.append(f"{cell.grade_id}: the test cell had been edited; the original was restored")

    # Which submission cell stands for each lesson cell: in order by content, any order by grade_id.
    anchor = {}
    matcher = difflib.SequenceMatcher(None, [_key(c) for c in lesson], [_key(c) for c in kept], autojunk=False)
    for block in matcher.get_matching_blocks():
        for offset in range(block.size):
            anchor[block.a + offset] = block.b + offset
    first_with_id = {}
    for index, cell in enumerate(kept):
        first_with_id.setdefault(cell.grade_id, index)
    for index, cell in enumerate(lesson):
        if cell.grade_id and cell.grade_id not in locked_ids and cell.grade_id in first_with_id:
            anchor.setdefault(index, first_with_id[cell.grade_id])

    before, after, end = {}, {}, []
    for index, cell in enumerate(lesson):
        if cell.grade_id not in locked_ids:
            continue
        prev = index - 1
        while prev >= 0 and lesson[prev].grade_id in locked_ids:
            prev -= 1
        nxt = index + 1
        while nxt < len(lesson) and (lesson[nxt].grade_id in locked_ids or nxt not in anchor):
            nxt += 1
        restored = Cell(cell.cell_type, cell.source, dict(cell.nbgrader))
        if prev >= 0 and prev in anchor:
            after.setdefault(anchor[prev], []).append(restored)
        elif nxt < len(lesson):
            before.setdefault(anchor[nxt], []).append(restored)
        else:
            end.append(restored)

    cells = []
    for index, cell in enumerate(kept):
        cells += before.get(index, []) + [cell] + after.get(index, [])
    cells += end

    position = {}
    for index, cell in enumerate(cells):
        position.setdefault(cell.grade_id, index)
    exercises, answers = [], []
    for cell in lesson:
        if cell.nbgrader.get("solution") and cell.grade_id:
            answers.append(cell.grade_id)
        if cell.nbgrader.get("grade") and cell.grade_id in locked_ids:
            exercises.append(Exercise(cell.grade_id, float(cell.nbgrader.get("points", 0)),
                                      position[cell.grade_id], [position[a] for a in answers if a in position]))
            answers = []
    return cells, exercises, notes
