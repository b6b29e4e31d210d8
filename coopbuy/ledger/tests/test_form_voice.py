"""Django's default form messages never reach a person: amounts are refused in our own words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "said"),
    [
        ("123456789012345", "That amount is too large: at most £99,999,999.99 at once."),
        ("100000000.00", "That amount is too large: at most £99,999,999.99 at once."),
        ("12.345", "Give at most two decimals (pence or cents)."),
        ("twelve", "Give an amount in figures, such as 12.50."),
        ("0", "Give an amount of at least 0.01."),
    ],
)
def test_a_wrong_top_up_amount_is_refused_in_our_words(
    world: World, amount: str, said: str
) -> None:
    client = Client()
    client.force_login(world.treasurer)
    response = client.post(
        reverse("ledger:top_up", args=[world.group.slug]),
        {"membership": world.alice.pk, "amount": amount, "method": "bank"},
    )
    html = response.content.decode()
    assert said in html
    assert "Ensure that" not in html and "Enter a number" not in html
