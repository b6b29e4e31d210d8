"""The fast parser's numpy columns: ids numbered as a dict would number them."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coopbuy.core.textcolumns import _dense_numbers, _sorted_numbers, code_ids


def same(value: str) -> str:
    return value


@st.composite
def id_columns(draw: st.DrawFn) -> list[str]:
    """Ids of one length (mostly), from a few letters or from all of Unicode."""
    length = draw(st.integers(1, 12))
    letters = draw(st.sampled_from(["ab", "0123456789", "m0\u00e9\u4e2d", ""]))
    alphabet = st.characters() if not letters else st.sampled_from(letters)
    ids = st.text(alphabet, min_size=length, max_size=length)
    column = draw(st.lists(ids, min_size=1, max_size=30))
    if draw(st.booleans()):  # a repeat, and now and then one of another length
        column.append(draw(st.sampled_from(column)) + draw(st.sampled_from(["", "", "x"])))
    return column


@settings(max_examples=400, deadline=None)
@given(id_columns())
def test_code_ids_numbers_each_distinct_id_once(column: list[str]) -> None:
    coded = code_ids(column, same)
    try:
        lengths = {len(c.encode()) for c in column}
    except UnicodeEncodeError:  # lone surrogates: declined
        assert coded is None
        return
    if len(lengths) > 1 or any("\0" in c for c in column):
        assert coded is None
        return
    assert coded is not None
    ids, number = coded
    assert sorted(set(ids)) == sorted(set(column)) and len(ids) == len(set(column))
    assert [ids[i] for i in number.tolist()] == column


@settings(max_examples=200, deadline=None)
@given(st.lists(st.binary(min_size=6, max_size=6), min_size=1, max_size=40))
def test_dense_and_sorted_numbers_agree_and_follow_the_byte_order(rows: list[bytes]) -> None:
    matrix = np.frombuffer(b"".join(rows), np.uint8).reshape(len(rows), 6)
    dense = _dense_numbers(matrix)
    by_sort = _sorted_numbers(matrix)
    assert by_sort is not None  # one 64-bit word: no hashing, so no collision
    ranks = {r: i for i, r in enumerate(sorted(set(rows)))}
    assert by_sort[0].tolist() == [ranks[r] for r in rows] and by_sort[1] == len(ranks)
    if dense is not None:
        assert dense[0].tolist() == by_sort[0].tolist() and dense[1] == by_sort[1]
