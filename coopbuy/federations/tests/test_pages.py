"""The federation pages for each role: who sees what, and the forms doing what they say."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from coopbuy.federations.models import FederationGroup, FederationRole
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.federations.services import federation_create
from coopbuy.federations.tests.conftest import Fed
from coopbuy.ledger.models import Account
from coopbuy.ledger.services import system_account
from coopbuy.ledger.transfers import ledger_transfer
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.testing.factories import add_member, make_group, make_user

pytestmark = pytest.mark.django_db


PAGES = ("", "suppliers/", "roles/", "applications/", "money/")
# role -> status of each page above (302: sent to log in)
EXPECTED = {
    "visitor": (200, 302, 302, 302, 302),
    "outsider": (200, 404, 404, 404, 404),
    "lee": (200, 200, 200, 404, 404),  # a member of a member group
    "gina": (200, 200, 200, 404, 404),  # a coordinator of a member group
    "tess": (200, 200, 200, 404, 200),  # the federation's treasurer
    "fay": (200, 200, 200, 200, 200),  # the federation's coordinator
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_who_sees_which_federation_page(fed: Fed, role: str) -> None:
    client = fed.client(role)
    got = tuple(client.get(f"/f/{fed.federation.slug}/{page}").status_code for page in PAGES)
    assert got == EXPECTED[role]


@pytest.mark.parametrize("role", ["visitor", "outsider"])
def test_strangers_see_public_groups_and_only_a_count_of_private_ones(fed: Fed, role: str) -> None:
    content = fed.client(role).get(f"/f/{fed.federation.slug}/").content.decode()
    assert "Hebden Bulk" in content and "Hebden Bridge" in content
    assert "Leith" not in content and "and 1 private group" in content
    assert "Suma" in content and "Fay Federation" not in content  # no names of people
    assert f"/f/{fed.federation.slug}/suppliers/" not in content  # no link to a 404
    listing = fed.client(role).get("/federations/").content.decode()
    assert "Pennine Food" in listing and "Hebden Bulk" in listing and "Leith" not in listing


def test_people_of_member_groups_see_every_group_and_who_runs_it(fed: Fed) -> None:
    content = fed.client("lee").get(f"/f/{fed.federation.slug}/").content.decode()
    assert "Leith Larder" in content and "Fay Federation" in content and "Tess" in content
    assert f"/f/{fed.federation.slug}/suppliers/" in content
    products = fed.client("lee").get(f"/f/{fed.federation.slug}/suppliers/").content.decode()
    assert "Porridge oats" in products and "6 units" in products
    assert "from 3 cases: 1.95" in products and "2.10" in products
    assert "Stop sharing" not in products


def test_the_runners_see_the_markups_and_the_books_balances(fed: Fed) -> None:
    treasurer = add_member(fed.hebden, role="treasurer").user
    fed_bank = Account.objects.create(book=fed.federation.book, kind="bank", name="Bank")
    ledger_transfer(
        paying=system_account(fed.hebden, "bank"), receiving=fed_bank, amount=Decimal("25.40"),
        description="Delivery share", actor=treasurer, idempotency_key="k1",
    )  # fmt: skip
    money = fed.client("tess").get(f"/f/{fed.federation.slug}/money/").content.decode()
    assert "Hebden Bulk" in money and "£25.40" in money and "Delivery share" in money
    overview = fed.client("fay").get(f"/f/{fed.federation.slug}/").content.decode()
    assert "0 %" in overview and "Remove" in overview


def test_the_directory_is_empty_then_paginated() -> None:
    assert "No federation yet" in Client().get("/federations/").content.decode()
    fay = make_user()
    for n in range(21):
        federation_create(creator=fay, name=f"Federation {n:02}")
    first = Client().get("/federations/").content.decode()
    assert "Federation 19" in first and "Federation 20" not in first and "Page 1 of 2" in first
    assert "Federation 20" in Client().get("/federations/?page=2").content.decode()


def test_approving_and_refusing_on_the_applications_page(fed: Fed) -> None:
    totnes = make_group(name="Totnes Co-op")
    other = make_group(name="Bristol Co-op")
    for group in (totnes, other):
        FederationGroup.objects.create(federation=fed.federation, group=group)
    rows = {r.group.name: r for r in FederationGroup.objects.filter(status="applied")}
    page = fed.client("fay").get(f"/f/{fed.federation.slug}/applications/").content.decode()
    assert "Totnes Co-op" in page and "Bristol Co-op" in page
    base = f"/f/{fed.federation.slug}/applications"
    assert fed.client("tess").post(f"{base}/{rows['Totnes Co-op'].pk}/approve/").status_code == 404
    assert fed.client("gina").post(f"{base}/{rows['Totnes Co-op'].pk}/approve/").status_code == 404
    fed.client("fay").post(f"{base}/{rows['Totnes Co-op'].pk}/approve/")
    fed.client("fay").post(f"{base}/{rows['Bristol Co-op'].pk}/refuse/", {"reason": "Too far"})
    statuses = dict(FederationGroup.objects.filter(group__in=[totnes, other])
                    .values_list("group__name", "status"))  # fmt: skip
    assert statuses == {"Totnes Co-op": "member", "Bristol Co-op": "refused"}


def test_roles_are_added_and_ended_by_coordinators_only(fed: Fed) -> None:
    url = f"/f/{fed.federation.slug}/roles/"
    newcomer = make_user("Nia New", email="nia@example.org")
    assert (
        fed.client("tess")
        .post(url, {"email": "nia@example.org", "role": "coordinator"})
        .status_code
        == 404
    )
    response = fed.client("fay").post(url, {"email": "nobody@example.org", "role": "coordinator"})
    assert response.status_code == 200 and "ask them to sign up" in response.content.decode()
    fed.client("fay").post(url, {"email": "NIA@example.org", "role": "coordinator"})
    role = FederationRole.objects.get(user=newcomer, ended_at__isnull=True)
    assert role.role == "coordinator"
    fed.client("fay").post(f"{url}{role.pk}/end/")
    assert FederationRole.objects.get(pk=role.pk).ended_at is not None


def test_sharing_and_stopping_a_supplier_on_the_page(fed: Fed) -> None:
    infinity = make_supplier(fed.hebden, name="Infinity Foods")
    url = f"/f/{fed.federation.slug}/suppliers/"
    page = fed.client("fay").get(url).content.decode()
    assert "Infinity Foods (Hebden Bulk)" in page
    assert fed.client("gina").post(url, {"supplier": infinity.pk}).status_code == 404
    fed.client("fay").post(url, {"supplier": infinity.pk})
    shared = Shared.objects.get(supplier=infinity, ended_at__isnull=True)
    fed.client("fay").post(f"{url}{shared.pk}/end/")
    assert Shared.objects.get(pk=shared.pk).ended_at is not None


def test_a_group_coordinator_applies_sets_the_markup_and_leaves(fed: Fed) -> None:
    other = federation_create(creator=make_user(), name="Lowland Federation")
    url = f"/g/{fed.leith.slug}/federations/"
    assert fed.client("lee").get(url).status_code == 403  # a member, not its coordinator
    assert fed.client("outsider").get(url).status_code == 404  # a private group
    page = fed.client("gina").get(url).content.decode()
    assert "Pennine Food" in page and "Lowland Federation" in page
    fed.client("gina").post(f"{url}apply/", {"federation": other.pk, "message": "Hi"})
    applied = FederationGroup.objects.get(federation=other, group=fed.leith)
    assert (applied.status, applied.message) == ("applied", "Hi")
    row = FederationGroup.objects.get(federation=fed.federation, group=fed.leith)
    response = fed.client("gina").post(
        f"{url}{row.pk}/markup/", {f"m{row.pk}-percent": "2.5"}, HTTP_HX_REQUEST="true"
    )
    assert "Saved: 2.5 %" in response.content.decode()
    row.refresh_from_db()
    assert row.markup_rate == Decimal("0.0250")
    response = fed.client("gina").post(
        f"{url}{row.pk}/markup/", {f"m{row.pk}-percent": "150"}, HTTP_HX_REQUEST="true"
    )
    assert 'role="alert"' in response.content.decode()
    row.refresh_from_db()
    assert row.markup_rate == Decimal("0.0250")
    assert fed.client("lee").post(f"{url}{row.pk}/leave/").status_code == 403
    fed.client("gina").post(f"{url}{row.pk}/leave/")
    row.refresh_from_db()
    assert row.status == "left"


def test_the_group_nav_links_coordinators_to_their_federations(fed: Fed) -> None:
    link = f'href="/g/{fed.leith.slug}/federations/"'
    assert link in fed.client("gina").get(f"/g/{fed.leith.slug}/").content.decode()
    assert link not in fed.client("lee").get(f"/g/{fed.leith.slug}/").content.decode()


def test_a_treasurer_sees_the_federations_to_pay_them_but_changes_nothing_else(fed: Fed) -> None:
    treasurer = add_member(fed.leith, role="treasurer").user
    client = Client()
    client.force_login(treasurer)
    url = f"/g/{fed.leith.slug}/federations/"
    assert f'href="{url}"' in client.get(f"/g/{fed.leith.slug}/").content.decode()
    page = client.get(url).content.decode()
    row = FederationGroup.objects.get(federation=fed.federation, group=fed.leith)
    assert "Pennine Food" in page and "Pay the federation" in page
    assert f"{url}{row.pk}/pay/" in page or f"p{row.pk}-amount" in page
    assert "Markup: " in page
    for form in ("/apply/", f"/{row.pk}/markup/", f"/{row.pk}/leave/"):
        assert form not in page
    assert client.post(f"{url}{row.pk}/leave/").status_code == 403
    row.refresh_from_db()
    assert row.status == "member"


@pytest.mark.parametrize(("role", "linked"), [("fay", True), ("tess", False), ("gina", False)])
def test_the_federation_nav_takes_its_coordinators_to_its_pooled_rounds(
    fed: Fed, role: str, linked: bool
) -> None:
    """The pooled rounds are opened and run from their page: its coordinators reach it from the
    federation's own pages; the others, for whom it does not exist, get no link to a 404."""
    url = f"/federations/{fed.federation.slug}/pooled/"
    client = fed.client(role)
    for page in ("", "suppliers/", "roles/"):
        content = client.get(f"/f/{fed.federation.slug}/{page}").content.decode()
        assert (f'href="{url}"' in content) is linked, page
    assert client.get(url).status_code == (200 if linked else 404)
