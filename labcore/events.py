"""The names of the journal's events: written by the doing half, read by the judge.

One name each, so a writer and a reader can never drift apart. The journal
keeps them as plain strings; old journals stay readable.
"""

LAB_STARTED = "lab.started"
LAB_RESUMED = "lab.resumed"
FAULT_INJECTED = "fault.injected"
RELEASE_BUILT = "release.built"
RELEASE_DEPLOYED = "release.deployed"
ARTIFACTS_PRUNED = "artifacts.pruned"
ROLLBACK_STARTED = "rollback.started"
ROLLBACK_FINISHED = "rollback.finished"
ROLLBACK_FAILED = "rollback.failed"
SMOKE_PASSED = "smoke.passed"
SMOKE_FAILED = "smoke.failed"
PROBE_WINDOW = "probe.window"
HINT_REVEALED = "hint.revealed"
CHECK_RUN = "check.run"
SUPERVISOR_RESTORED = "supervisor.restored"
BACKEND_DOWN = "backend.down"
BACKEND_RESTARTED = "backend.restarted"
SWARM_UPDATE = "swarm.update"  # the swarm service's UpdateStatus changed
UPGRADE_GATE = "upgrade.gate"  # a workspace's upgrade gate gave its verdict

# What counts as the learner acting on the incident (the first one starts "acknowledged").
LEARNER_ACTIONS = (SMOKE_FAILED, SMOKE_PASSED, ROLLBACK_STARTED, HINT_REVEALED)
