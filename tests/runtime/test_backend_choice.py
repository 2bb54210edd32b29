"""Choosing a backend: recorded in the workspace, shown by `lab status`; without a
Docker daemon the docker backend says so in one sentence and changes nothing."""

from __future__ import annotations

from support import base_env, lab, lab_json, make_miniapp


def test_a_workspace_records_its_backend_and_status_shows_it(built):
    assert lab_json("status", cwd=built)["backend"] == "process"
    assert "backend:    process" in lab("status", cwd=built).stdout
    # Once recorded, the environment does not move a workspace to another backend.
    env = base_env(LAB_BACKEND="docker")
    assert lab_json("status", cwd=built, env=env)["backend"] == "process"


def test_an_unknown_backend_is_refused(tmp_path):
    env = base_env(LAB_COURSE=str(tmp_path), LAB_LEARNER="ana")
    proc = lab("start", "38-01", "--backend", "podman", env=env, check=False)
    assert proc.returncode == 2 and "podman" in proc.stderr
    assert not (tmp_path / "learners").exists()


def test_no_daemon_is_one_sentence_exit_2_and_changes_nothing(tmp_path):
    env = base_env(DOCKER_HOST=f"unix://{tmp_path}/no-daemon.sock", LAB_COURSE=str(tmp_path),
                   LAB_LEARNER="ana")
    proc = lab("start", "38-01", "--backend", "docker", env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert "No Docker daemon is reachable" in first and "dockerd" in first, proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "learners").exists()
    ws = make_miniapp(tmp_path / "ws", ["1.0.0"])
    proc = lab("artifacts", "build", "1.0.0", "--ref", "v1.0.0", cwd=ws,
               env={**env, "LAB_BACKEND": "docker"}, check=False)
    assert proc.returncode == 2 and "No Docker daemon is reachable" in proc.stderr
    assert not (ws / "artifacts").exists() and not (ws / ".lab" / "backend.json").exists()


def test_a_lab_that_needs_docker_says_so_without_one_in_both_languages(tmp_path):
    env = base_env(DOCKER_HOST=f"unix://{tmp_path}/no-daemon.sock", LAB_COURSE=str(tmp_path),
                   LAB_LEARNER="ana")
    proc = lab("start", "38-03", env=env, check=False)
    assert proc.returncode == 2, proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert "Lab 38-03 needs Docker (it runs on the swarm backend)" in first, proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "learners").exists()
    proc = lab("start", "38-03", "--lang", "es", env=env, check=False)
    assert "El laboratorio 38-03 necesita Docker" in proc.stderr
    # The lab's own backend is not negotiable.
    proc = lab("start", "38-03", "--backend", "process", env=env, check=False)
    assert proc.returncode == 2
    assert "lab 38-03 runs on the swarm backend only, not on process" in proc.stderr
