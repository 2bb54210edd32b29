"""Checks of lab 38-04, run against the learner's workspace.

The two data checks use the workspace's own code and scripts the way an
operator would, on a scratch record, never the one the serving release uses:
the store module of the fixed code and of the last good release, each in a
separate interpreter, and the release script in a scratch clone with a
stand-in for `lab`.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from labkit import labchecks
from labkit.labchecks import say

# Opens (and so migrates) the record in argv[1] with the code on PYTHONPATH, then
# records one attempt the way the API does.
RECORD_ONE = """
import sys
from pathlib import Path
from minitutor import store

store.record(Path(sys.argv[1]) / store.FILENAME, "probe",
             {"correction": "Probe.", "spanish": "Sonda."})
print("recorded")
"""


def _last(proc) -> str:
    said = (proc.stdout + proc.stderr).strip().splitlines()
    return said[-1] if said else say("no output", "sin salida")


def _record_with(src: Path, data: Path):
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(src),
           "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-S", "-c", RECORD_ONE, str(data)], cwd=data,
                          env=env, capture_output=True, text=True, timeout=60)


def test_smoke_is_green(workspace):
    labchecks.smoke_is_green(workspace)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    labchecks.serving_is_newer_than(workspace, lab.break_.release)


def test_the_last_good_release_can_still_write_what_the_code_migrated(workspace, lab):
    good = lab.baseline.releases[-1]
    with tempfile.TemporaryDirectory() as tmp:
        old, data = Path(tmp) / "old", Path(tmp) / "data"
        old.mkdir()
        data.mkdir()
        archive = subprocess.run(["git", "archive", "--format=tar", f"v{good}", "src"],
                                 cwd=workspace, capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(old, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
        new = _record_with(workspace / "src", data)
        assert new.returncode == 0, say(
            f"src/minitutor/store.py could not record an attempt: {_last(new)}",
            f"src/minitutor/store.py no pudo apuntar un intento: {_last(new)}")
        back = _record_with(old / "src", data)
    assert back.returncode == 0, say(
        f"after the code in src/ migrates the record, {good} (the release a rollback goes "
        f"back to) can no longer write it: {_last(back)}",
        f"cuando el código de src/ migra el registro, {good} (la versión a la que vuelve un "
        f"rollback) ya no puede escribir en él: {_last(back)}")


def test_the_release_script_backs_the_data_up_before_it_deploys(workspace):
    with tempfile.TemporaryDirectory() as tmp:
        clone, data = Path(tmp) / "clone", Path(tmp) / "data"
        subprocess.run(["git", "clone", "-q", str(workspace), str(clone)], check=True,
                       capture_output=True, timeout=60)
        data.mkdir()
        made = _record_with(clone / "src", data)
        assert made.returncode == 0, _last(made)
        # `true` stands in for lab: the build, the deploy and the prune "succeed".
        env = {**os.environ, "LAB": "true", "LAB_DATA_DIR": str(data),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
               "GIT_AUTHOR_NAME": "check", "GIT_AUTHOR_EMAIL": "check@example.invalid",
               "GIT_COMMITTER_NAME": "check", "GIT_COMMITTER_EMAIL": "check@example.invalid"}
        proc = subprocess.run(["sh", "scripts/release.sh", "99.0.0"], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=120)
        copies = sorted(p.name for p in (data / "backups").glob("*.before-99.0.0.*.db")) \
            if (data / "backups").is_dir() else []
    assert proc.returncode == 0, say(
        f"scripts/release.sh fails with a stand-in for lab: {_last(proc)}",
        f"scripts/release.sh falla con un sustituto de lab: {_last(proc)}")
    assert copies, say(
        "scripts/release.sh deployed without a backup of .lab/data/quiz.db: nothing in "
        "backups/ names the release, so a rollback has no data to go back to",
        "scripts/release.sh desplegó sin copiar .lab/data/quiz.db: nada en backups/ nombra "
        "la versión, así que un rollback no tiene datos a los que volver")


def test_service_tests_are_untouched(workspace, lab):
    labchecks.service_tests_untouched(workspace, f"v{lab.baseline.releases[0]}")
