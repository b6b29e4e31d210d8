from decimal import Decimal

import pytest

from coopbuy.core.privacy import SMALL_COUNT_FLOOR, floored, is_shown


def test_the_floor_is_five_people() -> None:
    assert SMALL_COUNT_FLOOR == 5


def test_a_figure_about_four_people_is_suppressed() -> None:
    cell = floored(Decimal("12.40"), people=4)
    assert cell.value is None
    assert not cell.shown
    assert cell.people == 4


def test_a_figure_about_exactly_five_people_is_shown() -> None:
    cell = floored(Decimal("12.40"), people=5)
    assert cell.value == Decimal("12.40")
    assert cell.shown


@pytest.mark.parametrize(("people", "shown"), [(0, False), (1, False), (4, False), (5, True)])
def test_counts_below_the_floor_hide_even_a_count(people: int, shown: bool) -> None:
    assert floored(people, people=people).shown is shown
    assert is_shown(people) is shown


def test_a_zero_value_about_enough_people_is_still_shown() -> None:
    assert floored(0, people=7).value == 0


def test_another_floor_can_be_given() -> None:
    assert not floored(1, people=9, floor=10).shown
    assert floored(1, people=10, floor=10).shown


def test_nonsense_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        is_shown(-1)
    with pytest.raises(ValueError, match="floor"):
        is_shown(3, floor=0)
