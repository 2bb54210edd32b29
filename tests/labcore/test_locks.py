"""labcore.locks: exclusive file locks that always time out, naming their holder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from support import wait_for

from labcore import locks
from labcore.errors import EXIT_LOCKED, LabError, LockTimeout

HOLDER = """
import sys
from pathlib import Path
from labcore.locks import file_lock
with file_lock(Path(sys.argv[1]), timeout=5, what="the test's holder"):
    print("held", flush=True)
    sys.stdin.read()  # holds the lock until the test closes stdin
"""


@pytest.fixture
def holder(tmp_path):
    """A real process holding the lock on tmp_path/release.lock until the test ends."""
    path = tmp_path / "release.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "held"
        yield path, proc.pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def test_file_lock_writes_the_holders_pid(tmp_path):
    path = tmp_path / "sub" / "release.lock"
    with locks.file_lock(path, timeout=1, what="a deploy"):
        assert path.read_text() == f"{os.getpid()}\n"
        assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_timeout_raises_lock_timeout_naming_what_and_the_holder(holder):
    path, pid = holder
    with pytest.raises(LockTimeout) as caught, \
            locks.file_lock(path, timeout=0.1, what="another deploy"):
        pytest.fail("the lock was taken while another process held it")
    message = str(caught.value)
    assert "gave up after 0.1 s waiting for another deploy to finish" in message
    assert f"(held by process {pid})" in message
    assert isinstance(caught.value, LabError) and caught.value.exit_code == EXIT_LOCKED


def test_the_lock_is_free_again_once_its_holder_is_gone(tmp_path):
    path = tmp_path / "release.lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    assert locks.try_lock(path) is None
    proc.stdin.close()
    proc.wait(timeout=10)
    fd = wait_for(lambda: locks.try_lock(path), what="the lock to be free")
    os.close(fd)


def test_without_a_readable_pid_the_message_names_no_holder(tmp_path):
    path = tmp_path / "release.lock"
    fd = locks.try_lock(path)
    try:
        path.write_text("not a pid\n")
        other = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(LockTimeout) as caught:
                locks.acquire(other, timeout=0, what="a prune", path=path)
            assert "held by" not in str(caught.value)
            with pytest.raises(LockTimeout) as caught:
                locks.acquire(other, timeout=0, what="a prune")  # no path: no holder
            assert str(caught.value).endswith("to finish; try again when it is done")
        finally:
            os.close(other)
    finally:
        os.close(fd)


def test_try_lock_gives_one_holder_at_a_time(tmp_path):
    path = tmp_path / "deep" / "supervisor.lock"
    first = locks.try_lock(path)
    assert first is not None and path.exists()
    try:
        assert locks.try_lock(path) is None
    finally:
        os.close(first)
    again = locks.try_lock(path)
    assert again is not None
    os.close(again)


def test_default_timeout_reads_the_environment(monkeypatch):
    monkeypatch.delenv(locks.LOCK_TIMEOUT_ENV, raising=False)
    assert locks.default_timeout() == 120.0
    assert locks.default_timeout(7) == 7
    monkeypatch.setenv(locks.LOCK_TIMEOUT_ENV, "2.5")
    assert locks.default_timeout() == 2.5
    monkeypatch.setenv(locks.LOCK_TIMEOUT_ENV, "soon")
    assert locks.default_timeout(9) == 9


def test_shared_holders_share_and_an_exclusive_one_waits_for_them(tmp_path):
    path = tmp_path / "images.lock"
    readers = (locks.file_lock(path, timeout=1, what="one reader", shared=True),
               locks.file_lock(path, timeout=1, what="another reader", shared=True))
    with readers[0], readers[1], pytest.raises(
            LockTimeout, match="gave up after 0.1 s waiting for the writer"), \
            locks.file_lock(path, timeout=0.1, what="the writer"):
        pass
    with locks.file_lock(path, timeout=1, what="the writer"), pytest.raises(LockTimeout), \
            locks.file_lock(path, timeout=0.1, what="a reader", shared=True):
        pass
