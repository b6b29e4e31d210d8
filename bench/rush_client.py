"""The load generator of `bench/rush.py`: HTTP/1.1 over asyncio streams, one connection a request.

gunicorn's sync workers close the connection after each response, so a connection per request is
what any client gets from them. asyncio keeps hundreds of requests in flight from one thread, which
an open-loop load (arrivals on a clock, whatever the server's speed) needs.

`closed_loop` keeps `clients` requests in flight (each client sends its next request when the
previous one is answered): what the server sustains. `open_loop` sends requests on a schedule of
arrival times: what the server does when more arrives than it can take.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

TIMEOUT = 20.0  # a request not answered by then is counted as timed out (status 0)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    token: str = ""
    body: object | None = None
    kind: str = ""  # what it is, for the report (edit, hot, browse, pledge, late...)
    key: tuple[int, int] | None = None  # (member, product) of a basket edit
    value: int = 0  # the quantity it sets


@dataclass(frozen=True)
class Result:
    call: Call
    status: int  # 0: timed out; -1: connection failed
    started: float  # when it was due (open loop) or sent (closed loop), perf_counter
    ended: float
    body: bytes = b""

    @property
    def latency(self) -> float:
        return self.ended - self.started


async def send(
    host: str, port: int, call: Call, due: float | None = None, *, stamp: bool = False
) -> Result:
    """One request. `stamp`: say when it was sent in X-Request-Start, as a reverse proxy says
    when it received a request (what the product's load shedding reads)."""
    started = time.perf_counter() if due is None else due
    payload = b"" if call.body is None else json.dumps(call.body).encode()
    head = [
        f"{call.method} {call.path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Connection: close",
        "Accept: application/json",
        f"Content-Length: {len(payload)}",
    ]
    if payload:
        head.append("Content-Type: application/json")
    if call.token:
        head.append(f"Authorization: Bearer {call.token}")
    if stamp:
        head.append(f"X-Request-Start: t={time.time():.3f}")
    raw = ("\r\n".join(head) + "\r\n\r\n").encode() + payload

    async def exchange() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(raw)
            await writer.drain()
            return await reader.read()
        finally:
            writer.close()

    try:
        answer = await asyncio.wait_for(exchange(), TIMEOUT)
    except TimeoutError:
        return Result(call, 0, started, time.perf_counter())
    except OSError:
        return Result(call, -1, started, time.perf_counter())
    ended = time.perf_counter()
    try:
        status = int(answer.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return Result(call, -1, started, ended, answer)
    return Result(call, status, started, ended, answer.partition(b"\r\n\r\n")[2])


async def closed_loop(
    host: str, port: int, make: Callable[[int], Call], *, clients: int, seconds: float
) -> list[Result]:
    """`clients` loops, each sending `make(i)` as soon as its previous request is answered."""
    stop = time.perf_counter() + seconds
    results: list[Result] = []

    async def client(number: int) -> None:
        i = number
        while time.perf_counter() < stop:
            results.append(await send(host, port, make(i)))
            i += clients

    await asyncio.gather(*(client(n) for n in range(clients)))
    return results


async def open_loop(
    host: str,
    port: int,
    calls: Sequence[tuple[float, Call]],
    *,
    on_due: float | None = None,
    stamp: bool = False,
) -> list[Result]:
    """Each call sent at its offset (seconds from now), answered or not the earlier ones."""
    start = time.perf_counter() if on_due is None else on_due
    tasks = []
    for offset, call in calls:
        due = start + offset
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(send(host, port, call, due, stamp=stamp)))
    return list(await asyncio.gather(*tasks))


def failed(result: Result) -> bool:
    """A server error, a timeout or a lost connection: anything but a clean answer (a 503 with
    Retry-After from load shedding is clean)."""
    return result.status <= 0 or (result.status >= 500 and result.status != 503)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[rank]


@dataclass(frozen=True)
class Figures:
    """A closed-loop phase: answers a second in the measured window and their latencies."""

    ok: int
    other: dict[int, int]  # status -> count, for everything not 2xx
    throughput: float
    p50: float
    p99: float


def figures(
    results: Sequence[Result],
    *,
    warmup: float,
    seconds: float,
    good: frozenset[int] = frozenset(range(200, 300)),
) -> Figures:
    """Requests sent after the warm-up and answered within the phase; those in `good` counted."""
    if not results:
        return Figures(0, {}, 0.0, math.nan, math.nan)
    t0 = min(r.started for r in results) + warmup
    t1 = t0 - warmup + seconds
    window = [r for r in results if r.started >= t0 and r.ended <= t1]
    ok = [r for r in window if r.status in good]
    other: dict[int, int] = {}
    for r in results:
        if r.status not in good:
            other[r.status] = other.get(r.status, 0) + 1
    latencies = [r.latency for r in ok]
    return Figures(
        len(ok),
        other,
        len(ok) / (t1 - t0),
        percentile(latencies, 50),
        percentile(latencies, 99),
    )
