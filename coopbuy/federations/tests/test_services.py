"""Federations' use cases: applying, answering, leaving (money settled), roles, sharing, markup."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from coopbuy.audit.models import AuditEvent
from coopbuy.federations.membership import (
    federation_application_approve,
    federation_application_refuse,
    federation_apply,
    federation_leave,
    federation_markup_set,
    parse_markup,
    percent,
)
from coopbuy.federations.models import (
    Federation,
    FederationGroup,
    FederationRole,
    FederationSupplier,
)
from coopbuy.federations.services import (
    FederationError,
    federation_create,
    federation_role_add,
    federation_role_end,
)
from coopbuy.federations.sharing import federation_supplier_end, federation_supplier_share
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.checks import check_books
from coopbuy.ledger.models import Account
from coopbuy.ledger.services import post, system_account
from coopbuy.ledger.transfers import between_account, ledger_transfer
from coopbuy.rounds.tests.factories import make_supplier
from coopbuy.testing.factories import add_member, coordinator_of, make_group, make_user
from coopbuy.testing.federations import make_federation

pytestmark = pytest.mark.django_db
Status = FederationGroup.Status

# A step the settings may name: refuses while the test says a pooled round is unsettled.
UNSETTLED: list[str] = []


def refuse_while_unsettled(*, federation: Federation, group: BuyingGroup) -> list[str]:
    return [f"{group.name} has a pooled round of {federation.name} to settle."] if UNSETTLED else []


def _row(federation: Federation, group: BuyingGroup) -> FederationGroup:
    return FederationGroup.objects.get(
        federation=federation, group=group, status__in=["applied", "member"]
    )


def test_a_group_applies_and_a_coordinator_approves_it() -> None:
    federation = make_federation()
    fay = federation.created_by
    assert fay is not None
    group = make_group(name="Leith Larder")
    gina = coordinator_of(group)
    row = federation_apply(federation=federation, group=group, actor=gina, message="Hello!")
    assert (row.status, row.message, row.applied_by) == ("applied", "Hello!", gina)
    with pytest.raises(FederationError, match="already applied") as caught:
        federation_apply(federation=federation, group=group, actor=gina)
    assert caught.value.field == "federation"
    row = federation_application_approve(application=row, actor=fay)
    assert (row.status, row.decided_by) == ("member", fay)
    with pytest.raises(FederationError, match="already a member"):
        federation_apply(federation=federation, group=group, actor=gina)
    with pytest.raises(FederationError, match="already been answered"):
        federation_application_approve(application=row, actor=fay)
    actions = list(AuditEvent.objects.filter(group=group).values_list("action", flat=True))
    assert actions.count("federation.applied") == 1 and actions.count("federation.approved") == 1


def test_only_a_coordinator_of_the_group_applies_and_only_the_federation_answers() -> None:
    federation = make_federation()
    group = make_group()
    member = add_member(group).user
    with pytest.raises(PermissionDenied):
        federation_apply(federation=federation, group=group, actor=member)
    row = federation_apply(federation=federation, group=group, actor=coordinator_of(group))
    with pytest.raises(PermissionDenied):
        federation_application_approve(application=row, actor=coordinator_of(group))
    assert _row(federation, group).status == "applied"


def test_a_refusal_needs_a_reason_and_the_group_may_apply_again() -> None:
    federation = make_federation()
    fay = federation.created_by
    assert fay is not None
    group = make_group()
    gina = coordinator_of(group)
    row = federation_apply(federation=federation, group=group, actor=gina)
    with pytest.raises(FederationError) as caught:
        federation_application_refuse(application=row, actor=fay, reason="  ")
    assert caught.value.field == "reason"
    refused = federation_application_refuse(application=row, actor=fay, reason="Too far away")
    assert (refused.status, refused.refusal_reason) == ("refused", "Too far away")
    again = federation_apply(federation=federation, group=group, actor=gina)
    assert again.pk != refused.pk and again.status == "applied"


def test_a_group_in_another_federation_for_the_same_supplier_is_refused() -> None:
    hebden, totnes, leith = make_group(name="Hebden"), make_group(name="Totnes"), make_group()
    north = make_federation(hebden, leith, name="North Federation")
    south = make_federation(totnes, name="South Federation")
    suma_h = make_supplier(hebden, name="Suma")
    suma_t = make_supplier(totnes, name="SUMA ")  # the same wholesaler, Totnes's own row
    add_member(hebden, north.created_by, role="coordinator")
    add_member(totnes, south.created_by, role="coordinator")
    federation_supplier_share(federation=north, supplier=suma_h, actor=north.created_by)  # type: ignore[arg-type]
    federation_supplier_share(federation=south, supplier=suma_t, actor=south.created_by)  # type: ignore[arg-type]
    with pytest.raises(FederationError) as caught:
        federation_apply(federation=south, group=leith, actor=coordinator_of(leith))
    assert caught.value.field == "federation"
    assert "North Federation" in caught.value.message and "Suma" in caught.value.message
    assert not FederationGroup.objects.filter(federation=south, group=leith).exists()
    # A federation sharing nothing of the kind takes the group.
    other = make_federation(name="Valley Federation")
    assert federation_apply(federation=other, group=leith, actor=coordinator_of(leith))


def test_approval_checks_the_suppliers_again() -> None:
    hebden, leith = make_group(name="Hebden"), make_group(name="Leith")
    north = make_federation(hebden, name="North")
    south = make_federation(make_group(), name="South")
    row = federation_apply(federation=south, group=hebden, actor=coordinator_of(hebden))
    suma = make_supplier(hebden, name="Suma")
    add_member(hebden, north.created_by, role="coordinator")
    federation_supplier_share(federation=north, supplier=suma, actor=north.created_by)  # type: ignore[arg-type]
    south_group = FederationGroup.objects.filter(federation=south, status="member").first()
    assert south_group is not None
    south_supplier = make_supplier(south_group.group, name="suma")
    add_member(south_group.group, south.created_by, role="coordinator")
    federation_supplier_share(federation=south, supplier=south_supplier, actor=south.created_by)  # type: ignore[arg-type]
    with pytest.raises(FederationError, match="North"):
        federation_application_approve(application=row, actor=south.created_by)  # type: ignore[arg-type]
    assert _row(south, hebden).status == "applied"
    assert leith  # unused neighbour: a group not involved is untouched
    assert not FederationGroup.objects.filter(group=leith).exists()


def test_sharing_a_supplier_is_refused_when_a_member_pools_it_elsewhere() -> None:
    hebden, totnes = make_group(name="Hebden"), make_group(name="Totnes")
    north = make_federation(hebden, totnes, name="North")
    south = make_federation(totnes, name="South")
    fay = north.created_by
    assert fay is not None
    add_member(hebden, fay, role="coordinator")
    add_member(totnes, south.created_by, role="coordinator")
    federation_supplier_share(
        federation=south,
        supplier=make_supplier(totnes, name="Infinity"),
        actor=south.created_by,  # type: ignore[arg-type]
    )
    infinity = make_supplier(hebden, name="Infinity Foods")
    shared = federation_supplier_share(federation=north, supplier=infinity, actor=fay)
    assert shared.ended_at is None  # another name: another supplier
    clash = make_supplier(hebden, name="infinity")
    with pytest.raises(FederationError) as caught:
        federation_supplier_share(federation=north, supplier=clash, actor=fay)
    assert caught.value.field == "supplier_id"
    assert "Totnes" in caught.value.message and "South" in caught.value.message
    with pytest.raises(FederationError, match="already shared"):
        federation_supplier_share(federation=north, supplier=infinity, actor=fay)
    federation_supplier_end(shared=shared, actor=fay)
    assert FederationSupplier.objects.get(pk=shared.pk).ended_at is not None
    with pytest.raises(FederationError, match="no longer shared"):
        federation_supplier_end(shared=shared, actor=fay)


def test_only_a_federation_coordinator_who_runs_the_group_shares_its_supplier() -> None:
    hebden = make_group(name="Hebden")
    federation = make_federation(hebden)
    fay = federation.created_by
    assert fay is not None
    suma = make_supplier(hebden, name="Suma")
    with pytest.raises(FederationError, match="Only a coordinator of Hebden") as caught:
        federation_supplier_share(federation=federation, supplier=suma, actor=fay)
    assert caught.value.field == "supplier_id"
    with pytest.raises(PermissionDenied):
        federation_supplier_share(
            federation=federation, supplier=suma, actor=coordinator_of(hebden)
        )
    outside = make_supplier(make_group(), name="Elsewhere")
    with pytest.raises(FederationError, match="member groups"):
        federation_supplier_share(federation=federation, supplier=outside, actor=fay)
    assert not FederationSupplier.objects.exists()


def test_roles_are_added_by_email_and_one_coordinator_always_stays() -> None:
    federation = make_federation()
    fay = federation.created_by
    assert fay is not None
    tess = make_user("Tess Treasurer", email="tess@example.org")
    role = federation_role_add(
        federation=federation, actor=fay, email=" TESS@example.org ", role="treasurer"
    )
    assert (role.user, role.role) == (tess, "treasurer")
    with pytest.raises(FederationError) as caught:
        federation_role_add(federation=federation, actor=fay, email="tess@example.org",
                            role="treasurer")  # fmt: skip
    assert caught.value.field == "email"
    with pytest.raises(FederationError, match="sign up") as caught:
        federation_role_add(
            federation=federation, actor=fay, email="nobody@x.org", role="treasurer"
        )
    assert caught.value.field == "email"
    with pytest.raises(FederationError) as caught:
        federation_role_add(federation=federation, actor=fay, email="tess@example.org", role="boss")
    assert caught.value.field == "role"
    with pytest.raises(PermissionDenied):  # a treasurer does not give out roles
        federation_role_add(federation=federation, actor=tess, email=fay.email, role="treasurer")
    mine = FederationRole.objects.get(federation=federation, user=fay)
    with pytest.raises(FederationError, match="at least one coordinator"):
        federation_role_end(role=mine, actor=fay)
    second = federation_role_add(
        federation=federation, actor=fay, email=tess.email, role="coordinator"
    )
    federation_role_end(role=mine, actor=fay)
    assert FederationRole.objects.get(pk=mine.pk).ended_at is not None
    with pytest.raises(FederationError, match="at least one coordinator"):
        federation_role_end(role=second, actor=tess)
    assert AuditEvent.objects.filter(action="federation.role_ended", subject=fay).count() == 1


def test_the_group_sets_its_markup_from_0_to_1() -> None:
    group = make_group()
    federation = make_federation(group)
    gina = coordinator_of(group)
    row = federation_markup_set(federation=federation, group=group, actor=gina,
                                markup_rate=Decimal("0.025"))  # fmt: skip
    assert row.markup_rate == Decimal("0.0250") and percent(row.markup_rate) == "2.5"
    assert _row(federation, group).markup_rate == Decimal("0.0250")
    for bad in ("-0.01", "1.5", "abc", "NaN", "0.00001"):
        with pytest.raises(FederationError) as caught:
            federation_markup_set(federation=federation, group=group, actor=gina, markup_rate=bad)
        assert caught.value.field == "markup_rate"
    assert _row(federation, group).markup_rate == Decimal("0.0250")
    assert parse_markup("1") == Decimal("1.0000") and percent(Decimal("0.05")) == "5"
    with pytest.raises(PermissionDenied):
        federation_markup_set(federation=federation, group=group, actor=add_member(group).user,
                              markup_rate="0.1")  # fmt: skip


def test_leaving_needs_the_money_settled_and_the_areas_above_to_agree() -> None:
    group = make_group(name="Hebden")
    federation = make_federation(group)
    gina = coordinator_of(group)
    treasurer = add_member(group, role="treasurer").user
    fed_bank = Account.objects.create(book=federation.book, kind="bank", name="Bank")
    ledger_transfer(
        paying=system_account(group, "bank"), receiving=fed_bank, amount=Decimal("25.40"),
        description="Share of the pooled delivery", actor=treasurer, idempotency_key="t1",
    )  # fmt: skip
    with pytest.raises(FederationError, match="not settled") as caught:
        federation_leave(federation=federation, group=group, actor=gina)
    assert "25.40" in caught.value.message
    assert _row(federation, group).status == "member"
    between = between_account(federation.book, group.ledger_book)
    assert between.balance == Decimal("25.40")
    post(
        group=None, book=federation.book, kind="transfer", description="Settled",
        legs=[(between, Decimal("-25.40")), (fed_bank, Decimal("25.40"))],
        actor=treasurer, idempotency_key="settle-1",
    )  # fmt: skip
    UNSETTLED.append("yes")
    try:
        step = "coopbuy.federations.tests.test_services.refuse_while_unsettled"
        with override_settings(COOPBUY_FEDERATION_LEAVE_STEPS=[step]):
            with pytest.raises(FederationError, match="pooled round of Valley Federation"):
                federation_leave(federation=federation, group=group, actor=gina)
            UNSETTLED.clear()
            row = federation_leave(federation=federation, group=group, actor=gina)
    finally:
        UNSETTLED.clear()
    assert (row.status, row.left_by) == ("left", gina) and row.left_at is not None
    assert all(not report.problems for report in check_books())
    with pytest.raises(FederationError, match="not in"):
        federation_leave(federation=federation, group=group, actor=gina)


def test_a_federation_coordinator_removes_a_group_and_its_suppliers_stop_being_shared() -> None:
    group, other = make_group(name="Hebden"), make_group(name="Totnes")
    federation = make_federation(group, other)
    fay = federation.created_by
    assert fay is not None
    add_member(group, fay, role="coordinator")
    shared = federation_supplier_share(
        federation=federation, supplier=make_supplier(group, name="Suma"), actor=fay
    )
    with pytest.raises(PermissionDenied):  # another group's coordinator may not
        federation_leave(federation=federation, group=group, actor=coordinator_of(other))
    federation_leave(federation=federation, group=group, actor=fay)
    assert FederationSupplier.objects.get(pk=shared.pk).ended_at is not None
    assert _row(federation, other).status == "member"
    event = AuditEvent.objects.get(action="federation.left")
    assert event.group == group and event.data["suppliers_unshared"] == 1


def test_withdrawing_an_application() -> None:
    federation = make_federation()
    group = make_group()
    gina = coordinator_of(group)
    row = federation_apply(federation=federation, group=group, actor=gina)
    federation_leave(federation=federation, group=group, actor=gina)
    row.refresh_from_db()
    assert row.status == "left"
    assert AuditEvent.objects.filter(action="federation.withdrawn").count() == 1


def test_create_checks_name_and_address() -> None:
    fay = make_user()
    with pytest.raises(FederationError) as caught:
        federation_create(creator=fay, name="  ")
    assert caught.value.field == "name"
    federation_create(creator=fay, name="Pennine Food Federation", slug="pennine-food")
    with pytest.raises(FederationError) as caught:
        federation_create(creator=fay, name="Another", slug="pennine-food")
    assert caught.value.field == "slug"
    assert Federation.objects.count() == 1
