"""labkit.catalog: finding labs and loading lab.yaml, each error with its line."""

from __future__ import annotations

import shutil

import pytest
from support import KIT_ROOT

from labkit import catalog
from labkit.errors import DataError, LabNotFound

SOURCE = KIT_ROOT / "labs" / "38-01-no-rollback-path"


@pytest.fixture
def labs(tmp_path):
    root = tmp_path / "labs"
    shutil.copytree(SOURCE, root / "38-01-no-rollback-path")
    (root / "notes").mkdir()  # not a lab: no lab.yaml
    (root / "README.md").write_text("not a lab either\n")
    return root


def _edit(lab_dir, old, new):
    path = lab_dir / catalog.LAB_FILE
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def test_the_kits_labs_load(tmp_path):
    labs = catalog.all_labs()
    assert {"38-01", "38-02"} <= {lab.id for lab in labs}
    lab = catalog.get("38-01")
    assert lab.dir.name == "38-01-no-rollback-path"
    assert lab.checks_dir == lab.dir / "checks"
    assert lab.readme().name == "README.md" and lab.readme("es").name == "README.es.md"
    assert lab.spec.title.get("es") == "Desplegar sin camino de vuelta"


def test_every_mention_of_every_lab_has_spanish_terms():
    """A Spanish record is judged the same as an English one: no mention is English only."""
    missing = [f"{lab.id} {field}: {mention.label}"
               for lab in catalog.all_labs()
               for field, mentions in lab.spec.record.mentions.items()
               for mention in mentions if not [term for term in mention.es if term.strip()]]
    assert missing == []

def test_lab_dirs_lists_only_directories_with_a_lab_file(labs, tmp_path):
    assert [p.name for p in catalog.lab_dirs(labs)] == ["38-01-no-rollback-path"]
    assert catalog.lab_dirs(tmp_path / "nowhere") == []


def test_get_by_id_or_full_name_and_an_unknown_id_lists_the_known(labs):
    assert catalog.get("38-01", labs).id == "38-01"
    assert catalog.get("38-01-no-rollback-path", labs).id == "38-01"
    with pytest.raises(LabNotFound) as caught:
        catalog.get("99-99", labs)
    assert str(caught.value) == "there is no lab '99-99' (known labs: 38-01)"
    assert caught.value.hint == "see them with: lab list" and caught.value.exit_code == 2


def test_lab_dir_env_moves_the_catalog(labs, monkeypatch):
    monkeypatch.setenv("LAB_LABS_DIR", str(labs))
    assert [lab.id for lab in catalog.all_labs()] == ["38-01"]


def test_a_bad_value_names_file_line_and_field(labs):
    lab_dir = labs / "38-01-no-rollback-path"
    path = _edit(lab_dir, "line_budget: 5", "line_budget: lots")
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1)
                if "line_budget: lots" in text)
    with pytest.raises(DataError) as caught:
        catalog.load(lab_dir)
    err = caught.value
    assert (err.path, err.line, err.field) == (str(path), line, "record.line_budget")
    assert str(err).startswith(f"{path}, line {line}: field 'record.line_budget': ")


def test_a_missing_setting_is_required_and_an_unknown_one_is_not_known(labs):
    lab_dir = labs / "38-01-no-rollback-path"
    _edit(lab_dir, "template: minitutor\n", "")
    with pytest.raises(DataError) as caught:
        catalog.load(lab_dir)
    assert caught.value.field == "template" and caught.value.detail == "is required"
    _edit(lab_dir, "phase: 38\n", "phase: 38\ncolour: blue\ntemplate: minitutor\n")
    with pytest.raises(DataError) as caught:
        catalog.load(lab_dir)
    assert caught.value.field == "colour" and caught.value.detail == "is not a known setting"
    lines = (lab_dir / catalog.LAB_FILE).read_text().splitlines()
    assert caught.value.line == lines.index("colour: blue") + 1


def test_broken_yaml_non_mapping_and_non_utf8(labs):
    lab_dir = labs / "38-01-no-rollback-path"
    path = lab_dir / catalog.LAB_FILE
    path.write_text("id: [unclosed\n")
    with pytest.raises(DataError, match="list is not closed") as caught:
        catalog.load(lab_dir)
    assert caught.value.line is not None
    path.write_text("- a list\n- not a mapping\n")
    with pytest.raises(DataError, match="must be a mapping of lab settings"):
        catalog.load(lab_dir)
    path.write_bytes(b"id: \xff\n")
    with pytest.raises(DataError, match=r"line 1: this line is not UTF-8 text \(byte 0xff\)"):
        catalog.load(lab_dir)


@pytest.mark.parametrize("old, new, field", [
    ('id: "38-01"', 'id: "38-01\\n"', "id"),
    ('release: "1.2.3"', 'release: "1.2.3\\n"', "break.release"),
    ('releases: ["1.2.0", "1.2.1", "1.2.2"]', 'releases: ["1.2.0", "1.2.1\\n", "1.2.2"]',
     "baseline.releases"),
])
def test_an_id_or_version_with_a_trailing_newline_is_refused(labs, old, new, field):
    lab_dir = labs / "38-01-no-rollback-path"
    _edit(lab_dir, old, new)
    with pytest.raises(DataError) as caught:
        catalog.load(lab_dir)
    assert caught.value.field == field
