"""Migration 0007 names the source of postings written before sources existed."""

from __future__ import annotations

import importlib
from decimal import Decimal as D
from typing import Any

from django.apps import apps
from django.db import connection

from coopbuy.ledger.charges import MemberCharge, ledger_post_round_charges
from coopbuy.ledger.guards import guards_paused
from coopbuy.ledger.models import StatementImport, StatementLine, Transaction
from coopbuy.ledger.sources import SourceKind
from coopbuy.ledger.treasury import ledger_reverse, ledger_top_up

from .conftest import World, a_round

fill_sources = importlib.import_module("coopbuy.ledger.migrations.0007_fill_sources")


class _Editor:
    """What the migration's function uses of a schema editor."""

    def __init__(self) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_old_postings_get_their_source_from_their_keys_and_labels(world: World) -> None:
    round_id = a_round(world.group, "Veg box")
    charge = ledger_post_round_charges(
        group=world.group, round_id=round_id, round_reference=f"Veg box · #{round_id}",
        charges=[MemberCharge(world.alice.pk, D("4.00"), D("0"), D("0"), D("0"), D("4.00"))],
        supplier_goods={world.supplier.pk: D("4.00")}, delivery_fees={}, actor=None,
        idempotency_key=f"round-{round_id}-close",
    )  # fmt: skip
    assert charge is not None
    statement = StatementImport.objects.create(group=world.group, filename="s.csv")
    line = StatementLine.objects.create(
        group=world.group, statement=statement, line_number=1, date="2026-01-02",
        amount=D("9.00"), fingerprint="f", status=StatementLine.Status.BOOKED,
    )  # fmt: skip
    booked = ledger_top_up(
        membership=world.bob, amount=D("9.00"), method="bank", actor=world.treasurer,
        idempotency_key=f"statement-line-{line.pk}",
    )  # fmt: skip
    by_api = ledger_top_up(
        membership=world.bob, amount=D("1.00"), method="bank", actor=world.treasurer,
        idempotency_key="api-" + "ab" * 32,
    )  # fmt: skip
    typed = ledger_top_up(
        membership=world.bob, amount=D("2.00"), method="bank", actor=world.treasurer,
        idempotency_key=f"round-{round_id + 1}-close",  # a key typed into an old form
    )  # fmt: skip
    undone = ledger_reverse(original=charge, actor=world.treasurer, idempotency_key="u-1")
    rows = Transaction.objects.filter(pk__in=[charge.pk, booked.pk, by_api.pk, typed.pk, undone.pk])
    with guards_paused("test: as before migration 0007"):
        rows.update(source_kind=SourceKind.MANUAL, source_id=None)
        fill_sources.forward(apps, _Editor())
    found = {t.pk: (t.source_kind, t.source_id, t.idempotency_key) for t in rows}
    assert found[charge.pk] == ("round", round_id, f"sys:round-{round_id}-close")
    assert found[undone.pk][:2] == ("round", round_id)  # a reversal: its original's source
    assert found[booked.pk] == ("statement_line", line.pk, f"sys:statement-line-{line.pk}")
    assert found[by_api.pk] == ("manual", None, "usr:" + "ab" * 32)
    assert found[typed.pk] == ("manual", None, f"round-{round_id + 1}-close")  # not a system key
