# The course's commands. On a fresh machine with Python 3 and make:
#   make lab    set up .venv and open the course in JupyterLab
#   make test   set up .venv with the test tools and run every test
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch; a plain `pip install torch` would pull a multi-GB CUDA build.
TORCH ?= torch==2.13.0
PYTEST_ARGS ?=
# Notebook cells run in kernels, so two workers keep both cores of a small machine busy.
WORKERS ?= 2

.PHONY: help lab test lessons solutions grade bench site clean

help:
	@echo "make lab        open the course in JupyterLab (sets up .venv on first use)"
	@echo "make test       run every test: unit, property, notebooks, grading, browser"
	@echo "make lessons    regenerate lessons/ from solutions/"
	@echo "make solutions  re-execute solutions/ in place (stored outputs)"
	@echo "make grade NB=path/to/submission.ipynb   grade one notebook"
	@echo "make bench      run the benchmarks"
	@echo "make site       build the static site in _site/ (pages, figures, playable animations)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record what is installed; they are rebuilt when pyproject.toml changes.
$(VENV)/.installed-lab: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev,frameworks]"
	touch $@ $(VENV)/.installed-lab

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab lessons/00_welcome.ipynb

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(WORKERS) --dist loadscope $(PYTEST_ARGS)

lessons: $(VENV)/.installed-dev
	$(BIN)/python -m bpgd_helpers.release lessons

solutions: $(VENV)/.installed-dev
	$(BIN)/python -m bpgd_helpers.release execute

# NB is a notebook or a folder of them (graded into grades.csv); ARGS passes options, e.g. ARGS="--json".
grade: $(VENV)/.installed-dev
	@test -n "$(NB)" || { echo "usage: make grade NB=path/to/submission.ipynb (or a folder) [ARGS='--json --timeout 60']"; exit 2; }
	$(BIN)/python -m bpgd_helpers.grade "$(NB)" $(ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python -m benchmarks

# The static site: a page per executed solution, an index, animations that play without a kernel.
site: $(VENV)/.installed-dev
	$(BIN)/python -m bpgd_helpers.site --out _site

clean:
	rm -rf $(VENV) _site .pytest_cache build *.egg-info
