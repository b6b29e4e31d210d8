"""Money forms carry the server's single-use token: forged, foreign, replayed keys are refused."""

from __future__ import annotations

from decimal import Decimal as D

from django.core import signing
from django.test import Client
from django.urls import reverse

from coopbuy.ledger import form_tokens, selectors
from coopbuy.ledger.keys import SYSTEM_PREFIX, USER_PREFIX, user_key
from coopbuy.ledger.models import Transaction
from coopbuy.ledger.services import KeyReused
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World
from .test_money_pages import client_for, form_key


def _top_up(client: Client, world: World, token: str, amount: str = "15.00"):
    url = reverse("ledger:top_up", args=[world.group.slug])
    return client.post(
        url,
        {"membership": world.alice.pk, "amount": amount, "method": "bank",
         "idempotency_key": token, "reference": "", "booked_on": ""},
        follow=True,
    )  # fmt: skip


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_forged_or_altered_token_is_refused_and_nothing_moves(world: World) -> None:
    client = client_for(world.treasurer)
    token = form_key(client.get(reverse("ledger:top_up", args=[world.group.slug])))
    for forged in ("round-8-close", token[:-2] + ("AA" if token[-2:] != "AA" else "BB")):
        response = _top_up(client, world, forged)
        assert response.status_code == 200
        assert "not issued by coopbuy or was altered" in response.content.decode()
    # A token signed with another salt (another form family) is not a money form's token.
    other = signing.dumps({"u": world.treasurer.pk, "g": world.group.pk, "op": "top_up", "n": "x"})
    assert "not issued by coopbuy" in _top_up(client, world, other).content.decode()
    assert not Transaction.objects.filter(group=world.group).exists()


def test_a_token_of_another_user_group_or_operation_is_refused(world: World, other: World) -> None:
    client = client_for(world.treasurer)
    for user_id, group_id, operation in (
        (world.coordinator.pk, world.group.pk, "top_up"),  # issued to someone else
        (world.treasurer.pk, other.group.pk, "top_up"),  # for another group
        (world.treasurer.pk, world.group.pk, "refund"),  # for another operation
    ):
        token = form_tokens.issue(user_id=user_id, group_id=group_id, operation=operation)
        response = _top_up(client, world, token)
        assert "issued to someone else, or for another group" in response.content.decode()
    assert not Transaction.objects.filter(group=world.group).exists()


def test_a_replayed_submission_shows_the_original_result_and_other_data_is_refused(
    world: World,
) -> None:
    client = client_for(world.treasurer)
    token = form_key(client.get(reverse("ledger:top_up", args=[world.group.slug])))
    first = _top_up(client, world, token)
    again = _top_up(client, world, token)
    assert _messages(first) == _messages(again) and "Top-up #" in _messages(first)[0]
    changed = _top_up(client, world, token, amount="50.00")
    assert changed.status_code == 200  # the form again, with the refusal; never "recorded"
    page = changed.content.decode()
    assert "already used for transaction" in page and "Nothing was recorded" in page
    assert not changed.context["messages"] or "recorded" not in " ".join(_messages(changed))
    assert Transaction.objects.filter(group=world.group).count() == 1
    assert selectors.balance_of(membership=world.alice) == D("15.00")


def test_the_same_key_with_different_data_is_refused_by_the_ledger(world: World) -> None:
    key = user_key(owner="user:1", key="k")
    ledger_top_up(
        membership=world.alice, amount=D("5.00"), method="bank", actor=world.treasurer,
        idempotency_key=key,
    )  # fmt: skip
    try:
        ledger_top_up(
            membership=world.bob, amount=D("5.00"), method="bank", actor=world.treasurer,
            idempotency_key=key,
        )  # fmt: skip
    except KeyReused as refused:
        assert "different details" in refused.message
    else:
        raise AssertionError("the same key with other data was accepted")
    assert selectors.balance_of(membership=world.bob) == D("0.00")


def test_user_keys_never_land_in_the_system_namespace() -> None:
    for raw in ("round-8-close", "sys:round-8-close", "", "x" * 300):
        made = user_key(owner="user:7", key=raw)
        assert made.startswith(USER_PREFIX) and not made.startswith(SYSTEM_PREFIX)
        assert len(made) <= 80
    assert user_key(owner="user:7", key="k") != user_key(owner="user:8", key="k")
