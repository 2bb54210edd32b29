"""Runs a gradebook notebook when it is made, so it opens with its outputs.

The kernel is the interpreter running the kit (ipykernel), named in a
kernelspec written to a temporary directory: nothing is looked up on the
network or in the user's Jupyter setup. The kernel talks to this process over
127.0.0.1 only.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from labcore.errors import LabError

KERNEL = "labkit-gradebook"
TIMEOUT_S = 120


def execute(nb: Any, *, timeout: float = TIMEOUT_S) -> Any:
    """Runs every code cell of ``nb`` in place and returns it."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import KernelManager
        from nbclient import NotebookClient
    except ImportError as err:
        raise LabError(f"the gradebook notebook cannot be run: {err.name} is not "
                       "installed (it comes with the kit: pip install -e .)") from err
    with tempfile.TemporaryDirectory(prefix="labkit-kernel-") as scratch:
        spec_dir = Path(scratch) / "kernels" / KERNEL
        spec_dir.mkdir(parents=True)
        (spec_dir / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python (labkit)",
            "language": "python",
            "env": {"MPLBACKEND": "Agg"},
        }), encoding="utf-8")
        specs = KernelSpecManager(kernel_dirs=[str(spec_dir.parent)])
        manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs,
                                ip="127.0.0.1")
        client = NotebookClient(nb, km=manager, timeout=timeout, allow_errors=False,
                                resources={"metadata": {"path": scratch}})
        try:
            client.execute()
        except Exception as err:  # a kernel that fails to start or a cell that raises
            raise LabError(f"the gradebook notebook did not run: {type(err).__name__}: "
                           f"{str(err).strip().splitlines()[-1] if str(err).strip() else err}"
                           ) from err
    # The kernelspec was temporary: the notebook names the ordinary Python 3 kernel.
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb
