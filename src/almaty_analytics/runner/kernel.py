"""The kernel the notebooks run in: its registration, and how a kernel is reached without racing for ports.

Method: jupyter_client's default TCP transport picks five free ports by binding to port 0 and
closing the sockets again; the kernel binds them moments later. Between the two, any other
process (a parallel notebook of this run, another run, another program) can take a port: the
kernel then dies with ``ZMQError: Address already in use`` or "Kernel died before replying to
kernel_info". Every kernel the runner starts therefore talks over Unix domain sockets (``ipc``
transport) in a folder of its own, made for that kernel alone: nothing is chosen that another
process could take, and nothing is left in the project folder.
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ipykernel.kernelspec import install
from traitlets.config import Config

KERNEL_NAME = "almaty-analytics"
QUIET_KERNEL = "--IPKernelApp.log_level=CRITICAL"  # no start-up warnings, nor the "KeyboardInterrupt caught in kernel" ERROR
# logged when jupyter_client interrupts an idle kernel to shut it down; failures reach the run through nbclient
SOCKET_PREFIX = "almaty-kernel-"  # a Unix socket path has at most 107 bytes: the folder lives in the system's temporary folder


def ensure_kernel() -> None:
    """Register the kernel ``almaty-analytics`` for this interpreter, in this environment."""
    spec = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json"
    if spec.exists():
        argv = json.loads(spec.read_text()).get("argv", [])
        if argv[:1] == [sys.executable] and QUIET_KERNEL in argv:
            return
    install(kernel_name=KERNEL_NAME, display_name="Python (almaty-analytics)", prefix=sys.prefix)
    kernel = json.loads(spec.read_text())
    kernel["argv"].append(QUIET_KERNEL)
    spec.write_text(json.dumps(kernel, indent=1))


@contextlib.contextmanager
def private_sockets() -> Iterator[Config]:
    """Kernel manager configuration for one kernel: ipc transport, sockets in a fresh folder removed afterwards.

    Pass it as ``config`` to papermill.execute_notebook (nbclient hands it to the kernel manager).
    """
    with tempfile.TemporaryDirectory(prefix=SOCKET_PREFIX) as folder:
        yield Config({"KernelManager": {"transport": "ipc", "ip": str(Path(folder) / "kernel")}})
