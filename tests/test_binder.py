"""What repo2docker (Binder, and JupyterHub images built with it) reads, checked for the
mistakes that break a build or make it silently ignore environment.yml.

tests/test_environment.py checks environment.yml itself (in step with pyproject.toml, no
prefix:, no build strings, pip installs the package); this file checks everything around it.
Rules from the repo2docker documentation, "Configuration files":
* a Dockerfile takes precedence over every other file;
* a binder/ (or .binder/) folder makes repo2docker ignore the configuration files at the root;
* with environment.yml present, requirements.txt is not installed and runtime.txt's Python is ignored;
* Project.toml/REQUIRE (Julia), DESCRIPTION/install.R (R) select another build pack first.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile
from urllib.parse import parse_qs, urlparse

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENV = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
CONFIG_DIRS = [ROOT / "binder", ROOT / ".binder"]
BADGE = re.compile(r"\[!\[[^\]]*\]\((https://mybinder\.org/badge_logo\.svg)\)\]\((https://mybinder\.org/v2/[^)\s]+)\)")


def test_no_dockerfile_overrides_environment_yml():
    for folder in [ROOT, *CONFIG_DIRS]:
        assert not (folder / "Dockerfile").exists(), f"{folder.name}/Dockerfile would replace environment.yml on Binder"


def test_configuration_lives_at_the_root():
    for folder in CONFIG_DIRS:
        assert not folder.exists(), (f"{folder.name}/ exists, so repo2docker would ignore the root environment.yml; "
                                     "keep the Binder files at the repository root")


@pytest.mark.parametrize("name, why", [
    ("requirements.txt", "is ignored when environment.yml exists, so it would drift unnoticed"),
    ("runtime.txt", "is ignored when environment.yml pins Python"),
    ("Pipfile", "is a second, competing Python environment"),
    ("Project.toml", "makes repo2docker build a Julia environment instead"),
    ("JuliaProject.toml", "makes repo2docker build a Julia environment instead"),
    ("REQUIRE", "makes repo2docker build a Julia environment instead"),
    ("DESCRIPTION", "makes repo2docker build an R environment instead"),
    ("install.R", "makes repo2docker build an R environment instead"),
])
def test_no_competing_configuration_file(name, why):
    assert not (ROOT / name).exists(), f"{name} {why}"


@pytest.mark.parametrize("name", ["postBuild", "start"])
def test_scripts_if_any_are_executable_and_current(name):
    path = ROOT / name
    if not path.exists():
        return  # none needed: the conda packages ship their JupyterLab 4 extensions prebuilt
    text = path.read_text(encoding="utf-8")
    assert os.access(path, os.X_OK), f"{name} must be executable (chmod +x) for repo2docker to run it"
    assert text.startswith("#!"), f"{name} needs a shebang line"
    assert "labextension install" not in text, "JupyterLab 4 extensions come from conda/pip; `labextension install` fails"
    if name == "start":
        assert re.search(r'exec\s+"\$@"\s*$', text), 'start must end with exec "$@" or the server never starts'


def test_front_end_extensions_come_from_conda_packages():
    """ipywidgets 8 and ipympl ship their JupyterLab 4 extensions inside the package: no build step."""
    conda = {re.split(r"[<>=\s]", d, maxsplit=1)[0] for d in ENV["dependencies"] if isinstance(d, str)}
    assert {"jupyterlab", "ipywidgets", "ipympl"} <= conda
    pip = next((d["pip"] for d in ENV["dependencies"] if isinstance(d, dict)), [])
    for line in pip:
        assert not re.match(r"(jupyterlab|ipywidgets|ipympl)\b", line), f"install {line} from conda-forge, not pip"


def test_pip_section_installs_the_course_package_from_the_root():
    pip = next((d["pip"] for d in ENV["dependencies"] if isinstance(d, dict)), [])
    local = [line for line in pip if line.startswith(("-e", "."))]
    assert local == ["-e ."], f"expected the course package installed as '-e .', got {local}"
    assert (ROOT / "pyproject.toml").exists() and (ROOT / "bpgd_helpers" / "__init__.py").exists()


def test_a_plain_install_has_every_subpackage(tmp_path):
    """JupyterHub images install the course with `pip install git+...` (not editable): the wheel
    must hold bpgd_helpers.checks and every other subpackage, or the check cells fail there."""
    src = tmp_path / "src"
    shutil.copytree(ROOT / "bpgd_helpers", src / "bpgd_helpers", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(src)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    packaged = {name.rsplit("/", 1)[0] for name in zipfile.ZipFile(wheel).namelist() if name.endswith("__init__.py")}
    on_disk = {str(p.parent.relative_to(ROOT)) for p in (ROOT / "bpgd_helpers").rglob("__init__.py")
               if "__pycache__" not in p.parts}
    assert on_disk <= packaged, f"missing from the wheel: {sorted(on_disk - packaged)}"


def test_python_version_is_one_repo2docker_builds():
    python = next(d for d in ENV["dependencies"] if isinstance(d, str) and d.startswith("python"))
    minor = int(re.fullmatch(r"python=3\.(\d+)", python.replace(" ", "")).group(1))
    assert 8 <= minor <= 12, f"repo2docker's conda build pack supports Python 3.8-3.12, got {python}"


def test_readme_binder_badge_opens_lesson_00_in_jupyterlab():
    badges = BADGE.findall(README)
    assert len(badges) == 1, "the README needs exactly one Binder badge: [![Binder](badge_logo.svg)](mybinder link)"
    url = urlparse(badges[0][1])
    parts = url.path.split("/")  # ['', 'v2', 'gh', owner, repo, ref]
    assert parts[:3] == ["", "v2", "gh"] and len(parts) == 6 and all(parts[3:]), f"not a GitHub Binder link: {url.path}"
    (urlpath,) = parse_qs(url.query)["urlpath"]
    assert urlpath.startswith("lab/tree/"), "open JupyterLab (urlpath=lab/tree/...), not the classic notebook"
    target = urlpath.removeprefix("lab/tree/")
    assert re.fullmatch(r"lessons/00_[a-z0-9_]+\.ipynb", target), f"the badge should open lesson 00, got {target}"
    assert (ROOT / target).is_file(), f"the badge opens {target}, which does not exist"
