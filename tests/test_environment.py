"""environment.yml (conda, Binder) and pyproject.toml (pip) describe the same environment."""

import pathlib
import re

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
# conda-forge spells a few packages differently from PyPI.
CONDA_NAMES = {}


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    return text, yaml.safe_load(text)


def conda_specs(env):
    specs = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            m = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", dep)
            specs[m.group(1).lower()] = m.group(2).strip()
    return specs


def test_same_package_set(pyproject, environment):
    _, env = environment
    pip_names = {CONDA_NAMES.get(Requirement(r).name.lower(), Requirement(r).name.lower())
                 for r in pyproject["project"]["dependencies"]}
    conda_names = set(conda_specs(env)) - {"python", "pip"}
    assert conda_names == pip_names, (
        f"only in environment.yml: {sorted(conda_names - pip_names)}; only in pyproject: {sorted(pip_names - conda_names)}")


def test_compatible_bounds(pyproject, environment):
    _, env = environment
    conda = conda_specs(env)
    for text in pyproject["project"]["dependencies"]:
        req = Requirement(text)
        spec = conda[CONDA_NAMES.get(req.name.lower(), req.name.lower())]
        assert SpecifierSet(spec.replace(" ", "")) == req.specifier, f"{req.name}: conda says {spec!r}, pip says {req.specifier}"


def test_python_is_pinned_to_a_supported_minor(pyproject, environment):
    _, env = environment
    python = conda_specs(env)["python"]
    assert re.fullmatch(r"=3\.\d+", python), f"pin a Python minor version like python=3.11, got python{python}"
    assert SpecifierSet(pyproject["project"]["requires-python"]).contains(python.lstrip("=") + ".0")


def test_conda_forge_and_the_package_itself(environment):
    text, env = environment
    assert env["channels"] == ["conda-forge"]
    pip_section = [d for d in env["dependencies"] if isinstance(d, dict)]
    assert pip_section and "-e ." in pip_section[0]["pip"], "environment.yml must pip-install the course package (-e .)"


def test_nothing_that_breaks_repo2docker(environment):
    text, env = environment
    assert "prefix" not in env, "a prefix: line pins one machine's path"
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            assert dep.count("=") <= 2 and not re.search(r"=[^=]*=", dep.replace(">=", "").replace("<=", "")), \
                f"{dep!r} looks like it has a build string"
