"""Start and stop a throwaway JupyterLab server, and launch Debian's Chromium.

Shared by the browser tests (tests/browser/conftest.py) and the browser benchmark
(benchmarks/bench_browser.py), which imports it as ``tests.browser.jupyter_server``.
Nothing here touches the checkout or the user's Jupyter state: the server serves a
temporary copy of the notebooks, and every Jupyter/IPython config, data, runtime,
settings and workspace directory points into a temporary state directory.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ENABLE_HINT = "enable them with `apt-get install chromium` (Playwright drives /usr/bin/chromium; it cannot download a browser here)"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# The learner's JupyterLab (`make lab` installs the package's runtime dependencies
# only) has no nbgrader; the test environment has it as a dev tool. Its lab and
# server extensions are switched off in the throwaway config directory, so the page
# under test (and its screenshots) is the learner's.
_SERVER_CONFIG = {
    "ServerApp": {
        "jpserver_extensions": {
            "nbgrader.server_extensions.formgrader": False,
            "nbgrader.server_extensions.validate_assignment": False,
            "nbgrader.server_extensions.assignment_list": False,
            "nbgrader.server_extensions.course_list": False,
        }
    }
}
_PAGE_CONFIG = {"disabledExtensions": {"@jupyter/nbgrader": True}}

# JupyterLab user settings for the throwaway settings directory. Only what keeps
# the page quiet and offline: no "fetch Jupyter news?" toast, no update check.
_LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "checkForUpdates": False,
        "fetchNews": "false",
    },
}


def chromium_available() -> bool:
    return CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)


def launch_chromium(playwright):
    """Launch /usr/bin/chromium through Playwright (it cannot download its own browser here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)


def copy_notebooks(dest: Path, folders=("solutions", "lessons")) -> Path:
    """Copy only the notebook folders of the checkout to ``dest`` (never .venv, never build output)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in folders:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a random token, serving ``root_dir``.

    Use as a context manager, or call ``start()`` and ``stop()``.
    """

    def __init__(self, root_dir: Path, state_dir: Path, startup_timeout: float = 90.0):
        self.root_dir = Path(root_dir)
        self.state_dir = Path(state_dir)
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(24)
        self.port = None
        self.process = None
        self.log_path = self.state_dir / "jupyterlab.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def notebook_url(self, relpath: str) -> str:
        """The URL that opens ``relpath`` in a fresh (reset) workspace."""
        return f"{self.url}/lab/tree/{relpath}?reset&token={self.token}"

    # -- lifecycle -----------------------------------------------------------------
    def _environment(self) -> dict:
        dirs = {name: self.state_dir / name for name in ("config", "data", "runtime", "ipython", "settings", "workspaces")}
        for path in dirs.values():
            path.mkdir(parents=True, exist_ok=True)
        for name, values in _LAB_SETTINGS.items():
            target = dirs["settings"] / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        (dirs["config"] / "jupyter_server_config.json").write_text(json.dumps(_SERVER_CONFIG))
        (dirs["config"] / "labconfig").mkdir(exist_ok=True)
        (dirs["config"] / "labconfig" / "page_config.json").write_text(json.dumps(_PAGE_CONFIG))
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(dirs["config"]),
            JUPYTER_DATA_DIR=str(dirs["data"]),
            JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
            JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
            JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
            IPYTHONDIR=str(dirs["ipython"]),
            JUPYTER_PLATFORM_DIRS="1",
            PYTHONUNBUFFERED="1",
        )
        env.setdefault("KERAS_BACKEND", "torch")
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_TOKEN", None)
        env.pop("MPLBACKEND", None)  # the notebooks choose their backend (%matplotlib widget)
        return env, dirs

    def start(self) -> "LabServer":
        self.state_dir.mkdir(parents=True, exist_ok=True)
        env, dirs = self._environment()
        last_error = None
        for _attempt in range(3):  # a freshly picked free port can be taken before the server binds it
            self.port = free_port()
            cmd = [
                sys.executable, "-m", "jupyterlab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.root_dir}",
                f"--LabApp.user_settings_dir={dirs['settings']}",
                f"--LabApp.workspaces_dir={dirs['workspaces']}",
                "--LabApp.news_url=None",
                # window.jupyterapp, which the tests use to open and close notebooks in one page
                "--LabApp.expose_app_in_browser=True",
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")  # CI containers run as root
            self._log = open(self.log_path, "ab")
            self.process = subprocess.Popen(
                cmd, cwd=self.root_dir, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            try:
                self._wait_ready()
                return self
            except RuntimeError as exc:
                last_error = exc
                self.stop()
                if "already in use" not in str(exc):
                    break
        raise last_error

    def _wait_ready(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=2)
                return
            except (OSError, urllib.error.URLError):
                time.sleep(0.25)
        raise RuntimeError(f"JupyterLab did not answer within {self.startup_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self):
        proc, self.process = self.process, None
        if proc is None:
            return
        if proc.poll() is None:
            try:  # a clean shutdown also shuts down the kernels
                self.api("POST", "/api/shutdown", timeout=5)
            except (OSError, urllib.error.URLError):
                pass
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        self._log.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- REST helpers --------------------------------------------------------------
    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Shut down every running session's kernel (after each test, so kernels never pile up)."""
        for session in self.api("GET", "/api/sessions"):
            try:
                self.api("DELETE", f"/api/sessions/{session['id']}")
            except urllib.error.HTTPError:
                pass

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"
