"""numpy's huge-page advice is off inside `small_pages()` and restored after, however it ends."""

import pytest

from coopbuy.core import smallpages
from coopbuy.core.smallpages import small_pages


def advice() -> bool:
    switch = smallpages._switch
    assert switch is not None  # the installed numpy has the switch
    now = switch(True)
    switch(now)
    return now


@pytest.mark.parametrize("before", [True, False])
def test_small_pages_turns_the_advice_off_and_restores_it(before: bool) -> None:
    switch = smallpages._switch
    assert switch is not None
    original = switch(before)
    try:
        with small_pages():
            assert advice() is False
        assert advice() is before
        with pytest.raises(ValueError), small_pages():
            raise ValueError
        assert advice() is before
    finally:
        switch(original)
