"""Running a lab's checks (pytest files in `labs/<id>/checks/`) against a workspace.

The checks run in a subprocess of their own, with a timeout, so a check that
hangs or crashes cannot take the caller down. Each test becomes one result:
its name, whether it passed, and the first line of why not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass
from pathlib import Path

# How the pytest process finds the workspace and the lab (read by checker.pytest_plugin,
# which imports pytest; this module does not, so judging needs no pytest import).
WORKSPACE_ENV = "LAB_CHECK_WORKSPACE"
LAB_DIR_ENV = "LAB_CHECK_LAB_DIR"


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome. ``error`` marks a check that could not judge at all (its
    module does not import, a fixture of it raised): a fault of the check, not of the
    workspace."""

    name: str
    passed: bool
    message: str
    error: bool = False

    def as_dict(self) -> dict:
        data = asdict(self)
        if not self.error:
            del data["error"]
        return data


def _title(test_name: str) -> str:
    name = test_name.split("[", 1)[0]
    name = name[5:] if name.startswith("test_") else name
    return name.replace("_", " ")


def _first_line(text: str | None) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            return line[:300]
    return ""


def run_checks(lab_dir: Path, workspace: Path, *, timeout: float = 120.0,
               plugins: tuple[str, ...] = (), env: dict[str, str] | None = None,
               ) -> list[CheckResult]:
    """Run ``lab_dir/checks`` against ``workspace``; ``plugins`` are more pytest plugins
    (module names) that give the checks fixtures, ``env`` more environment for them."""
    lab_dir, workspace = Path(lab_dir).resolve(), Path(workspace).resolve()
    checks_dir = lab_dir / "checks"
    if not checks_dir.is_dir():
        return []
    with tempfile.TemporaryDirectory(prefix="lab-checks-") as tmp:
        report = Path(tmp) / "report.xml"
        ini = Path(tmp) / "pytest.ini"
        ini.write_text("[pytest]\n")
        env = {**os.environ, **(env or {})}
        env.update({WORKSPACE_ENV: str(workspace), LAB_DIR_ENV: str(lab_dir),
                    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})
        cmd = [sys.executable, "-m", "pytest", "-q", "-c", str(ini), "--rootdir", tmp,
               "-p", "no:cacheprovider", "-p", "checker.pytest_plugin",
               *(arg for plugin in plugins for arg in ("-p", plugin)),
               f"--junitxml={report}", "-o", "junit_family=xunit1", str(checks_dir)]
        try:
            proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return [CheckResult("checks finished in time", False,
                                f"the checks did not finish within {timeout:g} s")]
        if not report.exists():
            return [CheckResult("checks ran", False,
                                _first_line(proc.stderr or proc.stdout) or "pytest did not run")]
        return _parse(report)


def _parse(report: Path) -> list[CheckResult]:
    results = []
    for case in ET.parse(report).getroot().iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        skipped = case.find("skipped")
        if problem is not None and problem.tag == "error":
            results.append(_error(case, problem))
        elif problem is not None:
            message = _first_line(problem.get("message")) or _first_line(problem.text)
            results.append(CheckResult(_title(case.get("name", "?")), False,
                                       _clean(message)))
        elif skipped is not None:
            results.append(CheckResult(_title(case.get("name", "?")), False,
                                       "skipped: " + _first_line(skipped.get("message"))))
        else:
            results.append(CheckResult(_title(case.get("name", "?")), True, "ok"))
    return results


def _error(case: ET.Element, problem: ET.Element) -> CheckResult:
    """A check that raised outside its asserts: named by its module, with the error
    itself (the last ``E`` line of pytest's report, e.g. ``ImportError: ...``)."""
    module = (case.get("classname") or case.get("name") or "?").split(".")
    where = f"checks/{module[-1]}.py"
    text = problem.text or ""
    raised = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    message = (raised[-1] if raised else "") or _first_line(problem.get("message")) \
        or _first_line(text) or "the check raised an error"
    name = _title(case.get("name", "?")) if case.get("classname") else f"{where} loads"
    return CheckResult(name, False, f"{where}: {message[:300]}", error=True)


def _clean(message: str) -> str:
    # "AssertionError: the script keeps 1 ..." -> "the script keeps 1 ..."
    for prefix in ("AssertionError: ", "assert "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message
