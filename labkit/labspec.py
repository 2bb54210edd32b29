"""The schema of lab.yaml (schema_version 1): a lab is data, checked here."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from checker.rubric import Rubric
from labcore.strict import KIB, Rules
from labkit.editspec import Edit

SCHEMA_VERSIONS = (1,)
MAX_BYTES = 256 * KIB
LAB_YAML_RULES = Rules(noun="lab.yaml", one_document="keep the whole lab in one document")

_ID = re.compile(r"^\d{2}-\d{2}$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Strict):
    en: str = Field(min_length=1)
    es: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.es if lang == "es" else self.en


class BilingualList(Strict):
    en: list[str]
    es: list[str]

    def get(self, lang: str) -> list[str]:
        return self.es if lang == "es" else self.en

    @model_validator(mode="after")
    def _same_length(self):
        if len(self.en) != len(self.es):
            raise ValueError(f"en has {len(self.en)} entries but es has {len(self.es)}")
        if any(not s.strip() for s in (*self.en, *self.es)):
            raise ValueError("entries must not be empty")
        return self


class Fault(Edit):
    """An edit the break injects; ``concept`` names what it teaches."""

    concept: Bilingual | None = None


def _check_versions(value: list[str], example: str) -> list[str]:
    for v in value:
        if not _VERSION.fullmatch(v):
            raise ValueError(f"{v!r} is not a version like {example}")
    if len(set(value)) != len(value):
        raise ValueError("lists a version twice")
    if [version_key(v) for v in value] != sorted(version_key(v) for v in value):
        raise ValueError("versions must be listed oldest first")
    return value


def version_key(version: str) -> tuple[int, ...]:
    """A version like 1.2.3 as a tuple that sorts the way versions do."""
    return tuple(int(part) for part in version.split("."))


class Baseline(Strict):
    """What `lab start` sets up before the learner arrives.

    - ``releases``: tagged, built and deployed in this order (the last one serves).
    - ``edits`` (optional): edits in the same form as faults (labkit.editspec),
      applied to the fresh workspace and committed with ``message`` before the
      first baseline release; they are part of the service's normal state, not
      of the break (for example a retention setting the lab's story depends on).
    - ``smoke`` (optional, default false): smoke-test each baseline release
      right after it is deployed, so the release history holds a passed verdict
      for each of them (a failing verdict stops `lab start`: the baseline must
      be good).
    """

    releases: list[str] = Field(min_length=1)
    edits: list[Edit] = []
    message: str | None = Field(default=None, min_length=1)
    smoke: bool = False

    @field_validator("releases")
    @classmethod
    def _versions(cls, value: list[str]) -> list[str]:
        return _check_versions(value, "1.2.0")

    @model_validator(mode="after")
    def _edits_explained(self):
        if self.edits and not self.message:
            raise ValueError("baseline edits need a commit message (baseline.message)")
        if self.message and not self.edits:
            raise ValueError("baseline.message is the commit message of baseline.edits, "
                             "but there are no edits")
        ids = [e.id for e in self.edits]
        if len(set(ids)) != len(ids):
            raise ValueError("two baseline edits share an id")
        return self


class BreakRelease(Strict):
    """How the break ships: faults committed with ``message``, then released.

    - ``release``: the broken release (one ``just release``);
    - ``releases`` (instead, or as well): several broken releases shipped in a
      row, oldest first, all carrying the faults. ``release`` is then the last
      of them (filled in when omitted): every later release, the learner's fix
      included, must be newer than it.

    Every release listed here counts as broken for the stopwatch.
    """

    release: str
    releases: list[str] | None = Field(default=None, min_length=1)
    message: str = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _last_release(cls, data):
        if isinstance(data, dict) and data.get("release") is None:
            releases = data.get("releases")
            if releases is None:
                raise ValueError("give the broken release (break.release) or several "
                                 "(break.releases)")
            if releases == []:
                raise ValueError("break.releases lists no release")
            if isinstance(releases, list):
                data = {**data, "release": releases[-1]}
        return data

    @field_validator("release")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION.fullmatch(value):
            raise ValueError(f"{value!r} is not a version like 1.2.3")
        return value

    @field_validator("releases")
    @classmethod
    def _versions(cls, value: list[str] | None) -> list[str] | None:
        return value if value is None else _check_versions(value, "1.2.3")

    @model_validator(mode="after")
    def _release_is_last(self):
        if self.releases is not None and self.release != self.releases[-1]:
            raise ValueError(f"break.release ({self.release}) must be the last of "
                             f"break.releases ({', '.join(self.releases)})")
        return self

    @property
    def versions(self) -> list[str]:
        """Every broken release, in the order the break ships them."""
        return list(self.releases) if self.releases else [self.release]


class MentionSpec(Strict):
    """Terms a record field must say one of: ``any_of`` (English), ``es`` (Spanish).

    Matched on meaning (checker.records.matching): case, accents, word endings
    and the synonyms of checker/records/synonyms.yaml are ignored.
    """

    label: str = Field(min_length=1)
    any_of: list[str] = Field(min_length=1)
    es: list[str] = []


class RecordSpec(Strict):
    mentions: dict[Literal["symptom", "hidden_cause", "concept"], list[MentionSpec]] = {}
    line_budget: int = Field(default=5, ge=1, le=200)
    protected: list[str] = ["tests/"]


class BackendFigures(Strict):
    """A flip and a rebuild as measured on one backend."""

    flip_s: float = Field(gt=0)
    rebuild_s: float = Field(gt=0)


class Reference(Strict):
    """Reference figures shown beside a learner's times. ``flip_s`` and ``rebuild_s``
    were measured on ``backend`` (the process backend unless named); ``docker``
    holds the same figures measured on the docker backend."""

    backend: Literal["process", "docker", "swarm"] = "process"
    flip_s: float = Field(gt=0)
    rebuild_s: float = Field(gt=0)
    detect_s: float | None = Field(default=None, gt=0)
    mitigate_s: float | None = Field(default=None, gt=0)
    docker: BackendFigures | None = None

    def on(self, backend: str) -> dict:
        """The figures of ``backend`` (None where that backend was not measured)."""
        if backend == self.backend:
            return {"backend": backend, "flip_s": self.flip_s, "rebuild_s": self.rebuild_s}
        other = self.docker if backend == "docker" else None
        return {"backend": backend, "flip_s": other.flip_s if other else None,
                "rebuild_s": other.rebuild_s if other else None}


class LabSpec(Strict):
    """A whole lab.yaml. Settings added since the first lab are optional, so every
    earlier lab.yaml stays valid under schema_version 1: ``baseline.edits`` with
    ``baseline.message``, ``baseline.smoke`` and ``break.releases``."""

    schema_version: Literal[1]
    id: str
    phase: int = Field(ge=1, le=99)
    title: Bilingual
    summary: Bilingual
    template: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    # The backend the lab's story needs (a swarm service, say); unset: any backend.
    backend: Literal["process", "docker", "swarm"] | None = None
    baseline: Baseline
    faults: list[Fault] = Field(min_length=1)
    break_: BreakRelease = Field(alias="break")
    hints: BilingualList
    next_steps: BilingualList
    # What a learner playing in challenge mode is told: the goal and the symptoms only.
    # The guided next steps then become extra hints, counted like the others.
    challenge: BilingualList | None = None
    record: RecordSpec = RecordSpec()
    reference: Reference
    rubric: Rubric = Rubric()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.fullmatch(value):
            raise ValueError("must look like 38-01 (phase-number)")
        return value

    @field_validator("hints")
    @classmethod
    def _three_hints(cls, value: BilingualList) -> BilingualList:
        if len(value.en) != 3:
            raise ValueError("a lab has exactly three hints in each language")
        return value

    @model_validator(mode="after")
    def _coherent(self):
        if int(self.id.split("-")[0]) != self.phase:
            raise ValueError(f"id {self.id} does not belong to phase {self.phase}")
        newest = max(self.baseline.releases, key=version_key)
        stale = [v for v in self.break_.versions if version_key(v) <= version_key(newest)]
        if stale:
            raise ValueError(f"break release {stale[0]} must be newer than the baseline "
                             f"(last baseline release: {newest})")
        return self

    @property
    def fault_files(self) -> list[str]:
        return list(dict.fromkeys(path for f in self.faults for path in f.files))

    @property
    def taught_files(self) -> list[str]:
        """The files of the faults that teach something (a ``concept``); a fault without
        one is what the broken release brings besides (a feature), not a defect."""
        return list(dict.fromkeys(path for f in self.faults if f.concept
                                  for path in f.files))
