"""Every ledger URL x every role x another group's ids: enumerated from the URLconf itself, so a
new page cannot escape the access rules unnoticed."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import URLPattern, reverse

from coopbuy.ledger import urls
from coopbuy.ledger.invoices import InvoiceLine, invoice_issue
from coopbuy.ledger.models import StatementLine
from coopbuy.ledger.services import member_account
from coopbuy.ledger.sources import Source
from coopbuy.ledger.statements import statement_import
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.testing.factories import make_user

from .conftest import World, a_round, key

pytestmark = pytest.mark.django_db
MEMBER_PAGES = {"account"}
OWN_ROW_PAGES = {"account_detail", "statement", "statement_pdf", "invoice_pdf"}
COORDINATOR_PAGES = {"write_off"}  # writing a balance off is the coordinators' alone


def rows_of(world: World) -> dict[str, int]:
    tx = ledger_top_up(
        membership=world.alice,
        amount=D("5.00"),
        method="bank",
        actor=world.treasurer,
        idempotency_key=key(),
    )
    invoice = invoice_issue(
        membership=world.alice,
        source=Source.round(a_round(world.group, "R1")),
        round_reference="R1",
        actor=None,
        lines=[InvoiceLine("Oats", D("1"), D("5.00"), D("0"), D("5.00"))],
    )
    statement_import(
        group=world.group,
        actor=world.treasurer,
        filename="s.csv",
        content=b"date,amount\n2026-01-01,3.00\n",
        mapping={"date": 0, "amount": 1},
        date_format="%Y-%m-%d",
    )
    return {
        "account_id": member_account(world.alice).pk,
        "transaction_id": tx.pk,
        "invoice_id": invoice.pk,
        "line_id": StatementLine.objects.get(group=world.group).pk,
    }


def url_for(route: URLPattern, slug: str, rows: dict[str, int]) -> str:
    kwargs: dict[str, object] = {"slug": slug}
    for arg in route.pattern.converters:
        if arg in rows:
            kwargs[arg] = rows[arg]
        elif arg in ("year", "month"):
            kwargs[arg] = 2026 if arg == "year" else 1
    return reverse(f"ledger:{route.name}", kwargs=kwargs)


def test_every_ledger_page_by_role_and_with_another_groups_ids(world: World, other: World) -> None:
    mine, theirs = rows_of(world), rows_of(other)
    slug = world.group.slug
    people = {
        "outsider": make_user("Outsider"),
        "member": world.bob.user,  # not the owner of the rows above (alice is)
        "owner": world.alice.user,
        "treasurer_b": other.treasurer,
        "treasurer": world.treasurer,
        "coordinator": world.coordinator,
    }
    assert len(urls.urlpatterns) >= 19
    for route in urls.urlpatterns:
        assert isinstance(route, URLPattern) and route.name
        name = route.name
        own, foreign = url_for(route, slug, mine), url_for(route, slug, theirs)
        for who, user in people.items():
            client = Client()
            client.force_login(user)
            code = client.get(own).status_code
            if code == 405:  # a POST-only action
                code = client.post(own).status_code
            refused = who in ("outsider", "treasurer_b")
            if refused or (who == "treasurer" and name in COORDINATOR_PAGES):
                assert code == 403, (name, who, code)
            elif who in ("treasurer", "coordinator"):
                assert code in {200, 302}, (name, who, code)
            elif name in MEMBER_PAGES or (who == "owner" and name in OWN_ROW_PAGES):
                assert code == 200, (name, who, code)
            else:
                assert code in {403, 404}, (name, who, code)
        if foreign != own:  # B's ids under A's address: not found, even for A's treasurer
            client = Client()
            client.force_login(world.treasurer)
            assert client.get(foreign).status_code in {404, 405}, name
            assert client.post(foreign, {"action": "book"}).status_code == 404, name


def test_the_operator_sees_the_ledger_in_the_admin_but_cannot_change_it(world: World) -> None:
    from coopbuy.accounts.models import User

    rows = rows_of(world)
    admin = User.objects.create_superuser("root@example.org", "pw", display_name="Root")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:ledger_transaction_changelist")).status_code == 200
    page = client.get(reverse("admin:ledger_transaction_change", args=[rows["transaction_id"]]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    delete = reverse("admin:ledger_transaction_delete", args=[rows["transaction_id"]])
    assert client.post(delete, {"post": "yes"}).status_code == 403
