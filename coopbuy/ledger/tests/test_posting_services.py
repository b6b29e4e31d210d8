"""The posting services: balances, idempotency, refunds, reversals, round charges, suppliers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from coopbuy.audit.models import AuditEvent
from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger import selectors
from coopbuy.ledger.charges import (
    MemberCharge,
    ledger_post_round_adjustment,
    ledger_post_round_charges,
    ledger_post_round_update,
)
from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import (
    InsufficientFunds,
    LedgerError,
    member_account,
    payment_reference_for,
    system_account,
)
from coopbuy.ledger.suppliers import supplier_invoice_record, supplier_payment_record
from coopbuy.ledger.treasury import (
    ledger_adjust,
    ledger_refund,
    ledger_reverse,
    ledger_settings_update,
    ledger_top_up,
)

from .conftest import World, a_round, key


def balances(world: World) -> dict[str, D]:
    return {a.name: a.balance for a in Account.objects.filter(group=world.group)}


def top_up(world: World, amount: str, membership=None, idempotency_key: str | None = None):
    return ledger_top_up(
        membership=membership or world.alice,
        amount=D(amount),
        method="bank",
        actor=world.treasurer,
        idempotency_key=idempotency_key or key(),
    )


def test_a_top_up_credits_the_member_and_the_bank_holds_the_money(world: World) -> None:
    posted = top_up(world, "20.00")
    assert sorted(e.amount for e in posted.entries.all()) == [D("-20.00"), D("20.00")]
    assert selectors.balance_of(membership=world.alice) == D("20.00")
    assert system_account(world.group, "bank").balance == D("-20.00")  # held: 20.00
    assert AuditEvent.objects.filter(action="ledger.top_up", group=world.group).count() == 1
    assert check_group(world.group).problems == []


def test_the_same_idempotency_key_twice_posts_one_transaction(world: World) -> None:
    first = top_up(world, "10.00", idempotency_key="form-123")
    second = top_up(world, "10.00", idempotency_key="form-123")
    assert first.pk == second.pk
    assert Transaction.objects.filter(group=world.group).count() == 1
    assert selectors.balance_of(membership=world.alice) == D("10.00")


def test_amounts_must_be_positive_pounds_and_pence(world: World) -> None:
    for bad in ("0", "-5", "1.234"):
        with pytest.raises(LedgerError):
            top_up(world, bad)
    assert not Transaction.objects.exists()


def test_a_refund_cannot_exceed_the_members_credit_and_changes_nothing_then(
    world: World,
) -> None:
    top_up(world, "5.00")
    with pytest.raises(InsufficientFunds):
        ledger_refund(
            membership=world.alice,
            amount=D("5.01"),
            method="cash",
            actor=world.treasurer,
            idempotency_key=key(),
        )
    ledger_refund(
        membership=world.alice,
        amount=D("5.00"),
        method="cash",
        actor=world.treasurer,
        idempotency_key=key(),
    )
    assert selectors.balance_of(membership=world.alice) == D("0.00")
    assert Transaction.objects.filter(group=world.group).count() == 2


def test_a_mistaken_top_up_is_undone_by_exactly_one_reversal(world: World) -> None:
    mistake = top_up(world, "50.00")
    reversal = ledger_reverse(original=mistake, actor=world.treasurer, idempotency_key=key())
    assert reversal.reverses_id == mistake.pk
    assert selectors.balance_of(membership=world.alice) == D("0.00")
    with pytest.raises(LedgerError, match="already been reversed"):
        ledger_reverse(original=mistake, actor=world.treasurer, idempotency_key=key())
    with pytest.raises(LedgerError, match="cannot itself be reversed"):
        ledger_reverse(original=reversal, actor=world.treasurer, idempotency_key=key())
    assert check_group(world.group).problems == []


def test_an_adjustment_needs_a_reason(world: World) -> None:
    with pytest.raises(LedgerError, match="Say why"):
        ledger_adjust(
            membership=world.bob,
            amount=D("-1.00"),
            reason=" ",
            actor=world.treasurer,
            idempotency_key=key(),
        )
    ledger_adjust(
        membership=world.bob,
        amount=D("-1.00"),
        reason="Broken jar",
        actor=world.treasurer,
        idempotency_key=key(),
    )
    assert selectors.balance_of(membership=world.bob) == D("-1.00")


def charges_for(world: World) -> list[MemberCharge]:
    return [
        MemberCharge(world.alice.pk, D("10.00"), D("0.50"), D("2.00"), D("3.00"), D("15.50")),
        MemberCharge(world.bob.pk, D("5.00"), D("0.25"), D("0.00"), D("1.50"), D("6.75")),
    ]


def test_round_charges_debit_members_and_credit_the_supplier_and_fees(world: World) -> None:
    posted = ledger_post_round_charges(
        group=world.group,
        round_id=a_round(world.group, "Round 7"),
        round_reference="Round 7",
        charges=charges_for(world),
        supplier_goods={world.supplier.pk: D("17.00")},
        delivery_fees={world.supplier.pk: D("4.50")},
        actor=world.coordinator,
        idempotency_key="round-7-close",
    )
    assert posted is not None
    amounts = {e.account.name: e.amount for e in posted.entries.select_related("account")}
    assert amounts == {
        world.alice.user.name: D("-15.50"),
        world.bob.user.name: D("-6.75"),
        world.supplier.name: D("21.50"),
        "Fees income (markup)": D("0.75"),
    }
    again = ledger_post_round_charges(
        group=world.group,
        round_id=a_round(world.group, "Round 7"),
        round_reference="Round 7",
        charges=charges_for(world),
        supplier_goods={world.supplier.pk: D("17.00")},
        delivery_fees={world.supplier.pk: D("4.50")},
        actor=None,
        idempotency_key="round-7-close",
    )
    assert again == posted
    assert check_group(world.group).problems == []


def test_round_charges_that_do_not_add_up_are_refused(world: World) -> None:
    wrong_total = [MemberCharge(world.alice.pk, D("1"), D("0"), D("0"), D("0"), D("2"))]
    with pytest.raises(LedgerError, match="add up"):
        ledger_post_round_charges(
            group=world.group,
            round_id=a_round(world.group, "R"),
            round_reference="R",
            charges=wrong_total,
            supplier_goods={world.supplier.pk: D("1")},
            delivery_fees={},
            actor=None,
            idempotency_key=key(),
        )
    with pytest.raises(LedgerError, match="suppliers"):
        ledger_post_round_charges(
            group=world.group,
            round_id=a_round(world.group, "R"),
            round_reference="R",
            charges=charges_for(world),
            supplier_goods={world.supplier.pk: D("16.99")},
            delivery_fees={world.supplier.pk: D("4.50")},
            actor=None,
            idempotency_key=key(),
        )
    assert not Transaction.objects.exists()


def test_receiving_credits_a_shortage_and_the_supplier_invoice_shows_the_difference(
    world: World,
) -> None:
    ledger_post_round_charges(
        group=world.group,
        round_id=a_round(world.group, "Round 8"),
        round_reference="Round 8",
        charges=charges_for(world),
        supplier_goods={world.supplier.pk: D("17.00")},
        delivery_fees={world.supplier.pk: D("4.50")},
        actor=world.coordinator,
        idempotency_key=key(),
    )
    shortage = [MemberCharge(world.bob.pk, D("-5.00"), D("-0.25"), D("0"), D("0"), D("-5.25"))]
    ledger_post_round_adjustment(
        group=world.group,
        round_id=a_round(world.group, "Round 8"),
        round_reference="Round 8",
        charges=shortage,
        supplier_goods={world.supplier.pk: D("-5.00")},
        actor=world.treasurer,
        idempotency_key=key(),
        reason="lentils short",
    )
    assert selectors.balance_of(membership=world.bob) == D("-1.50")
    invoice = supplier_invoice_record(
        group=world.group,
        supplier=world.supplier,
        number="SUMA-991",
        amount=D("16.80"),
        actor=world.treasurer,
        idempotency_key=key(),
        round_reference="Round 8",
    )
    assert invoice.posted_goods == D("16.50")
    assert invoice.difference == D("0.30")
    payable = Account.objects.get(supplier=world.supplier)
    assert payable.balance == D("16.80")
    supplier_payment_record(
        group=world.group,
        supplier=world.supplier,
        amount=D("16.80"),
        actor=world.treasurer,
        idempotency_key=key(),
    )
    payable.refresh_from_db()
    assert payable.balance == D("0.00")
    assert check_group(world.group).problems == []


def test_each_membership_has_a_stable_unique_payment_reference(world: World) -> None:
    reference = payment_reference_for(world.alice)
    assert reference == f"CB-HEB-{world.alice.pk:04d}"
    assert member_account(world.alice).payment_reference == reference
    assert payment_reference_for(world.bob) != reference


def test_the_credit_rule_says_what_a_member_can_still_order(world: World) -> None:
    assert selectors.available_to_spend(membership=world.alice) is None
    ledger_settings_update(
        group=world.group,
        actor=world.treasurer,
        prepayment_required=True,
        credit_limit=D("10.00"),
        invoice_prefix="heb",
    )
    top_up(world, "2.40")
    assert selectors.available_to_spend(membership=world.alice) == D("12.40")
    assert selectors.spending_explanation(membership=world.alice) == (
        "You can still order £12.40: your balance is £2.40 and the group lets members run "
        "£10.00 of credit."
    )


def test_a_treasurer_of_one_group_cannot_move_money_of_another(world: World, other: World) -> None:
    with pytest.raises(AccessDenied):
        top_up(world, "10.00", membership=other.alice)
    with pytest.raises(AccessDenied):
        ledger_post_round_charges(
            group=world.group,
            round_id=a_round(world.group, "R"),
            round_reference="R",
            charges=[MemberCharge(other.alice.pk, D("1"), D("0"), D("0"), D("0"), D("1"))],
            supplier_goods={world.supplier.pk: D("1")},
            delivery_fees={},
            actor=world.treasurer,
            idempotency_key=key(),
        )
    theirs = top_up(other, "10.00")
    with pytest.raises(AccessDenied):
        ledger_reverse(original=theirs, actor=world.treasurer, idempotency_key=key())
    with pytest.raises(AccessDenied):
        supplier_payment_record(
            group=world.group,
            supplier=other.supplier,
            amount=D("1"),
            actor=world.treasurer,
            idempotency_key=key(),
        )
    assert Transaction.objects.filter(group=world.group).count() == 0
    assert Transaction.objects.filter(group=other.group).count() == 1


def test_a_plain_member_cannot_move_money(world: World) -> None:
    with pytest.raises(AccessDenied):
        ledger_top_up(
            membership=world.bob,
            amount=D("5"),
            method="bank",
            actor=world.alice.user,
            idempotency_key=key(),
        )
    assert not Entry.objects.exists()


def test_under_prepayment_a_charge_or_reversal_beyond_the_credit_limit_is_refused(
    world: World,
) -> None:
    ledger_settings_update(
        group=world.group,
        actor=world.treasurer,
        prepayment_required=True,
        credit_limit=D("5.00"),
        invoice_prefix="HEB",
    )
    paid = top_up(world, "10.00")
    big = [MemberCharge(world.alice.pk, D("15.01"), D("0"), D("0"), D("0"), D("15.01"))]
    with pytest.raises(InsufficientFunds, match=r"15\.00"):
        ledger_post_round_charges(
            group=world.group,
            round_id=a_round(world.group, "R"),
            round_reference="R",
            charges=big,
            supplier_goods={world.supplier.pk: D("15.01")},
            delivery_fees={},
            actor=None,
            idempotency_key=key(),
            enforce_credit=True,
        )
    ok = [MemberCharge(world.alice.pk, D("12.00"), D("0"), D("0"), D("0"), D("12.00"))]
    ledger_post_round_charges(
        group=world.group,
        round_id=a_round(world.group, "R"),
        round_reference="R",
        charges=ok,
        supplier_goods={world.supplier.pk: D("12.00")},
        delivery_fees={},
        actor=None,
        idempotency_key=key(),
        enforce_credit=True,
    )
    # Undoing the (spent) top-up would leave Alice at -12.00, beyond the 5.00 of credit.
    with pytest.raises(InsufficientFunds):
        ledger_reverse(original=paid, actor=world.treasurer, idempotency_key=key())
    assert selectors.balance_of(membership=world.alice) == D("-2.00")


def test_deposits_are_charged_to_members_and_owed_to_the_supplier(world: World) -> None:
    with_deposit = [
        MemberCharge(world.alice.pk, D("4.00"), D("0.20"), D("0"), D("0"), D("4.50"), D("0.30"))
    ]
    posted = ledger_post_round_charges(
        group=world.group,
        round_id=a_round(world.group, "Milk"),
        round_reference="Milk",
        charges=with_deposit,
        supplier_goods={world.supplier.pk: D("4.30")},
        delivery_fees={},
        actor=None,
        idempotency_key=key(),
    )
    assert posted is not None
    assert Account.objects.get(supplier=world.supplier).balance == D("4.30")
    assert selectors.balance_of(membership=world.alice) == D("-4.50")


def test_a_round_update_posts_only_the_difference_from_what_the_round_posted(
    world: World,
) -> None:
    supplier = world.supplier.pk
    ledger_post_round_charges(
        group=world.group,
        round_id=a_round(world.group, "Round 9"),
        round_reference="Round 9",
        charges=charges_for(world),
        supplier_goods={supplier: D("17.00")},
        delivery_fees={supplier: D("4.50")},
        actor=None,
        idempotency_key=key(),
    )
    # Receiving: Bob's goods did not come at all; Alice's delivery share is now the whole fee.
    after = [MemberCharge(world.alice.pk, D("10.00"), D("0.50"), D("2.00"), D("4.50"), D("17.00"))]
    update = ledger_post_round_update(
        group=world.group,
        round_id=a_round(world.group, "Round 9"),
        round_reference="Round 9",
        charges=after,
        supplier_goods={supplier: D("12.00")},
        delivery_fees={supplier: D("4.50")},
        actor=world.treasurer,
        idempotency_key="receive-9",
        reason="Bob's lentils missing",
    )
    assert update is not None
    assert selectors.balance_of(membership=world.alice) == D("-17.00")
    assert selectors.balance_of(membership=world.bob) == D("0.00")
    assert Account.objects.get(supplier=world.supplier).balance == D("16.50")
    assert system_account(world.group, "fees").balance == D("0.50")
    # The same breakdown again (a new key) changes nothing; the same key returns the same posting.
    assert (
        ledger_post_round_update(
            group=world.group,
            round_id=a_round(world.group, "Round 9"),
            round_reference="Round 9",
            charges=after,
            supplier_goods={supplier: D("12.00")},
            delivery_fees={supplier: D("4.50")},
            actor=None,
            idempotency_key=key(),
        )
        is None
    )
    assert (
        ledger_post_round_update(
            group=world.group,
            round_id=a_round(world.group, "Round 9"),
            round_reference="Round 9",
            charges=[],
            supplier_goods={},
            delivery_fees={},
            actor=None,
            idempotency_key="receive-9",
        )
        == update
    )
    assert check_group(world.group).problems == []


def test_an_amount_or_a_balance_beyond_what_can_be_recorded_is_refused(world: World) -> None:
    """12 digits hold at most 9,999,999,999.99: past that a posting is refused, naming the amount,
    before anything is written (SQLite would store it and fail on every later read)."""
    from coopbuy.ledger.services import post

    alice, bank = member_account(world.alice), system_account(world.group, "bank")

    def attempt(amount: str, idempotency_key: str) -> None:
        post(
            group=world.group, kind=Transaction.Kind.ADJUSTMENT, description="Test",
            legs=[(alice, D(amount)), (bank, -D(amount))], actor=world.treasurer,
            idempotency_key=idempotency_key,
        )  # fmt: skip

    with pytest.raises(LedgerError) as refused:
        attempt("10000000000.00", "big-1")
    assert refused.value.field == "amount"
    assert "too large to record" in refused.value.message
    attempt("9999999999.99", "big-2")  # the most an entry holds
    with pytest.raises(LedgerError) as refused:
        attempt("0.01", "big-3")  # the balances would go past it
    assert "beyond what can be recorded" in refused.value.message
    assert Transaction.objects.count() == 1
    assert selectors.balance_of(membership=world.alice) == D("9999999999.99")
