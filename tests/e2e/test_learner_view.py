"""What a learner sees around a break, through the real CLI: nothing spoiled or counted
before the break, the challenge mode, Spanish everywhere, and a stopped service."""

from __future__ import annotations

import json

import pytest
from support import base_env, lab, lab_json


def journal_events(ws):
    return [json.loads(line) for line in (ws / ".lab" / "journal.jsonl").open()]


@pytest.mark.e2e
def test_before_the_break_nothing_is_spoiled_then_a_challenge_in_spanish(course):
    course, ws, env = course
    start = lab("start", "38-01", cwd=course, env=env).stdout
    assert "lab shell 38-01" in start
    before = len(journal_events(ws))

    hint = lab("hint", "38-01", cwd=ws, env=env, check=False)
    assert hint.returncode == 1 and hint.stdout == ""
    assert "lab 38-01 is not broken yet" in hint.stderr and "lab break 38-01" in hint.stderr
    check = lab("check", "38-01", cwd=ws, env=env, check=False)
    assert check.returncode == 1 and "not broken yet" in check.stderr
    assert "1.2.3" not in check.stdout + check.stderr
    assert len(journal_events(ws)) == before
    assert not (ws / ".lab" / "hints.json").exists()

    (course / "course.yaml").write_text("mode: challenge\n")
    broke = lab("break", "38-01", "--lang", "es", cwd=course, env=env).stdout
    assert "Reto: el objetivo" in broke and "Objetivo:" in broke
    assert "lab rollback --rebuild" not in broke  # the guidance is in the hints now
    injected = next(e for e in journal_events(ws) if e["event"] == "fault.injected")
    assert injected["data"]["mode"] == "challenge"

    hints = [lab_json("hint", "38-01", cwd=ws, env=env) for _ in range(4)]
    assert [h["hint"] for h in hints] == [1, 2, 3, 4] and hints[0]["total"] == 7
    assert "just smoke-portal" in hints[3]["text"]  # the first guided step, as a hint

    es = base_env(LAB_COURSE=str(course), LAB_LEARNER="ana", LAB_LANG="es")
    status = lab("status", cwd=ws, env=es).stdout
    assert "avería:" in status and "activa" in status
    watch = lab("stopwatch", "--once", cwd=ws, env=es).stdout
    assert "cronómetro del incidente" in watch and "línea temporal" in watch
    report = lab("check", "38-01", cwd=ws, env=es, check=False)
    assert report.returncode == 1
    assert "comprobaciones del laboratorio 38-01" in report.stdout
    assert "veredicto: aún sin recuperar" in report.stdout
    assert "la lección en cifras" in report.stdout

    page = course / "report.html"
    written = lab("report", "38-01", "--html", str(page), cwd=ws, env=es, check=False)
    assert written.returncode == 1 and f"[report] escrito {page}" in written.stdout
    html = page.read_text(encoding="utf-8")
    assert '<html lang="es">' in html and "<svg" in html and "puntuación:" in html

    lab("stop", cwd=ws, env=env)
    stopped = lab("check", "38-01", cwd=ws, env=env, check=False)
    assert stopped.returncode == 1 and "lab serve" in stopped.stderr
    assert "not recovered" not in stopped.stdout


def test_list_and_show_follow_lab_lang(tmp_path):
    es = base_env(LAB_LANG="es")
    from labkit.catalog import get

    title = get("38-01").spec.title
    listed = lab_json("list", cwd=tmp_path, env=es)
    assert listed[0]["title"] == title.es != title.en
    shown = lab("show", "38-01", cwd=tmp_path, env=es).stdout
    assert title.es in shown and title.en not in shown


def test_a_brief_loses_no_word_at_any_width(tmp_path):
    import re

    from support import KIT_ROOT

    readme = (KIT_ROOT / "labs" / "38-01-no-rollback-path" / "README.md").read_text()
    words = set(re.findall(r"[A-Za-z]{4,}", readme))
    for width in ("40", "60", "100"):
        shown = lab("show", "38-01", cwd=tmp_path, env=base_env(COLUMNS=width)).stdout
        missing = words - set(re.findall(r"[A-Za-z]{4,}", shown))
        assert not missing, f"at {width} columns these words were cut: {sorted(missing)[:10]}"
