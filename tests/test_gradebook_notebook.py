"""The gradebook notebook is run when it is made: it opens with its figures,
and it tells monitoring's detection apart from the learner's first action."""

from __future__ import annotations

import base64

import nbformat

from checker.gradebook import LEARNER_HEADER, learner_cells, notebook
from checker.gradebook_plots import cohort_figures
from checker.gradebook_run import execute
from checker.grading import Row

PNG = b"\x89PNG\r\n\x1a\n"


def _rows() -> list[dict]:
    def row(name, **kw):
        base = dict(workspace="phase-38", lab="38-01", recovered=True, journal_intact=True,
                    journal_entries=40, record_valid=True, record_errors=0, state="resolved",
                    detect_s=0.15, detected_by="probe", score=80, score_max=100)
        return Row(name, **{**base, **kw}).as_dict()

    return [
        row("ana", acknowledge_s=12.5, mitigate_s=95.0, resolve_s=300.0,
            rollback_mode="rebuild", hints_used=0),
        row("bea", acknowledge_s=40.0, mitigate_s=61.0, resolve_s=250.0,
            rollback_mode="flip", hints_used=2, score=60),
        # Did nothing: the probe still detected the break within a fraction of a second.
        row("idle", acknowledge_s=None, mitigate_s=None, resolve_s=None, recovered=False,
            state="detected", score=0, hints_used=0),
        Row("err", workspace="phase-38", error="the workspace is gone").as_dict(),
    ]


def test_the_figures_are_png_images() -> None:
    images = cohort_figures(_rows())
    assert len(images) == 4
    assert all(image.startswith(PNG) and len(image) > 2000 for image in images)


def test_detection_is_monitorings_and_acknowledging_is_the_learners() -> None:
    rows = {r["learner"]: r for r in _rows()}
    def cell(row, column):
        return learner_cells(row)[LEARNER_HEADER.index(column)]

    assert cell(rows["idle"], "detected by") in ("probe 0.1", "probe 0.2")
    assert cell(rows["idle"], "acknowledge") == "-"  # no first action: nothing to acknowledge
    assert cell(rows["ana"], "acknowledge") == "12.5"


def test_the_notebook_runs_and_opens_with_its_outputs(tmp_path) -> None:
    book = execute(notebook(_rows(), source="learners", title="Gradebook"))
    path = tmp_path / "gradebook.ipynb"
    path.write_text(nbformat.writes(book), encoding="utf-8")
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs for c in code)
    assert code[0].outputs[0]["data"]["text/plain"] == "4"  # len(rows)
    images = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4
    assert all(base64.b64decode(o.data["image/png"]).startswith(PNG) for o in images)
    assert nb.metadata.kernelspec.name == "python3"
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "| time to acknowledge (first action) | 2 |" in text
