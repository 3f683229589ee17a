"""Run code cells one by one in a fresh kernel that survives what learners submit.

Only the execute replies are read: they carry each cell's error (name, value). The
kernel's output channel is never subscribed to, so a cell that prints gigabytes costs
the grader nothing, and the kernel's own stdout/stderr go to a log file. A cell that
runs past its timeout is interrupted; a kernel that dies, or ignores the interrupt, is
restarted and the cells that had completed are replayed, so the rest of the notebook
is still graded.
"""

import dataclasses
import os
import pathlib
import queue
import time

OK, ERROR, TIMEOUT, DEAD, SKIPPED = "ok", "error", "timeout", "dead", "skipped"


@dataclasses.dataclass
class CellResult:
    """What happened to one cell: status is ok, error, timeout, dead or skipped."""

    status: str
    ename: str = ""
    evalue: str = ""
    stuck: bool = False  # a timeout that the interrupt did not end


def _this_python():
    """A kernel manager for the Python running the grader, where bpgd_helpers is installed.

    A user's own "python3" kernelspec may point at another Python; like nbval's
    --nbval-current-env, the grader ignores it.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    return KernelManager(kernel_name="python3", kernel_spec_manager=ThisPython())


class Kernel:
    """One Python kernel in `cwd`, executing code with a per-cell timeout (seconds)."""

    def __init__(self, cwd, timeout=60.0, grace=5.0, startup_timeout=60.0):
        self.cwd = pathlib.Path(cwd)
        self.timeout, self.grace, self.startup_timeout = timeout, grace, startup_timeout
        self.km = self.kc = None
        self._log = None

    def start(self):
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        env.pop("PYTEST_CURRENT_TEST", None)
        self._log = open(self.cwd / "kernel.log", "ab")
        self.km = _this_python()
        self.km.start_kernel(cwd=str(self.cwd), env=env, stdout=self._log, stderr=self._log)
        self.kc = self.km.client()
        # Shell only: no iopub subscription, so outputs are dropped by the kernel itself.
        self.kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
        msg_id = self.kc.kernel_info()
        if self._wait_reply(msg_id, self.startup_timeout) is None:
            log = (self.cwd / "kernel.log").read_text(errors="replace").strip().splitlines()
            self.shutdown()
            raise RuntimeError("the Python kernel did not start" + (f": {log[-1]}" if log else ""))

    def _wait_reply(self, msg_id, seconds):
        """The shell reply to msg_id, or None if the kernel died or `seconds` passed."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                reply = self.kc.get_shell_msg(timeout=0.1)
            except queue.Empty:
                if not self.km.is_alive():
                    return None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply
        return None

    def run(self, code):
        """Execute `code`; interrupt it after the timeout. Returns a CellResult."""
        msg_id = self.kc.execute(code, store_history=True, allow_stdin=False, stop_on_error=False)
        reply = self._wait_reply(msg_id, self.timeout)
        if reply is None and self.km.is_alive():
            self.km.interrupt_kernel()
            reply = self._wait_reply(msg_id, self.grace)
            if reply is None and self.km.is_alive():
                return CellResult(TIMEOUT, stuck=True)
            return CellResult(TIMEOUT) if reply is not None else CellResult(DEAD)
        if reply is None:
            return CellResult(DEAD)
        content = reply["content"]
        if content.get("status") == "ok":
            return CellResult(OK)
        return CellResult(ERROR, str(content.get("ename", "")), str(content.get("evalue", "")))

    def shutdown(self):
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            try:
                self.km.shutdown_kernel(now=True)
            except Exception:  # a kernel that already died leaves nothing to shut down
                pass
        if self._log is not None:
            self._log.close()
        self.km = self.kc = self._log = None


def run_cells(sources, cwd, timeout=60.0, max_restarts=3, grace=None):
    """Execute each source in order; returns one CellResult per source.

    After a kernel death or an interrupt the kernel ignored, a new kernel replays the
    cells that had completed (their results stand) and execution goes on with the next
    cell. After `max_restarts` restarts, or when the replay kills or hangs the new kernel
    too, the remaining cells are skipped.
    """
    # A kernel that does not answer an interrupt within `grace` seconds is restarted.
    kernel = Kernel(cwd, timeout=timeout, grace=min(5.0, timeout / 2) if grace is None else grace)
    kernel.start()
    results, completed, restarts, gave_up = [], [], 0, ""
    try:
        for index, code in enumerate(sources):
            if gave_up:
                results.append(CellResult(SKIPPED, evalue=gave_up))
                continue
            result = kernel.run(code)
            results.append(result)
            if result.status in (OK, ERROR):
                completed.append(index)
            elif result.status == DEAD or result.stuck:
                if restarts == max_restarts:
                    gave_up = f"not run: the kernel had to be restarted {restarts} times, the limit"
                    continue
                restarts += 1
                kernel.shutdown()
                kernel.start()
                for earlier in completed:
                    replayed = kernel.run(sources[earlier])
                    if replayed.status == DEAD or replayed.stuck:
                        gave_up = "not run: the kernel could not be restored after a restart"
                        break
    finally:
        kernel.shutdown()
    return results
