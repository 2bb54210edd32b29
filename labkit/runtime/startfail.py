"""Why a release did not start, in one sentence a learner can act on."""

from __future__ import annotations

import re

from labkit.errors import LabError, SupervisorError
from labkit.i18n import t
from labkit.runtime.layout import Workspace

_MISSING = re.compile(r"No module named '([A-Za-z0-9_.]+)'")


def explain(ws: Workspace, version: str, err: SupervisorError) -> LabError:
    """A clearer error for a release that failed to start, keeping the log as the hint."""
    text = str(err)
    match = _MISSING.search(text)
    if match is None:
        return err
    module = match.group(1).split(".")[0]
    return LabError(
        t("release.missing_dependency", version=version, module=module,
          requirements=ws.spec.requirements),
        hint=text,
    )
