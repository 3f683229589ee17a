"""`make site`: pages with alt text, playable animations and math, an index from the lesson map."""

import json
import pathlib
import re
from html.parser import HTMLParser

import matplotlib.pyplot as plt
import nbformat
import pytest
from matplotlib.animation import FuncAnimation

from bpgd_helpers import site
from bpgd_helpers.plotting import figure_png

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
ALT = "A parabola with its minimum at w = 3."
ANIM_ALT = "Gradient descent steps sliding down the parabola."
DERIVATION = r"\frac{\partial J}{\partial z_3} = \hat{y} - y"
#: What nbconvert writes when an image has no description: not an alt text.
NBCONVERT_PLACEHOLDER = "No description has been provided for this image"


def described(attrs):
    alt = (attrs.get("alt") or "").strip()
    return bool(alt) and alt != NBCONVERT_PLACEHOLDER


class Tags(HTMLParser):
    """Every start tag of a page, as (name, attributes)."""

    def __init__(self, text):
        super().__init__()
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _animation_html():
    fig, ax = plt.subplots()
    (point,) = ax.plot([0], [0], "o")
    anim = FuncAnimation(fig, lambda k: point.set_data([k], [k * k]), frames=3, interval=100)
    text = anim.to_jshtml()
    plt.close(fig)
    return text


def _figure_png():
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [4, 1, 0])
    data = figure_png(fig)
    plt.close(fig)
    import base64

    return base64.b64encode(data).decode()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A two-lesson site: a made-up executed notebook with every kind of output, and lesson 00."""
    tmp = tmp_path_factory.mktemp("site")
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("# 01 · A test lesson\n\nThe derivation:\n\n$$" + DERIVATION + "$$"),
        v4.new_code_cell("show(fig, alt=...)", execution_count=1, outputs=[
            v4.new_output("display_data", data={"image/png": _figure_png(), "text/plain": "<Figure>"},
                          metadata={"image/png": {"alt": ALT}})]),
        v4.new_code_cell("HTML(anim.to_jshtml())", execution_count=2, outputs=[
            v4.new_output("display_data", data={"text/html": _animation_html(), "text/plain": "<HTML>"})]),
        v4.new_markdown_cell("*Animation: " + ANIM_ALT + "*"),
        v4.new_code_cell("widgets.VBox([...])", execution_count=3, outputs=[
            v4.new_output("execute_result", execution_count=3, data={
                site.WIDGET_MIME: {"model_id": "abc", "version_major": 2, "version_minor": 0},
                "text/plain": "VBox(children=(FloatSlider(value=0.5),))"})]),
        v4.new_code_cell("check(answer)\n### BEGIN HIDDEN TESTS\nassert secret_oracle()\n### END HIDDEN TESTS\n",
                         execution_count=4, outputs=[]),
        v4.new_markdown_cell("**Next:** [02 · later](02_later.ipynb); back to [00 · Welcome](00_welcome.ipynb#Summary)."),
    ])
    nb_path = tmp / "01_test_lesson.ipynb"
    nbformat.write(nb, str(nb_path))
    readme = tmp / "README.md"
    readme.write_text("# x\n\n## Lesson map\n\n| # | lesson | you leave able to |\n|---|---|---|\n"
                      "| 00 | [welcome and setup](lessons/00_welcome.ipynb) | start |\n"
                      "| 01 | [a test lesson](lessons/01_test_lesson.ipynb) | test the site |\n"
                      "| 02 | [not written yet](lessons/02_later.ipynb) | wait |\n\n## Next\n", encoding="utf-8")
    out = tmp / "_site"
    site.build_site(out, [ROOT / "solutions" / "00_welcome.ipynb", nb_path], readme=readme)
    return out


def test_index_follows_the_lesson_map(built):
    tags = Tags((built / "index.html").read_text(encoding="utf-8")).tags
    links = [a["href"] for tag, a in tags if tag == "a"]
    assert links == ["00_welcome.html", "01_test_lesson.html"], "the index links each built lesson, in map order"
    text = (built / "index.html").read_text(encoding="utf-8")
    assert "02 · not written yet (not built)" in text


def test_pages_link_back_and_forth(built):
    page = (built / "01_test_lesson.html").read_text(encoding="utf-8")
    hrefs = [a.get("href") for tag, a in Tags(page).tags if tag == "a"]
    assert "index.html" in hrefs and "00_welcome.html" in hrefs
    assert "00_welcome.html#Summary" in hrefs, "a link to a built lesson's notebook points at its page"
    assert "02_later.ipynb" in hrefs, "a link to a lesson that was not built is left alone"
    assert "<title>01 · A test lesson</title>" in page


@pytest.mark.parametrize("name", ["00_welcome.html", "01_test_lesson.html"])
def test_every_image_has_alt_text(built, name):
    imgs = [a for tag, a in Tags((built / name).read_text(encoding="utf-8")).tags if tag == "img"]
    assert imgs, f"{name} shows no image"
    assert all(described(a) for a in imgs), f"an <img> in {name} has no alt text"


def test_alt_text_comes_from_the_output_metadata_and_captions(built):
    alts = [a.get("alt") for tag, a in Tags((built / "01_test_lesson.html").read_text(encoding="utf-8")).tags
            if tag == "img"]
    assert ALT in alts, "show()'s alt text must reach the <img> tag"
    assert ANIM_ALT in alts, "an animation's frame takes its alt text from the caption after it"
    lesson00 = [a.get("alt") for tag, a in Tags((built / "00_welcome.html").read_text(encoding="utf-8")).tags
                if tag == "img"]
    assert any(alt.startswith("the parabola") for alt in lesson00), "the ipympl snapshot takes the caption's text"


def test_animation_is_the_jshtml_version_and_works_offline(built):
    page = (built / "01_test_lesson.html").read_text(encoding="utf-8")
    assert 'id="_anim_img' in page and "new Animation(frames" in page
    assert "font-awesome" not in page and "fa fa-play" not in page
    assert 'aria-label="Play"' in page


def test_math_is_there_and_mathjax_is_local(built):
    page = (built / "01_test_lesson.html").read_text(encoding="utf-8")
    assert DERIVATION in page, "the derivation's TeX must reach the page for MathJax"
    scripts = [a["src"] for tag, a in Tags(page).tags if tag == "script" and "src" in a]
    mathjax = [s for s in scripts if "MathJax" in s or "mathjax" in s]
    assert mathjax, "no MathJax script on the page"
    if site.mathjax_source() is not None:
        assert mathjax == [site.LOCAL_MATHJAX]
        assert (built / "mathjax" / "MathJax.js").is_file()


def test_nothing_is_fetched_from_the_network(built):
    for page in built.glob("*.html"):
        for tag, attrs in Tags(page.read_text(encoding="utf-8")).tags:
            for key in ("src", "href"):
                value = attrs.get(key) or ""
                if tag in ("script", "link", "img") and site.mathjax_source() is not None:
                    assert not re.match(r"https?:", value), f"{page.name} loads {value}"


def test_widgets_and_hidden_tests_are_left_out(built):
    page = (built / "01_test_lesson.html").read_text(encoding="utf-8")
    assert "course-widget-note" in page and "VBox(children" not in page
    assert "secret_oracle" not in page and "BEGIN HIDDEN TESTS" not in page
    assert "check" in page


def test_missing_notebook_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="do not exist"):
        site.build_site(tmp_path, [tmp_path / "nope.ipynb"])


def test_readme_lesson_map_is_read():
    rows = site.lesson_map()
    assert [int(r[0]) for r in rows] == list(range(len(rows))) and rows[0][2] == "00_welcome.ipynb"


def _has_animation(path):
    return "_anim_img" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(not pathlib.Path("/usr/bin/chromium").exists(), reason="needs Chromium at /usr/bin/chromium")
def test_animation_plays_in_a_browser_without_a_kernel(built):
    """Press Play in headless Chromium and watch the frame change, with the network cut off."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto((built / "01_test_lesson.html").as_uri())
        page.wait_for_function("document.querySelector('img[id^=_anim_img]').src.startsWith('data:')")
        first = page.eval_on_selector("img[id^=_anim_img]", "e => e.src")
        page.click("button[aria-label='Play']")
        page.wait_for_function(f"document.querySelector('img[id^=_anim_img]').src !== {json.dumps(first)}",
                               timeout=5000)
        math = page.evaluate("document.querySelectorAll('.MathJax_Display, .MathJax').length")
        browser.close()
    remote = [u for u in requests if re.match(r"https?:", u)]
    assert not remote, f"the page fetched {remote}"
    assert math >= 1, "MathJax did not typeset the derivation"


@pytest.mark.parametrize("path", sorted((p for p in SOLUTIONS if _has_animation(p)), key=lambda p: p.stat().st_size)[:1] or
                         [pytest.param(None, marks=pytest.mark.skip(reason="no lesson stores an animation yet"))])
def test_a_real_lesson_with_an_animation(tmp_path, path):
    site.build_site(tmp_path, [path])
    page = (tmp_path / path.with_suffix(".html").name).read_text(encoding="utf-8")
    assert 'id="_anim_img' in page and "font-awesome" not in page
    imgs = [a for tag, a in Tags(page).tags if tag == "img"]
    assert all(described(a) for a in imgs)
