"""The README's lesson map lists exactly the notebooks on disk, in order."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def lesson_map():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Lesson map", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (\d\d) \| \[[^\]]+\]\(lessons/([^)]+\.ipynb)\)", section, flags=re.M)


def test_map_lists_every_notebook_in_both_folders():
    listed = [name for _, name in lesson_map()]
    for folder in ("lessons", "solutions"):
        on_disk = sorted(p.name for p in (ROOT / folder).glob("*.ipynb"))
        assert listed == on_disk, f"README lesson map {listed} != {folder}/ {on_disk}"


def test_numbering_is_dense_and_matches_file_names():
    rows = lesson_map()
    assert [int(n) for n, _ in rows] == list(range(len(rows)))
    for number, name in rows:
        assert name.startswith(number + "_"), f"row {number} links to {name}"
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", name)


def test_quick_start_shows_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make lab" in quick and "make test" in quick
    assert "conda env create -f environment.yml" in quick
