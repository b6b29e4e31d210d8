"""Bank statement import: column mapping, matching by payment reference, review, no doubles."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from coopbuy.ledger import selectors
from coopbuy.ledger.models import StatementLine, Transaction
from coopbuy.ledger.services import payment_reference_for
from coopbuy.ledger.statements import (
    StatementError,
    statement_confirm_matched,
    statement_import,
    statement_line_book,
)

from .conftest import World

pytestmark = pytest.mark.django_db
MAPPING = {"date": 0, "amount": 2, "reference": 3, "counterparty": 1, "bank_id": None}


def statement_for(world: World) -> bytes:
    alice = payment_reference_for(world.alice)
    return (
        "Date;Payer;Amount;Reference\n"
        f"31/03/2026;A. Smith;20.00;{alice.lower()} top up\n"
        "31/03/2026;Unknown;7.50;groceries\n"
        "01/04/2026;Bank;-2.00;monthly fee\n"
    ).encode()


def run_import(world: World, content: bytes):
    return statement_import(
        group=world.group, actor=world.treasurer, filename="march.csv", content=content,
        mapping=MAPPING, date_format="%d/%m/%Y",
    )  # fmt: skip


def test_lines_are_matched_by_payment_reference_and_booked_only_when_confirmed(
    world: World,
) -> None:
    record = run_import(world, statement_for(world))
    assert record.line_count == 3
    statuses = dict(StatementLine.objects.values_list("amount", "status"))
    assert statuses == {D("20.00"): "matched", D("7.50"): "unmatched", D("-2.00"): "unmatched"}
    assert not Transaction.objects.exists()
    assert statement_confirm_matched(group=world.group, actor=world.treasurer) == 1
    assert selectors.balance_of(membership=world.alice) == D("20.00")
    unmatched = StatementLine.objects.get(amount=D("7.50"))
    statement_line_book(line=unmatched, actor=world.treasurer, membership=world.bob)
    statement_line_book(line=unmatched, actor=world.treasurer, membership=world.bob)  # again
    assert selectors.balance_of(membership=world.bob) == D("7.50")
    with pytest.raises(StatementError, match="coming in"):
        statement_line_book(
            line=StatementLine.objects.get(amount=D("-2.00")), actor=world.treasurer,
            membership=world.bob,
        )  # fmt: skip


def test_importing_the_same_statement_twice_doubles_nothing(world: World) -> None:
    run_import(world, statement_for(world))
    statement_confirm_matched(group=world.group, actor=world.treasurer)
    again = run_import(world, statement_for(world))
    assert (again.line_count, again.duplicate_count) == (0, 3)
    assert statement_confirm_matched(group=world.group, actor=world.treasurer) == 0
    assert selectors.balance_of(membership=world.alice) == D("20.00")


def test_a_bad_line_refuses_the_whole_file(world: World) -> None:
    content = statement_for(world) + b"not a date;X;1.00;y\n"
    with pytest.raises(StatementError, match="Line 4"):
        run_import(world, content)
    assert not StatementLine.objects.exists()


def test_a_reference_of_another_group_is_not_matched(world: World, other: World) -> None:
    theirs = payment_reference_for(other.alice)
    run_import(world, f"Date;Payer;Amount;Reference\n31/03/2026;X;5.00;{theirs}\n".encode())
    assert StatementLine.objects.get().status == "unmatched"


def test_the_treasurer_imports_through_the_web_choosing_the_columns(world: World) -> None:
    client = Client()
    client.force_login(world.treasurer)
    slug = world.group.slug
    upload = SimpleUploadedFile("march.csv", statement_for(world), content_type="text/csv")
    response = client.post(reverse("ledger:statement_upload", args=[slug]), {"file": upload})
    assert response.status_code == 302
    page = client.get(reverse("ledger:statement_mapping", args=[slug]))
    assert b"A. Smith" in page.content  # the preview shows the file's first lines
    response = client.post(
        reverse("ledger:statement_mapping", args=[slug]),
        {"date": "0", "amount": "2", "reference": "3", "counterparty": "1", "bank_id": "",
         "date_format": "%d/%m/%Y"},
        follow=True,
    )  # fmt: skip
    assert "3 new lines (1 matched to members)" in response.content.decode()
    line = StatementLine.objects.get(amount=D("7.50"))
    client.post(
        reverse("ledger:statement_line", args=[slug, line.pk]),
        {"action": "assign", f"line{line.pk}-membership": world.bob.pk},
    )
    client.post(reverse("ledger:statement_confirm", args=[slug]))
    assert selectors.balance_of(membership=world.alice) == D("20.00")
    assert selectors.balance_of(membership=world.bob) == D("7.50")


def amounts_file(*amounts: str) -> bytes:
    lines = "".join(f'31/03/2026;Payer {n};"{a}";ref {n}\n' for n, a in enumerate(amounts))
    return ("Date;Payer;Amount;Reference\n" + lines).encode()


def import_amounts(world: World, content: bytes, separator: str = "auto"):
    return statement_import(
        group=world.group, actor=world.treasurer, filename="march.csv", content=content,
        mapping=MAPPING, date_format="%d/%m/%Y", decimal_separator=separator,
    )  # fmt: skip


def stored_amounts() -> list[D]:
    return list(StatementLine.objects.order_by("line_number").values_list("amount", flat=True))


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        (["1,50", "1.234,56", "-3,00"], ["1.50", "1234.56", "-3.00"]),  # decimal comma
        (["1.50", "1,234.56", "12.00-"], ["1.50", "1234.56", "-12.00"]),  # decimal point
        (["€ 1.234.567,89", "0,5"], ["1234567.89", "0.50"]),
        (["1,500", "2,25"], ["1.50", "2.25"]),  # 2,25 says the comma is decimal
        (["1,500", "2.25"], ["1500.00", "2.25"]),  # 2.25 says the comma groups thousands
        (["15", "-3"], ["15.00", "-3.00"]),
    ],
)
def test_amounts_are_read_in_the_bank_s_own_notation(
    world: World, amounts: list[str], expected: list[str]
) -> None:
    import_amounts(world, amounts_file(*amounts))
    assert stored_amounts() == [D(x) for x in expected]


def test_a_column_that_reads_two_ways_is_asked_about_and_nothing_is_stored(world: World) -> None:
    with pytest.raises(StatementError, match="can be read two ways") as refused:
        import_amounts(world, amounts_file("1,500", "2,000"))
    assert refused.value.field == "decimal_separator"
    assert not StatementLine.objects.exists()
    import_amounts(world, amounts_file("1,500", "2,000"), ",")
    assert stored_amounts() == [D("1.50"), D("2.00")]


def test_an_amount_that_does_not_fit_the_chosen_separator_is_refused(world: World) -> None:
    with pytest.raises(StatementError, match=r"Line 1: “1\.50” is not an amount") as refused:
        import_amounts(world, amounts_file("1.50"), ",")
    assert refused.value.field == "amount"
    with pytest.raises(StatementError, match="not an amount"):
        import_amounts(world, amounts_file("1,2,3.4.5"), ".")
    with pytest.raises(StatementError, match=r"is not an amount \(at most 99,999,999\.99\)"):
        import_amounts(world, amounts_file("100000000.00"), ".")
    assert not StatementLine.objects.exists()


def test_overlapping_statements_store_each_payment_once(world: World) -> None:
    alice = payment_reference_for(world.alice)
    march = (
        "Date;Payer;Amount;Reference\n"
        f"30/03/2026;A. Smith;20.00;{alice}\n"
        "31/03/2026;B. Jones;5.00;milk\n"
        "31/03/2026;B. Jones;5.00;milk\n"  # two real payments of the same
    ).encode()
    overlap = (
        "Date;Payer;Amount;Reference\n"
        "31/03/2026;B. Jones;5.00;milk\n"
        "31/03/2026;B. Jones;5.00;milk\n"
        "31/03/2026;B. Jones;5.00;milk\n"  # a third one, new
        f"30/03/2026;A. Smith;20.00;{alice}\n"
        "01/04/2026;C. Brown;8.00;eggs\n"
    ).encode()
    first = run_import(world, march)
    assert first.line_count == 3
    statement_confirm_matched(group=world.group, actor=world.treasurer)
    second = run_import(world, overlap)
    assert (second.line_count, second.duplicate_count) == (2, 3)
    assert StatementLine.objects.filter(amount=D("5.00")).count() == 3
    assert statement_confirm_matched(group=world.group, actor=world.treasurer) == 0
    assert selectors.balance_of(membership=world.alice) == D("20.00")  # booked once


def test_the_mapping_page_offers_the_decimal_separator(world: World) -> None:
    client = Client()
    client.force_login(world.treasurer)
    slug = world.group.slug
    upload = SimpleUploadedFile("m.csv", amounts_file("1,500"), content_type="text/csv")
    client.post(reverse("ledger:statement_upload", args=[slug]), {"file": upload})
    fields = {"date": "0", "amount": "2", "reference": "3", "counterparty": "1",
              "bank_id": "", "date_format": "%d/%m/%Y"}  # fmt: skip
    page = client.post(reverse("ledger:statement_mapping", args=[slug]), fields)
    assert "can be read two ways" in page.content.decode()
    assert 'name="decimal_separator"' in page.content.decode()
    client.post(
        reverse("ledger:statement_mapping", args=[slug]), {**fields, "decimal_separator": "."}
    )
    assert stored_amounts() == [D("1500.00")]
