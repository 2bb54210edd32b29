"""Checks of lab 38-06, run against the learner's workspace.

The two cache checks use the workspace's own tools the way an operator would,
in a scratch cache directory, never the one the serving release uses: the
rollback script with a stand-in for `lab`, and the cache module in a separate
interpreter with two release names.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from labkit import labchecks
from labkit.labchecks import say

# Two releases answer the same sentence through the workspace's cache, one after
# the other, each rendering its own answer on a miss; prints what the second got.
TWO_RELEASES = """
import sys
from pathlib import Path
from minitutor import cache

root = Path(sys.argv[1])
cache.answer(root, "1.0.0", "probe", lambda s: {"correction": "old", "spanish": "vieja"})
got = cache.answer(root, "2.0.0", "probe", lambda s: {"correction": "new", "spanish": "nueva"})
print(got["correction"])
"""


def test_smoke_is_green(workspace):
    labchecks.smoke_is_green(workspace)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    labchecks.serving_is_newer_than(workspace, lab.break_.release)


def test_a_rollback_moves_the_cache_to_a_fresh_namespace(workspace):
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        cache.mkdir()
        (cache / "NAMESPACE").write_text("ns-7\n")
        # `true` stands in for lab: the flip "succeeds" and nothing real moves.
        env = {**os.environ, "LAB": "true", "LAB_DATA_DIR": tmp}
        proc = subprocess.run(["sh", "scripts/rollback.sh"], cwd=workspace, env=env,
                              capture_output=True, text=True, timeout=60)
        after = (cache / "NAMESPACE").read_text().strip() if (cache / "NAMESPACE").is_file() else ""
    said = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 0, say(
        f"scripts/rollback.sh fails after a successful flip: {said[-1] if said else 'no output'}",
        f"scripts/rollback.sh falla tras un cambio de puntero que salió bien: "
        f"{said[-1] if said else 'sin salida'}")
    assert after and after != "ns-7", say(
        "after a rollback the cache namespace is still ns-7: the release rolled back to "
        "serves what the newer one stored (scripts/rollback.sh must rotate the namespace)",
        "tras un rollback el espacio de nombres de la caché sigue siendo ns-7: la versión a la "
        "que se vuelve sirve lo que guardó la más nueva (scripts/rollback.sh tiene que rotar "
        "el espacio de nombres)")


def test_a_release_never_serves_an_answer_another_release_cached(workspace):
    with tempfile.TemporaryDirectory() as tmp:
        env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(workspace / "src"),
               "PYTHONDONTWRITEBYTECODE": "1"}
        proc = subprocess.run([sys.executable, "-S", "-c", TWO_RELEASES, tmp], cwd=tmp, env=env,
                              capture_output=True, text=True, timeout=60)
    said = (proc.stdout + proc.stderr).strip().splitlines()
    assert proc.returncode == 0, say(
        "src/minitutor/cache.py could not be run as two releases would: "
        f"{said[-1] if said else 'no output'}",
        "src/minitutor/cache.py no se pudo ejecutar como lo harían dos versiones: "
        f"{said[-1] if said else 'sin salida'}")
    assert said and said[-1] == "new", say(
        "release 2.0.0 was served the answer release 1.0.0 cached for the same sentence: "
        "cache keys must name the release that rendered the answer",
        "a la versión 2.0.0 se le sirvió la respuesta que la 1.0.0 guardó para la misma frase: "
        "las claves de la caché tienen que nombrar la versión que generó la respuesta")


def test_service_tests_are_untouched(workspace, lab):
    labchecks.service_tests_untouched(workspace, f"v{lab.baseline.releases[0]}")
