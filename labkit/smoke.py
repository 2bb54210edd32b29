"""The smoke test: the serving release checked against the workspace's API contract,
with the verdict recorded in the release history and the evidence journal."""

from __future__ import annotations

from dataclasses import dataclass, field

from labcore import events
from labkit.runtime.contract import Finding, check, load_contract
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace
from labkit.runtime.status import runtime_status


@dataclass
class SmokeResult:
    version: str | None
    url: str | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict:
        return {"version": self.version, "url": self.url, "passed": self.passed,
                "findings": [{"code": f.code, "message": f.text("en"), "detail": f.detail,
                              "message_es": f.text("es")} for f in self.findings]}


def run(ws: Workspace) -> SmokeResult:
    """Smoke-test the serving release and record the verdict as evidence."""
    contract = load_contract(ws)
    status = runtime_status(ws)
    sup = status["supervisor"]
    version = status["serving"]
    if not sup["running"] or version is None:
        result = SmokeResult(version, None, [Finding("down", "down")])
    else:
        result = SmokeResult(version, sup["url"], check(sup["port"], contract))
    History(ws.history_path).append("smoke", version or "-", passed=result.passed,
                                    findings=[f.code for f in result.findings])
    ws.journal.append(events.SMOKE_PASSED if result.passed else events.SMOKE_FAILED, {
        "version": version, "findings": [f.message for f in result.findings],
    })
    return result
