"""The crash test's records: each request it sent (`Op`), what it seeded (`World`) and the
run's log of requests and events (`Log`), shared by `crash.py` and `crash_checks.py`."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

CAP = 12  # the campaign's cap, in units


@dataclass
class Op:
    kind: str  # basket, pledge, top-up
    resource: tuple[object, ...]
    method: str
    path: str
    body: dict[str, Any]
    token: str
    value: Any
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    outcome: str = "unsent"  # ok, refused, unknown
    tries: int = 0
    seconds: float = 0.0  # the first try's time to an answer
    why: str = ""  # why the first try went unanswered


@dataclass
class World:
    slug: str
    round_id: int
    products: list[int]
    campaign_code: str
    member_tokens: list[str]
    membership_ids: list[int]
    treasurer_token: str
    treasurer_token_id: int
    coordinator_token: str


class Log:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ops: list[Op] = []
        self.events: list[str] = []

    def add(self, op: Op) -> None:
        with self.lock:
            self.ops.append(op)

    def event(self, started: float, text: str) -> None:
        with self.lock:
            self.events.append(f"{time.monotonic() - started:6.1f} s  {text}")
