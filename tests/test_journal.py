"""The evidence journal: appends chain, and any tampering is caught and located."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from checker.journal import GENESIS, Journal


def filled(tmp_path, n=6, key=None) -> Journal:
    journal = Journal(tmp_path / "journal.jsonl", key=key)
    for i in range(n):
        journal.append("event.test", {"i": i})
    return journal


def lines(journal):
    return journal.path.read_text().splitlines()


def write(journal, rows):
    journal.path.write_text("".join(r + "\n" for r in rows))


def test_entries_carry_seq_times_event_data_and_prev(tmp_path):
    journal = filled(tmp_path, 3)
    rows = [json.loads(r) for r in lines(journal)]
    assert [r["seq"] for r in rows] == [1, 2, 3]
    assert rows[0]["prev"] == GENESIS
    for row in rows:
        assert {"seq", "wall", "mono_ns", "event", "data", "prev", "v"} <= set(row)
    assert rows[1]["mono_ns"] >= rows[0]["mono_ns"]
    verdict = journal.verify()
    assert verdict.intact and verdict.lines == 3


@pytest.mark.parametrize("target", [0, 2, 5])
def test_an_edited_line_is_caught_wherever_it_is(tmp_path, target):
    journal = filled(tmp_path)
    rows = lines(journal)
    rows[target] = rows[target].replace('"i":', '"i" :').replace(f'"i" :{target}', '"i":99')
    write(journal, rows)
    verdict = journal.verify()
    assert not verdict.intact
    assert verdict.problem == "edited" and verdict.line == target + 1


def test_a_removed_line_is_caught(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal)
    del rows[2]
    write(journal, rows)
    verdict = journal.verify()
    assert not verdict.intact and verdict.problem == "removed" and verdict.line == 3


def test_reordered_lines_are_caught(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal)
    rows[3], rows[4] = rows[4], rows[3]
    write(journal, rows)
    verdict = journal.verify()
    assert not verdict.intact and verdict.problem in ("reordered", "removed")
    assert verdict.line == 4


def test_truncation_is_caught(tmp_path):
    journal = filled(tmp_path)
    write(journal, lines(journal)[:4])
    verdict = journal.verify()
    assert not verdict.intact and verdict.problem == "truncated" and verdict.line == 5


def test_garbage_line_is_malformed(tmp_path):
    journal = filled(tmp_path)
    rows = lines(journal)
    rows.insert(1, "not json at all")
    write(journal, rows)
    verdict = journal.verify()
    assert not verdict.intact and verdict.problem == "malformed" and verdict.line == 2


def test_with_a_key_a_rewritten_chain_is_still_caught(tmp_path):
    key = b"instructor secret"
    journal = filled(tmp_path, key=key)
    assert journal.verify().intact and journal.verify().keyed
    # A forger who recomputes the whole chain without the key is still caught.
    forged = Journal(tmp_path / "forged.jsonl", key=b"wrong key")
    for i in range(6):
        forged.append("event.test", {"i": i if i != 2 else 42})
    forged.path.replace(journal.path)
    forged.head_path.replace(journal.head_path)
    verdict = Journal(journal.path, key=key).verify()
    assert not verdict.intact and verdict.problem == "forged" and verdict.line == 1


def _append_many(path, n):
    journal = Journal(path)
    for i in range(n):
        journal.append("concurrent", {"i": i})


def test_concurrent_appenders_never_break_the_chain(tmp_path):
    path = tmp_path / "journal.jsonl"
    procs = [multiprocessing.Process(target=_append_many, args=(path, 50)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    verdict = Journal(path).verify()
    assert verdict.intact and verdict.lines == 200


def test_lab_journal_verify_cli(built):
    from support import lab, lab_json, unwrap

    lab("deploy", "1.0.0", cwd=built)
    assert lab_json("journal", "verify", cwd=built)["intact"] is True
    path = built / ".lab" / "journal.jsonl"
    rows = path.read_text().splitlines()
    rows[1] = rows[1].replace('"event":"release.built"', '"event":"release.buil7"')
    path.write_text("\n".join(rows) + "\n")
    proc = lab("journal", "verify", cwd=built, check=False)
    assert proc.returncode == 1
    assert "tampered" in proc.stdout and "line 2" in proc.stdout
    data = unwrap(lab("journal", "verify", "--json", cwd=built, check=False).stdout)
    assert data["intact"] is False and data["line"] == 2 and data["problem"] == "edited"


# -- the tail: found by a bounded read, checked before every append --------------------------

def _counting_pread(monkeypatch):
    import os

    from checker import journal as module

    read = {"bytes": 0}
    real = os.pread

    def pread(fd, n, offset):
        data = real(fd, n, offset)
        read["bytes"] += len(data)
        return data

    monkeypatch.setattr(module.os, "pread", pread)
    return read


def test_an_append_reads_a_bounded_tail_however_long_the_journal(tmp_path, monkeypatch):
    from checker.journal import TAIL_LIMIT

    journal = filled(tmp_path, 3)
    for i in range(40):  # a journal of over 2 MB, with long entries in it
        journal.append("event.long", {"i": i, "pad": "x" * (TAIL_LIMIT - 1000)})
    journal.append("event.short")
    assert journal.path.stat().st_size > 2 * 1024 * 1024
    read = _counting_pread(monkeypatch)
    journal.append("event.test", {"last": True})
    assert 0 < read["bytes"] <= TAIL_LIMIT + 1
    verdict = journal.verify()
    assert verdict.intact and verdict.lines == 45


def test_a_last_line_longer_than_the_limit_is_a_malformed_tail(tmp_path, monkeypatch):
    from checker.journal import TAIL_LIMIT, JournalError

    journal = filled(tmp_path, 3)
    entry = json.loads(lines(journal)[-1])
    entry.update(seq=4, data={"pad": "x" * (4 * TAIL_LIMIT)})
    with journal.path.open("a") as handle:
        handle.write(json.dumps(entry) + "\n")
    before = journal.path.read_bytes()
    read = _counting_pread(monkeypatch)
    with pytest.raises(JournalError) as caught:
        journal.check_tail()
    assert read["bytes"] <= TAIL_LIMIT + 1 + len(before)  # the tail, then one count of lines
    assert caught.value.line == 4 and "64 KiB" in str(caught.value)
    with pytest.raises(JournalError):
        journal.append("event.test")
    assert journal.path.read_bytes() == before


def test_an_entry_too_long_to_chain_to_is_never_written(tmp_path):
    from checker.journal import TAIL_LIMIT, JournalError

    journal = filled(tmp_path, 2)
    with pytest.raises(JournalError):
        journal.append("event.huge", {"pad": "x" * TAIL_LIMIT})
    assert len(lines(journal)) == 2 and journal.verify().intact
    journal.append("event.test")
    assert journal.verify().intact


@pytest.mark.parametrize("tail,why", [
    ("not json", "is not a journal entry"),
    ('{"seq": "4", "prev": "x"}', "no valid sequence number"),
    ('{"seq": true}', "no valid sequence number"),
])
def test_a_malformed_tail_stops_appends_and_names_its_line(tmp_path, tail, why):
    from checker.journal import JournalError

    journal = filled(tmp_path, 3)
    write(journal, lines(journal) + [tail])
    with pytest.raises(JournalError) as caught:
        journal.append("event.test")
    assert caught.value.line == 4 and why in str(caught.value)
    assert "lab journal verify" in str(caught.value)
    assert len(lines(journal)) == 4


def test_a_tail_cut_short_is_never_glued_onto(tmp_path):
    from checker.journal import JournalError

    journal = filled(tmp_path, 3)
    journal.path.write_bytes(journal.path.read_bytes() + b'{"seq": 4')
    with pytest.raises(JournalError) as caught:
        journal.append("event.test")
    assert caught.value.line == 4 and "newline" in str(caught.value)


def test_a_garbled_head_is_its_own_problem(tmp_path):
    from checker.journal import JournalError

    journal = filled(tmp_path, 3)
    journal.head_path.write_text("garbage")
    verdict = journal.verify()
    assert not verdict.intact and verdict.problem == "head"
    assert "journal.jsonl.head" in verdict.message
    with pytest.raises(JournalError) as caught:
        journal.append("event.test")
    assert caught.value.path.endswith("journal.jsonl.head")
    assert journal.head_path.read_text() == "garbage" and len(lines(journal)) == 3


def test_a_truncated_or_edited_tail_stops_appends_so_the_head_keeps_its_evidence(tmp_path):
    from checker.journal import JournalError

    journal = filled(tmp_path, 5)
    head = journal.head_path.read_text()
    write(journal, lines(journal)[:3])
    with pytest.raises(JournalError, match="cut short"):
        journal.append("event.test")
    assert journal.head_path.read_text() == head
    journal = filled(tmp_path / "edited", 3)
    rows = lines(journal)
    rows[-1] = rows[-1].replace('"i":2', '"i":7')
    write(journal, rows)
    with pytest.raises(JournalError, match="changed after it was written"):
        journal.append("event.test")
