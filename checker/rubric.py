"""A lab's rubric (lab.yaml ``rubric``) and the score of one graded row.

::

    points = recovered        if the lab was recovered
           + record_valid     if the record is valid
           + journal_intact   if the journal is intact
           + mitigate_points  if mitigated within mitigate_within_s of the impact
           + acknowledge_points if acknowledged within acknowledge_within_s of the
                              impact (the learner's first action; 0 points by default)
           + no_hint_bonus    if no hint was revealed
           - hint_penalty     for each hint revealed
    score  = max(points, 0)

A row whose journal was tampered with (or is missing) is not scored: every
other term is read from that journal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field


class Rubric(BaseModel):
    """Points of a lab; lab.yaml may override any of them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    recovered: int = Field(default=40, ge=0)
    record_valid: int = Field(default=20, ge=0)
    journal_intact: int = Field(default=10, ge=0)
    mitigate_within_s: float = Field(default=900, gt=0)
    mitigate_points: int = Field(default=20, ge=0)
    acknowledge_within_s: float = Field(default=300, gt=0)
    acknowledge_points: int = Field(default=0, ge=0)
    hint_penalty: int = Field(default=2, ge=0)
    no_hint_bonus: int = Field(default=10, ge=0)

    @property
    def max_points(self) -> int:
        return (self.recovered + self.record_valid + self.journal_intact
                + self.mitigate_points + self.acknowledge_points + self.no_hint_bonus)


@dataclass
class Score:
    points: int | None
    parts: dict[str, int] = field(default_factory=dict)
    note: str | None = None  # why it was not scored


def score(rubric: Rubric, *, recovered: bool | None, record_valid: bool | None,
          journal_intact: bool | None, mitigate_s: float | None, hints_used: int,
          journal_problem: str | None = None, acknowledge_s: float | None = None) -> Score:
    """The points of one row by the rubric (see the module's docstring)."""
    if not journal_intact:
        return Score(None, {}, f"not scored: {journal_problem or 'the journal is not intact'}")
    parts = {
        "recovered": rubric.recovered if recovered else 0,
        "record_valid": rubric.record_valid if record_valid else 0,
        "journal_intact": rubric.journal_intact,
        "mitigated_in_time": rubric.mitigate_points
        if mitigate_s is not None and mitigate_s <= rubric.mitigate_within_s else 0,
    }
    if rubric.acknowledge_points:  # a term only for the labs that score it
        parts["acknowledged_in_time"] = rubric.acknowledge_points \
            if acknowledge_s is not None and acknowledge_s <= rubric.acknowledge_within_s else 0
    parts |= {
        "no_hint_bonus": rubric.no_hint_bonus if hints_used == 0 else 0,
        "hint_penalty": -rubric.hint_penalty * hints_used,
    }
    return Score(max(sum(parts.values()), 0), parts)
