"""An ended membership opens nothing: not the group's pages, not its API; rejoining reopens them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.audit.models import AuditEvent
from coopbuy.groups import join_requests, memberships, selectors, services
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import membership_of
from coopbuy.ledger.treasury import ledger_top_up
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user
from coopbuy.tokens.services import token_create

pytestmark = pytest.mark.django_db


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("visibility", ["private", "public"])
def test_a_former_member_reaches_no_page_and_no_operation_of_the_group(visibility: str) -> None:
    group = make_group(visibility=visibility)
    membership = add_member(group)
    memberships.membership_leave(membership=membership, user=membership.user)
    web, secret = _logged_in(membership.user), token_create(user=membership.user, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    denied = {404} if visibility == "private" else {403}

    assert membership_of(group=group, user=membership.user) is None
    for name in ("groups:members", "rounds:list", "ledger:account", "catalog:suppliers"):
        assert web.get(reverse(name, args=[group.slug])).status_code in denied, name
    for path in ("members", "rounds", "account", "suppliers"):
        assert api.get(f"/api/v1/groups/{group.slug}/{path}").status_code in denied, path
    mine = api.get("/api/v1/groups/mine").json()
    assert mine["count"] == 0
    assert group.name.encode() not in web.get(reverse("groups:mine")).content


def test_former_members_are_left_out_of_lists_and_counts_but_kept_as_history() -> None:
    group = make_group()
    stays, goes = add_member(group, make_user("Stays")), add_member(group, make_user("Goes"))
    memberships.membership_remove(membership=goes, actor=coordinator_of(group))

    assert list(selectors.members_of_group(group=group).values_list("pk", flat=True)) == [
        Membership.objects.get(group=group, role="coordinator").pk,
        stays.pk,
    ]
    assert selectors.member_count(group=group) == 2
    assert selectors.public_groups().get(pk=group.pk).member_count == 2  # type: ignore[attr-defined]
    assert list(selectors.former_members_of_group(group=group)) == [goes]
    page = _logged_in(coordinator_of(group)).get(reverse("groups:members", args=[group.slug]))
    current, former = page.content.decode().split("Former members")
    assert "Stays" in current and "Goes" not in current
    assert "Goes" in former and "Removed by a coordinator" in former


@pytest.mark.parametrize("how", ["open group", "request approved"])
def test_rejoining_reactivates_the_same_membership(how: str) -> None:
    policy = "open" if how == "open group" else "approval"
    group = make_group(join_policy=policy)
    coordinator = coordinator_of(group)
    person = make_user()
    first = (
        memberships.group_join(group=group, user=person)
        if policy == "open"
        else add_member(group, person)
    )
    memberships.membership_remove(membership=first, actor=coordinator)
    if policy == "open":
        again = memberships.group_join(group=group, user=person)
    else:
        request = join_requests.join_request_create(group=group, user=person)
        join_requests.join_request_decide(join_request=request, actor=coordinator, approve=True)
        again = Membership.objects.get(group=group, user=person)
    assert again.pk == first.pk and again.is_active and again.ended_by is None
    event = AuditEvent.objects.get(action="membership.rejoined")
    assert event.data["how"] == how and event.data["end_reason"] == "removed"
    assert membership_of(group=group, user=person) == again
    with pytest.raises(services.GroupError, match="already a member"):
        memberships.group_join(group=group, user=person) if policy == "open" else (
            join_requests.join_request_create(group=group, user=person)
        )


def test_the_remove_button_shows_the_refusal_and_the_write_off_page_clears_the_way() -> None:
    group = make_group(name="Hebden")
    coordinator = coordinator_of(group)
    ben = add_member(group, make_user("Ben"))
    ledger_top_up(membership=ben, amount=Decimal("3.00"), method="cash", actor=coordinator,
                  idempotency_key="ben")  # fmt: skip
    web = _logged_in(coordinator)
    remove = reverse("groups:member_remove", args=[group.slug, ben.pk])

    refused = web.post(remove, follow=True).content.decode()
    assert "Ben has 3.00 GBP in credit: refund it, or write the balance off" in refused
    assert reverse("ledger:write_off", args=[group.slug]) in refused
    page = reverse("ledger:write_off", args=[group.slug])
    assert _logged_in(ben.user).get(page).status_code == 403
    assert "Ben" in web.get(page).content.decode()
    assert web.post(page, {"membership": ben.pk, "reason": "gift"}).status_code == 302
    assert web.post(remove).status_code == 302
    ben.refresh_from_db()
    assert ben.end_reason == "removed"
    members = web.get(reverse("groups:members", args=[group.slug])).content.decode()
    assert "Former members" in members and "Removed by a coordinator" in members
