"""Invoices (gap-free numbers, VAT breakdown, PDF, email), statements and the statement PDF."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopbuy.groups.permissions import AccessDenied
from coopbuy.ledger.invoices import InvoiceLine, invoice_issue, vat_breakdown
from coopbuy.ledger.models import Invoice
from coopbuy.ledger.selectors import monthly_statement
from coopbuy.ledger.services import member_account
from coopbuy.ledger.sources import Source
from coopbuy.ledger.treasury import ledger_settings_update, ledger_top_up

from .conftest import World, a_round, key

pytestmark = pytest.mark.django_db

LINES = [
    InvoiceLine("Oats 1 kg", D("2"), D("1.50"), D("0"), D("3.00")),
    InvoiceLine("Washing-up liquid", D("1"), D("3.60"), D("0.2"), D("3.60")),
    InvoiceLine("Delivery share", D("1"), D("0.75"), D("0"), D("0.75")),
]


def test_invoices_are_numbered_without_gaps_per_group_and_issued_once_per_round(
    world: World, other: World
) -> None:
    ledger_settings_update(
        group=world.group,
        actor=world.treasurer,
        prepayment_required=False,
        credit_limit=D("0"),
        invoice_prefix="HEB",
    )
    first = invoice_issue(
        membership=world.alice,
        source=Source.round(a_round(world.group, "Round 1")),
        round_reference="Round 1",
        lines=LINES,
        actor=world.treasurer,
    )
    second = invoice_issue(
        membership=world.bob,
        source=Source.round(a_round(world.group, "Round 1")),
        round_reference="Round 1",
        lines=LINES,
        actor=None,
    )
    again = invoice_issue(
        membership=world.alice,
        source=Source.round(a_round(world.group, "Round 1")),
        round_reference="Round 1",
        lines=LINES,
        actor=world.treasurer,
    )
    theirs = invoice_issue(
        membership=other.alice,
        source=Source.round(a_round(other.group, "Round 1")),
        round_reference="Round 1",
        lines=LINES,
        actor=other.treasurer,
    )
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"HEB-{year}-0001", f"HEB-{year}-0002")
    assert again.pk == first.pk
    assert theirs.number.endswith(f"-{year}-0001")
    assert first.total == D("7.35")
    assert Invoice.objects.count() == 3
    with pytest.raises(AccessDenied):
        invoice_issue(
            membership=other.bob,
            source=Source.round(a_round(other.group, "R")),
            round_reference="R",
            lines=LINES,
            actor=world.treasurer,
        )


def test_the_vat_breakdown_extracts_the_tax_per_rate() -> None:
    rows = vat_breakdown(LINES)
    assert [(r.rate, r.net, r.vat, r.gross) for r in rows] == [
        (D("0"), D("3.75"), D("0.00"), D("3.75")),
        (D("0.2"), D("3.00"), D("0.60"), D("3.60")),
    ]


def test_an_issued_invoice_is_emailed_and_its_pdf_is_for_its_member_only(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = invoice_issue(
            membership=world.alice,
            source=Source.round(a_round(world.group, "Round 2")),
            round_reference="Round 2",
            lines=LINES,
            actor=None,
        )
    assert [m.to for m in mail.outbox] == [[world.alice.user.email]]
    assert invoice.number in mail.outbox[0].subject
    url = reverse("ledger:invoice_pdf", args=[world.group.slug, invoice.pk])
    client = Client()
    client.force_login(world.alice.user)
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(world.bob.user)
    assert client.get(url).status_code == 404


def test_a_monthly_statement_runs_from_opening_to_closing_balance(world: World) -> None:
    for day, amount in ((date(2026, 1, 20), "10.00"), (date(2026, 2, 3), "5.00")):
        ledger_top_up(
            membership=world.alice,
            amount=D(amount),
            method="bank",
            actor=world.treasurer,
            idempotency_key=key(),
            booked_on=day,
        )
    account = member_account(world.alice)
    february = monthly_statement(account=account, year=2026, month=2)
    assert (february.opening, february.closing) == (D("10.00"), D("15.00"))
    assert [r.running for r in february.rows] == [D("15.00")]
    client = Client()
    client.force_login(world.alice.user)
    page = client.get(reverse("ledger:statement", args=[world.group.slug, account.pk, 2026, 2]))
    assert "Opening balance" in page.content.decode() and "£15.00" in page.content.decode()
    pdf = client.get(reverse("ledger:statement_pdf", args=[world.group.slug, account.pk, 2026, 2]))
    assert pdf.content.startswith(b"%PDF")
