"""The group's bank details: checked when saved, shown with each member's payment reference."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.bank_details import (
    BankDetails,
    clean_bank_details,
    iban_is_valid,
    ledger_bank_details_update,
)
from coopbuy.ledger.models import Account, LedgerSettings
from coopbuy.ledger.services import LedgerError, payment_reference_for
from coopbuy.ledger.treasury import ledger_top_up

from .conftest import World

pytestmark = pytest.mark.django_db


def test_iban_check_digits() -> None:
    assert iban_is_valid("GB82WEST12345698765432")
    assert iban_is_valid("DE89370400440532013000")
    assert not iban_is_valid("GB82WEST12345698765431")
    assert not iban_is_valid("GB82")


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (BankDetails("Calder Bulk", "12-34-5", "12345678"), "sort_code"),
        (BankDetails("Calder Bulk", "12-34-56", "1234"), "account_number"),
        (BankDetails("Calder Bulk", "12-34-56", ""), "account_number"),
        (BankDetails("Calder Bulk", iban="GB82 WEST 1234 5698 7654 31"), "iban"),
        (BankDetails("", "12-34-56", "12345678"), "account_name"),
        (BankDetails("Calder Bulk", iban="GB82WEST12345698765432", bic="NWB"), "bic"),
    ],
)
def test_wrong_details_are_refused_naming_the_field(details: BankDetails, field: str) -> None:
    with pytest.raises(LedgerError) as refused:
        clean_bank_details(details)
    assert refused.value.field == field


def test_only_the_money_roles_change_the_details(world: World) -> None:
    with pytest.raises(AccessDenied):
        ledger_bank_details_update(
            group=world.group,
            actor=world.alice.user,
            details=BankDetails("X", "123456", "12345678"),
        )


def test_members_see_the_details_with_their_own_reference(world: World) -> None:
    treasurer = Client()
    treasurer.force_login(world.treasurer)
    url = reverse("ledger:settings", args=[world.group.slug])
    refused = treasurer.post(
        url, {"action": "bank", "bank-account_name": "Calder Bulk", "bank-sort_code": "12 34"}
    )
    assert "A sort code has 6 digits" in refused.content.decode()
    saved = treasurer.post(
        url,
        {"action": "bank", "bank-account_name": "Calder  Bulk Buying", "bank-sort_code": "12 34 56",
         "bank-account_number": "1234 5678", "bank-iban": "gb82 west 1234 5698 7654 32"},
    )  # fmt: skip
    assert saved.status_code == 302
    stored = LedgerSettings.objects.get(group=world.group)
    assert (stored.bank_account_name, stored.bank_sort_code, stored.bank_iban) == (
        "Calder Bulk Buying",
        "123456",
        "GB82WEST12345698765432",
    )
    member = Client()
    member.force_login(world.alice.user)
    page = member.get(reverse("ledger:account", args=[world.group.slug])).content.decode()
    assert "Calder Bulk Buying" in page and "12-34-56" in page and "12345678" in page
    assert "GB82 WEST 1234 5698 7654 32" in page
    assert payment_reference_for(world.alice) in page


def test_without_details_a_member_is_told_to_ask(world: World) -> None:
    member = Client()
    member.force_login(world.alice.user)
    page = member.get(reverse("ledger:account", args=[world.group.slug])).content.decode()
    assert "ask your treasurer where to send money" in page


def test_money_received_shows_positive_on_the_bank_account(world: World) -> None:
    ledger_top_up(membership=world.alice, amount=Decimal("20.00"), method="bank",
                  actor=world.treasurer, idempotency_key="bank-in")  # fmt: skip
    bank = Account.objects.get(group=world.group, kind=Account.Kind.BANK)
    client = Client()
    client.force_login(world.treasurer)
    page = client.get(reverse("ledger:account_detail", args=[world.group.slug, bank.pk]))
    html = page.content.decode()
    assert '<td class="num credit">£20.00</td>' in html
    assert "-£20.00" not in html
    mine = client.get(reverse("ledger:account", args=[world.group.slug]))
    assert "-£20.00" not in mine.content.decode()
