"""The kernel the notebooks run in: its registration, and how a kernel is reached without racing for ports.

Method: jupyter_client's default TCP transport picks five free ports by binding to port 0 and
closing the sockets again; the kernel binds them moments later. Between the two, any other
process (a parallel notebook of this run, another run, another program) can take a port: the
kernel then dies with ``ZMQError: Address already in use`` or "Kernel died before replying to
kernel_info". Every kernel the runner starts therefore talks over Unix domain sockets (``ipc``
transport) in a folder of its own, made for that kernel alone: nothing is chosen that another
process could take, and nothing is left in the project folder. The folder is named after the process
that starts the kernel; one whose process is gone (a run killed with SIGKILL) is removed by the next.

A ``SharedKernel`` runs several runs in turn (a notebook's languages, and the next notebooks a worker is
given): nbclient starts it with the first run and, not owning it, leaves it running, so the later runs find
the package imported and each domain's results at hand. Between runs ``fresh_namespace`` clears what the
last run defined (IPython's reset, a new session: execution counts start again at 1). A ``KeptKernel``
holds one from run to run and shuts it down (closing every client) when it is discarded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ipykernel.kernelspec import install
from jupyter_client import AsyncKernelManager
from jupyter_client.utils import run_sync
from jupyter_core.utils import ensure_event_loop
from traitlets.config import Config

KERNEL_NAME = "almaty-analytics"
QUIET_KERNEL = "--IPKernelApp.log_level=CRITICAL"  # no start-up warnings, nor the "KeyboardInterrupt caught in kernel" ERROR
# logged when jupyter_client interrupts an idle kernel to shut it down; failures reach the run through nbclient
RESET = "get_ipython().reset(new_session=True)"  # what a run defined is gone; execution counts start again at 1
RESET_TIMEOUT = 60  # seconds an idle kernel may take to clear its namespace
SOCKET_PREFIX = "almaty-kernel-"  # a Unix socket path has at most 107 bytes: the folder lives in the system's temporary folder


def ensure_kernel() -> None:
    """Register the kernel ``almaty-analytics`` for this interpreter, in this environment."""
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    if spec.exists():
        argv = json.loads(spec.read_text()).get("argv", [])
        if argv[:1] == [sys.executable] and QUIET_KERNEL in argv:
            return
    register(prefix=sys.prefix)


def register(*, user: bool = False, prefix: str | None = None) -> Path:
    """Register the kernel ``almaty-analytics`` (this interpreter) for the user (``user``: the kernels folder of
    ``jupyter --data-dir``, which every JupyterLab and JupyterHub single-user server of that user lists) or under
    ``prefix`` (an environment, or a system-wide folder such as /usr/local for a hub's admin); its kernel.json.

    What ``make kernel`` runs (``user``); ``ensure_kernel`` registers inside the project's environment.
    """
    folder = Path(install(kernel_name=KERNEL_NAME, display_name="Python (almaty-analytics)", user=user, prefix=prefix))
    spec = folder / "kernel.json"
    kernel = json.loads(spec.read_text())
    if QUIET_KERNEL not in kernel["argv"]:
        kernel["argv"].append(QUIET_KERNEL)
    spec.write_text(json.dumps(kernel, indent=1))
    return spec


@contextlib.contextmanager
def private_sockets() -> Iterator[Config]:
    """Kernel manager configuration for one kernel: ipc transport, sockets in a fresh folder removed afterwards.

    Pass it as ``config`` to papermill.execute_notebook (nbclient hands it to the kernel manager).
    """
    with socket_folder() as folder:
        yield _ipc(folder)


def socket_folder() -> tempfile.TemporaryDirectory:
    """A fresh folder for one kernel's sockets, ``almaty-kernel-<pid>-…`` (the pid of the process that starts the kernel)."""
    return tempfile.TemporaryDirectory(prefix=f"{SOCKET_PREFIX}{os.getpid()}-")


def sweep_socket_folders(temporary: Path | None = None) -> list[Path]:
    """Remove the socket folders a killed run left (SIGKILL skips every clean-up); the folders removed. Each run does,
    before its kernels start.

    A folder ``almaty-kernel-<pid>-…`` of this user goes when no process ``<pid>`` runs: its kernel has gone too
    (a kernel exits with the process that started it). Folders of a running process, of other users, and of the
    older naming without a pid are left alone."""
    removed = []
    for folder in Path(temporary or tempfile.gettempdir()).glob(f"{SOCKET_PREFIX}*-*"):
        pid = folder.name[len(SOCKET_PREFIX) :].split("-", 1)[0]
        if not pid.isdigit() or not folder.is_dir() or folder.stat().st_uid != os.getuid() or _running(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _ipc(folder: str) -> Config:
    return Config({"KernelManager": {"transport": "ipc", "ip": str(Path(folder) / "kernel")}})


class SharedKernel(AsyncKernelManager):
    """A kernel manager that keeps the clients nbclient makes from it, to clear the namespace through the last and close them all."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.clients = []

    def client(self, **kwargs):
        made = super().client(**kwargs)
        self.clients.append(made)
        return made

    def fresh_namespace(self) -> bool:
        """Clear what the last run defined (RESET); False when the kernel does not answer in RESET_TIMEOUT seconds or fails."""
        return run_sync(self._reset)()

    async def _reset(self) -> bool:
        try:
            reply = await self.clients[-1].execute_interactive(RESET, silent=True, store_history=False, timeout=RESET_TIMEOUT)
        except Exception:  # no answer in time, closed channels, a dead kernel: the next run gets a fresh kernel
            return False
        for done in self.clients[:-1]:  # the earlier runs' clients: the next run makes its own
            done.stop_channels()
        del self.clients[:-1]
        return reply["content"]["status"] == "ok"

    async def close(self, now: bool = False) -> None:
        """Shut the kernel down (when it runs; ``now``: kill it without asking) and close every client's channels."""
        try:
            if await self.is_alive():
                await self.shutdown_kernel(now=now)
        except RuntimeError as exc:  # as nbclient: the kernel may die between the check and the shutdown
            if "No kernel is running!" not in str(exc):
                raise
        finally:
            await self.cleanup_resources()
            for made in self.clients:
                made.stop_channels()


class KeptKernel:
    """A SharedKernel over private sockets kept from run to run: ``get`` gives the one held (made, not started, when
    none is: nbclient starts it with the first run), ``discard`` shuts it down and removes its sockets' folder
    (``now``: kills it without asking, as when the run is stopped), so the next ``get`` makes a fresh one."""

    def __init__(self) -> None:
        self._folder: tempfile.TemporaryDirectory | None = None
        self._kernel: SharedKernel | None = None

    def get(self) -> SharedKernel:
        if self._kernel is None:
            self._folder = socket_folder()
            self._kernel = SharedKernel(kernel_name=KERNEL_NAME, config=_ipc(self._folder.name))
        return self._kernel

    def discard(self, now: bool = False) -> None:
        if self._kernel is None:
            return
        kernel, folder, self._kernel, self._folder = self._kernel, self._folder, None, None
        try:
            if now:
                end_interrupted_tasks()
            run_sync(kernel.close)(now=now)
        finally:
            folder.cleanup()


def end_interrupted_tasks() -> None:
    """Cancel and await what a run stopped by a signal left on this thread's event loop (jupyter_core keeps one per
    thread): nbclient's cell, waiting for its reply, and the task polling the kernel. Left pending, they would wake
    while the kernel is killed, log "Kernel died while waiting for execute reply" and leave an exception that no one
    retrieves, printed as a traceback when the process exits: the stop's one line would not be alone."""
    loop = ensure_event_loop()
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending and not loop.is_running():
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))  # their exceptions retrieved here
