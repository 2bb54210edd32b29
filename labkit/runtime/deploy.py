"""Deploy and rollback: verify, bring the release up, flip the router's pointer.

Rollback is a deploy of an older artifact. When that artifact still exists the
previous backend is warm and the rollback is a pointer flip; when it is gone,
rollback stops with exit 3 unless asked to rebuild it from its git tag. A rollback
across a schema change of the shared data stops too, unless asked to restore the
backup taken before it (``databackup``).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

from labcore import events
from labkit.errors import ArtifactError, LabError, NoRollbackPath, SupervisorError, UsageError
from labkit.i18n import t
from labkit.runtime import databackup, failpoints, startfail
from labkit.runtime.artifacts import ArtifactStore
from labkit.runtime.backends import get_backend, workspace_kind
from labkit.runtime.build import build
from labkit.runtime.control import Control, ensure_running
from labkit.runtime.history import History
from labkit.runtime.layout import Workspace, check_version


@dataclass
class DeployResult:
    version: str
    previous: str | None
    mode: str  # deploy | flip | rebuild
    seconds: float
    switch_ns: int | None
    rebuild_seconds: float | None = None
    url: str | None = None
    changed: bool = True
    restarted: bool = False  # the serving backend was down and was brought back

    def as_dict(self) -> dict:
        return asdict(self)


def serving(ws: Workspace) -> str | None:
    control = Control(ws)
    if control.alive():
        return control.call("status").get("active")
    return History(ws.history_path).serving()


def _deploy_locked(ws: Workspace, version: str, *, mode: str, started: float,
                   extra: dict | None = None) -> DeployResult:
    check_version(version)
    ws.journal.check_tail()  # a switch the journal cannot record is refused up front
    manifest = ArtifactStore(ws).verify(version)
    control = ensure_running(ws)
    status = control.call("status")
    if status.get("active") == version:
        # Serving already, by version: only when it runs this artifact and answers.
        reply = control.call("revive", version=version, digest=manifest["sha256"], timeout=120)
        if reply["state"] in ("healthy", "restarted"):
            restarted = reply["state"] == "restarted"
            return DeployResult(version, History(ws.history_path).previous(),
                                "restart" if restarted else mode, time.monotonic() - started,
                                None, url=status.get("url"), changed=restarted,
                                restarted=restarted)
    # A warm release (running this very artifact, alive) needs nothing prepared: the flip
    # is a pointer swap on every backend, with no image or tarball touched.
    digest = manifest["sha256"][:12]
    warm = any(b.get("version") == version and b.get("alive") and b.get("digest") == digest
               for b in status.get("backends") or [])
    if not warm:
        get_backend(ws).prepare(version)
    failpoints.hit("deploy.prepared")
    try:
        control.call("start", version=version, timeout=120)
    except SupervisorError as err:
        raise startfail.explain(ws, version, err) from None
    failpoints.hit("deploy.started")
    record = {"mode": mode, **(extra or {})}
    reply = control.call("switch", version=version, record=record, timeout=120)
    failpoints.hit("deploy.switched")
    return DeployResult(version, reply.get("previous"), mode, time.monotonic() - started,
                        reply.get("switch_ns"), url=f"http://127.0.0.1:{reply.get('port')}/")


def deploy(ws: Workspace, version: str) -> DeployResult:
    started = time.monotonic()
    with ws.lock("another deploy, rollback or prune"):
        if workspace_kind(ws) == "swarm":
            from labkit.runtime import swarmdeploy

            check_version(version)
            return swarmdeploy.first_deploy(ws, version, started)
        return _deploy_locked(ws, version, mode="deploy", started=started)


def rebuild_estimate(ws: Workspace, lang: str | None = None) -> str:
    times = History(ws.history_path).build_times(workspace_kind(ws))
    if times is None:
        return t("estimate.unknown", lang)
    if times.count == 1:
        return t("estimate.one", lang, median=times.median)
    return t("estimate.many", lang, median=times.median, count=times.count, low=times.low,
             high=times.high)


def rollback(ws: Workspace, *, to: str | None = None, rebuild: bool = False,
             restore_data: bool = False, say=lambda line: None) -> DeployResult:
    started = time.monotonic()
    store = ArtifactStore(ws)
    history = History(ws.history_path)
    if workspace_kind(ws) == "swarm":
        from labkit.runtime import swarmdeploy

        raise swarmdeploy.refuse(ws, "lab rollback")
    with ws.lock("another deploy, rollback or prune"):
        ws.journal.check_tail()
        current = serving(ws)
        target = check_version(to) if to else history.previous()
        say(t("rollback.looking", artifacts=ws.artifacts.name))
        if target is None:
            ws.journal.append(events.ROLLBACK_FAILED, {"from": current, "to": None,
                                                  "reason": "no previous release in history"})
            raise NoRollbackPath(t("rollback.no_history", workspace=ws.root.name,
                                   current=current or t("rollback.nothing")))
        if target == current:
            raise UsageError(f"{target} is already serving; nothing to roll back to")
        ws.journal.append(events.ROLLBACK_STARTED, {"from": current, "to": target, "rebuild": rebuild})
        failpoints.hit("rollback.started")
        problem = None
        if not store.has(target):
            problem = "missing"
        else:
            try:
                store.verify(target)
            except ArtifactError as err:
                problem = str(err)
        if problem and not rebuild:
            ws.journal.append(events.ROLLBACK_FAILED, {"from": current, "to": target,
                                                  "reason": problem})
            if problem == "missing":
                command = "lab rollback " + (f"--to {target} " if to else "") + "--rebuild"
                last = _last_available(ws, current)
                raise NoRollbackPath(
                    t("rollback.to_pruned", version=target, name=ws.artifact_name(target),
                      artifacts=ws.artifacts.name) if to else
                    t("rollback.no_prior_tag", last=last),
                    hint=t("rollback.rebuild_hint", version=target, tag=ws.spec.tag(target),
                           estimate=rebuild_estimate(ws), command=command),
                )
            raise ArtifactError(f"[rollback] ERROR: refusing {target}: {problem}",
                                hint="rebuild it from its tag: lab rollback "
                                + (f"--to {target} " if to else "") + "--rebuild")
        try:
            restored = databackup.guard(ws, target, restore=restore_data, say=say)
        except LabError as err:
            ws.journal.append(events.ROLLBACK_FAILED, {"from": current, "to": target,
                                                  "reason": str(err)})
            raise
        rebuild_seconds = None
        mode = "flip"
        if problem:
            say(t("rollback.rebuilding", version=target, tag=ws.spec.tag(target)))
            result = build(ws, target, ws.spec.tag(target), say=say)
            rebuild_seconds = result.seconds
            mode = "rebuild"
        result = _deploy_locked(ws, target, mode=mode, started=started,
                                extra={"rollback_from": current})
        result.rebuild_seconds = rebuild_seconds
        ws.journal.append(events.ROLLBACK_FINISHED, {
            "from": current, "to": target, "mode": mode,
            "seconds": round(result.seconds, 3), "rebuild_seconds": rebuild_seconds,
            **({"restored": restored.path.name} if restored else {}),
        })
        return result


def _last_available(ws: Workspace, current: str | None) -> str:
    store = ArtifactStore(ws)
    present = set(store.versions())
    order = [v for v in History(ws.history_path).release_order() if v in present]
    order += sorted(present - set(order))
    if not order:
        return t("rollback.none_left")
    newest = order[-1]
    name = ws.artifact_name(newest)
    return t("rollback.last_current", name=name) if newest == current else name


def previous_available(ws: Workspace) -> str:
    """The previous release's version if its artifact exists (exit 3 otherwise)."""
    target = History(ws.history_path).previous()
    if target is None:
        raise NoRollbackPath("no release was served before the current one")
    if not ArtifactStore(ws).has(target):
        raise NoRollbackPath(f"the previous release {target} has no artifact "
                             f"({ws.artifact_name(target)} is gone)")
    return target
