"""Subsidies and payroll: the organisation's admins run the fund, rules, statement and payroll;
an employee (a member of the programme's group A) manages only their own payroll consent."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.models import Transaction
from coopbuy.organisations.models import Organisation, Programme
from coopbuy.subsidies.models import PayrollConsent, PayrollRun, SubsidyRule
from coopbuy.subsidies.services import fund_top_up, subsidy_rule_create

if TYPE_CHECKING:
    from coopbuy.api.tests.access import Upload
    from coopbuy.api.tests.conftest import World

ORG = "/organisations/{org_slug}"
PROGRAMME = ORG + "/programmes/{programme_id}"
ACCESS = {
    f"GET {ORG}/fund": "organisation_admin",
    f"POST {ORG}/fund/top-ups": "organisation_admin",
    f"POST {ORG}/fund/returns": "organisation_admin",
    f"POST {ORG}/fund/top-ups/{{top_up_id}}/undo": "organisation_admin",
    f"GET {ORG}/subsidy-statement": "organisation_admin",
    f"GET {PROGRAMME}/subsidy-rules": "organisation_admin",
    f"POST {PROGRAMME}/subsidy-rules": "organisation_admin",
    f"POST {PROGRAMME}/subsidy-rules/{{rule_id}}/end": "organisation_admin",
    f"GET {PROGRAMME}/payroll/{{month}}": "organisation_admin",
    f"POST {PROGRAMME}/payroll/{{month}}/run": "organisation_admin",
    "GET /groups/{slug}/payroll-consent": "member",
    "PUT /groups/{slug}/payroll-consent": "member",
    "DELETE /groups/{slug}/payroll-consent": "member",
    "GET /groups/{slug}/rounds/{round_id}/subsidy": "member",
}
BODIES: dict[str, dict[str, Any] | Upload] = {
    f"POST {ORG}/fund/top-ups": {"amount": "25.00", "reference": "BACS 1"},
    f"POST {ORG}/fund/returns": {"amount": "5.00", "reference": "back to the bank"},
    f"POST {ORG}/fund/top-ups/{{top_up_id}}/undo": {"reason": "typed twice"},
    f"POST {PROGRAMME}/subsidy-rules": {"kind": "goods_percent", "percent": "10",
                                       "monthly_cap": "20.00"},
    "PUT /groups/{slug}/payroll-consent": {"employee_reference": "P-1", "wording": "?",
                                           "agree": True},
}  # fmt: skip


def path_values(world: World, template: str) -> dict[str, object]:
    if template.startswith((PROGRAMME + "/subsidy-rules", PROGRAMME + "/payroll")):
        return {"programme_id": world.ids["subsidy_programme_id"]}
    return {}


def seed(world: World) -> None:
    """Group A is the programme of the organisation its `organisation_admin` runs."""
    runner = world.people["organisation_admin"]
    organisation = Organisation.objects.get(slug=world.scopes["org_slug"])
    programme, _created = Programme.objects.get_or_create(
        group=world.a, defaults={"organisation": organisation, "name": "Mill staff"}
    )
    top_up = fund_top_up(organisation=organisation, amount=Decimal("50.00"), actor=runner,
                         idempotency_key="access-seed")  # fmt: skip
    rule = subsidy_rule_create(programme=programme, actor=runner, kind="delivery")
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    # `programme_id` is the programmes area's programme (not group A's); these paths get A's.
    world.ids.update(subsidy_programme_id=programme.pk, top_up_id=top_up.pk, rule_id=rule.pk)
    world.scopes["month"] = f"{last_month:%Y-%m}"


def snapshot(group: BuyingGroup) -> tuple[object, ...]:
    programmes = Programme.objects.filter(group=group)
    books = [p.organisation.book_id for p in programmes if p.organisation.book_id is not None]
    return (
        list(SubsidyRule.objects.filter(programme__in=programmes).values_list("pk", "ended_at")),
        list(
            PayrollConsent.objects.filter(membership__group=group).values_list("pk", "revoked_at")
        ),
        PayrollRun.objects.filter(programme__in=programmes).count(),
        Transaction.objects.filter(book_id__in=books).count(),
    )
