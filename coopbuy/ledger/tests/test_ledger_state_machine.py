"""Random sequences of top-ups, round charges, receiving adjustments, refunds, reversals, retries.

A plain-Python model (pence per member) runs beside the real services on the test database. After
every step: every transaction balances with 2+ entries, every cached balance equals the replay of
its entries (`ledger check`'s own code), the members' balances equal the model, nobody is beyond the
credit the group allows, and each round's member charges equal the supplier goods plus costs.
"""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coopbuy.core.money import from_minor, to_minor
from coopbuy.ledger.charges import (
    MemberCharge,
    ledger_post_round_adjustment,
    ledger_post_round_charges,
    ledger_post_round_update,
)
from coopbuy.ledger.checks import check_group
from coopbuy.ledger.models import Account, Entry, Transaction
from coopbuy.ledger.services import InsufficientFunds, LedgerError, member_account
from coopbuy.ledger.treasury import (
    ledger_refund,
    ledger_reverse,
    ledger_settings_update,
    ledger_top_up,
)
from coopbuy.testing.factories import add_member

from .conftest import a_round, make_world

_worlds = itertools.count(1)
pence = st.integers(1, 3000)
MEMBERS = 3


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # A fresh group per run: the ledger is append-only, so runs never delete each other's rows.
        self.world = make_world(f"Machine {next(_worlds)}")
        self.members = [self.world.alice, self.world.bob, add_member(self.world.group)]
        self.accounts = [member_account(m).pk for m in self.members]
        self.model = [0] * MEMBERS
        self.limit: int | None = None  # None: no prepayment rule
        self.posted: list[Transaction] = []
        self.reversed: set[int] = set()
        self.round_totals: dict[int, int] = {}  # transaction -> supplier goods + costs (pence)
        self.keys = itertools.count(1)
        self.last_key: str | None = None
        # Rounds that receiving may still update: reference -> member -> (goods, markup, vat, del.)
        self.rounds: dict[str, dict[int, tuple[int, int, int, int]]] = {}
        self.round_of: dict[int, str] = {}  # transaction -> round reference

    def key(self) -> str:
        self.last_key = f"machine-{self.world.group.pk}-{next(self.keys)}"
        return self.last_key

    def allowed(self, member: int, debit: int) -> bool:
        return self.limit is None or debit <= self.model[member] + self.limit

    @initialize(prepay=st.booleans(), limit=st.integers(0, 2000))
    def rules_of_the_group(self, prepay: bool, limit: int) -> None:
        ledger_settings_update(
            group=self.world.group,
            actor=self.world.treasurer,
            prepayment_required=prepay,
            credit_limit=from_minor(limit),
            invoice_prefix="MAC",
        )
        self.limit = limit if prepay else None

    @rule(
        member=st.integers(0, MEMBERS - 1), amount=pence, method=st.sampled_from(["bank", "cash"])
    )
    def top_up(self, member: int, amount: int, method: str) -> None:
        posted = ledger_top_up(
            membership=self.members[member],
            amount=from_minor(amount),
            method=method,
            actor=self.world.treasurer,
            idempotency_key=self.key(),
        )
        self.model[member] += amount
        self.posted.append(posted)

    @rule(
        bills=st.lists(
            st.tuples(
                st.integers(0, MEMBERS - 1),
                pence,
                st.integers(0, 300),
                st.integers(0, 300),
                st.integers(0, 500),
            ),
            min_size=1,
            max_size=MEMBERS,
            unique_by=lambda b: b[0],
        ),
        adjustment=st.booleans(),
    )
    def round_charges(self, bills: list[tuple[int, int, int, int, int]], adjustment: bool) -> None:
        """Charges at close, or (signed: shortages credited) a receiving adjustment."""
        sign = -1 if adjustment and len(self.posted) % 2 else 1
        charges = []
        goods_total = fees_total = 0
        for member, goods, markup, vat, delivery in bills:
            goods, markup, vat, delivery = (sign * x for x in (goods, markup, vat, delivery))
            total = goods + markup + vat + delivery
            charges.append(
                MemberCharge(
                    self.members[member].pk,
                    from_minor(goods),
                    from_minor(markup),
                    from_minor(vat),
                    from_minor(delivery),
                    from_minor(total),
                )
            )
            goods_total += goods + vat
            fees_total += delivery
        supplier = self.world.supplier.pk
        expected_ok = all(self.allowed(m, sign * sum(b)) for m, *b in bills)
        post = ledger_post_round_adjustment if adjustment else ledger_post_round_charges
        try:
            posted = post(
                group=self.world.group,
                round_reference=f"Round {len(self.posted)}",
                round_id=a_round(self.world.group, f"Round {len(self.posted)}"),
                charges=charges,
                supplier_goods={supplier: from_minor(goods_total)},
                delivery_fees={supplier: from_minor(fees_total)},
                actor=None,
                idempotency_key=self.key(),
                enforce_credit=True,
            )
        except InsufficientFunds:
            assert not expected_ok
            return
        assert expected_ok and posted is not None
        for member, goods, markup, vat, delivery in bills:
            self.model[member] -= sign * (goods + markup + vat + delivery)
        self.round_totals[posted.pk] = goods_total + fees_total + sign * sum(b[2] for b in bills)
        self.posted.append(posted)
        if not adjustment:
            self.rounds[posted.round_reference] = {m: tuple(b) for m, *b in bills}  # type: ignore[misc]
            self.round_of[posted.pk] = posted.round_reference

    @precondition(lambda self: self.rounds)
    @rule(data=st.data(), quarters=st.integers(0, 3))
    def receive_with_a_shortage(self, data: st.DataObject, quarters: int) -> None:
        """Receiving: one member gets only some of their goods; the round's bill is re-posted."""
        reference = data.draw(st.sampled_from(sorted(self.rounds)))
        bills = dict(self.rounds[reference])
        member = data.draw(st.sampled_from(sorted(bills)))
        goods, markup, vat, delivery = bills[member]
        bills[member] = (goods * quarters // 4, markup, vat, delivery)
        supplier = self.world.supplier.pk
        update = ledger_post_round_update(
            group=self.world.group,
            round_reference=reference,
            round_id=a_round(self.world.group, reference),
            charges=[
                MemberCharge(
                    self.members[m].pk,
                    from_minor(b[0]),
                    from_minor(b[1]),
                    from_minor(b[2]),
                    from_minor(b[3]),
                    from_minor(sum(b)),
                )
                for m, b in bills.items()
            ],
            supplier_goods={supplier: from_minor(sum(b[0] + b[2] for b in bills.values()))},
            delivery_fees={supplier: from_minor(sum(b[3] for b in bills.values()))},
            actor=self.world.treasurer,
            idempotency_key=self.key(),
        )
        credited = sum(self.rounds[reference][member]) - sum(bills[member])
        assert (update is None) == (credited == 0)
        self.model[member] += credited
        self.rounds[reference] = bills
        if update is not None:
            self.round_of[update.pk] = reference
            self.posted.append(update)

    @rule(member=st.integers(0, MEMBERS - 1), amount=pence)
    def refund(self, member: int, amount: int) -> None:
        try:
            posted = ledger_refund(
                membership=self.members[member],
                amount=from_minor(amount),
                method="bank",
                actor=self.world.treasurer,
                idempotency_key=self.key(),
            )
        except InsufficientFunds:
            assert amount > self.model[member]
            return
        assert amount <= self.model[member]
        self.model[member] -= amount
        self.posted.append(posted)

    @precondition(lambda self: self.posted)
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(self.posted))
        deltas = {
            e.account_id: -to_minor(e.amount) for e in Entry.objects.filter(transaction=original)
        }
        member_deltas = [deltas.get(pk, 0) for pk in self.accounts]
        try:
            reversal = ledger_reverse(
                original=original, actor=self.world.treasurer, idempotency_key=self.key()
            )
        except InsufficientFunds:
            assert any(d < 0 and not self.allowed(i, -d) for i, d in enumerate(member_deltas))
            return
        except LedgerError:
            assert original.pk in self.reversed or original.kind == Transaction.Kind.REVERSAL
            return
        assert original.pk not in self.reversed and original.kind != Transaction.Kind.REVERSAL
        self.reversed.add(original.pk)
        self.rounds.pop(self.round_of.get(original.pk, ""), None)  # its bill is no longer current
        for i, delta in enumerate(member_deltas):
            self.model[i] += delta
        self.posted.append(reversal)

    @precondition(lambda self: self.last_key is not None and self.posted)
    @rule()
    def retry_the_last_request(self) -> None:
        """A retried POST: the same key posts nothing new."""
        count = Transaction.objects.filter(group=self.world.group).count()
        try:
            posted = ledger_top_up(
                membership=self.members[0],
                amount=Decimal("1.00"),
                method="bank",
                actor=self.world.treasurer,
                idempotency_key=self.last_key or "",
            )
        except LedgerError:
            pass  # the key belonged to a refused request: it may now post once, as a new request
        else:
            if Transaction.objects.filter(group=self.world.group).count() != count:
                self.model[0] += 100
                self.posted.append(posted)
                return
        assert Transaction.objects.filter(group=self.world.group).count() == count

    @invariant()
    def the_ledger_checks_clean(self) -> None:
        report = check_group(self.world.group)
        assert report.problems == [], report.problems

    @invariant()
    def balances_equal_the_model_and_respect_the_credit_rule(self) -> None:
        balances = dict(Account.objects.filter(pk__in=self.accounts).values_list("pk", "balance"))
        got = [to_minor(balances[pk]) for pk in self.accounts]
        assert got == self.model
        if self.limit is not None:
            assert all(b >= -self.limit for b in got), (got, self.limit)

    @invariant()
    def round_charges_equal_supplier_goods_plus_costs(self) -> None:
        for pk, expected in self.round_totals.items():
            entries = Entry.objects.filter(transaction_id=pk).select_related("account")
            members = -sum(to_minor(e.amount) for e in entries if e.account.kind == "member")
            others = sum(to_minor(e.amount) for e in entries if e.account.kind != "member")
            assert members == others == expected


@pytest.mark.django_db
def test_random_money_sequences_keep_every_invariant() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=25, stateful_step_count=20, deadline=None),
    )
