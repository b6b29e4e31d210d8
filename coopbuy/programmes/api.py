"""The programmes area of the API, under /organisations: programmes, domain claims, pickup
points and the dashboard (the organisation's admins), and enrolment (anyone signed in).

Shaped like `coopbuy/campaigns/api.py`: parse with a Schema, reach the organisation or the
programme through `coopbuy.programmes.permissions`, call one service, return an output Schema.
"""

from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.accounts.models import User
from coopbuy.api.auth import caller
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.core.privacy import SMALL_COUNT_FLOOR
from coopbuy.organisations.permissions import organisation_for_admin
from coopbuy.programmes import claims, dashboard, enrolment, selectors, services
from coopbuy.programmes.api_schemas import (
    CodeIn,
    DashboardCellOut,
    DashboardOut,
    DomainClaimIn,
    DomainClaimOut,
    EndIn,
    EnrolmentOut,
    ProgrammeDetailOut,
    ProgrammeIn,
    ProgrammeOut,
    ProgrammePickupIn,
    ProgrammePickupOut,
    TokenIn,
    WorkEmailIn,
    WorkEmailSentOut,
)
from coopbuy.programmes.models import JoinCode
from coopbuy.programmes.permissions import (
    programme_for_admin,
    programme_for_joiner,
    programme_membership,
)
from coopbuy.programmes.services import ProgrammeError

router = Router(tags=["programmes"])
__all__ = ["router"]  # mounted by coopbuy.config.api
Id = Annotated[int, Path(ge=1, le=2**62)]
PROGRAMME = "/{org_slug}/programmes/{programme_id}"


def _detail(programme: Any) -> ProgrammeDetailOut:
    code = JoinCode.objects.filter(programme=programme).values_list("code", flat=True).first()
    return ProgrammeDetailOut(
        **ProgrammeOut.of(programme).model_dump(),
        code=code or "",
        pickup_points=[ProgrammePickupOut.of(p) for p in selectors.pickup_points(programme)],
    )


@router.get("/{org_slug}/programmes", response={200: Page[ProgrammeOut], **problem_responses()})
def list_programmes(
    request: HttpRequest, org_slug: str, paging: Query[Paging]
) -> Page[ProgrammeOut]:
    """The organisation's programmes (its admins)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    return paginate(request, selectors.programmes_of(organisation), paging, ProgrammeOut.of)


@router.post("/{org_slug}/programmes", response={201: ProgrammeDetailOut, **problem_responses()})
@idempotent
def create_programme(
    request: HttpRequest, org_slug: str, payload: ProgrammeIn
) -> Status[ProgrammeDetailOut]:
    """Start a programme and its private group, run by the coordinator named (its admins)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    coordinator = User.objects.filter(email__iexact=payload.coordinator_email.strip()).first()
    if coordinator is None:
        raise ProgrammeError(
            _("Nobody has a coopbuy account with this address."), field="coordinator_email"
        )
    programme = services.programme_create(
        organisation=organisation,
        actor=caller(request),
        name=payload.name,
        coordinator=coordinator,
        group_slug=payload.group_slug,
        allows_friends_and_family=payload.allows_friends_and_family,
    )
    return Status(201, _detail(programme))


@router.get(PROGRAMME, response={200: ProgrammeDetailOut, **problem_responses()})
def get_programme(request: HttpRequest, org_slug: str, programme_id: Id) -> ProgrammeDetailOut:
    """A programme with its invitation code and pickup points (its admins)."""
    _organisation, programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    return _detail(programme)


@router.get(
    PROGRAMME + "/pickup-points",
    response={200: Page[ProgrammePickupOut], **problem_responses()},
)
def list_pickup_points(
    request: HttpRequest, org_slug: str, programme_id: Id, paging: Query[Paging]
) -> Page[ProgrammePickupOut]:
    """Where the programme's orders are collected (the group's members and the admins)."""
    user = caller(request)
    try:
        _organisation, programme = programme_for_admin(
            org_slug=org_slug, programme_id=programme_id, user=user
        )
    except Http404:
        _organisation, programme = programme_for_joiner(
            org_slug=org_slug, programme_id=programme_id
        )
        if programme_membership(programme=programme, user=user) is None:
            raise
    return paginate(request, selectors.pickup_points(programme), paging, ProgrammePickupOut.of)


@router.post(PROGRAMME + "/end", response={200: ProgrammeDetailOut, **problem_responses()})
@idempotent
def end_programme(
    request: HttpRequest, org_slug: str, programme_id: Id, payload: EndIn
) -> ProgrammeDetailOut:
    """End a programme (its admins), sending `confirm: true`: no new enrolments, its subsidy rules
    end, rounds closed before keep their subsidy, the last month's payroll stays exportable, and
    every member is told by email. 409 once it has ended."""
    _organisation, programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    ended = services.programme_end(
        programme=programme, actor=caller(request), confirm=payload.confirm
    )
    return _detail(ended)


@router.post(
    PROGRAMME + "/pickup-points", response={201: ProgrammePickupOut, **problem_responses()}
)
@idempotent
def add_pickup_point(
    request: HttpRequest, org_slug: str, programme_id: Id, payload: ProgrammePickupIn
) -> Status[ProgrammePickupOut]:
    """Add a pickup point at work (its admins)."""
    _organisation, programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    point = services.pickup_point_add(
        programme=programme, actor=caller(request), **payload.model_dump()
    )
    return Status(201, ProgrammePickupOut.of(point))


@router.get(PROGRAMME + "/dashboard", response={200: DashboardOut, **problem_responses()})
def get_dashboard(request: HttpRequest, org_slug: str, programme_id: Id) -> DashboardOut:
    """The programme's aggregates (its admins): no figure rests on fewer than 5 people."""
    _organisation, programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    board = dashboard.dashboard_of(programme)
    return DashboardOut(
        programme_id=programme.pk,
        currency=board.currency,
        floor=SMALL_COUNT_FLOOR,
        cells=[
            DashboardCellOut(section=s, figure=f, value=v)
            for s, f, v in dashboard.dashboard_rows(board)
        ],
    )


@router.get(
    PROGRAMME + "/dashboard.csv",
    response={200: None, **problem_responses()},
    openapi_extra={
        "responses": {
            200: {
                "description": "The dashboard's aggregates as CSV: section, figure, value.",
                "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def get_dashboard_csv(request: HttpRequest, org_slug: str, programme_id: Id) -> HttpResponse:
    """The dashboard as CSV (its admins): the same aggregates, never one person."""
    _organisation, programme = programme_for_admin(
        org_slug=org_slug, programme_id=programme_id, user=caller(request)
    )
    response = HttpResponse(
        dashboard.dashboard_csv(dashboard.dashboard_of(programme)), content_type="text/csv"
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"programme-{programme.pk}.csv"
    )
    return response


@router.get(
    "/{org_slug}/domain-claims", response={200: Page[DomainClaimOut], **problem_responses()}
)
def list_domain_claims(
    request: HttpRequest, org_slug: str, paging: Query[Paging]
) -> Page[DomainClaimOut]:
    """The organisation's work-email domains, confirmed or waiting (its admins)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    return paginate(request, selectors.claims_of(organisation), paging, DomainClaimOut.of)


@router.post("/{org_slug}/domain-claims", response={201: DomainClaimOut, **problem_responses()})
@idempotent
def claim_domain(
    request: HttpRequest, org_slug: str, payload: DomainClaimIn
) -> Status[DomainClaimOut]:
    """Claim a work-email domain; a link to confirm goes to `proof_email` (its admins)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    claim = claims.domain_claim_create(
        organisation=organisation, actor=caller(request), **payload.model_dump()
    )
    return Status(201, DomainClaimOut.of(claim))


@router.post("/domain-claims/confirm", response={200: DomainClaimOut, **problem_responses()})
@idempotent
def confirm_domain(request: HttpRequest, payload: TokenIn) -> DomainClaimOut:
    """Confirm a claim with the token of the emailed link (whoever reads mail at the domain)."""
    return DomainClaimOut.of(
        claims.domain_claim_confirm(token=payload.token, actor=caller(request))
    )


@router.post(
    PROGRAMME + "/enrolments/work-email",
    response={202: WorkEmailSentOut, **problem_responses()},
)
@idempotent
def enrol_by_work_email(
    request: HttpRequest, org_slug: str, programme_id: Id, payload: WorkEmailIn
) -> Status[WorkEmailSentOut]:
    """Ask to join with a work email at a claimed domain; a link to verify goes there."""
    _organisation, programme = programme_for_joiner(org_slug=org_slug, programme_id=programme_id)
    sent = enrolment.enrolment_request(
        programme=programme, user=caller(request), email=payload.email
    )
    return Status(202, WorkEmailSentOut(sent_to=sent))


@router.post("/enrolments/verify", response={201: EnrolmentOut, **problem_responses()})
@idempotent
def verify_work_email(request: HttpRequest, payload: TokenIn) -> Status[EnrolmentOut]:
    """Join with the token of the emailed link (the person who asked, signed in)."""
    return Status(
        201, EnrolmentOut.of(enrolment.enrolment_verify(token=payload.token, user=caller(request)))
    )


@router.post(PROGRAMME + "/enrolments/code", response={201: EnrolmentOut, **problem_responses()})
@idempotent
def enrol_by_code(
    request: HttpRequest, org_slug: str, programme_id: Id, payload: CodeIn
) -> Status[EnrolmentOut]:
    """Join with the programme's invitation code (as friends and family if it allows)."""
    _organisation, programme = programme_for_joiner(org_slug=org_slug, programme_id=programme_id)
    joined = enrolment.enrolment_by_code(
        programme=programme, user=caller(request), **payload.model_dump()
    )
    return Status(201, EnrolmentOut.of(joined))
