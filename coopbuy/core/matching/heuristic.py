"""A quick valid answer for a region, used as HiGHS's start and kept when HiGHS finds nothing
better in time (a big region may never reach HiGHS's proof).

1. The most constrained first: people in order of how few candidate groups they have (then id).
   Each joins the nearest open group with room, or else opens the nearest candidate group whose
   host is still free, with as few others as make it valid (fewest alternatives first, then
   nearest, then the biggest spenders if the minimum is still short). Small groups leave hosts
   and room for the people who come later.
2. Repair: someone left out may take the place of a member who can move to another open group
   with room (one step of an ejection chain), if both groups stay valid.
3. Less travel: a member moves to a nearer open group with room when both stay valid, until no
   move helps.
4. The squeaky wheel: the pass runs again with the people it left out first, up to `ROUNDS`
   times while it leaves out someone new; the answer placing most is kept (a fixed number of
   rounds, not a clock, so the same input gives the same answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coopbuy.core.matching.reach import Arcs, Points

#: How many of a person's nearest candidate groups with a free host they try to open.
OPEN_TRIES = 8
#: How many times the whole pass runs, the people left out moved to the front each time.
ROUNDS = 4


@dataclass(slots=True)
class _State:
    min_size: int
    max_size: int
    host: list[int]  # per candidate: the host (local person number)
    minimum: list[int]  # per candidate: the supplier's minimum, pence
    own: list[int]  # per candidate: the host's own arc position
    cand_arcs: list[list[tuple[int, int, int]]]  # per candidate: (metres, person, pos), nearest 1st
    person_arcs: list[list[tuple[int, int, int]]]  # per person: (metres, candidate, pos)
    want: list[int]  # per arc position: the person's want from the candidate's supplier
    metres: list[int]  # per arc position
    degree: list[int]
    cand: list[int]  # per arc position: its candidate group
    where: list[int] = field(default_factory=list)  # per person: their arc position, or -1
    members: dict[int, dict[int, int]] = field(default_factory=dict)  # open c -> person -> pos
    spend: dict[int, int] = field(default_factory=dict)

    def join(self, c: int, p: int, pos: int) -> None:
        self.members.setdefault(c, {})[p] = pos
        self.spend[c] = self.spend.get(c, 0) + self.want[pos]
        self.where[p] = pos

    def leave(self, c: int, p: int) -> None:
        pos = self.members[c].pop(p)
        self.spend[c] -= self.want[pos]
        self.where[p] = -1

    def can_lose(self, c: int, pos: int) -> bool:
        return (
            len(self.members[c]) > self.min_size
            and self.spend[c] - self.want[pos] >= self.minimum[c]
        )


def heuristic(people: list[int], arc_ix: np.ndarray, candidate: np.ndarray, own_arc: np.ndarray,
              arcs: Arcs, pts: Points, min_size: int, max_size: int) -> list[int]:  # fmt: skip
    """Positions in `arc_ix` of a valid answer (see the module docstring)."""
    local = {p: i for i, p in enumerate(people)}
    person = [local[p] for p in arcs.person[arc_ix].tolist()]
    metres = arcs.metres[arc_ix].tolist()
    supplier = arcs.supplier[arc_ix]
    want = pts.wants[arcs.person[arc_ix], supplier].tolist()
    cand = candidate.tolist()
    own = own_arc.tolist()
    n_cand, n_people = len(own), len(people)
    host = [person[pos] for pos in own]
    minimum = [pts.minimum[int(supplier[pos])] for pos in own]
    cand_arcs: list[list[tuple[int, int, int]]] = [[] for _ in range(n_cand)]
    person_arcs: list[list[tuple[int, int, int]]] = [[] for _ in range(n_people)]
    for pos, (p, c, m) in enumerate(zip(person, cand, metres, strict=True)):
        person_arcs[p].append((m, c, pos))
        if pos != own[c]:
            cand_arcs[c].append((m, p, pos))
    for lst in cand_arcs:
        lst.sort()
    for lst in person_arcs:
        lst.sort()
    degree = [len(lst) for lst in person_arcs]
    best: _State | None = None
    first: set[int] = set()
    for _ in range(ROUNDS):
        # The people left out last time go first (and are preferred as others) next time.
        rank = [d - (1 << 30 if p in first else 0) for p, d in enumerate(degree)]
        st = _State(min_size, max_size, host, minimum, own, cand_arcs, person_arcs, want,
                    metres, rank, cand, where=[-1] * n_people)  # fmt: skip
        _place(st)
        left = {p for p in range(n_people) if st.where[p] < 0}
        if best is None or len(left) < sum(pos < 0 for pos in best.where):
            best = st
        if not left or left <= first:
            break
        first |= left
    if best is None:
        return []
    _less_travel(best)  # moves nobody in or out, so only the answer kept needs it
    return sorted(pos for pos in best.where if pos >= 0)


def _place(st: _State) -> None:
    order = sorted(range(len(st.where)), key=lambda p: (st.degree[p], p))
    for p in order:
        if st.where[p] < 0 and not _join_open(st, p):
            _open_for(st, p)
    for p in order:
        if st.where[p] < 0 and not _join_open(st, p) and not _open_for(st, p):
            _eject_for(st, p) or _open_with_donors(st, p)


def _join_open(st: _State, p: int) -> bool:
    for _, c, pos in st.person_arcs[p]:
        group = st.members.get(c)
        if group and len(group) < st.max_size:
            st.join(c, p, pos)
            return True
    return False


def _open_for(st: _State, p: int) -> bool:
    tries = 0
    for _, c, pos in st.person_arcs[p]:
        h = st.host[c]
        if st.where[h] >= 0 or st.members.get(c):
            continue
        tries += 1
        if tries > OPEN_TRIES:
            return False
        chosen = {h: st.own[c]}
        if p != h:
            chosen[p] = pos
        free = [(st.degree[q], m, q, qpos) for m, q, qpos in st.cand_arcs[c]
                if st.where[q] < 0 and q not in chosen]  # fmt: skip
        free.sort()
        spend = sum(st.want[x] for x in chosen.values())
        for _, _, q, qpos in free:
            if len(chosen) >= st.min_size:
                break
            chosen[q] = qpos
            spend += st.want[qpos]
        if len(chosen) < st.min_size:
            continue
        if spend < st.minimum[c]:
            rest = sorted(((-st.want[qpos], qpos, q) for _, _, q, qpos in free if q not in chosen))
            for neg, qpos, q in rest:
                if spend >= st.minimum[c] or len(chosen) >= st.max_size:
                    break
                chosen[q] = qpos
                spend -= neg
            if spend < st.minimum[c]:
                continue
        for q, qpos in chosen.items():
            st.join(c, q, qpos)
        return True
    return False


def _eject_for(st: _State, p: int) -> bool:
    """p takes the place of a member who moves to another open group with room."""
    for _, c, pos in st.person_arcs[p]:
        group = st.members.get(c)
        if not group:
            continue
        for q, qpos in list(group.items()):
            if q == st.host[c]:
                continue
            if st.spend[c] - st.want[qpos] + st.want[pos] < st.minimum[c]:
                continue
            for _, c2, qpos2 in st.person_arcs[q]:
                other = st.members.get(c2)
                if c2 != c and other and len(other) < st.max_size:
                    st.leave(c, q)
                    st.join(c, p, pos)
                    st.join(c2, q, qpos2)
                    return True
    return False


def _open_with_donors(st: _State, p: int) -> bool:
    """Open one of p's candidate groups with free people and members other groups can spare
    (each donor group keeps at least min_size members and its minimum); the host too may come
    from another group if that group can spare them."""
    for _, c, pos in st.person_arcs[p][:OPEN_TRIES]:
        h = st.host[c]
        if st.members.get(c):
            continue
        taken: dict[int, list[int]] = {}  # donor group -> members it gives up (arc positions)
        if not _spare(st, h, taken):
            continue
        chosen = {h: st.own[c]}
        if p != h:
            chosen[p] = pos
        for _, q, qpos in st.cand_arcs[c]:
            if len(chosen) >= st.min_size:
                break
            if q not in chosen and _spare(st, q, taken):
                chosen[q] = qpos
        spend = sum(st.want[x] for x in chosen.values())
        if len(chosen) < st.min_size or spend < st.minimum[c]:
            continue
        for q in chosen:
            if st.where[q] >= 0:
                st.leave(_group_of(st, q), q)
        for q, qpos in chosen.items():
            st.join(c, q, qpos)
        return True
    return False


def _spare(st: _State, q: int, taken: dict[int, list[int]]) -> bool:
    """Can q come (free, or a non-host member their group can spare)? Records what is taken."""
    pos = st.where[q]
    if pos < 0:
        return True
    g = _group_of(st, q)
    if q == st.host[g]:
        return False
    gone = taken.get(g, [])
    left = len(st.members[g]) - len(gone) - 1
    spend = st.spend[g] - sum(st.want[x] for x in gone) - st.want[pos]
    if left < st.min_size or spend < st.minimum[g]:
        return False
    taken.setdefault(g, []).append(pos)
    return True


def _group_of(st: _State, q: int) -> int:
    return st.cand[st.where[q]]


def _less_travel(st: _State) -> None:
    """Members move to a nearer open group with room while both stay valid."""
    for _ in range(10):
        moved = False
        for p, pos in enumerate(st.where):
            if pos < 0:
                continue
            c = st.cand[pos]
            if p == st.host[c]:
                continue
            for m, c2, pos2 in st.person_arcs[p]:
                if m >= st.metres[pos]:
                    break
                other = st.members.get(c2)
                if other and len(other) < st.max_size and st.can_lose(c, pos):
                    st.leave(c, p)
                    st.join(c2, p, pos2)
                    moved = True
                    break
        if not moved:
            return
