"""Executes a notebook with Jupyter's own executor (nbclient) on the "java" kernel and writes it with its outputs.

    EMNISTNET_WORK=DIR python execute.py notebooks/emnistnet.ipynb --out executed.ipynb

A cell that fails stops the run: exit 1 with the cell and the kernel's error, and nothing is written. The kernel
(rapaio-jupyter-kernel) binds its five sockets before it installs its message handlers, and a request that arrives
in between kills its shell thread, so the kernel never answers: the kernel manager below waits until every port
listens before the first request, and a kernel that still does not answer at start-up is replaced (3 tries).
"""
import argparse
import asyncio
import os
import socket
import sys
import time

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

START_TRIES = 3


def listening(ip, port):
    try:
        with socket.create_connection((ip, port), timeout=0.5):
            return True
    except OSError:
        return False


class PortsFirstKernelManager(AsyncKernelManager):
    async def _async_post_start_kernel(self, **kwargs):
        await super()._async_post_start_kernel(**kwargs)
        ports = [self.shell_port, self.iopub_port, self.stdin_port, self.control_port, self.hb_port]
        deadline = time.monotonic() + 60
        while not all(listening(self.ip, port) for port in ports):
            if not await self.is_alive():
                raise RuntimeError("the java kernel exited while starting")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the java kernel's ports {ports} did not all listen within 60 s")
            await asyncio.sleep(0.2)
        # its handlers are installed just after the last bind: 1 s was once too short on 2 busy cores (a kernel that
        # never answered, 90 s lost); a healthy kernel answers its first request within a second after this
        await asyncio.sleep(3.0)


def execute(path, cell_timeout, startup_timeout, kernel_log):
    for attempt in range(1, START_TRIES + 1):
        notebook = nbformat.read(path, as_version=4)
        started = []
        client = NotebookClient(
            notebook, kernel_name="java", timeout=cell_timeout, startup_timeout=startup_timeout,
            kernel_manager_class=PortsFirstKernelManager, coalesce_streams=True,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
            on_notebook_start=lambda notebook: started.append(True))
        try:
            client.execute(stdout=kernel_log, stderr=kernel_log)  # the kernel's own log, not the cells' output
            return notebook
        except CellExecutionError:
            raise
        except (RuntimeError, TimeoutError) as error:
            if started or attempt == START_TRIES:
                raise
            print(f"execute.py: the java kernel did not answer at start-up ({error}); starting another "
                  f"({attempt + 1} of {START_TRIES})", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--out", required=True, help="where the executed notebook goes")
    parser.add_argument("--cell-timeout", type=int, default=900, help="seconds per cell (default 900)")
    parser.add_argument("--startup-timeout", type=int, default=30,
                        help="seconds for the kernel to answer once its ports listen (default 30; then another is started)")
    args = parser.parse_args()
    started = time.monotonic()
    kernel_log_path = args.out + ".kernel.log"
    try:
        with open(kernel_log_path, "w") as kernel_log:
            notebook = execute(args.notebook, args.cell_timeout, args.startup_timeout, kernel_log)
    except CellExecutionError as error:
        print(f"execute.py: {args.notebook}: a cell failed, nothing written:\n{error}", file=sys.stderr)
        return 1
    except (RuntimeError, TimeoutError) as error:
        print(f"execute.py: {args.notebook}: {error}; nothing written (the kernel's log: {kernel_log_path})",
              file=sys.stderr)
        return 1
    temporary = args.out + ".part"
    nbformat.write(notebook, temporary)
    os.replace(temporary, args.out)
    print(f"executed {args.notebook} with Jupyter (kernel java) in {time.monotonic() - started:.0f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
