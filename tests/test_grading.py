"""`lab grade`: a cohort graded from evidence, through the real CLI.

One real workspace is taken through lab 38-01 once per session (break, detect,
rebuild, fix, record, check); the cohort is made of copies of it, each changed
the way a real learner's directory could be.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess

import pytest
from support import (
    KIT_ROOT,
    RECORD_38_01,
    base_env,
    copy_workspace,
    course_env,
    git,
    just,
    lab,
    lab_json,
    shutdown_workspace,
    unwrap,
    workspace_pids,
)

from checker.gradebook import COLUMNS, spread
from checker.journal import Journal
from checker.rubric import Rubric, score

LAB_DIR = KIT_ROOT / "labs" / "38-01-no-rollback-path"




@pytest.fixture(scope="session")
def finished_workspace(started_38_01_snapshot, tmp_path_factory):
    """A real workspace of lab 38-01, resolved without hints, its supervisor stopped.

    Broken here (from a copy of the session's started course), so the incident's
    phases are timed from this break, not from an earlier one.
    """
    course = tmp_path_factory.mktemp("graded-course")
    env = course_env(course)
    ws = copy_workspace(started_38_01_snapshot, course)
    try:
        lab("break", "38-01", cwd=course, env=env)
        assert just("smoke-portal", cwd=ws, env=env).returncode != 0
        assert just("rollback", cwd=ws, env=env).returncode != 0
        lab("rollback", "--rebuild", cwd=ws, env=env)
        subprocess.run(["git", "apply", str(LAB_DIR / "fix" / "fix.diff")], cwd=ws, check=True)
        git("commit", "-qam", "keep five releases and restore the key order", cwd=ws)
        assert just("release", "1.2.4", cwd=ws, env=env).returncode == 0
        (ws / "notes").mkdir(exist_ok=True)
        (ws / "notes" / "breaks.md").write_text(RECORD_38_01)
        report = unwrap(lab("check", "38-01", "--json", cwd=ws, env=env).stdout)
        assert report["resolved"] and report["hints_used"] == 0
        assert report["record"]["status"] == "valid"
        watch = report["stopwatch"]
        assert 0 <= watch["acknowledge_s"] <= watch["mitigate_s"]
        human = " ".join(lab("check", "38-01", cwd=ws, env=env).stdout.split())
        assert "score: 100 of 100" in human and "+40 the lab's checks pass" in human
    finally:
        leftovers = shutdown_workspace(ws)
    assert not leftovers, f"processes left behind: {leftovers}"
    return ws


def _copy(ws, learners, name):
    dest = learners / name / "phase-38"
    shutil.copytree(ws, dest, symlinks=True)
    return dest


def _journal_lines(ws):
    return (ws / ".lab" / "journal.jsonl").read_text().splitlines(keepends=True)


@pytest.fixture(scope="module")
def cohort(finished_workspace, tmp_path_factory):
    """learners/ with one learner per variation, and a directory outside them."""
    base = tmp_path_factory.mktemp("cohort")
    learners = base / "learners"
    outside = base / "outside"
    outside.mkdir()
    ws = finished_workspace

    _copy(ws, learners, "ana")  # untouched: resolved, no hints

    bea = _copy(ws, learners, "bea")  # two hints, appended as the kit would
    journal = Journal(bea / ".lab" / "journal.jsonl")
    for number in (1, 2):
        journal.append("hint.revealed", {"lab": "38-01", "hint": number, "lang": "en"})
    (bea / ".lab" / "hints.json").write_text(json.dumps({"38-01": 2}))

    carl = _copy(ws, learners, "carl")  # hides the rebuild: one journal line edited
    lines = _journal_lines(carl)
    at = next(i for i, line in enumerate(lines) if '"event":"rollback.finished"' in line)
    lines[at] = lines[at].replace('"mode":"rebuild"', '"mode":"flip"')
    (carl / ".lab" / "journal.jsonl").write_text("".join(lines))

    dora = _copy(ws, learners, "dora")  # a record without hint_3
    text = (dora / "notes" / "breaks.md").read_text()
    (dora / "notes" / "breaks.md").write_text(
        "".join(line for line in text.splitlines(keepends=True) if "hint_3" not in line))

    emil = _copy(ws, learners, "emil")  # no record at all
    (emil / "notes" / "breaks.md").unlink()

    fay = _copy(ws, learners, "fay")  # garbage in .lab/lab.json
    (fay / ".lab" / "lab.json").write_text('{"lab": "38-01", ')

    gus = _copy(ws, learners, "gus")  # the record is a symlink to a valid record elsewhere
    (outside / "breaks.md").write_text(RECORD_38_01)
    (gus / "notes" / "breaks.md").unlink()
    (gus / "notes" / "breaks.md").symlink_to(outside / "breaks.md")

    (learners / "hal").mkdir()  # an empty learner directory

    (learners / "ivy").mkdir()  # a file where the workspace belongs
    (learners / "ivy" / "phase-38").write_text("not a workspace\n")

    (learners / "jon").mkdir()  # the workspace is a symlink into another learner's
    (learners / "jon" / "phase-38").symlink_to(learners / "ana" / "phase-38")

    kim = _copy(ws, learners, "kim")  # a journal that is not UTF-8
    raw = (kim / ".lab" / "journal.jsonl").read_bytes()
    (kim / ".lab" / "journal.jsonl").write_bytes(raw[:100] + b"\xff\xfe" + raw[102:])

    lee = _copy(ws, learners, "lee")  # the journal is a symlink to a FIFO outside: never opened
    os.mkfifo(outside / "journal.fifo")
    (lee / ".lab" / "journal.jsonl").unlink()
    (lee / ".lab" / "journal.jsonl").symlink_to(outside / "journal.fifo")

    mia = _copy(ws, learners, "mia")  # an inside symlink is fine: notes -> its own copy
    shutil.move(mia / "notes", mia / "my-notes")
    (mia / "notes").symlink_to("my-notes")

    yield base
    leftovers = [pid for pid in workspace_pids(base) if pid != os.getpid()]
    assert not leftovers, f"processes running in the cohort: {leftovers}"


def grade(*args, cohort, check=True, **kw):
    env = base_env()
    return lab("grade", str(cohort / "learners"), *args, cwd=cohort, env=env, check=check, **kw)


def grade_json(*args, cohort):
    proc = grade("--format", "json", *args, cohort=cohort)
    return proc, {row["learner"]: row for row in json.loads(proc.stdout)}


# -- the scoring function -----------------------------------------------------------


def test_score_adds_the_rubric_and_clamps_at_zero():
    rubric = Rubric()
    full = score(rubric, recovered=True, record_valid=True, journal_intact=True,
                 mitigate_s=10.0, hints_used=0)
    assert full.points == rubric.max_points == 100 and full.note is None
    hinted = score(rubric, recovered=True, record_valid=False, journal_intact=True,
                   mitigate_s=901.0, hints_used=3)
    assert hinted.points == 40 + 0 + 10 + 0 + 0 - 6
    assert hinted.parts["hint_penalty"] == -6 and hinted.parts["mitigated_in_time"] == 0
    harsh = Rubric(recovered=0, record_valid=0, journal_intact=0, mitigate_points=0,
                   no_hint_bonus=0, hint_penalty=50)
    assert score(harsh, recovered=False, record_valid=False, journal_intact=True,
                 mitigate_s=None, hints_used=3).points == 0
    tampered = score(rubric, recovered=True, record_valid=True, journal_intact=False,
                     mitigate_s=1.0, hints_used=0, journal_problem="line 3 was edited")
    assert tampered.points is None and tampered.note == "not scored: line 3 was edited"


def test_the_rubric_can_score_the_time_to_acknowledge():
    rubric = Rubric(acknowledge_points=5, acknowledge_within_s=60)
    assert rubric.max_points == 105
    quick = score(rubric, recovered=True, record_valid=True, journal_intact=True,
                  mitigate_s=10.0, hints_used=0, acknowledge_s=30.0)
    assert quick.points == 105 and quick.parts["acknowledged_in_time"] == 5
    for late in (61.0, None):
        slow = score(rubric, recovered=True, record_valid=True, journal_intact=True,
                     mitigate_s=10.0, hints_used=0, acknowledge_s=late)
        assert slow.points == 100 and slow.parts["acknowledged_in_time"] == 0
    plain = score(Rubric(), recovered=True, record_valid=True, journal_intact=True,
                  mitigate_s=10.0, hints_used=0, acknowledge_s=1.0)
    assert "acknowledged_in_time" not in plain.parts and plain.points == 100

def test_spread_gives_min_quartiles_median_max():
    assert spread([]) == {"n": 0, "min": None, "q1": None, "median": None, "q3": None,
                          "max": None}
    assert spread([4.0])["q1"] == spread([4.0])["q3"] == 4.0
    values = spread([1, 2, 3, 4, 5])
    assert (values["min"], values["q1"], values["median"], values["q3"], values["max"]) == (
        1, 2, 3, 4, 5)


# -- the cohort through the CLI --------------------------------------------------------


def test_every_variation_gets_its_row(cohort):
    proc, rows = grade_json(cohort=cohort)
    assert proc.returncode == 0
    assert list(rows) == sorted(rows)
    assert set(rows) == {"ana", "bea", "carl", "dora", "emil", "fay", "gus", "hal", "ivy",
                         "jon", "kim", "lee", "mia"}
    for row in rows.values():
        assert set(COLUMNS) <= set(row)

    ana = rows["ana"]
    assert ana["lab"] == "38-01" and ana["workspace"] == "phase-38" and ana["error"] is None
    assert ana["recovered"] is True and ana["recovered_from"] == "check.run"
    assert ana["state"] == "resolved"
    assert 0 <= ana["detect_s"] <= ana["mitigate_s"] <= ana["resolve_s"]
    assert ana["rollback_mode"] == "rebuild" and ana["rollback_failures"] == 1
    assert ana["hints_used"] == 0 and ana["hints_revealed"] == []
    assert ana["record_valid"] is True and ana["record_errors"] == 0
    assert ana["journal_intact"] is True and ana["flags"] == []
    assert ana["score"] == ana["score_max"] == 100

    bea = rows["bea"]
    assert bea["hints_used"] == 2 and bea["hints_revealed"] == [1, 2]
    assert bea["journal_intact"] is True and bea["flags"] == []
    assert bea["score"] == 100 - 10 - 2 * 2
    assert bea["score_parts"]["hint_penalty"] == -4 and bea["score_parts"]["no_hint_bonus"] == 0

    carl = rows["carl"]
    assert carl["journal_intact"] is False and carl["error"] is None
    assert carl["score"] is None and carl["score_note"].startswith("not scored: the journal")
    assert any(f.startswith("journal-tampered: edited: line") for f in carl["flags"])

    dora = rows["dora"]
    assert dora["record_valid"] is False and dora["record_errors"] >= 1
    assert any(f["field"] == "hint_3" and "missing" in f["message"]
               for f in dora["record_findings"])
    assert any(f.startswith("record-invalid:") for f in dora["flags"])
    assert dora["score"] == 100 - 20 and dora["journal_intact"] is True

    emil = rows["emil"]
    assert emil["record_valid"] is False and emil["score"] == 80
    assert emil["flags"] == ["record-missing: notes/breaks.md does not exist"]

    fay = rows["fay"]
    assert fay["score"] is None and fay["recovered"] is None
    assert "lab.json is not valid JSON" in fay["error"]

    gus = rows["gus"]  # the outside record is valid, so reading it would have shown
    assert "breaks.md is a symlink that leads outside" in gus["error"]
    assert gus["record_valid"] is None and gus["score"] is None

    assert "holds no workspace" in rows["hal"]["error"]
    assert rows["ivy"]["error"] == "phase-38 is a file where a directory belongs"
    assert rows["jon"]["error"].startswith("phase-38 is a symlink that leads outside")
    assert "journal.jsonl is not UTF-8 text" in rows["kim"]["error"]
    assert "journal.jsonl is a symlink that leads outside" in rows["lee"]["error"]

    mia = rows["mia"]  # a symlink inside the learner's own directory is followed
    assert mia["error"] is None and mia["record_valid"] is True and mia["score"] == 100

    errors = {name for name, row in rows.items() if row["error"] is not None}
    assert errors == {"fay", "gus", "hal", "ivy", "jon", "kim", "lee"}
    for name in errors:
        assert rows[name]["score"] is None and rows[name]["flags"] == []
    assert "flagged" in proc.stderr and "7 with an error" in proc.stderr


def _atime_shows_reads(path) -> bool:
    os.utime(path, ns=(0, path.stat().st_mtime_ns))
    path.read_bytes()
    return path.stat().st_atime_ns != 0


def test_the_symlink_target_is_never_read(cohort):
    target = cohort / "outside" / "breaks.md"
    # The outside file is a valid record: the row would be valid if grading read it.
    valid = lab("records", "validate", str(target), "--json", cwd=cohort, check=False)
    assert unwrap(valid.stdout)["valid"] is True
    _, rows = grade_json(cohort=cohort)
    assert "is a symlink that leads outside" in rows["gus"]["error"]
    assert rows["gus"]["record_valid"] is None
    if not _atime_shows_reads(target):
        pytest.skip("this file system does not record reads in atime")
    os.utime(target, ns=(0, target.stat().st_mtime_ns))
    grade_json(cohort=cohort)
    assert target.stat().st_atime_ns == 0, "grading read the symlink's target"


def test_jobs_give_the_same_rows_in_the_same_order(cohort):
    _, one = grade_json("--jobs", "1", cohort=cohort)
    _, two = grade_json("--jobs", "2", cohort=cohort)
    assert list(one) == list(two)
    assert json.dumps(list(one.values())) == json.dumps(list(two.values()))


def test_csv_has_a_header_and_a_row_per_learner_and_lab(cohort):
    proc = grade("--format", "csv", cohort=cohort)
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert proc.stdout.splitlines()[0] == ",".join(COLUMNS)
    assert len(rows) == 13
    by = {r["learner"]: r for r in rows}
    assert by["ana"]["score"] == "100" and by["ana"]["recovered"] == "true"
    assert by["ana"]["rollback_mode"] == "rebuild" and by["ana"]["error"] == ""
    assert by["bea"]["hints_revealed"] == "1; 2"
    assert by["carl"]["score"] == "" and by["carl"]["journal_intact"] == "false"
    assert by["carl"]["flags"].startswith("journal-tampered:")
    assert "not valid JSON" in by["fay"]["error"]
    assert "graded 13 row(s)" in proc.stderr and "graded" not in proc.stdout


def test_table_shows_rows_flags_and_errors(cohort):
    proc = grade(cohort=cohort)
    out = proc.stdout
    assert "cohort grades" in out
    for name in ("ana", "bea", "carl", "hal", "mia"):
        assert re.search(rf"^\s*{name}\s", out, re.MULTILINE), name
    assert "TAMPERED" in out and "not scored" in out and "100/100" in out, out
    assert "carl 38-01: journal-tampered: edited" in out
    assert "hal: error: the learner's directory holds no workspace" in out
    assert "gus 38-01: error: phase-38/notes/breaks.md is a symlink" in out


def test_out_writes_a_file_and_nothing_on_stdout(cohort, tmp_path):
    out = tmp_path / "sub" / "grades.json"
    proc = grade("--format", "json", "--out", str(out), cohort=cohort)
    assert proc.stdout == ""
    assert len(json.loads(out.read_text())) == 13
    assert f"written to {out}" in proc.stderr
    assert [p.name for p in out.parent.iterdir()] == ["grades.json"]  # no temp file left


def test_notebook_validates_and_holds_the_summary(cohort, tmp_path):
    import nbformat

    proc = lab("grade", str(cohort / "learners"), "--format", "notebook", "--jobs", "2",
               cwd=tmp_path, env=base_env())
    assert proc.stdout == ""
    nb = nbformat.read(tmp_path / "gradebook.ipynb", as_version=4)
    nbformat.validate(nb)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "## Incident phases" in text and "time to mitigate (MTTR)" in text
    assert "| phase | n | min | q1 | median | q3 | max |" in text
    assert "| rebuild (the previous artifact was gone) | 5 |" in text  # ana bea dora emil mia
    assert "| hint 1 | 1 |" in text and "| hint 2 | 1 |" in text and "| hint 3 | 0 |" in text
    assert "| journal-tampered | 1 |" in text and "| record-invalid | 1 |" in text
    assert "| record-missing | 1 |" in text and "## Rows with an error" in text
    # rows, scored, flagged, not scored, errors, recovered, record valid
    assert "| 13 | 5 | 3 | 1 | 7 | 6 | 4 |" in text
    assert "time to acknowledge (first action)" in text
    assert "time to detect (monitoring: smoke or probe)" in text
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 2
    # The notebook was run when it was made: every code cell has its outputs,
    # the figures among them as PNG images.
    assert all(c.outputs for c in code)
    assert all(o.get("output_type") != "error" for c in code for o in c.outputs)
    images = [o for o in code[1].outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4
    assert all(o.data["image/png"].startswith("iVBORw0KGgo") for o in images)  # PNG magic
    scope: dict = {}
    exec(code[0].source, scope)  # plain json, no pandas needed
    _, rows = grade_json(cohort=cohort)
    assert scope["rows"] == list(rows.values())
    assert scope["summary"]["errors"] == 7 and scope["summary"]["flagged"] == 3
    assert scope["summary"]["phases"]["mitigate_s"]["n"] == 5  # carl's journal is not trusted


def test_lab_filter_and_other_phases(cohort, tmp_path):
    learners = tmp_path / "learners"
    shutil.copytree(cohort / "learners" / "ana", learners / "ana", symlinks=True)
    other = learners / "ana" / "phase-39" / ".lab"
    other.mkdir(parents=True)
    (other / "lab.json").write_text(json.dumps({"lab": "39-01", "learner": "ana"}))
    rows = json.loads(lab("grade", str(learners), "--format", "json", cwd=tmp_path).stdout)
    assert [(r["workspace"], r["lab"]) for r in rows] == [("phase-38", "38-01"),
                                                         ("phase-39", None)]
    assert "names lab \"39-01\", which this course does not have" in rows[1]["error"]
    only = json.loads(lab("grade", str(learners), "--lab", "38-01", "--format", "json",
                          cwd=tmp_path).stdout)
    assert [(r["workspace"], r["lab"]) for r in only] == [("phase-38", "38-01")]


def test_default_dir_is_the_course_learners(cohort):
    env = base_env(LAB_COURSE=str(cohort))
    rows = json.loads(lab("grade", "--format", "json", "--lab", "38-01", cwd=cohort.parent,
                          env=env).stdout)
    assert len(rows) == 13


def test_exit_codes(cohort, tmp_path):
    assert grade(cohort=cohort).returncode == 0  # graded, with flags and errors
    strict = grade("--strict", "--format", "json", cohort=cohort, check=False)
    assert strict.returncode == 1 and json.loads(strict.stdout)
    clean = tmp_path / "clean"
    shutil.copytree(cohort / "learners" / "ana", clean / "ana", symlinks=True)
    assert lab("grade", str(clean), "--strict", cwd=tmp_path, check=False).returncode == 0
    for args in (["--jobs", "0"], ["--lab", "99-99"], ["--format", "pdf"]):
        proc = grade(*args, cohort=cohort, check=False)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
    missing = lab("grade", str(tmp_path / "nowhere"), cwd=tmp_path, check=False)
    assert missing.returncode == 2 and "there is no directory of learners" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    none = lab("grade", str(empty), "--format", "json", cwd=tmp_path)
    assert json.loads(none.stdout) == [] and "no learner workspaces" in none.stderr


def test_a_missing_journal_or_head_and_a_hint_count_that_differs_are_flagged(cohort, tmp_path):
    learners = tmp_path / "learners"
    for name in ("nia", "oli", "pam"):
        shutil.copytree(cohort / "learners" / "ana", learners / name, symlinks=True)
    (learners / "nia" / "phase-38" / ".lab" / "journal.jsonl").unlink()
    (learners / "oli" / "phase-38" / ".lab" / "journal.jsonl.head").unlink()
    (learners / "pam" / "phase-38" / ".lab" / "hints.json").write_text('{"38-01": 3}')
    rows = {r["learner"]: r for r in json.loads(
        lab("grade", str(learners), "--format", "json", cwd=tmp_path).stdout)}
    nia = rows["nia"]
    assert nia["journal_intact"] is False and nia["journal_entries"] is None
    assert nia["score"] is None and "journal.jsonl is missing" in nia["score_note"]
    assert nia["flags"][0].startswith("journal-missing:") and nia["state"] == "no break"
    oli = rows["oli"]
    assert oli["journal_intact"] is True and oli["score"] == 100
    assert oli["flags"] == ["journal-unchecked: no head file; the last entry cannot be checked"]
    pam = rows["pam"]
    assert pam["flags"] == ["hints-mismatch: .lab/hints.json counts 3 hint(s) but the journal "
                            "records 0"]
    assert pam["hints_used"] == 0 and pam["score"] == 100  # scored from the journal


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_permission_denied_is_a_row_error(cohort, tmp_path):
    learners = tmp_path / "learners"
    ws = shutil.copytree(cohort / "learners" / "ana", learners / "ana", symlinks=True)
    (ws / "phase-38" / ".lab" / "lab.json").chmod(0)
    rows = json.loads(lab("grade", str(learners), "--format", "json", cwd=tmp_path).stdout)
    assert "permission denied" in rows[0]["error"].lower()


def test_run_checks_runs_the_labs_checks_now(cohort, tmp_path):
    learners = tmp_path / "learners"
    shutil.copytree(cohort / "learners" / "ana", learners / "ana", symlinks=True)
    rows = json.loads(lab("grade", str(learners), "--run-checks", "--format", "json",
                          cwd=tmp_path).stdout)
    (row,) = rows
    # Nothing serves in a copy (grading starts nothing), so the smoke check fails now.
    assert row["recovered"] is False and row["recovered_from"] == "checks"
    assert "smoke is green" in row["failed_checks"]
    assert "release script keeps at least five" not in row["failed_checks"]
    assert not (learners / "ana" / "phase-38" / ".lab" / "control.sock").exists()


def test_grading_starts_nothing_in_the_workspaces(cohort):
    logs = {p: p.read_bytes() for p in (cohort / "learners").glob("*/phase-38/.lab/*.log")}
    grade("--jobs", "2", cohort=cohort)
    assert not list((cohort / "learners").glob("*/phase-38/.lab/control.sock"))
    assert {p: p.read_bytes() for p in logs} == logs
    assert not [pid for pid in workspace_pids(cohort) if pid != os.getpid()]


def test_an_unreadable_file_is_a_row_error_even_for_root(cohort, monkeypatch):
    """Root reads any file, so the denial is simulated where grading opens evidence."""
    from checker import grading, learner_files
    from checker.cohort import discover
    from labkit.catalog import all_labs
    from labkit.verdict import rules_for

    real_open = os.open

    def deny(path, flags, *args, **kw):
        if str(path).endswith("lab.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kw)

    labs = all_labs()
    settings = grading.Settings(
        labs={x.id: grading.LabPolicy(x.id, x.spec.phase, x.spec.rubric,
                                      str(x.dir)) for x in labs},
        rules={x.id: rules_for(x) for x in labs})
    target = next(t for t in discover(cohort / "learners") if t.learner == "ana")
    monkeypatch.setattr(learner_files.os, "open", deny)
    row = grading.grade_target(target, settings)
    assert row.error == "phase-38/.lab/lab.json cannot be read (Permission denied)"
    assert row.score is None


# -- the review queue ------------------------------------------------------------

VAGUE_CAUSE = "el script de publicación estaba mal configurado y agent.py cambió el orden"


def _review_course(cohort, tmp_path):
    """course/learners/{ana, ben}: ben's cause is honest but matches no term."""
    learners = tmp_path / "course" / "learners"
    shutil.copytree(cohort / "learners" / "ana", learners / "ana", symlinks=True)
    ben = _copy(cohort / "learners" / "ana" / "phase-38", learners, "ben")
    record = ben / "notes" / "breaks.md"
    text = record.read_text()
    start = text.index("  hidden_cause:")
    end = text.index("  hint_1:")
    record.write_text(text[:start] + f"  hidden_cause: {VAGUE_CAUSE}\n" + text[end:])
    return learners, record


def _rows(learners):
    proc = lab("grade", str(learners), "--format", "json", cwd=learners.parent)
    return {row["learner"]: row for row in json.loads(proc.stdout)}


def test_a_record_sent_to_review_is_listed_decided_and_reopened(cohort, tmp_path):
    learners, record = _review_course(cohort, tmp_path)
    rows = _rows(learners)
    assert rows["ana"]["record_status"] == "valid" and rows["ana"]["review"] == 0
    ben = rows["ben"]
    assert (ben["record_status"], ben["record_valid"], ben["review"]) == ("review", False, 1)
    assert ben["score_parts"].get("record_valid", 0) == 0
    table = lab("grade", str(learners), cwd=learners.parent).stdout
    header = next(line for line in table.splitlines() if line.strip().startswith("learner"))
    assert " review " in header
    assert re.search(r"^\s*ben\s.*\breview\s+1\s", table, re.MULTILINE)

    listed = lab_json("review", "list", str(learners), cwd=tmp_path)
    assert {(i["learner"], i["lab"], i["field"], i["text"]) for i in listed} == {
        ("ben", "38-01", "hidden_cause", VAGUE_CAUSE)}
    assert {i["rule"].split(" (")[0] for i in listed} == {
        "mention the prune flag", "mention the missing previous release"}

    proc = lab("review", "decide", "ben", "38-01", "hidden_cause", "accept", "--comment",
               "right cause, in other words", "--dir", str(learners), cwd=tmp_path)
    assert proc.returncode == 0
    decisions = tmp_path / "course" / "reviews.jsonl"
    (entry,) = [json.loads(line) for line in decisions.read_text().splitlines()]
    assert entry["decision"] == "accept" and entry["record_hash"] == ben["record_hash"]
    assert lab_json("review", "list", str(learners), cwd=tmp_path) == []
    ben = _rows(learners)["ben"]
    assert (ben["record_status"], ben["record_valid"], ben["review"]) == ("valid", True, 0)
    assert ben["record_decisions"] == [{"field": "hidden_cause", "decision": "accept",
                                        "comment": "right cause, in other words"}]
    assert ben["score_parts"]["record_valid"] > 0

    record.write_text(record.read_text().replace(VAGUE_CAUSE, VAGUE_CAUSE + " otra vez"))
    assert _rows(learners)["ben"]["record_status"] == "review"  # an edit re-opens it

    lab("review", "decide", "ben", "38-01", "hidden_cause", "reject", "--comment",
        "name the flag", "--dir", str(learners), cwd=tmp_path)
    ben = _rows(learners)["ben"]
    assert (ben["record_status"], ben["record_valid"]) == ("invalid", False)
    assert any("rejected on review: name the flag" in f["message"]
               for f in ben["record_findings"])


@pytest.mark.parametrize(("args", "words"), [
    (("nobody", "38-01", "hidden_cause", "accept"), "there is no learner 'nobody'"),
    (("ben", "38-02", "hidden_cause", "accept"), "has no workspace of lab '38-02'"),
    (("ben", "38-01", "symptom", "accept"), "field 'symptom' of ben's record"),
    (("ben", "38-01", "hidden_cause", "maybe"), "invalid choice"),
])
def test_bad_review_decisions_get_one_sentence(cohort, tmp_path, args, words):
    learners, _ = _review_course(cohort, tmp_path)
    proc = lab("review", "decide", *args, "--dir", str(learners), cwd=tmp_path, check=False)
    assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "course" / "reviews.jsonl").exists()


def test_a_damaged_decision_file_is_named_with_its_line(cohort, tmp_path):
    learners, _ = _review_course(cohort, tmp_path)
    (tmp_path / "course" / "reviews.jsonl").write_text('{"learner": "ben"}\n')
    for args in (("review", "list", str(learners)), ("grade", str(learners))):
        proc = lab(*args, cwd=tmp_path, check=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert "reviews.jsonl, line 1: field 'lab'" in proc.stderr


@pytest.mark.parametrize(("within", "points"), [(86400, 5), (0.001, 0)])
def test_a_lab_whose_rubric_scores_acknowledging_is_graded_by_it(cohort, tmp_path, within,
                                                                  points):
    labs = tmp_path / "labs"
    shutil.copytree(LAB_DIR.parent, labs, symlinks=True)
    spec = labs / LAB_DIR.name / "lab.yaml"
    spec.write_text(spec.read_text().replace(
        "  no_hint_bonus: 10\n",
        f"  no_hint_bonus: 10\n  acknowledge_points: 5\n  acknowledge_within_s: {within}\n", 1))
    env = base_env(LAB_LABS_DIR=str(labs))
    proc = lab("grade", str(cohort / "learners"), "--lab", "38-01", "--format", "json",
               cwd=cohort, env=env, check=False)
    rows = {row["learner"]: row for row in json.loads(proc.stdout)}
    ana = rows["ana"]
    watch = lab_json("stopwatch", cwd=cohort / "learners" / "ana" / "phase-38", env=env)
    assert ana["acknowledge_s"] == watch["acknowledge_s"] is not None
    assert ana["score_max"] == 105
    assert ana["score_parts"]["acknowledged_in_time"] == points
    assert ana["score"] == 100 + points
