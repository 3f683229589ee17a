"""Build the course's static site: one HTML page per executed solution notebook, and an index.

    python -m bpgd_helpers.site                    # every notebook in solutions/ -> _site/ (make site)
    python -m bpgd_helpers.site --out DIR NB ...   # only these notebooks

The site is for reading without a kernel. It builds offline and needs no network to view:

* figures keep the one-sentence description that `plotting.show` stored as their alt text;
  a snapshot of an interactive (ipympl) figure takes its alt text from the `*Figure: ...*`
  caption cell that follows it;
* animations are the `FuncAnimation.to_jshtml()` outputs the lessons store; they play in the
  page (their icon font, normally fetched from a CDN, is replaced by plain text symbols);
* widgets, which need a kernel, are replaced by a note saying where to run them;
* math is rendered by a local copy of MathJax 2.7 (from the `jupyter-server-mathjax` package)
  copied into the site; without that package the pages fall back to MathJax from a CDN;
* nbgrader's markers and hidden tests are left out of the code shown.
"""

import argparse
import html
import importlib.util
import pathlib
import re
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
README = ROOT / "README.md"
CDN_MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX-AMS_CHTML-full,Safe"
LOCAL_MATHJAX = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ("<p class=\"course-widget-note\"><em>Interactive controls appear here when the notebook "
               "runs in JupyterLab (for example on Binder); a static page has no kernel to drive them.</em></p>")

# The page template: JupyterLab's look (nbconvert's "lab" template) with alt text on images,
# no require.js or mermaid from a CDN, and a navigation bar.
_TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
// The local MathJax ships the STIX-Web fonts only (as Jupyter's classic notebook configured it).
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, imageFont: null, webFont: "STIX-Web"},
                   SVG: {font: "STIX-Web"}});
</script>
{%- endblock html_head_js_mathjax -%}
{%- block extra_css -%}
<style>
.course-nav { display: flex; gap: 1.5em; padding: 0.6em 1em; margin-bottom: 1em;
  border-bottom: 1px solid #ccc; font-family: var(--jp-ui-font-family); }
.course-nav a { color: #0072B2; }
.course-widget-note { color: #444; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="course-nav" aria-label="Lessons">{{ resources.course_nav }}</nav>
{%- endblock body_header -%}
{% block data_png scoped %}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}" alt="{{ output | get_metadata('alt', 'image/png') | escape_html }}">
</div>
{%- endblock data_png %}
"""

# matplotlib's jshtml buttons use Font Awesome icons loaded from a CDN; offline they would be
# blank, so each icon becomes a text symbol (the buttons keep their title and aria-label).
_FA_LINK = re.compile(r'<link rel="stylesheet"\s+href="https://[^"]*font-awesome[^"]*">')
_FA_ICONS = [  # symbols from fonts every system has (no media-control emoji, which may be missing)
    ("fa fa-play fa-flip-horizontal", "&#9664;"),  # play backwards: ◀
    ("fa fa-minus", "&minus;"), ("fa fa-plus", "+"),
    ("fa fa-fast-backward", "&#8676;"), ("fa fa-fast-forward", "&#8677;"),  # ⇤ ⇥
    ("fa fa-step-backward", "&lsaquo;"), ("fa fa-step-forward", "&rsaquo;"),  # ‹ ›
    ("fa fa-pause", "&#10074;&#10074;"), ("fa fa-play", "&#9654;"),  # ❚❚ ▶
]
_CAPTION = re.compile(r"^\s*[*_](?:Figure|Animation):?\s*(.+?)[*_]?\s*$", re.S)
_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*\n?", re.S | re.M)
_MARKER = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


def offline_jshtml(text, alt=""):
    """A `to_jshtml()` output that plays offline: text symbols for icons, alt text on the frame."""
    text = _FA_LINK.sub("", text)
    for css, symbol in _FA_ICONS:
        text = text.replace(f'<i class="{css}"></i>', f'<span aria-hidden="true">{symbol}</span>')
    if alt:
        text = text.replace('<img id="_anim_img', f'<img alt="{html.escape(alt)}" id="_anim_img')
    return text


def is_animation(output):
    return "_anim_img" in str(output.get("data", {}).get("text/html", ""))


def _caption_after(cells, i):
    """The text of a `*Figure: ...*` (or `*Animation: ...*`) caption cell right after cell i, or ''."""
    if i + 1 < len(cells) and cells[i + 1].cell_type == "markdown":
        m = _CAPTION.match(cells[i + 1].source)
        if m:
            return " ".join(m.group(1).split()).rstrip("*_ ")
    return ""


def prepare(nb):
    """Make a notebook ready for a static page, in place (see the module docstring).

    Returns the numbers of the cells with a figure that had no description, which get a
    generic alt text so the page still builds.
    """
    undescribed = []
    title = next((c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells
                  if c.cell_type == "markdown" and c.source.startswith("# ")), None)
    if title:
        nb.metadata["title"] = title
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.source = _MARKER.sub("", _HIDDEN.sub("", cell.source))
        caption = _caption_after(nb.cells, i)
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET_MIME in data:
                if "image/png" in data:  # an ipympl canvas: keep its snapshot, not its HTML fallback
                    out.data = {"image/png": data["image/png"]}
                    alt = caption or "A snapshot of an interactive figure."
                    if not caption:
                        undescribed.append(i)
                    out.metadata = {"image/png": {"alt": alt}}
                else:
                    out.data = {"text/html": WIDGET_NOTE}
            elif is_animation(out):
                meta = out.get("metadata", {})
                alt = meta.get("text/html", {}).get("alt") or meta.get("alt") or caption
                if not alt:
                    alt = "An animation."
                    undescribed.append(i)
                out.data["text/html"] = offline_jshtml(out.data["text/html"], alt)
            elif "image/png" in data:
                meta = out.setdefault("metadata", {}).setdefault("image/png", {})
                if not meta.get("alt"):
                    meta["alt"] = caption or "A figure (no description was given)."
                    if not caption:
                        undescribed.append(i)
            outputs.append(out)
        cell.outputs = outputs
    return undescribed


def lesson_map(readme=README):
    """The README's lesson map as (number, title, file name, outcome) rows, in order."""
    text = pathlib.Path(readme).read_text(encoding="utf-8")
    section = text.split("## Lesson map", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| (\d\d) \| \[([^\]]+)\]\(lessons/([^)]+\.ipynb)\) \| (.*?) \|\s*$", section, flags=re.M)


def _page_name(notebook_name):
    return pathlib.Path(notebook_name).with_suffix(".html").name


def _nav(rows, name):
    names = [r[2] for r in rows]
    links = ['<a href="index.html">All lessons</a>']
    if name in names:
        k = names.index(name)
        if k > 0:
            links.append(f'<a href="{_page_name(names[k - 1])}" rel="prev">&larr; {rows[k - 1][0]} {html.escape(rows[k - 1][1])}</a>')
        if k + 1 < len(rows):
            links.append(f'<a href="{_page_name(names[k + 1])}" rel="next">{rows[k + 1][0]} {html.escape(rows[k + 1][1])} &rarr;</a>')
    return " ".join(links)


def _exporter(mathjax_url):
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", template_file="course.html.j2", mathjax_url=mathjax_url,
                        extra_loaders=[DictLoader({"course.html.j2": _TEMPLATE})])


_NOTEBOOK_LINK = re.compile(r'href="(\d\d_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')


def link_pages(page, built):
    """Point links between lessons (`href="NN_name.ipynb"`) at their pages, for the lessons in `built`."""
    def fix(m):
        return f'href="{m.group(1)}.html{m.group(2) or ""}"' if m.group(1) + ".ipynb" in built else m.group(0)
    return _NOTEBOOK_LINK.sub(fix, page)


def render(path, nav="", mathjax_url=LOCAL_MATHJAX):
    """The HTML page of one executed notebook."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for i in prepare(nb):
        print(f"warning: {path}: a figure in cell {i} has no description (use show(fig, alt=...) "
              "or a '*Figure: ...*' caption cell after it)", file=sys.stderr)
    body, _ = _exporter(mathjax_url).from_notebook_node(nb, resources={"course_nav": nav})
    return body


def mathjax_source():
    """The folder of a local MathJax 2.7 (package jupyter-server-mathjax), or None."""
    spec = importlib.util.find_spec("jupyter_server_mathjax")
    if spec is None or spec.origin is None:
        return None
    static = pathlib.Path(spec.origin).parent / "static"
    return static if (static / "MathJax.js").exists() else None


def index_page(rows, built):
    """The index: the README's lesson map, linking each lesson that has a page."""
    lines = []
    for number, title, name, outcome in rows:
        label = f"{number} · {html.escape(title)}"
        cell = f'<a href="{_page_name(name)}">{label}</a>' if name in built else f"{label} (not built)"
        outcome = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(outcome))
        lines.append(f"<tr><td>{cell}</td><td>{outcome}</td></tr>")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Backpropagation and gradient descent: the course</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.5; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.4em 0.6em; text-align: left; vertical-align: top; }}
a {{ color: #0072B2; }}
</style>
</head>
<body>
<main>
<h1>Backpropagation and gradient descent</h1>
<p>The worked lessons of the course, with every figure and animation. Animations play in this
page; sliders and other widgets need a running notebook (JupyterLab or Binder).</p>
<table>
<thead><tr><th scope="col">Lesson</th><th scope="col">You leave able to</th></tr></thead>
<tbody>
{chr(10).join(lines)}
</tbody>
</table>
</main>
</body>
</html>
"""


def build_site(out, notebooks=None, readme=README):
    """Write one page per notebook (default: every solution) and index.html into `out`.

    Returns the list of pages written. Raises ValueError for a notebook that does not exist.
    """
    out = pathlib.Path(out)
    notebooks = [pathlib.Path(p) for p in (notebooks or sorted(SOLUTIONS.glob("*.ipynb")))]
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        raise ValueError(f"expected executed notebook files, got paths that do not exist: {missing}")
    out.mkdir(parents=True, exist_ok=True)
    mathjax = mathjax_source()
    if mathjax is not None:
        shutil.copytree(mathjax, out / "mathjax", dirs_exist_ok=True)
        mathjax_url = LOCAL_MATHJAX
    else:
        print("warning: jupyter-server-mathjax is not installed; pages load MathJax from a CDN", file=sys.stderr)
        mathjax_url = CDN_MATHJAX
    rows = lesson_map(readme)
    built = {p.name for p in notebooks}
    pages = []
    for path in notebooks:
        page = out / _page_name(path.name)
        page.write_text(link_pages(render(path, _nav(rows, path.name), mathjax_url), built), encoding="utf-8")
        pages.append(page)
    index = out / "index.html"
    index.write_text(index_page(rows, built), encoding="utf-8")
    return [index, *pages]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bpgd_helpers.site", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="executed notebooks (default: every one in solutions/)")
    parser.add_argument("--out", default=str(ROOT / "_site"), help="output folder (default: _site/)")
    args = parser.parse_args(argv)
    for page in build_site(args.out, args.notebooks or None):
        print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main())
