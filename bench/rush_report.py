"""The report of `bench/rush.py`: each repetition's figures, the ratios with their goals, and the
deadline rush's checks."""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rush_client import Figures, Result


@dataclass
class Rep:
    """One repetition: each closed-loop phase, the open loop at 1x and 2x, the campaign's cap."""

    phases: dict[str, Figures] = field(default_factory=dict)
    probe: dict[str, float] = field(default_factory=dict)  # the peak goodput's probe
    peak: float = 0.0  # basket edits answered a second with a queue waiting
    at_2x: dict[str, float] = field(default_factory=dict)  # no X-Request-Start: nothing shed
    at_2x_shed: dict[str, float] = field(default_factory=dict)  # shedding on
    pledge_accepted: int = 0  # in the cap rush
    pledge_refused: int = 0  # 422: over the cap
    pledge_failed: int = 0
    units: int = 0  # pledged in the campaign at the end
    cap: int = 0


@dataclass
class Rush:
    """The deadline rush's answers and checks."""

    sent: int
    statuses: Counter[tuple[str, int]]  # (kind, status) -> requests
    late_edits: int  # sent after the deadline
    late_accepted: int
    late_refused: int  # 409: the round is closed
    late_shed: int  # 503: refused by load shedding before anything ran
    failed: int  # 5xx, timed out, connection lost
    checked: int  # (member, product) pairs whose last acknowledged edit was compared
    mismatched: int
    lines_after_deadline: int
    round_status: str
    close: Result | None
    p99: float
    max: float


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(reps: list[Rep], rush: Rush, args: argparse.Namespace) -> None:
    def fig(rep: Rep, name: str) -> Figures:
        return rep.phases[name]

    def over(rep: Rep, name: str) -> dict[str, float]:
        return {"probe": rep.probe, "at_2x": rep.at_2x, "at_2x_shed": rep.at_2x_shed}[name]

    print(
        f"\n{len(reps)} repetition(s), {args.clients} clients in flight, {args.seconds:g} s a phase"
    )
    for i, rep in enumerate(reps, 1):
        parts = []
        for name in ("baseline", "edit", "spread", "hot", "pledge"):
            f = fig(rep, name)
            parts.append(
                f"{name} {f.throughput:.1f}/s p50 {f.p50 * 1000:.0f} p99 {f.p99 * 1000:.0f} ms"
            )
            if f.other:
                parts[-1] += f" (other {dict(sorted(f.other.items()))})"
        print(f"rep {i}: " + "; ".join(parts))
        print(
            f"rep {i}: cap rush: pledges accepted {rep.pledge_accepted}, refused at the cap "
            f"{rep.pledge_refused}, failed {rep.pledge_failed}; units pledged {rep.units} of cap "
            f"{rep.cap}: {'within' if rep.units <= rep.cap else 'EXCEEDED'}"
        )
        for name, what in (
            ("probe", "probe of the peak"),
            ("at_2x", "2x the peak, shedding off"),
            ("at_2x_shed", "2x the peak, shedding on"),
        ):
            o = over(rep, name)
            print(
                f"rep {i}: open loop {what} ({o['rate']:.1f}/s, {o['sent']:.0f} sent): goodput "
                f"{o['goodput']:.1f}/s, latency p50 {o['p50']:.2f} p99 {o['p99']:.2f} max "
                f"{o['max']:.2f} s, over 10 s {o['over_10s']:.0f}, shed 429/503 {o['shed']:.0f} "
                f"(p50 {o['shed_p50']:.2f} s), failed {o['failed']:.0f}"
            )

    def calm(name: str) -> bool:
        """No request of any repetition waited over 10 s or failed at twice the peak."""
        return all(over(r, name)["over_10s"] == 0 and over(r, name)["failed"] == 0 for r in reps)

    def ratio(f: Callable[[Rep], float]) -> tuple[float, list[float]]:
        values = [f(rep) for rep in reps]
        return median(values), values

    rows: list[tuple[str, Callable[[Rep], float], str, Callable[[float], bool]]] = [
        ("basket-edit throughput / bare view", lambda r: fig(r, "edit").throughput
         / fig(r, "baseline").throughput, ">= 0.40", lambda v: v >= 0.40),
        ("basket-edit p99 / bare view p99", lambda r: fig(r, "edit").p99
         / fig(r, "baseline").p99, "<= 3", lambda v: v <= 3),
        ("hot / spread throughput", lambda r: fig(r, "hot").throughput
         / fig(r, "spread").throughput, ">= 0.35", lambda v: v >= 0.35),
        ("goodput at 2x saturation / peak goodput, shedding on", lambda r: over(r, "at_2x_shed")
         ["goodput"] / r.peak, ">= 0.8, none over 10 s", lambda v: v >= 0.8 and calm("at_2x_shed")),
        ("goodput at 2x saturation / peak goodput, shedding off", lambda r: over(r, "at_2x")
         ["goodput"] / r.peak, ">= 0.8, none over 10 s", lambda v: v >= 0.8 and calm("at_2x")),
        ("pledge throughput / bare view", lambda r: fig(r, "pledge").throughput
         / fig(r, "baseline").throughput, "(none)", lambda v: True),
    ]  # fmt: skip
    print("\nratio (median of the repetitions; each repetition's in brackets) | goal")
    for label, of, goal, met in rows:
        value, values = ratio(of)
        verdict = "" if goal == "(none)" else ("met" if met(value) else "NOT met")
        each = ", ".join(f"{v:.2f}" for v in values)
        print(f"{label}: {value:.2f} [{each}] | {goal} {verdict}")
    for name, what in (("at_2x", "shedding off"), ("at_2x_shed", "shedding on")):
        excess = [over(r, name) for r in reps]
        print(
            f"at 2x, {what}: requests over 10 s {sum(o['over_10s'] for o in excess):.0f}, shed "
            f"with 429/503 {sum(o['shed'] for o in excess):.0f}, failed "
            f"{sum(o['failed'] for o in excess):.0f}, of {sum(o['sent'] for o in excess):.0f}"
        )
    caps = [(rep.units, rep.cap) for rep in reps]
    within = all(u <= c for u, c in caps)
    print(f"campaign caps (units, cap): {'never exceeded' if within else 'EXCEEDED'} {caps}")

    close = rush.close
    print(f"\ndeadline rush: {rush.sent} requests, p99 {rush.p99:.2f} s, max {rush.max:.2f} s")
    statuses = rush.statuses
    print(
        "  by kind and status: "
        + ", ".join(f"{k} {s}: {n}" for (k, s), n in sorted(statuses.items()))
    )
    close_text = "not sent" if close is None else f"{close.status} in {close.latency:.2f} s"
    print(f"  the coordinator's close: {close_text}; the round is {rush.round_status}")
    print(
        f"  late edits (sent after the deadline): {rush.late_edits}, refused 409 "
        f"{rush.late_refused}, shed 503 {rush.late_shed}, accepted {rush.late_accepted} (must be "
        f"0); 5xx, timeouts and lost connections: {rush.failed} (must be 0)"
    )
    print(
        f"  acknowledged edits checked against the database: {rush.checked} pairs, "
        f"{rush.mismatched} wrong (must be 0); demand lines placed after the deadline: "
        f"{rush.lines_after_deadline} (must be 0)"
    )
