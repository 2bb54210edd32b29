"""`lab list` and `lab show`: the catalog through the CLI, in both languages."""

from __future__ import annotations

from support import lab, lab_json


def test_list_and_show_in_both_languages(tmp_path):
    labs = lab_json("list", cwd=tmp_path)
    assert any(entry["id"] == "38-01" for entry in labs)
    es = lab("show", "38-01", "--lang", "es", cwd=tmp_path).stdout
    assert "Desplegar sin camino de vuelta" in es
    en = lab("show", "38-01", cwd=tmp_path).stdout
    assert "Deploy without a rollback path" in en
