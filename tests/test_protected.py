"""One protected-path rule for a record's fix diff and for `lab dev check`."""

from __future__ import annotations

import shutil

import pytest
from support import KIT_ROOT, base_env, lab, unwrap

from checker.diffs import parse_unified_diff, touches
from labcore.protected import matches, protected


@pytest.mark.parametrize(
    ("path", "pattern", "hit"),
    [
        ("tests/test_a.py", "tests/", True),
        ("tests/test_a.py", "tests", True),
        ("tests", "tests/", True),
        ("testsuite/a.py", "tests", False),
        ("Tests/Test_A.py", "tests/", True),
        ("src/minitutor/agent.py", "SRC/*/agent.py", True),
        ("src/a/b/agent.py", "src/*/agent.py", True),  # '*' crosses '/'
        ("src/minitutor/agent.pyc", "src/*/agent.py", False),
        ("tests/deep/x.py", "tests/*", True),
        ("scripts/release.sh", "./scripts/release.sh", True),
        ("scripts/release.sh", "scripts\\release.sh", True),
        ("scripts/release.sh", "", False),
    ],
)
def test_matches(path: str, pattern: str, hit: bool) -> None:
    assert matches(path, pattern) is hit


def test_the_diff_rule_is_the_same_rule() -> None:
    diff = ("--- a/Src/Minitutor/agent.py\n+++ b/Src/Minitutor/agent.py\n@@ -1 +1 @@\n-a\n+b\n"
            "--- a/README.md\n+++ b/README.md\n@@ -1 +1 @@\n-a\n+b\n")
    paths = ["Src/Minitutor/agent.py", "README.md"]
    for patterns in (["src/*/AGENT.py"], ["src/"], ["readme.md"], ["*.md"], ["docs/"]):
        assert touches(parse_unified_diff(diff), patterns) == protected(paths, patterns)


def test_dev_check_flags_a_fault_in_a_protected_glob_whatever_its_case(tmp_path) -> None:
    labs = tmp_path / "labs"
    source = KIT_ROOT / "labs" / "38-01-no-rollback-path"
    target = labs / "38-05-protected-glob"
    shutil.copytree(source, target)
    text = (target / "lab.yaml").read_text().replace('id: "38-01"', 'id: "38-05"')
    text = text.replace('protected: ["tests/"]', 'protected: ["tests/", "SRC/*/Agent.py"]')
    (target / "lab.yaml").write_text(text)
    proc = lab("dev", "check", "38-05", "--json", env=base_env(LAB_LABS_DIR=str(labs)),
               cwd=tmp_path, check=False, timeout=120)
    assert proc.returncode == 1, proc.stderr
    steps = unwrap(proc.stdout)["steps"]
    assert steps[-1]["step"] == "faults leave protected paths alone"
    assert not steps[-1]["ok"]
    assert steps[-1]["detail"] == "faults edit src/minitutor/agent.py"
