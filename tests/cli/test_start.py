"""`lab start` refuses what it cannot use before touching the course."""

from __future__ import annotations

from support import base_env, lab


def test_bad_learner_names_and_unknown_labs_are_refused(tmp_path):
    env = base_env(LAB_COURSE=str(tmp_path))
    for name in ("../evil", "a/b", "", ".."):
        proc = lab("start", "38-01", "--learner", name, env=env, check=False, cwd=tmp_path)
        assert proc.returncode == 2, (name, proc.stderr)
        assert "is not a simple name" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "learners").exists()
    proc = lab("start", "99-99", "--learner", "ana", env=env, check=False, cwd=tmp_path)
    assert proc.returncode == 2 and "there is no lab '99-99'" in proc.stderr
