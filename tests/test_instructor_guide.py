"""The instructor guide stays true to the lessons: a section per lesson, the live-demo cells it
names exist under those headings, its timings match the notebooks, and its links resolve."""

import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "instructor-guide.md").read_text(encoding="utf-8")
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
IDS = [p.name for p in SOLUTIONS]


def section(number):
    m = re.search(rf"^### {number} · .*?(?=^### \d\d · |^## |\Z)", GUIDE, flags=re.M | re.S)
    return m.group(0) if m else None


def headings(path):
    nb = nbformat.read(str(path), as_version=4)
    found = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found += [re.sub(r"^#+\s*", "", line).strip() for line in cell.source.splitlines()
                      if re.match(r"#{1,4} ", line)]
    return found, nb


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_every_lesson_has_a_complete_section(path):
    text = section(path.name[:2])
    assert text, f"docs/instructor-guide.md has no '### {path.name[:2]} · ...' section"
    for part in ("**Learners leave able to**", "**Timing:**", "**Live demo.**", "**Common misconceptions.**",
                 "**Discussion questions.**"):
        assert part in text, f"section {path.name[:2]} lacks {part}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_live_demo_cells_are_named_by_real_headings(path):
    text = section(path.name[:2])
    if text is None:
        pytest.fail(f"no guide section for {path.name}")
    demo = text.split("**Live demo.**", 1)[1].split("**Common misconceptions.**", 1)[0]
    named = re.findall(r"^\* \*([^*]+)\*", demo, flags=re.M)
    assert named, "name each live-demo cell by the heading it sits under, in italics: * *3. The race*: ..."
    real, _ = headings(path)
    for name in named:
        assert name in real, f"the guide names '{name}', but {path.name} has no such heading: {real}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=IDS)
def test_timing_matches_the_notebook(path):
    _, nb = headings(path)
    stated = re.search(r"\*\*Time:\*\*[^0-9]*(\d+)", nb.cells[0].source)
    assert stated, f"{path.name}'s title cell has no '**Time:** about N minutes'"
    guide = re.search(r"\*\*Timing:\*\*\s*(\d+)", section(path.name[:2]) or "")
    assert guide and guide.group(1) == stated.group(1), \
        f"the guide's timing for {path.name[:2]} should be the notebook's {stated.group(1)} minutes"


def test_local_links_resolve():
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", GUIDE):
        if re.match(r"[a-z]+:", target):
            continue
        assert (ROOT / "docs" / target).exists(), f"the guide links to {target}, which does not exist"


def test_anchors_resolve():
    slugs = {re.sub(r"[^\w\- ]", "", h.lower()).strip().replace(" ", "-")
             for h in re.findall(r"^#+ (.+)$", GUIDE, flags=re.M)}
    for anchor in re.findall(r"\]\(#([^)]+)\)", GUIDE):
        assert anchor in slugs, f"the guide links to #{anchor}, which no heading produces"


def test_placeholder_repository_is_marked():
    assert "OWNER/REPO" in GUIDE and "placeholder" in GUIDE.lower()
    assert not re.search(r"^(LESSON\d\d|PLANS_\w+)$", GUIDE, flags=re.M), "unfinished placeholders in the guide"
