"""The site hook's modules one by one: link rewriting, lab pages from a labs
directory, the CLI reference's exit codes and JSON envelope, and a strict
build that stops on a lab the kit cannot load."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from site_support import FIXTURE_LAB, FIXTURE_LABS, REPO, sibling, write_lab
from support import base_env, lab, unwrap

site_pages = sibling("labkit_site_pages")
site_cli = sibling("site_cli")
site_labs = sibling("site_labs")
site_links = sibling("site_links")
site_texts = sibling("site_texts")

BUILD_TIMEOUT = 300


# ---------------------------------------------------------------- site_links


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A docs/ with one page and a lab directory beside it."""
    docs = tmp_path / "docs"
    (docs / "theory").mkdir(parents=True)
    (docs / "theory" / "retention.md").write_text("# R\n", encoding="utf-8")
    lab_dir = tmp_path / "labs" / "10-01-x"
    lab_dir.mkdir(parents=True)
    return docs, lab_dir


def _rewrite(text: str, tree: tuple[Path, Path]) -> str:
    docs, lab_dir = tree
    return site_links.rewrite_links(text, lab_dir, docs, "labs")


def test_a_link_into_docs_keeps_its_title_fragment_and_image_mark(tree) -> None:
    out = _rewrite(
        '[r](../../docs/theory/retention.md "Keep five") '
        "![fig](<../../docs/theory/retention.md#top>)",
        tree,
    )
    assert out == '[r](../theory/retention.md "Keep five") ![fig](../theory/retention.md#top)'


def test_a_link_to_a_missing_docs_page_stays_a_link_for_the_strict_build(tree) -> None:
    out = _rewrite("[gone](../../docs/theory/gone.md)", tree)
    assert out == "[gone](../theory/gone.md)"


def test_a_link_that_climbs_out_of_docs_again_becomes_text(tree) -> None:
    out = _rewrite("[sneaky](../../docs/../labs/10-01-x/fix/a.py) and [up](../other/README.md)", tree)
    assert out == "sneaky and up"


def test_urls_schemes_anchors_and_site_absolute_paths_are_kept(tree) -> None:
    text = "[m](mailto:a@example.org) [f](ftp://example.org/x) [a](#b) [s](/theory/)"
    assert _rewrite(text, tree) == text


def test_reference_definitions_into_docs_are_rewritten_others_dropped(tree) -> None:
    out = _rewrite(
        "[r]: ../../docs/theory/retention.md#keep \"Retention\"\n"
        "[c]: checks/test_a.py\n"
        "[w]: https://example.org/\n",
        tree,
    )
    assert out.splitlines() == [
        '[r]: ../theory/retention.md#keep "Retention"',
        "[w]: https://example.org/",
    ]


def test_code_is_never_rewritten(tree) -> None:
    text = "\n".join(
        [
            "``[double](checks/a.py)`` then [out](checks/b.py)",
            "~~~",
            "[tilde](checks/c.py)",
            "```",
            "[still in the tilde fence](checks/d.py)",
            "~~~",
            "````md",
            "```",
            "[inside a longer fence](checks/e.py)",
            "```",
            "````",
            "[after](checks/f.py)",
        ]
    )
    out = _rewrite(text, tree).splitlines()
    assert out[0] == "``[double](checks/a.py)`` then out"
    assert out[1:11] == text.splitlines()[1:11]
    assert out[11] == "after"


def test_an_unclosed_fence_protects_the_rest_of_the_file(tree) -> None:
    text = "[before](checks/a.py)\n```\n[inside](checks/b.py)"
    assert _rewrite(text, tree) == "before\n```\n[inside](checks/b.py)"


# ----------------------------------------------------------------- site_labs


def test_lab_pages_come_from_the_fixture_labs_through_the_catalog() -> None:
    from labkit.catalog import load

    labs, problems = site_labs.load_labs(FIXTURE_LABS)
    assert problems == []
    assert [item.id for item in labs] == ["38-01"]
    spec = load(FIXTURE_LAB).spec
    docs = FIXTURE_LABS.parent / "docs"  # where the README's ../../docs/ links point
    for lang in site_texts.LANGS:
        page = site_labs.lab_page(labs[0], lang, docs)
        assert page.startswith(f"# 38-01 · {spec.title.get(lang)}\n")
        assert f"    - {site_texts.TEXT[lang]['phase'].format(phase=38)}" in page
        assert "lab break 38-01" in page and "lab check 38-01" in page
        assert "checks/test_recovered.py" not in page
        readme = labs[0].readme(lang).name
        assert f"labs/38-01-no-rollback-path/{readme}" not in page  # no maintainer note
        if lang == "en":
            assert "[rollback is a deploy](../theory/rollback-is-a-deploy.md)" in page
            assert "just release 1.2.3   # [not a link](checks/x.py)" in page
        else:
            assert "la carpeta de checks" in page
        index = site_labs.labs_index(labs, lang)
        assert f"| [38-01](38-01.md) | {spec.title.get(lang)} |" in index


def test_the_site_and_lab_list_agree_on_the_labs(tmp_path: Path) -> None:
    write_lab(tmp_path, "10-02-b", "10-02", title=("Second | two", "Segundo"))
    write_lab(tmp_path, "10-01-a", "10-01", title=("First", "Primero"))
    labs, problems = site_labs.load_labs(tmp_path)
    assert problems == []
    rows = unwrap(lab("list", "--json", env=base_env(LAB_LABS_DIR=str(tmp_path))).stdout)
    assert [(row["id"], row["title"]) for row in rows] == [
        (item.id, item.spec.title.en) for item in labs
    ]
    index = site_labs.labs_index(labs, "en")
    assert "| [10-02](10-02.md) | Second \\| two |" in index
    assert index.index("10-01") < index.index("10-02")


def test_a_lab_the_catalog_rejects_is_reported_with_the_kits_sentence(tmp_path: Path) -> None:
    from labkit.catalog import load
    from labkit.errors import DataError

    broken = write_lab(tmp_path, "10-01-a", "10-01", title=("Only English", None))
    with pytest.raises(DataError) as raised:
        load(broken)
    labs, problems = site_labs.load_labs(tmp_path)
    assert labs == [] and problems == [str(raised.value)]
    assert "title.es" in problems[0] and str(broken / "lab.yaml") in problems[0]


def test_two_labs_with_one_id_are_reported(tmp_path: Path) -> None:
    write_lab(tmp_path, "10-01-a", "10-01")
    write_lab(tmp_path, "10-01-b", "10-01")
    labs, problems = site_labs.load_labs(tmp_path)
    assert [item.dir.name for item in labs] == ["10-01-a"]
    assert problems == [
        f"{tmp_path / '10-01-b' / 'lab.yaml'}: id 10-01 is also used by "
        f"{tmp_path / '10-01-a' / 'lab.yaml'}"
    ]


def test_no_labs_dir_gives_an_index_that_says_so(tmp_path: Path) -> None:
    labs, problems = site_labs.load_labs(tmp_path / "absent")
    assert (labs, problems) == ([], [])
    for lang in site_texts.LANGS:
        assert site_texts.TEXT[lang]["index_empty"] in site_labs.labs_index(labs, lang)


def test_the_lab_yaml_example_shows_the_named_lab_else_the_first(tmp_path: Path) -> None:
    labs_dir = tmp_path / "labs"
    write_lab(labs_dir, "10-01-a", "10-01")
    write_lab(labs_dir, "10-02-b", "10-02")
    labs, _ = site_labs.load_labs(labs_dir)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "named.md").write_text("A\n<!-- labkit:lab-yaml-example 10-02 -->\nB\n")
    (docs / "named.es.md").write_text("<!-- labkit:lab-yaml-example 10-02 -->\n")
    (docs / "first.md").write_text("<!-- labkit:lab-yaml-example -->\n")
    (docs / "unknown.md").write_text("<!-- labkit:lab-yaml-example 99-99 -->\n")
    site_labs.fill_lab_yaml_examples(docs, labs)
    named = (docs / "named.md").read_text()
    assert named.startswith('A\n```yaml title="labs/10-02-b/lab.yaml"\n')
    assert (labs_dir / "10-02-b" / "lab.yaml").read_text().rstrip("\n") in named
    assert named.endswith("\n```\nB\n")
    assert 'title="labs/10-02-b/lab.yaml"' in (docs / "named.es.md").read_text()
    assert 'title="labs/10-01-a/lab.yaml"' in (docs / "first.md").read_text()
    assert 'title="labs/10-01-a/lab.yaml"' in (docs / "unknown.md").read_text()
    site_labs.fill_lab_yaml_examples(docs, [])
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "p.es.md").write_text("<!-- labkit:lab-yaml-example -->\n")
    site_labs.fill_lab_yaml_examples(empty, [])
    assert (empty / "p.es.md").read_text() == site_texts.TEXT["es"]["index_empty"] + "\n"


def test_hook_code_names_no_lab() -> None:
    for path in sorted((REPO / "docs" / "hooks").glob("*.py")):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"\b\d{2}-\d{2}\b", code), path.name
        assert "import yaml" not in code, path.name


def test_no_hook_module_is_over_400_lines() -> None:
    for path in sorted((REPO / "docs" / "hooks").glob("*.py")):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path.name} has {lines} lines"


# ------------------------------------------------------------- site_pages


def _tiny_parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="lab")
    verbs = root.add_subparsers(title="commands", metavar="COMMAND")
    verbs.add_parser("check", help="check a lab").add_argument("--json", action="store_true")
    return root


def test_generate_writes_every_page_and_reports_hand_written_copies(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "labs").mkdir(parents=True)
    (source / "labs" / "38-01.es.md").write_text("# copia a mano\n")
    staged = tmp_path / "staged"
    staged.mkdir()
    nav, problems = site_pages.generate(staged, source, FIXTURE_LABS, _tiny_parser())
    assert nav == ["labs/38-01.md"]
    written = sorted(p.relative_to(staged).as_posix() for p in staged.rglob("*.md"))
    assert written == [
        "labs/38-01.es.md",
        "labs/38-01.md",
        "labs/index.es.md",
        "labs/index.md",
        "reference/cli.es.md",
        "reference/cli.md",
    ]
    assert problems == [
        "docs/labs/38-01.es.md is generated at build time; delete the hand-written copy"
    ]


# ------------------------------------------------------------------ site_cli


def test_every_named_exit_code_has_a_meaning_in_each_language() -> None:
    import labcore.errors

    codes = site_cli.exit_codes()
    named = {name: value for name, value in vars(labcore.errors).items() if name.startswith("EXIT_")}
    assert dict(codes) == named
    assert site_cli.undescribed(codes) == []
    assert set(site_texts.EXIT_MEANINGS) == set(named), "a meaning for a code that is gone"


def test_a_new_exit_code_without_a_meaning_fails(monkeypatch, tmp_path: Path) -> None:
    import labcore.errors

    monkeypatch.setattr(labcore.errors, "EXIT_SOMETHING_NEW", 9, raising=False)
    assert site_cli.undescribed(site_cli.exit_codes()) == ["EXIT_SOMETHING_NEW"]
    _, problems = site_pages.generate(tmp_path, tmp_path / "none", tmp_path, _tiny_parser())
    assert any("EXIT_SOMETHING_NEW" in problem for problem in problems)


def test_the_exit_codes_section_lists_each_code_in_both_languages() -> None:
    import labcore.errors as errors

    for lang in site_texts.LANGS:
        page = site_cli.cli_reference(_tiny_parser(), lang)
        words = site_texts.TEXT[lang]
        assert f"\n## {words['exit_title']}\n" in page
        for name, value in site_cli.exit_codes():
            meaning = site_texts.EXIT_MEANINGS[name][lang]
            assert f"| {value} | `{name}` | {meaning} |" in page
        rows = re.findall(r"^\| (\d+) \| `(EXIT_\w+)` \|", page, flags=re.M)
        assert [int(value) for value, _ in rows] == sorted(
            value for name, value in vars(errors).items() if name.startswith("EXIT_")
        )


def test_a_value_shared_by_two_names_shows_both() -> None:
    page = site_cli.cli_reference(_tiny_parser(), "en")
    rows = re.findall(r"^\| 3 \| `(EXIT_\w+)` \|", page, flags=re.M)
    assert rows == ["EXIT_NO_ROLLBACK", "EXIT_REVIEW"]


def test_the_json_section_shows_the_envelope_with_its_schema_version() -> None:
    from labkit.cli import render
    from labkit.cli.parser import build_parser

    assert render.JSON_SCHEMA_VERSION == site_cli.JSON_SCHEMA_VERSION
    parser = build_parser()
    taking_json = [c.name for c in site_cli.walk_parser(parser) if c.takes_json]
    assert {"check", "artifacts list"} <= set(taking_json)
    assert site_cli.JSON_EXAMPLE_COMMAND in taking_json
    for lang in site_texts.LANGS:
        page = site_cli.cli_reference(parser, lang)
        assert f"\n## {site_texts.TEXT[lang]['json_title']}\n" in page
        example = re.search(r"^```json\n(.*?)^```$", page, flags=re.M | re.S)
        assert example, "no JSON example"
        assert json.loads(example.group(1)) == {
            "schema_version": render.JSON_SCHEMA_VERSION,
            "command": site_cli.JSON_EXAMPLE_COMMAND,
            "data": site_cli.JSON_EXAMPLE_DATA,
        }
        listed = re.search(r"`--json`: (.*)\.$", page, flags=re.M)
        assert listed and re.findall(r"`([^`]+)`", listed.group(1)) == taking_json


# ------------------------------------------------------------- strict build


@pytest.mark.e2e
def test_the_strict_build_stops_on_a_lab_the_kit_cannot_load(tmp_path: Path) -> None:
    from labkit.catalog import load
    from labkit.errors import DataError

    labs_dir = tmp_path / "labs"
    for lab_id in ("38-01", "38-02", "38-04", "38-05", "38-06"):  # the hand-written pages link to each
        write_lab(labs_dir, f"{lab_id}-ok", lab_id)
    broken = write_lab(labs_dir, "38-03-bad", "38-03", title=("English only", None))
    with pytest.raises(DataError) as raised:
        load(broken)
    mkdocs = Path(sys.executable).with_name("mkdocs")
    command = [str(mkdocs)] if mkdocs.exists() else [sys.executable, "-m", "mkdocs"]
    env = {**os.environ, "LAB_LABS_DIR": str(labs_dir), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [*command, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    flagged = [line for line in output.splitlines() if re.match(r"^(WARNING|ERROR)\b", line)]
    assert len(flagged) == 1 and flagged[0].endswith(f": {raised.value}"), output
    assert "Traceback" not in output


def test_the_cli_reference_lists_the_just_recipes_learners_type() -> None:
    found = dict(site_cli.recipes(REPO / "templates" / "minitutor" / "project" / "Justfile"))
    assert "just release VERSION" in found and "just rollback *ARGS" in found
    assert found["just smoke-portal"].startswith("Check the served API")
    for lang, title in (("en", "## Recipes in your workspace"),
                        ("es", "## Recetas de tu espacio de trabajo")):
        section = "\n".join(site_cli.recipes_section(lang))
        assert title in section and "`just smoke-portal`" in section


# ------------------------------------------------------------- lab -> theory


def test_lab_pages_link_their_theory_from_the_mapping_file(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "theory").mkdir(parents=True)
    (docs / "theory" / "retention.md").write_text("# Retention defaults\n", encoding="utf-8")
    (docs / "theory" / "retention.es.md").write_text("# Retención por defecto\n",
                                                     encoding="utf-8")
    (docs / "lab-theory.yml").write_text('"38-01":\n  - theory/retention.md\n',
                                         encoding="utf-8")
    labs, _ = site_labs.load_labs(FIXTURE_LABS)
    english = site_labs.lab_page(labs[0], "en", docs)
    spanish = site_labs.lab_page(labs[0], "es", docs)
    assert "## Theory behind this lab" in english
    assert "- [Retention defaults](../theory/retention.md)" in english
    assert "- [Retención por defecto](../theory/retention.md)" in spanish
    for page in (english, spanish):
        assert "generated" not in page and "se genera" not in page


def test_a_mapping_to_a_missing_page_or_lab_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "lab-theory.yml").write_text('"99-01":\n  - theory/gone.md\n', encoding="utf-8")
    labs, _ = site_labs.load_labs(FIXTURE_LABS)
    problems = site_labs.theory_problems(tmp_path, labs)
    assert any("lab 99-01 does not exist" in p for p in problems)
    assert any("theory/gone.md" in p for p in problems)
    assert site_labs.theory_problems(tmp_path) == [problems[1]]


def test_every_theory_page_in_the_kits_mapping_exists() -> None:
    labs, _ = site_labs.load_labs(REPO / "labs")
    assert site_labs.theory_problems(REPO / "docs", labs) == []
    assert set(site_labs.theory_map(REPO / "docs")) == {lab.id for lab in labs}
