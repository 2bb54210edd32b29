"""Fixtures for a lab's checks (pytest files run against a learner's workspace).

Loaded with ``-p checker.pytest_plugin`` by :mod:`checker.checks`; the
workspace and lab directory come from the environment it sets. Whoever knows
what a lab is adds fixtures of its own with ``plugins`` (labkit adds ``lab``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.checks import LAB_DIR_ENV, WORKSPACE_ENV


@pytest.fixture(scope="session")
def workspace() -> Path:
    """The root of the learner's workspace under check."""
    return Path(os.environ[WORKSPACE_ENV])


@pytest.fixture(scope="session")
def lab_dir() -> Path:
    """The directory of the lab whose checks run."""
    return Path(os.environ[LAB_DIR_ENV])
