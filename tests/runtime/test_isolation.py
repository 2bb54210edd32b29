"""A release runs on its own payload and the standard library, never on the kit's
environment: a dependency missing from its pins fails at start, as in production.
What releases share is the workspace's data directory, handed to each of them."""

from __future__ import annotations

import json

from support import git, http_get, lab, public_url


def test_a_release_missing_a_pinned_dependency_fails_to_start_in_one_sentence(built):
    lab("deploy", "1.0.2", cwd=built)
    main = built / "src" / "miniapp" / "__main__.py"
    # rich is installed beside the kit, so the build's own tests still pass;
    # the release itself does not pin it.
    main.write_text(main.read_text().replace("import six", "import rich  # noqa: F401\nimport six"))
    (built / "VERSION").write_text("1.0.3\n")
    git("commit", "-q", "-am", "use rich without pinning it", cwd=built)
    git("tag", "v1.0.3", cwd=built)
    lab("artifacts", "build", "1.0.3", "--ref", "v1.0.3", cwd=built)
    proc = lab("deploy", "1.0.3", cwd=built, check=False)
    assert proc.returncode == 1, proc.stderr
    first = proc.stderr.strip().splitlines()[0]
    assert "1.0.3 cannot start" in first, proc.stderr
    assert "'rich'" in first and "requirements.lock" in first, proc.stderr
    assert "Traceback" not in first
    status, body = http_get(public_url(built) + "/version")
    assert status == 200 and json.loads(body)["version"] == "1.0.2"


def test_a_release_does_not_see_the_kits_packages(built):
    lab("deploy", "1.0.0", cwd=built)
    status, body = http_get(public_url(built) + "/version")
    assert status == 200 and json.loads(body)["six"]  # its own pin is there


def test_every_release_is_handed_the_same_data_directory(built):
    """State a release keeps (a cache) goes to .lab/data, which outlives each release."""
    seen = {}
    for version in ("1.0.0", "1.0.1"):
        lab("deploy", version, cwd=built)
        status, body = http_get(public_url(built) + "/data")
        assert status == 200
        answer = json.loads(body)
        seen[answer["version"]] = answer["data"]
    data = (built / ".lab" / "data").resolve()
    assert seen == {"1.0.0": str(data), "1.0.1": str(data)}
    assert data.is_dir()
