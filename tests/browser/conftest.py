"""Fixtures of the browser tests: one JupyterLab server and one Chromium per pytest worker.

The server serves a temporary copy of solutions/ and lessons/ (plus notebooks the
tests generate), with a random token and throwaway Jupyter state, so the checkout
and the user's JupyterLab settings are never touched. Without /usr/bin/chromium
every browser test skips and says how to enable it.
"""

from __future__ import annotations

import pytest

from .jupyter_server import ENABLE_HINT, REPO, LabServer, chromium_available, copy_notebooks, launch_chromium
from .lab_page import LabSession

SCREENSHOTS = REPO / "screenshots"  # git-ignored; one PNG per notebook, for people to look at


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory):
    """A temporary copy of the notebook folders: the only files JupyterLab sees."""
    return copy_notebooks(tmp_path_factory.mktemp("lab") / "repo")


@pytest.fixture(scope="session")
def lab_server(lab_root, tmp_path_factory):
    if not chromium_available():
        pytest.skip(f"browser tests skipped: no Chromium at /usr/bin/chromium; {ENABLE_HINT}")
    server = LabServer(lab_root, tmp_path_factory.mktemp("lab-state"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(lab_server):
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright: pip install -e '.[dev]'")
    playwright = sync_api.sync_playwright().start()
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def jupyterlab(browser, lab_server):
    """This worker's JupyterLab page; each test opens its notebook in it with LabNotebook."""
    session = LabSession(browser, lab_server)
    yield session
    session.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
