"""The schema of lab.yaml (schema_version 1): a lab is data, checked here."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

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


class Fault(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    file: str = Field(min_length=1)
    find: str = Field(min_length=1)
    replace: str
    concept: Bilingual | None = None

    @field_validator("file")
    @classmethod
    def _relative(cls, value: str) -> str:
        if value.startswith("/") or ".." in value.split("/"):
            raise ValueError("must be a path inside the workspace")
        return value

    @model_validator(mode="after")
    def _changes_something(self):
        if self.find == self.replace:
            raise ValueError("find and replace are the same, so the fault changes nothing")
        return self


class Baseline(Strict):
    releases: list[str] = Field(min_length=1)

    @field_validator("releases")
    @classmethod
    def _versions(cls, value: list[str]) -> list[str]:
        for v in value:
            if not _VERSION.match(v):
                raise ValueError(f"{v!r} is not a version like 1.2.0")
        return value


class BreakRelease(Strict):
    release: str
    message: str = Field(min_length=1)

    @field_validator("release")
    @classmethod
    def _version(cls, value: str) -> str:
        if not _VERSION.match(value):
            raise ValueError(f"{value!r} is not a version like 1.2.3")
        return value


class MentionSpec(Strict):
    label: str = Field(min_length=1)
    any_of: list[str] = Field(min_length=1)


class RecordSpec(Strict):
    mentions: dict[Literal["symptom", "hidden_cause", "concept"], list[MentionSpec]] = {}
    line_budget: int = Field(default=5, ge=1, le=200)
    protected: list[str] = ["tests/"]


class Reference(Strict):
    """Reference figures shown beside a learner's times."""

    flip_s: float = Field(gt=0)
    rebuild_s: float = Field(gt=0)
    detect_s: float | None = Field(default=None, gt=0)
    mitigate_s: float | None = Field(default=None, gt=0)


class Rubric(Strict):
    recovered: int = Field(default=40, ge=0)
    record_valid: int = Field(default=20, ge=0)
    journal_intact: int = Field(default=10, ge=0)
    mitigate_within_s: float = Field(default=900, gt=0)
    mitigate_points: int = Field(default=20, ge=0)
    hint_penalty: int = Field(default=2, ge=0)
    no_hint_bonus: int = Field(default=10, ge=0)


class RetentionSpec(Strict):
    """Knobs of the runtime's prune the lab's release script uses (generic)."""

    protect_last_good: bool = False


class LabSpec(Strict):
    schema_version: Literal[1]
    id: str
    phase: int = Field(ge=1, le=99)
    title: Bilingual
    summary: Bilingual
    template: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    baseline: Baseline
    faults: list[Fault] = Field(min_length=1)
    break_: BreakRelease = Field(alias="break")
    hints: BilingualList
    next_steps: BilingualList
    record: RecordSpec = RecordSpec()
    reference: Reference
    rubric: Rubric = Rubric()

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
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
        if self.break_.release in self.baseline.releases:
            raise ValueError("the break release must differ from the baseline releases")
        return self

    @property
    def fault_files(self) -> list[str]:
        return list(dict.fromkeys(f.file for f in self.faults))
