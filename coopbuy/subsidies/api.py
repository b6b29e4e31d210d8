"""Subsidies and payroll through the API.

An organisation's admins: its fund (balance, top-ups, undo), its programmes' rules, its monthly
statement (aggregates only), and each programme's payroll export and run (only employees who
consented, the only place their amounts appear). An employee: their own payroll consent, and
their own subsidy towards a round (as it stands after the delivery), on their group's address.
Anyone else: not found.
"""

from decimal import Decimal
from typing import Annotated, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.problems import problem_responses
from coopbuy.groups.models import Membership
from coopbuy.groups.permissions import MANAGING_ROLES, group_for_member
from coopbuy.ledger.api_router import ledger_key
from coopbuy.organisations.models import Programme
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.rounds.models import Round
from coopbuy.rounds.permissions import RoundNotFound, round_for_member
from coopbuy.subsidies import payroll, selectors, services
from coopbuy.subsidies.api_schemas import (
    FundTopUpIn,
    FundTopUpOut,
    FundTopUpUndoIn,
    MyRoundSubsidyOut,
    PayrollConsentIn,
    PayrollConsentOut,
    PayrollConsentRecordOut,
    PayrollExportOut,
    PayrollLineOut,
    StatementMonthOut,
    SubsidyFundOut,
    SubsidyRuleIn,
    SubsidyRuleOut,
)
from coopbuy.subsidies.models import PayrollConsent, SubsidyRule
from coopbuy.subsidies.permissions import (
    last_programme_of_group,
    programme_for_admin,
    programme_of_group,
)

router = Router(tags=["subsidies"])
Id = Annotated[int, Path(ge=1, le=2**62)]
ORG = "/organisations/{org_slug}"
PROGRAMME = ORG + "/programmes/{int:programme_id}"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _fund(request: HttpRequest, org_slug: str) -> SubsidyFundOut:
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    rows = []
    for posted in selectors.top_ups(organisation=organisation):
        amount = sum((e.amount for e in posted.entries.all() if e.amount > 0), Decimal(0))
        rows.append(FundTopUpOut.of(posted, amount))
    return SubsidyFundOut(balance=selectors.fund_balance(organisation=organisation), top_ups=rows)


@router.get(ORG + "/fund", response={200: SubsidyFundOut, **problem_responses()})
def get_fund(request: HttpRequest, org_slug: str) -> SubsidyFundOut:
    """The subsidy fund's balance and its top-ups, newest first (the organisation's admins)."""
    return _fund(request, org_slug)


@router.post(ORG + "/fund/top-ups", response={201: SubsidyFundOut, **problem_responses()})
@idempotent
def top_up_fund(
    request: HttpRequest, org_slug: str, payload: FundTopUpIn
) -> Status[SubsidyFundOut]:
    """Record money the organisation put into its subsidy fund."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    services.fund_top_up(
        organisation=organisation,
        amount=payload.amount,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        reference=payload.reference,
    )
    return Status(201, _fund(request, org_slug))


@router.post(ORG + "/fund/returns", response={201: SubsidyFundOut, **problem_responses()})
@idempotent
def return_from_fund(
    request: HttpRequest, org_slug: str, payload: FundTopUpIn
) -> Status[SubsidyFundOut]:
    """Take money left in the subsidy fund back to the organisation's bank (at most its balance;
    e.g. once a programme has ended)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    services.fund_return(
        organisation=organisation,
        amount=payload.amount,
        actor=caller(request),
        idempotency_key=ledger_key(request),
        reference=payload.reference,
    )
    return Status(201, _fund(request, org_slug))


@router.post(
    ORG + "/fund/top-ups/{int:top_up_id}/undo",
    response={200: SubsidyFundOut, **problem_responses()},
)
@idempotent
def undo_top_up(
    request: HttpRequest, org_slug: str, top_up_id: Id, payload: FundTopUpUndoIn
) -> SubsidyFundOut:
    """Undo a top-up by its exact reversal (409-like 422 once the fund has paid it out)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    top_up = services.top_up_of(organisation=organisation, transaction_id=top_up_id)
    if top_up is None:
        raise Http404(_("There is no such top-up."))
    services.fund_top_up_undo(
        organisation=organisation, top_up=top_up, actor=caller(request), reason=payload.reason
    )
    return _fund(request, org_slug)


@router.get(
    ORG + "/subsidy-statement", response={200: list[StatementMonthOut], **problem_responses()}
)
def subsidy_statement(request: HttpRequest, org_slug: str) -> list[StatementMonthOut]:
    """Per month: per round its total and head count ("fewer than 5" below the floor), top-ups."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    return [
        StatementMonthOut.of(row) for row in selectors.employer_statement(organisation=organisation)
    ]


@router.get(
    PROGRAMME + "/subsidy-rules", response={200: list[SubsidyRuleOut], **problem_responses()}
)
def list_rules(request: HttpRequest, org_slug: str, programme_id: Id) -> list[SubsidyRuleOut]:
    """The programme's subsidy rules, in the order they draw on the fund."""
    programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    rules = SubsidyRule.objects.filter(programme=programme).order_by("pk")
    return [SubsidyRuleOut.of(rule) for rule in rules]


@router.post(PROGRAMME + "/subsidy-rules", response={201: SubsidyRuleOut, **problem_responses()})
@idempotent
def create_rule(
    request: HttpRequest, org_slug: str, programme_id: Id, payload: SubsidyRuleIn
) -> Status[SubsidyRuleOut]:
    """Add a rule: the delivery fee, or a percentage of goods (above 0, at most 100), with an
    optional cap per employee per calendar month (not below zero)."""
    programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    rule = services.subsidy_rule_create(
        programme=programme,
        actor=caller(request),
        kind=payload.kind,
        percent=payload.percent,
        monthly_cap=payload.monthly_cap,
        when_dry=payload.when_dry,
        covers=payload.covers,
        active_from=payload.active_from,
    )
    return Status(201, SubsidyRuleOut.of(rule))


@router.post(
    PROGRAMME + "/subsidy-rules/{int:rule_id}/end",
    response={200: SubsidyRuleOut, **problem_responses()},
)
@idempotent
def end_rule(request: HttpRequest, org_slug: str, programme_id: Id, rule_id: Id) -> SubsidyRuleOut:
    """End a rule: rounds closed from now on are not subsidised by it."""
    programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    rule = SubsidyRule.objects.filter(programme=programme, pk=rule_id).first()
    if rule is None:
        raise Http404(_("There is no such rule."))
    return SubsidyRuleOut.of(services.subsidy_rule_end(rule=rule, actor=caller(request)))


def _export_out(export: payroll.PayrollExport) -> PayrollExportOut:
    return PayrollExportOut(
        period=export.period,
        recorded=export.recorded is not None,
        lines=[
            PayrollLineOut(
                employee_reference=r.employee_reference, period=export.period, amount=r.amount
            )
            for r in export.rows
        ],
        total=export.total,
        employees=len(export.rows),
    )


@router.get(
    PROGRAMME + "/payroll/{month}",
    response={200: PayrollExportOut, **problem_responses()},
)
def payroll_export(
    request: HttpRequest,
    org_slug: str,
    programme_id: Id,
    month: str,
    format: Query[Literal["json", "csv", "xlsx"]] = "json",
) -> PayrollExportOut | HttpResponse:
    """The month's payroll deductions (an ended month only; consenting employees only): the
    recorded run's lines, or what would be deducted. `format=csv` or `xlsx` for the file."""
    programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    export = payroll.payroll_export(
        programme=programme, month=payroll.parse_month(month), actor=caller(request)
    )
    if format == "json":
        return _export_out(export)
    name = f"payroll-{programme.organisation.slug}-{export.period}.{format}"
    if format == "csv":
        response = HttpResponse(payroll.export_csv(export), content_type="text/csv")
    else:
        response = HttpResponse(payroll.export_xlsx(export), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@router.post(
    PROGRAMME + "/payroll/{month}/run",
    response={200: PayrollExportOut, **problem_responses()},
)
@idempotent
def record_payroll_run(
    request: HttpRequest, org_slug: str, programme_id: Id, month: str
) -> PayrollExportOut:
    """Record the month's deductions as paid into the employees' accounts (once a month)."""
    programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    payroll.payroll_run_record(
        programme=programme, month=payroll.parse_month(month), actor=caller(request)
    )
    return _export_out(
        payroll.payroll_export(
            programme=programme, month=payroll.parse_month(month), actor=caller(request)
        )
    )


# The employee's own consent, on their group's address -------------------------------------------


def _consent_out(request: HttpRequest, slug: str) -> PayrollConsentOut:
    programme, membership = _employee(request, slug, ended_too=True)
    history = PayrollConsent.objects.filter(membership=membership).order_by("-given_at", "-pk")
    current = payroll.consent_of(membership=membership)
    return PayrollConsentOut(
        organisation=programme.organisation.name,
        wording=payroll.consent_wording(programme),
        current=PayrollConsentRecordOut.of(current) if current else None,
        history=[PayrollConsentRecordOut.of(c) for c in history],
    )


def _employee(
    request: HttpRequest, slug: str, *, ended_too: bool = False
) -> tuple[Programme, Membership]:
    """The member's programme; `ended_too`: also one that has ended (to read or withdraw a
    consent after the end, as the last month's payroll may still be run)."""
    group, membership = group_for_member(slug=slug, user=caller(request))
    find = last_programme_of_group if ended_too else programme_of_group
    programme = find(group_id=group.pk)
    if programme is None:
        raise Http404(_("This group has no employer programme."))
    return programme, membership


@router.get(
    "/groups/{slug:slug}/payroll-consent", response={200: PayrollConsentOut, **problem_responses()}
)
def my_payroll_consent(request: HttpRequest, slug: str) -> PayrollConsentOut:
    """The wording to agree to, my consent in force (if any) and its history."""
    return _consent_out(request, slug)


@router.put(
    "/groups/{slug:slug}/payroll-consent", response={200: PayrollConsentOut, **problem_responses()}
)
def give_payroll_consent(
    request: HttpRequest, slug: str, payload: PayrollConsentIn
) -> PayrollConsentOut:
    """Agree to pay from my salary: send back the exact wording shown, `agree: true` and my
    payroll number. Replaces a consent in force (the old one is kept as revoked)."""
    programme, membership = _employee(request, slug)
    payroll.payroll_consent_give(
        programme=programme,
        membership=membership,
        actor=caller(request),
        employee_reference=payload.employee_reference,
        wording=payload.wording,
        agree=payload.agree,
    )
    return _consent_out(request, slug)


@router.delete(
    "/groups/{slug:slug}/payroll-consent", response={200: PayrollConsentOut, **problem_responses()}
)
def revoke_payroll_consent(request: HttpRequest, slug: str) -> PayrollConsentOut:
    """Withdraw my consent (kept in the history, with the date), even after the programme ended."""
    programme, membership = _employee(request, slug, ended_too=True)
    payroll.payroll_consent_revoke(
        programme=programme, membership=membership, actor=caller(request)
    )
    return _consent_out(request, slug)


@router.get(
    "/groups/{slug:slug}/rounds/{int:round_id}/subsidy",
    response={200: MyRoundSubsidyOut, **problem_responses()},
)
def my_round_subsidy(request: HttpRequest, slug: str, round_id: Id) -> MyRoundSubsidyOut:
    """My employer's subsidy towards the round: what the close paid me, each change after the
    delivery (a short delivery makes it smaller) and what I hold now; zero when there is none."""
    _group, membership, round = round_for_member(slug=slug, round_id=round_id, user=caller(request))
    if round.status == Round.Status.DRAFT and membership.role not in MANAGING_ROLES:
        raise RoundNotFound(_("There is no such round in this group."))
    return MyRoundSubsidyOut.of(
        selectors.member_round_subsidy(round_id=round.pk, membership=membership)
    )
