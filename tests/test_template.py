"""The minitutor template: the rendered workspace, its build, the running
service and its answer cache, its recipes and scripts, and the key-swap fault
the labs inject."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from labkit import workspace
from labkit.paths import wheelhouse_dir

BIN = Path(sys.executable).parent
JUST = str(BIN / "just")
GOOD_LINE = '    return {"correction": fix_en, "spanish": fix_es}\n'
SWAPPED_LINE = '    return {"spanish": fix_es, "correction": fix_en}\n'
SENTENCE = "she go to school yesterday"
ENGLISH = "She went to school yesterday."
SPANISH = "Ella fue a la escuela ayer."
RECIPES = {"release", "rollback", "update", "cache-rotate", "smoke-portal", "artifacts-prune",
           "status"}

FAKE_LAB = """#!/bin/sh
# Stands in for the kit's CLI: records its arguments, one call a line.
echo "$*" >> "$LAB_CALLS"
echo "[fake-lab] $*"
"""


# --- fixtures -------------------------------------------------------------------


def _pins(lock: Path) -> list[tuple[str, str]]:
    pins = []
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins.append((re.sub(r"[-_.]+", "_", name).lower(), version))
    return pins


def _has_wheels(folder: Path, pins: list[tuple[str, str]]) -> bool:
    if not folder.is_dir():
        return False
    wheels = set()
    for wheel in folder.glob("*.whl"):
        name, version = wheel.name.split("-")[:2]
        wheels.add((re.sub(r"[-_.]+", "_", name).lower(), version))
    return all((name, version) in wheels for name, version in pins)


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory) -> Path:
    """The pinned wheels, downloaded at most once per session."""
    lock = workspace.templates_dir() / "minitutor" / "project" / "requirements.lock"
    pins = _pins(lock)
    existing = wheelhouse_dir()
    if _has_wheels(existing, pins):
        return existing
    target = tmp_path_factory.mktemp("wheelhouse")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
         "--no-deps", "--only-binary=:all:", "-r", str(lock), "-d", str(target)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"pip download failed:\n{result.stderr}"
    assert _has_wheels(target, pins)
    return target


@pytest.fixture(scope="module")
def kit_env(tmp_path_factory) -> Iterator[Path]:
    """A private template cache and a fake `lab` for this module's tests."""
    root = tmp_path_factory.mktemp("kit")
    fake_lab = root / "fake-lab"
    fake_lab.write_text(FAKE_LAB)
    fake_lab.chmod(0o755)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LAB_CACHE_DIR", str(root / "cache"))
        yield fake_lab


@pytest.fixture(scope="module")
def ws(kit_env, tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("course") / "learners" / "borja" / "phase-38"
    workspace.scaffold(
        "minitutor", dest, {"learner": "borja", "lab_command": str(kit_env)}
    )
    return dest


def export(ws: Path, into: Path, ref: str = "HEAD") -> Path:
    """A plain tree of a git ref, as the runtime hands it to the build."""
    data = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ws, capture_output=True, check=True
    ).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "data_filter"):  # Python 3.12+, and 3.10.12+ / 3.11.4+
            tar.extractall(into, filter="data")
        else:
            tar.extractall(into)
    return into


def build(tree: Path, out: Path, wheelhouse: Path, version: str):
    """Run the build recipe with the inputs the runtime gives it."""
    out.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update({
        "LAB_OUT": str(out),
        "LAB_WHEELHOUSE": str(wheelhouse),
        "LAB_PYTHON": sys.executable,
        "LAB_VERSION": version,
    })
    return subprocess.run(
        ["sh", "scripts/build.sh"], cwd=tree, env=env, capture_output=True, text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def payload(ws, wheelhouse, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("build")
    tree = export(ws, root / "tree")
    result = build(tree, root / "out", wheelhouse, "1.2.2")
    assert result.returncode == 0, result.stdout + result.stderr
    (root / "build.log").write_text(result.stdout)
    return root / "out"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8")


@contextmanager
def serve(release: Path, ws: Path, data: Path | None = None) -> Iterator[str]:
    """Run a built release the way the runtime does (cwd, PORT, PYTHONPATH from
    service.yaml made absolute, the kit's Python, LAB_DATA_DIR when ``data`` is
    given); always stop it."""
    service = YAML(typ="safe").load((ws / "service.yaml").read_text())
    command = [sys.executable if part == "python" else part for part in service["run"]]
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PORT": str(port),
        "LAB_VERSION": "from-env",
        "PYTHONPATH": os.pathsep.join(str(release / p) for p in service["pythonpath"]),
        "PYTHONDONTWRITEBYTECODE": "1",
        **({"LAB_DATA_DIR": str(data)} if data else {}),
    }
    proc = subprocess.Popen(
        command, cwd=release, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        health = base + service["health"]
        while True:
            assert proc.poll() is None, f"service exited early:\n{proc.stdout.read()}"
            try:
                if http(health)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "service did not become healthy in 15s"
            time.sleep(0.05)  # polling interval, not a wait for an outcome
        yield base
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0, "service did not exit cleanly on SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        proc.stdout.close()


def slot(page: str, name: str) -> str:
    match = re.search(rf'<[^>]*data-slot="{name}"[^>]*>(.*?)</', page, re.S)
    assert match, f"no data-slot={name!r} element in the page"
    return html.unescape(match.group(1).strip())


# --- the rendered workspace -----------------------------------------------------


def test_rendered_files(ws):
    service = YAML(typ="safe").load((ws / "service.yaml").read_text())
    assert service == {
        "schema_version": 1,
        "app": "tutor",
        "build": ["sh", "scripts/build.sh"],
        "run": ["python", "-m", "minitutor.app"],
        "pythonpath": ["site", "src"],
        "health": "/healthz",
        "contract": "contract/api.json",
    }
    contract = json.loads((ws / "contract" / "api.json").read_text())
    assert [f["name"] for f in contract["response"]["fields"]] == ["correction", "spanish"]
    assert contract["request"]["path"] == "/quiz/submit"
    assert contract["portal"] == {"path": "/portal", "param": "sentence",
                                  "slot_attribute": "data-slot"}
    agent = (ws / "src" / "minitutor" / "agent.py").read_text()
    assert agent.count(GOOD_LINE) == 1
    release = (ws / "scripts" / "release.sh").read_text().splitlines()
    assert release.count("just artifacts-prune --keep 5") == 1
    assert (ws / "VERSION").read_text().strip() == "0.0.0"
    ignored = (ws / ".gitignore").read_text().split()
    assert {".lab/", "artifacts/", ".env", "__pycache__/"} <= set(ignored)
    assert "{{" in (ws / "Justfile").read_text()  # copied, not rendered
    assert "borja" in (ws / "README.md").read_text()
    assert "En español" in (ws / "README.md").read_text()


def test_just_lists_the_recipes(ws):
    result = subprocess.run([JUST, "--list"], cwd=ws, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()}
    assert listed == RECIPES
    assert all("#" in line for line in result.stdout.splitlines()[1:])  # each documented


def test_recipes_take_lab_from_dotenv_and_env_wins(ws, kit_env, tmp_path):
    calls = tmp_path / "calls"
    env = {**os.environ, "LAB_CALLS": str(calls)}
    env.pop("LAB", None)
    subprocess.run([JUST, "status"], cwd=ws, env=env, check=True, capture_output=True)
    subprocess.run([JUST, "artifacts-prune", "--keep", "5"], cwd=ws, env=env, check=True,
                   capture_output=True)
    assert calls.read_text().splitlines() == ["status", "artifacts prune --keep 5"]

    other = tmp_path / "other-lab"
    other.write_text('#!/bin/sh\necho "other $*" >> "$LAB_CALLS"\n')
    other.chmod(0o755)
    subprocess.run([JUST, "smoke-portal"], cwd=ws, env={**env, "LAB": str(other)},
                   check=True, capture_output=True)
    assert calls.read_text().splitlines()[-1] == "other smoke"


# --- scripts/release.sh and scripts/rollback.sh ---------------------------------


@pytest.fixture
def clone(ws, tmp_path) -> Path:
    """A disposable copy of the workspace, so releases do not touch the shared one."""
    dest = tmp_path / "clone"
    shutil.copytree(ws, dest, symlinks=True)
    return dest


def run_script(clone: Path, kit_env: Path, calls: Path, *args: str):
    env = {**os.environ, "LAB": str(kit_env), "LAB_CALLS": str(calls),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(["sh", *args], cwd=clone, env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("args", "message"),
    [((), "missing version"), (("1.2",), "not of the form X.Y.Z"),
     (("v1.2.3",), "not of the form X.Y.Z"), (("1.2.3.4",), "not of the form X.Y.Z"),
     (("1..3",), "not of the form X.Y.Z"), (("1.2.3; rm",), "not of the form")],
)
def test_release_refuses_bad_versions(clone, kit_env, tmp_path, args, message):
    result = run_script(clone, kit_env, tmp_path / "calls", "scripts/release.sh", *args)
    assert result.returncode == 1
    assert result.stderr.startswith("[release] ERROR: ")
    assert message in result.stderr
    assert not (tmp_path / "calls").exists()


def test_release_tags_builds_deploys_and_prunes(clone, kit_env, tmp_path):
    calls = tmp_path / "calls"
    result = run_script(clone, kit_env, calls, "scripts/release.sh", "1.2.3")
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls.read_text().splitlines() == [
        "artifacts build 1.2.3 --ref v1.2.3",
        "deploy 1.2.3",
        "artifacts prune --keep 5",
    ]
    assert "[release] artifacts-prune --keep 5" in result.stdout
    assert (clone / "VERSION").read_text() == "1.2.3\n"
    assert git_out(clone, "log", "-1", "--format=%s") == "release 1.2.3"
    assert git_out(clone, "cat-file", "-t", "v1.2.3") == "tag"  # annotated
    assert git_out(clone, "show", "v1.2.3:VERSION") == "1.2.3"

    again = run_script(clone, kit_env, calls, "scripts/release.sh", "1.2.3")
    assert again.returncode == 1
    assert "[release] ERROR: tag v1.2.3 already exists" in again.stderr


def test_release_with_the_prune_fault_says_what_it_runs(clone, kit_env, tmp_path):
    script = clone / "scripts" / "release.sh"
    text = script.read_text()
    assert text.count("just artifacts-prune --keep 5") == 1
    script.write_text(text.replace("just artifacts-prune --keep 5", "just artifacts-prune --keep 1"))
    calls = tmp_path / "calls"
    result = run_script(clone, kit_env, calls, "scripts/release.sh", "1.2.4")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[release] artifacts-prune --keep 1" in result.stdout
    assert calls.read_text().splitlines()[-1] == "artifacts prune --keep 1"


def test_rollback_passes_its_arguments_to_lab(clone, kit_env, tmp_path):
    calls = tmp_path / "calls"
    result = run_script(clone, kit_env, calls, "scripts/rollback.sh", "--rebuild")
    assert result.returncode == 0, result.stderr
    assert calls.read_text().splitlines() == ["rollback --rebuild"]


def test_a_rollback_moves_the_cache_to_a_fresh_namespace(clone, kit_env, tmp_path):
    cache = clone / ".lab" / "data" / "cache"
    for expected in ("ns-1", "ns-2"):
        result = run_script(clone, kit_env, tmp_path / "calls", "scripts/rollback.sh")
        assert result.returncode == 0, result.stderr
        assert (cache / "NAMESPACE").read_text() == expected + "\n"
    assert "[cache] answers now go to namespace ns-2 (was ns-1)" in result.stderr

    failing = tmp_path / "failing-lab"
    failing.write_text("#!/bin/sh\necho 'no prior release' >&2\nexit 3\n")
    failing.chmod(0o755)
    failed = run_script(clone, failing, tmp_path / "calls", "scripts/rollback.sh")
    assert failed.returncode == 3 and "no prior release" in failed.stderr
    assert (cache / "NAMESPACE").read_text() == "ns-2\n"  # no flip, no rotation


def git_out(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()


# --- the build and the running service ------------------------------------------


def test_build_makes_a_release_payload(payload):
    log = (payload.parent / "build.log").read_text()
    assert (payload / "site" / "waitress" / "__init__.py").is_file()
    assert (payload / "site" / "jinja2").is_dir()
    assert (payload / "site" / "markupsafe").is_dir()
    assert (payload / "src" / "minitutor" / "app.py").is_file()
    assert (payload / "src" / "minitutor" / "templates" / "portal.html").is_file()
    assert (payload / "contract" / "api.json").is_file()
    assert (payload / "VERSION").read_text() == "1.2.2\n"
    assert "[build] running the service's tests" in log
    assert re.search(r"^\d+ passed", log, re.M), log  # the gate ran


def test_built_service_serves_the_contract(payload, ws):
    with serve(payload, ws) as base:
        status, body = http(base + "/quiz/submit", json.dumps({"sentence": SENTENCE}).encode())
        assert status == 200
        assert body.index('"correction"') < body.index('"spanish"')
        assert json.loads(body) == {"correction": ENGLISH, "spanish": SPANISH}

        assert http(base + "/version") == (200, '{"version": "1.2.2"}')
        assert http(base + "/quiz/submit", b"{")[0] == 400

        query = urllib.parse.urlencode({"sentence": SENTENCE})
        status, page = http(f"{base}/portal?{query}")
        assert status == 200
        assert slot(page, "correction") == ENGLISH
        assert slot(page, "spanish") == SPANISH
        assert 'data-slot="correction" lang="en"' in page


def test_releases_share_the_cache_directory_but_not_their_answers(payload, ws, tmp_path):
    data = tmp_path / "data"
    request = json.dumps({"sentence": SENTENCE}).encode()
    with serve(payload, ws, data) as base:
        assert json.loads(http(base + "/quiz/submit", request)[1])["correction"] == ENGLISH
        [entry] = (data / "cache" / "ns-0" / "1.2.2").iterdir()
        entry.write_text('{"correction": "kept", "spanish": "guardada"}')
        assert json.loads(http(base + "/quiz/submit", request)[1])["correction"] == "kept"

    newer = tmp_path / "newer"
    shutil.copytree(payload, newer)
    (newer / "VERSION").write_text("1.2.3\n")
    with serve(newer, ws, data) as base:  # the same cache, another release
        assert json.loads(http(base + "/quiz/submit", request)[1])["correction"] == ENGLISH

    subprocess.run(["sh", "scripts/cache-rotate.sh"], cwd=ws, check=True, capture_output=True,
                   env={**os.environ, "LAB_DATA_DIR": str(data)})
    with serve(payload, ws, data) as base:  # 1.2.2 again, in a fresh namespace
        assert json.loads(http(base + "/quiz/submit", request)[1])["correction"] == ENGLISH
    assert (data / "cache" / "ns-1" / "1.2.2").is_dir()


def test_build_gate_fails_on_a_failing_test(ws, wheelhouse, tmp_path):
    tree = export(ws, tmp_path / "tree")
    (tree / "tests" / "test_broken.py").write_text("def test_broken():\n    assert 1 == 2\n")
    result = build(tree, tmp_path / "out", wheelhouse, "9.9.9")
    assert result.returncode != 0
    assert "1 failed" in result.stdout
    assert not (tmp_path / "out" / "VERSION").exists()


def test_key_swap_passes_the_service_tests_but_breaks_the_portal(ws, wheelhouse, tmp_path):
    tree = export(ws, tmp_path / "tree")
    agent = tree / "src" / "minitutor" / "agent.py"
    source = agent.read_text()
    assert source.count(GOOD_LINE) == 1
    agent.write_text(source.replace(GOOD_LINE, SWAPPED_LINE))

    result = build(tree, tmp_path / "out", wheelhouse, "1.2.3")
    assert result.returncode == 0, result.stdout + result.stderr  # the gate lets it through
    assert re.search(r"^\d+ passed", result.stdout, re.M)

    with serve(tmp_path / "out", ws) as base:
        status, body = http(base + "/quiz/submit", json.dumps({"sentence": SENTENCE}).encode())
        assert status == 200
        assert body.index('"spanish"') < body.index('"correction"')
        assert json.loads(body) == {"correction": ENGLISH, "spanish": SPANISH}  # same dict

        status, page = http(f"{base}/portal?{urllib.parse.urlencode({'sentence': SENTENCE})}")
        assert status == 200
        assert slot(page, "correction") == SPANISH  # the Spanish gloss in the English slot
        assert slot(page, "spanish") == ENGLISH


# --- scripts/update.sh: the auto-updater that follows the stable channel ---------

SERVING_LAB = """#!/bin/sh
# A fake `lab`: `status --json` says $SERVING is serving; other calls are recorded.
if [ "$1" = status ]; then
    printf '{\\n  "schema_version": 1,\\n  "data": {\\n    "serving": "%s"\\n  }\\n}\\n' "$SERVING"
    exit 0
fi
echo "$*" >> "$LAB_CALLS"
"""


def run_update(clone: Path, tmp_path: Path, stable: str, serving: str, *args: str):
    fake = tmp_path / "serving-lab"
    fake.write_text(SERVING_LAB)
    fake.chmod(0o755)
    (clone / "deploy" / "channel.json").write_text(f'{{"stable": "{stable}"}}\n')
    env = {**os.environ, "LAB": str(fake), "LAB_CALLS": str(tmp_path / "calls"),
           "SERVING": serving}
    return subprocess.run(["sh", "scripts/update.sh", *args], cwd=clone, env=env,
                          capture_output=True, text=True)


def calls(tmp_path: Path) -> list[str]:
    path = tmp_path / "calls"
    return path.read_text().splitlines() if path.exists() else []


def test_update_deploys_a_newer_stable(clone, tmp_path):
    result = run_update(clone, tmp_path, "1.10.0", "1.9.2")
    assert result.returncode == 0, result.stderr
    assert "stable is 1.10.0; deploying it (serving 1.9.2)" in result.stdout
    assert calls(tmp_path) == ["deploy 1.10.0"]


def test_update_refuses_an_older_stable_and_a_dry_run_deploys_nothing(clone, tmp_path):
    older = run_update(clone, tmp_path, "1.9.10", "1.10.0")
    assert older.returncode == 1
    assert "[update] REFUSED: stable names 1.9.10, older than the serving 1.10.0" in older.stderr
    same = run_update(clone, tmp_path, "1.10.0", "1.10.0")
    assert same.returncode == 0 and "nothing to do" in same.stdout
    dry = run_update(clone, tmp_path, "1.10.1", "1.10.0", "--dry-run")
    assert "would deploy 1.10.1 (serving 1.10.0)" in dry.stdout
    assert calls(tmp_path) == []


def test_the_template_channel_names_nothing_released(ws):
    assert (ws / "deploy" / "channel.json").read_text() == '{"stable": "0.0.0"}\n'
