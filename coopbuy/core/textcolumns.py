"""The fast parser's demand columns as numpy arrays (`jsontext`): times checked and turned into
integer keys on a byte matrix, ids numbered by sorting their bytes, and the way back to Python
objects (`LazyTuple`s make them only when a caller reads the rows).

Each function declines (None) what it does not handle or cannot prove, and the caller then takes
the row-by-row way: the results here are always those of the exact path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from itertools import repeat
from typing import Any

import numpy as np
from numpy.typing import NDArray

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def strings(ids: list[str], codes: NDArray[np.intp]) -> tuple[str, ...]:
    return tuple(map(ids.__getitem__, codes.tolist()))


def ints_of(column: NDArray[np.int64]) -> tuple[int, ...]:
    return tuple(column.tolist())


def datetimes(keys: NDArray[np.int64]) -> tuple[datetime, ...]:
    """The aware (UTC) datetimes of microsecond keys: what `datetime.fromisoformat` gives for
    the times they were read from."""
    n = len(keys)
    return tuple(map(_EPOCH.__add__, map(timedelta, repeat(0, n), repeat(0, n), keys.tolist())))


#: "YYYY-MM-DDTHH:MM:SSZ": separators at these positions, two-digit numbers at those.
_SEPARATORS = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: "Z"}
_CENTURY, _YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND = 0, 2, 5, 8, 11, 14, 17


def _two_digit_table() -> NDArray[np.int16]:
    """Two bytes read as a little-endian uint16 -> the number their two digits write, or -1."""
    table = np.full(1 << 16, -1, np.int16)
    for tens in range(10):
        for units in range(10):
            table[(ord("0") + tens) | (ord("0") + units) << 8] = tens * 10 + units
    return table


_TWO_DIGITS = _two_digit_table()


def utc_time_keys(times: list[str]) -> NDArray[np.int64] | None:
    """Microseconds since 1970 of times all written "2026-11-20T10:00:00Z" (what exports write),
    computed with numpy on the joined bytes (each pair of digits looked up in a table, as a
    16-bit number); None when any time is written otherwise or is not a time
    `datetime.fromisoformat` accepts (year 0, month 13, 30 February, hour 24, second 60: the
    row-by-row parse then names it). Accepted times are exactly those `fromisoformat` accepts in
    that spelling, and the keys are the microseconds of the datetimes it gives."""
    n = len(times)
    if not n:
        return None
    try:
        text = "".join(times).encode("ascii")
    except UnicodeEncodeError:
        return None
    if len(text) != 20 * n:
        return None

    def at(offset: int, dtype: type[np.uint8] | type[np.uint16]) -> NDArray[Any]:
        """The bytes at `offset` of every time (a strided view, no copy)."""
        view: NDArray[Any] = np.ndarray(
            (n,), np.dtype(dtype).newbyteorder("<"), text, offset, (20,)
        )
        return view

    for offset, separator in _SEPARATORS.items():  # lengths add up: 20 characters each
        if np.count_nonzero(at(offset, np.uint8) != ord(separator)):
            return None
    fields = [
        _TWO_DIGITS[at(offset, np.uint16)]
        for offset in (_CENTURY, _YEAR, _MONTH, _DAY, _HOUR, _MINUTE, _SECOND)
    ]
    if min(int(field.min()) for field in fields) < 0:  # a byte that is not a digit
        return None
    century, year, month, day, hour, minute, second = fields
    if not (
        (month >= 1).all()
        and (month <= 12).all()
        and (day >= 1).all()
        and (hour <= 23).all()
        and (minute <= 59).all()
        and (second <= 59).all()
    ):
        return None
    # Months counted from year 0 (year x 12 + month - 1); year 0 itself is refused.
    months = century.astype(np.int32)
    months *= 100
    months += year
    if not months.all():
        return None
    months *= 12
    months += month
    months -= 1
    # The days before the first of each month in the span, from a table made once per month
    # (one month more: the next month's start bounds the day).
    first_month = int(months.min())
    starts = _month_starts(first_month, int(months.max()) + 1)
    months -= first_month
    days = starts[months]
    days += day
    days -= 1
    months += 1
    if not (days < starts[months]).all():  # 30 February, 31 April, 29 February 2023
        return None
    keys: NDArray[np.int64] = days
    keys *= 24
    keys += hour
    keys *= 60
    keys += minute
    keys *= 60
    keys += second
    keys *= 1_000_000
    return keys


def _month_starts(first: int, last: int) -> NDArray[np.int64]:
    """Days from 1970-01-01 to the first of each month `first..last` (months counted as year x 12
    + month - 1), proleptic Gregorian (H. Hinnant's days_from_civil)."""
    months = np.arange(first, last + 1, dtype=np.int64)
    year, month = months // 12, months % 12 + 1
    y = year - (month <= 2)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    starts: NDArray[np.int64] = era * 146097 + doe - 719468
    return starts


def code_ids[R](
    rows: Sequence[R], get: Callable[[R], str]
) -> tuple[list[str], NDArray[np.intp]] | None:
    """Number the distinct ids `get` reads from the rows: (the ids, each row's number), numbered in
    the ids' sorted order unless they are long and varied. With numpy, not a dict: a million
    lookups in a dict of 50,000 ids miss the CPU cache (0.4 s, against 0.1 s here). The ids must
    all take the same number of UTF-8 bytes and hold no NUL; else None (the caller then uses a
    dict).

    The ids are joined with NUL separators and read as a matrix of bytes, a row per id (UTF-8
    keeps the code points' order, so the rows sort as the ids do). When the bytes that vary take
    few values each ("m00042": 5 digits, 10 values each), each row is a number in that mixed
    radix and a table as long as its range numbers them (`_dense_numbers`). Otherwise the rows are
    packed into 64-bit words and sorted (`_sorted_numbers`).
    """
    n = len(rows)
    if not n:
        return None
    try:
        data = "\0".join(map(get, rows)).encode()
    except UnicodeEncodeError:  # a lone surrogate
        return None
    width, extra = divmod(len(data) + 1, n)
    if extra or width < 2:
        return None
    matrix = np.frombuffer(data + b"\0", np.uint8).reshape(n, width)
    if np.count_nonzero(matrix[:, -1]) or np.count_nonzero(matrix[:, :-1] == 0):
        return None  # not the same length each (or an id holds a NUL)
    matrix = matrix[:, :-1]
    numbers = _dense_numbers(matrix)
    if numbers is None:
        numbers = _sorted_numbers(matrix)
        if numbers is None:
            return None
    number, count = numbers
    first = np.zeros(count, np.intp)
    first[number] = np.arange(n)  # a row of each number (any of them, if several)
    return list(map(get, map(rows.__getitem__, first.tolist()))), number


#: `_dense_numbers` takes ranges up to this many values (a table of bools).
_DENSE_LIMIT = 1 << 24


def _dense_numbers(matrix: NDArray[np.uint8]) -> tuple[NDArray[np.intp], int] | None:
    """Each row's rank among the distinct rows (byte order), and their count; None when the
    varying bytes' ranges multiply past `_DENSE_LIMIT`."""
    columns = np.ascontiguousarray(matrix.T)  # a byte position per row: fast reductions
    low, high = columns.min(axis=1).tolist(), columns.max(axis=1).tolist()
    varying = [c for c in range(len(low)) if high[c] > low[c]]
    size = 1
    for c in varying:
        size *= high[c] - low[c] + 1
        if size > _DENSE_LIMIT:
            return None
    key = np.zeros(len(matrix), np.intp)
    for c in varying:  # most significant (leftmost) byte first
        key *= high[c] - low[c] + 1
        key += columns[c]
        key -= low[c]
    present = np.zeros(size, bool)
    present[key] = True
    rank = np.cumsum(present) - 1
    return rank[key], int(rank[-1]) + 1


def _sorted_numbers(matrix: NDArray[np.uint8]) -> tuple[NDArray[np.intp], int] | None:
    """`_dense_numbers` by sorting: the rows padded to big-endian 64-bit words, numbered by
    sorting the word (one word: in byte order) or a hash of the words (more: then every row's
    words are compared with those of a row of its number, and a collision gives None)."""
    n, width = matrix.shape
    words = -(-width // 8)
    padded = np.zeros((n, words * 8), np.uint8)
    padded[:, :width] = matrix
    packed = padded.view(">u8").astype(np.uint64)  # (n, words), native byte order
    key = packed[:, 0].copy()
    for w in range(1, words):  # FNV-style mixing; collisions are caught below
        key *= np.uint64(0x100000001B3)
        key ^= packed[:, w]
    order = np.argsort(key)
    sorted_key = key[order]
    is_start = np.empty(n, bool)
    is_start[0] = True
    np.not_equal(sorted_key[1:], sorted_key[:-1], out=is_start[1:])
    number = np.empty(n, np.intp)
    number[order] = np.cumsum(is_start) - 1
    if words > 1 and not (packed[order[is_start]][number] == packed).all():
        return None
    return number, int(number[order[-1]]) + 1
