"""Fixtures a lab's checks get from the kit, beside checker's ``workspace``.

Loaded by :func:`run_lab_checks` as a pytest plugin in the checks' process.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.checks import CheckResult, run_checks

PLUGIN = "labkit.check_fixtures"


@pytest.fixture(scope="session")
def lab(lab_dir):
    """The lab's spec (labkit.labspec.LabSpec)."""
    from labkit.catalog import load

    return load(lab_dir).spec


def run_lab_checks(lab_dir: Path, workspace: Path, *, timeout: float = 120.0) -> list[CheckResult]:
    """A lab's checks against a workspace, with the kit's fixtures, in the learner's
    language (LAB_LANG, so a check can word its messages with labkit.i18n.lang())."""
    from labkit.i18n import lang

    return run_checks(lab_dir, workspace, timeout=timeout, plugins=(PLUGIN,),
                      env={"LAB_LANG": lang()})
