"""`lab new`: scaffolding a lab directory that authors fill in."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from labkit.catalog import lab_dirs
from labkit.errors import UsageError
from labkit.paths import KIT_ROOT, labs_dir, templates_dir

_ID = re.compile(r"^(\d{2})-\d{2}$")

LAB_YAML = '''\
# Lab {id} as data. The engine knows nothing else about the lab: faults are
# plain text edits, checks are pytest files in checks/. Run `lab dev check {id}`
# until every step passes.
schema_version: 1
id: "{id}"
phase: {phase}
title:
  en: {title_en}
  es: {title_es}
summary:
  # One or two sentences shown by `lab list`.
  en: TODO describe what breaks and what the learner measures.
  es: TODO describe qué se rompe y qué mide quien aprende.
template: {template}

baseline:
  # Released (tagged, built, deployed) in this order by `lab start`.
  # Version numbers of this lab's own, so its tags never meet another lab's.
  releases: [{baseline}]

faults:
  # Each fault is one edit of the workspace. kind: replace (the default) swaps
  # `find` (found exactly once) for `replace`; create (file, content), delete
  # (file), rename (file, to) and patch (diff: a unified diff) do the rest.
  # Keep the whole break reversible in `record.line_budget` lines.
  - id: first-fault
    file: scripts/release.sh
    find: "TODO the exact text the fault replaces"
    replace: "TODO the faulty text"

break:
  # Committed together with the faults, then shipped with `just release`.
  release: "{broken}"
  message: "TODO a commit message a teammate might write"

hints:
  # Exactly three per language, from a nudge to almost the answer.
  en:
    - "TODO first hint"
    - "TODO second hint"
    - "TODO third hint"
  es:
    - "TODO primera pista"
    - "TODO segunda pista"
    - "TODO tercera pista"

next_steps:
  # Printed after `lab break`.
  en:
    - "Check the service: just smoke-portal"
  es:
    - "Comprueba el servicio: just smoke-portal"

record:
  # What a learner's notes/breaks.md record must mention: any_of (English) and es
  # (Spanish) terms, matched on meaning (case, accents, endings, synonyms).
  mentions:
    hidden_cause:
      - label: the cause
        any_of: ["TODO"]
  line_budget: 5
  protected: ["tests/"]

reference:
  # Recovery figures on the reference machine, {source}.
  flip_s: {flip_s}
  rebuild_s: {rebuild_s}
'''

README = {
    "en": "# {id} · {title}\n\nTODO: the learner's brief. What happens, the loop "
          "(detect, mitigate, fix, record, check), and what this teaches.\n",
    "es": "# {id} · {title}\n\nTODO: el enunciado para quien aprende. Qué ocurre, el ciclo "
          "(detectar, mitigar, corregir, registrar, comprobar) y qué enseña.\n",
}

CHECK = '''\
"""Checks of lab {id}, run against the learner's workspace (fixtures: workspace, lab).

The first three are the ones every lab carries (labkit.labchecks words them in the
learner's language); add the lab's own below them, with labchecks.say(en, es) for
their messages.
"""

from labkit import labchecks


def test_smoke_is_green(workspace):
    labchecks.smoke_is_green(workspace)


def test_serving_release_is_newer_than_the_broken_one(workspace, lab):
    labchecks.serving_is_newer_than(workspace, lab.break_.release)


def test_service_tests_are_untouched(workspace, lab):
    labchecks.service_tests_untouched(workspace, f"v{{lab.baseline.releases[0]}}")
'''

# Rows of benchmarks/RESULTS.md that hold the recovery figures a learner meets.
_FLIP_ROW = re.compile(r"^\|\s*`lab rollback` flip[^|]*\|\s*([0-9.]+)\s*s\b", re.MULTILINE)
_REBUILD_ROW = re.compile(r"^\|\s*`lab rollback --rebuild`[^|]*\|\s*([0-9.]+)\s*s\b",
                          re.MULTILINE)


def reference_figures(results: Path | None = None) -> dict[str, str]:
    """flip_s and rebuild_s as measured in benchmarks/RESULTS.md, or placeholders."""
    results = results or KIT_ROOT / "benchmarks" / "RESULTS.md"
    text = results.read_text(encoding="utf-8") if results.is_file() else ""
    flip, rebuild = _FLIP_ROW.search(text), _REBUILD_ROW.search(text)
    if flip and rebuild:
        return {"flip_s": flip.group(1), "rebuild_s": rebuild.group(1),
                "source": "as benchmarks/RESULTS.md measures them"}
    return {"flip_s": "1.0", "rebuild_s": "1.0",
            "source": "TODO measure them with benchmarks/lab.py (RESULTS.md has none)"}


def own_releases(number: int, root: Path) -> tuple[list[str], str]:
    """Baseline and broken releases in a minor line (1.N.x) no other lab of root uses."""
    from labkit.catalog import load
    from labkit.errors import LabError

    used = set()
    for directory in lab_dirs(root):
        try:
            spec = load(directory).spec
        except LabError:
            continue
        used |= {v.rsplit(".", 1)[0] for v in (*spec.baseline.releases, *spec.break_.versions)}
    minor = number + 1
    while f"1.{minor}" in used:
        minor += 1
    return [f"1.{minor}.{patch}" for patch in range(3)], f"1.{minor}.3"


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:48].strip("-") or "lab"


def _yaml_str(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)


def new_lab(lab_id: str, title: str, *, title_es: str | None = None,
            template: str = "minitutor", root: Path | None = None) -> Path:
    match = _ID.fullmatch(lab_id)
    if not match:
        raise UsageError(f"{lab_id!r} is not a lab id: use PHASE-NUMBER, e.g. 38-03")
    if not title.strip():
        raise UsageError("--title must not be empty")
    if not (templates_dir() / template / "copier.yml").is_file():
        raise UsageError(f"there is no template {template!r} in {templates_dir()}")
    root = root or labs_dir()
    for existing in lab_dirs(root):
        if existing.name == lab_id or existing.name.startswith(f"{lab_id}-"):
            raise UsageError(f"lab {lab_id} already exists: {existing}")
    dest = root / f"{lab_id}-{slugify(title)}"
    if dest.exists():
        raise UsageError(f"{dest} already exists")
    root.mkdir(parents=True, exist_ok=True)
    baseline, broken = own_releases(int(lab_id.split("-")[1]), root)
    tmp = Path(tempfile.mkdtemp(prefix=f".{lab_id}.", dir=root))
    try:
        values = {"id": lab_id, "phase": int(match.group(1)), "template": template,
                  "baseline": ", ".join(f'"{v}"' for v in baseline), "broken": broken,
                  **reference_figures(),
                  "title_en": _yaml_str(title.strip()),
                  "title_es": _yaml_str((title_es or title).strip())}
        (tmp / "lab.yaml").write_text(LAB_YAML.format(**values), encoding="utf-8")
        (tmp / "README.md").write_text(README["en"].format(id=lab_id, title=title.strip()),
                                       encoding="utf-8")
        (tmp / "README.es.md").write_text(
            README["es"].format(id=lab_id, title=(title_es or title).strip()), encoding="utf-8")
        (tmp / "checks").mkdir()
        (tmp / "checks" / "test_recovery.py").write_text(CHECK.format(id=lab_id),
                                                          encoding="utf-8")
        (tmp / "fix").mkdir()
        (tmp / "fix" / "README.md").write_text(
            "The reference fix: a unified diff in fix.diff that repairs the broken state "
            "(used by `lab dev check`, never shown to learners).\n", encoding="utf-8")
        tmp.rename(dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest
