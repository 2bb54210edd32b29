"""The incident stopwatch: phases of a break read from the evidence journal.

Nobody presses it. From the journal alone:

- **impact**: a broken release starts serving (the first ``release.deployed``
  of one of the break's releases after the lab's ``fault.injected``; a break
  may ship several, listed in its ``releases``, the last one in ``release``),
  or an upgrade gate passes one (``upgrade.gate``): on a swarm the update may
  have been rolled back while the team believes the broken release is out;
- **detected**: the first failing smoke test or failing probe window (by
  monitoring: the probe starts with the break, so this measures the kit's
  watch, not the learner);
- **acknowledged**: the learner's first action on the incident (a smoke test,
  a rollback, a hint): how fast a person reacted;
- **mitigated**: a good release serving and the probes (or a smoke test) green
  again, on a release that is none of the broken ones;
- **resolved**: the first ``lab check`` that found the lab recovered, the
  record valid and the journal intact.

Apart from the phases, the serving release's backend going down and coming back
(``backend.down`` then ``backend.restarted`` with ``serving``, or a deploy
ending the outage) after the impact is user impact of its own: counted in
``backend_outages`` and ``backend_down_s`` (the supervisor's own measure of
each span), without moving any phase.

Durations are measured from the impact, on the monotonic clock when the events
come from the same boot. The rollback's own duration and mode (flip or
rebuild) come from the first ``rollback.finished`` that landed on a release
other than the broken ones; rollbacks that landed on a broken release are
counted apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from checker.journal import Entry
from labcore import events


@dataclass(frozen=True)
class Moment:
    wall: float
    mono_ns: int
    boot: str

    @classmethod
    def of(cls, entry: Entry, mono_ns: int | None = None) -> Moment:
        if mono_ns is None:
            return cls(entry.wall, entry.mono_ns, entry.boot)
        return cls(entry.wall - (entry.mono_ns - mono_ns) / 1e9, mono_ns, entry.boot)

    def since(self, earlier: Moment) -> float:
        if self.boot == earlier.boot and self.boot != "unknown":
            return (self.mono_ns - earlier.mono_ns) / 1e9
        return self.wall - earlier.wall


@dataclass
class Stopwatch:
    lab: str | None = None
    broken_release: str | None = None  # the break's last broken release
    broken_releases: list[str] = field(default_factory=list)  # every one, in order
    state: str = "no break"  # no break | injected | impact | detected | mitigated | resolved
    impact_by: str | None = None  # deploy (a broken release served) | gate (a gate passed one)
    impact_at: float | None = None
    detected_at: float | None = None
    mitigated_at: float | None = None
    resolved_at: float | None = None
    detect_s: float | None = None
    mitigate_s: float | None = None
    resolve_s: float | None = None
    first_action_s: float | None = None  # the same as acknowledge_s (kept for older readers)
    acknowledged_at: float | None = None
    acknowledge_s: float | None = None
    detected_by: str | None = None  # smoke | probe
    mitigated_by: str | None = None  # probe | smoke
    mitigated_version: str | None = None
    rollback_mode: str | None = None  # flip | rebuild
    rollback_s: float | None = None
    rollback_failures: int = 0
    rollbacks_to_broken: int = 0
    hints_used: int = 0
    probes_failed: int = 0
    probes_passed: int = 0
    backend_outages: int = 0  # the serving backend went down, then came back or was replaced
    backend_down_s: float | None = None  # summed over those spans
    notes: list[str] = field(default_factory=list)
    # Every mark in order, seconds after the impact: impact, detected, acknowledged,
    # rollback (with its outcome: ok, failed, to-broken), mitigated, resolved.
    timeline: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _mark(watch: Stopwatch, what: str, at_s: float | None, **extra) -> None:
    if at_s is not None:
        watch.timeline.append({"what": what, "at_s": at_s, **extra})


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def measure(entries: Iterable[Entry], lab: str | None = None) -> Stopwatch:
    entries = list(entries)
    watch = Stopwatch(lab=lab)
    watch.hints_used = sum(1 for e in entries if e.event == events.HINT_REVEALED
                           and (lab is None or e.data.get("lab") == lab))
    injected = next((e for e in entries if e.event == events.FAULT_INJECTED
                     and (lab is None or e.data.get("lab") == lab)), None)
    if injected is None:
        return watch
    watch.lab = injected.data.get("lab", lab)
    watch.broken_release = injected.data.get("release")
    releases = injected.data.get("releases")
    if not isinstance(releases, list) or not releases:
        releases = [watch.broken_release] if watch.broken_release else []
    watch.broken_releases = [str(v) for v in releases]
    broken = set(watch.broken_releases)
    watch.state = "injected"
    after = [e for e in entries if e.seq > injected.seq]
    impact_entry = next((e for e in after if _impact(e, broken)), None)
    if impact_entry is None:
        return watch
    impact = Moment.of(impact_entry)
    watch.impact_by = "gate" if impact_entry.event == events.UPGRADE_GATE else "deploy"
    watch.impact_at = impact.wall
    watch.state = "impact"
    later = [e for e in after if e.seq > impact_entry.seq]

    detected = _first_failure(later)
    action = next((e for e in later if e.event in
                   events.LEARNER_ACTIONS), None)
    if action is not None:
        watch.first_action_s = watch.acknowledge_s = _round(Moment.of(action).since(impact))
        watch.acknowledged_at = action.wall
    if detected is not None:
        moment, watch.detected_by = detected
        watch.detected_at = moment.wall
        watch.detect_s = _round(moment.since(impact))
        watch.state = "detected"

    mitigated = _first_green(later, broken)
    if mitigated is not None:
        moment, watch.mitigated_by, watch.mitigated_version, seq = mitigated
        watch.mitigated_at = moment.wall
        watch.mitigate_s = _round(moment.since(impact))
        watch.state = "mitigated"
        if watch.detect_s is None:  # green before anything failed: detection was the fix itself
            watch.notes.append("no failure was observed before the recovery")
        resolved = next((e for e in later if e.seq > seq and e.event == events.CHECK_RUN
                         and e.data.get("resolved")), None)
        if resolved is not None:
            watch.resolved_at = resolved.wall
            watch.resolve_s = _round(Moment.of(resolved).since(impact))
            watch.state = "resolved"
    else:
        seq = None

    for e in later:
        at_s = _round(Moment.of(e).since(impact))
        if e.event == events.ROLLBACK_FAILED:
            watch.rollback_failures += 1
            _mark(watch, "rollback", at_s, outcome="failed", to=e.data.get("to"))
        elif e.event == events.ROLLBACK_FINISHED and e.data.get("to") in broken:
            watch.rollbacks_to_broken += 1
            _mark(watch, "rollback", at_s, outcome="to-broken", to=e.data.get("to"))
        elif e.event == events.ROLLBACK_FINISHED:
            _mark(watch, "rollback", at_s, outcome="ok", to=e.data.get("to"),
                  mode=e.data.get("mode"))
            if watch.rollback_mode is None:
                watch.rollback_mode = e.data.get("mode")
                watch.rollback_s = _round(e.data.get("seconds"))
        elif e.event == events.PROBE_WINDOW and (seq is None or e.seq <= seq):
            watch.probes_failed += int(e.data.get("fail", 0))
            watch.probes_passed += int(e.data.get("pass", 0))
    _backend_outages(watch, later)
    _mark(watch, "impact", 0.0, by=watch.impact_by)
    _mark(watch, "detected", watch.detect_s, by=watch.detected_by)
    _mark(watch, "acknowledged", watch.acknowledge_s)
    _mark(watch, "mitigated", watch.mitigate_s, by=watch.mitigated_by)
    _mark(watch, "resolved", watch.resolve_s)
    watch.timeline.sort(key=lambda m: m["at_s"])
    return watch


def _impact(e: Entry, broken: set[str]) -> bool:
    """A broken release starts serving, or an upgrade gate passes one (on a swarm the
    old release may keep serving while the team believes the broken one is out)."""
    if e.data.get("version") not in broken:
        return False
    return e.event == events.RELEASE_DEPLOYED or (e.event == events.UPGRADE_GATE
                                                   and e.data.get("verdict") == "pass")


def _backend_outages(watch: Stopwatch, entries: list[Entry]) -> None:
    """Spans the serving release's backend was down, from the supervisor's own measure."""
    down: dict[str, Entry] = {}
    spans: list[float] = []
    for e in entries:
        version = e.data.get("version")
        if e.event == events.RELEASE_DEPLOYED:  # a deploy ends the outage, whatever it serves
            spans += [Moment.of(e).since(Moment.of(began)) for began in down.values()]
            down.clear()
        elif not e.data.get("serving"):
            continue
        elif e.event == events.BACKEND_DOWN:
            down.setdefault(version, e)
        elif e.event == events.BACKEND_RESTARTED and version in down:
            began = down.pop(version)
            seconds = e.data.get("seconds")
            if not isinstance(seconds, (int, float)):
                seconds = Moment.of(e).since(Moment.of(began))
            spans.append(float(seconds))
    if spans:
        watch.backend_outages = len(spans)
        watch.backend_down_s = _round(sum(spans))
    for version in down:
        watch.notes.append(f"the backend serving {version} went down and the journal shows "
                           "no restart")


def _first_failure(entries: list[Entry]) -> tuple[Moment, str] | None:
    for e in entries:
        if e.event == events.SMOKE_FAILED:
            return Moment.of(e), "smoke"
        if e.event == events.PROBE_WINDOW and int(e.data.get("fail", 0)) > 0:
            return Moment.of(e, e.data.get("first_fail_mono_ns")), "probe"
    return None


def _first_green(entries: list[Entry], broken: set[str]):
    """The first green evidence on a release that is none of the broken ones, after one
    such release deployed."""
    good_serving = False
    for e in entries:
        version = e.data.get("version")
        if e.event == events.RELEASE_DEPLOYED:
            good_serving = version not in broken
        elif not good_serving or version in broken:
            continue
        elif e.event == events.SMOKE_PASSED:
            return Moment.of(e), "smoke", version, e.seq
        elif (e.event == events.PROBE_WINDOW and int(e.data.get("pass", 0)) > 0
              and int(e.data.get("fail", 0)) == 0):
            return Moment.of(e, e.data.get("first_pass_mono_ns")), "probe", version, e.seq
    return None
