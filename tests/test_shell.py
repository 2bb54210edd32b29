"""`lab shell`: the learner's shell in the workspace, with the kit's tools on PATH."""

from __future__ import annotations

from support import BIN, base_env, lab


def bare_env(**extra):
    """A fresh login's environment: nothing of the kit on PATH."""
    return base_env(PATH="/usr/bin:/bin", SHELL="/bin/sh", **extra)


def test_a_command_runs_in_the_workspace_with_just_and_lab_on_path(built, tmp_path):
    proc = lab("shell", "--workspace", str(built), "-c",
               'command -v just; command -v lab; pwd; echo "$LAB_WORKSPACE"',
               cwd=tmp_path, env=bare_env())
    just_path, lab_path, cwd, announced = proc.stdout.splitlines()
    assert just_path == str(BIN / "just") and lab_path == str(BIN / "lab")
    assert cwd == str(built) and announced == str(built)


def test_the_command_exit_status_is_the_shells(built, tmp_path):
    proc = lab("shell", "--workspace", str(built), "-c", "exit 7", cwd=tmp_path,
               env=bare_env(), check=False)
    assert proc.returncode == 7


def test_an_interactive_shell_reads_its_commands_and_says_where_it_is(built, tmp_path):
    import subprocess

    from support import LAB

    proc = subprocess.run([*LAB, "shell", "--workspace", str(built)], input="just --version\n",
                          capture_output=True, text=True, env=bare_env(), cwd=tmp_path,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"[shell] in {built}, with lab and just on PATH")
    assert "just " in proc.stdout and "[shell] left the workspace" in proc.stdout


def test_outside_a_workspace_it_says_so_in_one_sentence(tmp_path):
    proc = lab("shell", "-c", "true", cwd=tmp_path, env=bare_env(), check=False)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr
    assert "workspace" in proc.stderr
