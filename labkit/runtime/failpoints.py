"""Named crash points for the reliability tests.

With ``LAB_FAILPOINT=<name>`` set, the process kills itself with SIGKILL when it
reaches that point, exactly like a `kill -9` arriving there. Unset, each point
costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

ENV = "LAB_FAILPOINT"


def hit(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
