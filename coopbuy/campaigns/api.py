"""The campaigns area of the API: open campaigns, one campaign by its code, my pledge, and a
group's campaigns (started and cancelled by its coordinators).

Shaped like `coopbuy/groups/api.py`: parse with a Schema, reach the campaign or the group through
the permission helpers the pages use, call one service, return an output Schema.
"""

from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.responses import Status

from coopbuy.api.auth import caller, principal, public
from coopbuy.api.idempotency import idempotent
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging
from coopbuy.campaigns import selectors, services
from coopbuy.campaigns.api_schemas import (
    CampaignCancelIn,
    CampaignDetailOut,
    CampaignIn,
    CampaignOut,
    CampaignPledgeIn,
    CampaignPledgeOut,
    CampaignProgressOut,
    Code,
)
from coopbuy.campaigns.errors import CampaignError
from coopbuy.campaigns.models import Campaign
from coopbuy.campaigns.permissions import campaign_for_viewer
from coopbuy.catalog.models import Supplier
from coopbuy.groups.permissions import group_for_coordinator, group_for_member

router = Router(tags=["campaigns"])
LIST = {200: Page[CampaignOut], **problem_responses()}
group_router = Router(tags=["campaigns"])
LIST = {200: Page[CampaignOut], **problem_responses()}
Id = Annotated[int, Path(ge=1, le=2**62)]


def _detail(campaign: Campaign) -> CampaignDetailOut:
    progress = selectors.progress_of(campaign)
    sentence = selectors.progress_sentence(campaign, progress)
    return CampaignDetailOut(
        **CampaignOut.of(campaign).model_dump(), progress=CampaignProgressOut.of(progress, sentence)
    )


@router.get("", response={200: Page[CampaignOut], **problem_responses()}, **public())
def open_campaigns(request: HttpRequest, paging: Query[Paging]) -> Page[CampaignOut]:
    """Open campaigns of public groups, soonest deadline first."""
    return paginate(request, selectors.open_public_campaigns(), paging, CampaignOut.of)


@router.get(
    "/{campaign_code}", response={200: CampaignDetailOut, **problem_responses()}, **public()
)
def get_campaign(request: HttpRequest, campaign_code: Code) -> CampaignDetailOut:
    """A campaign by its code (the code is the share link's secret), with its live progress."""
    return _detail(campaign_for_viewer(code=campaign_code))


@router.get("/{campaign_code}/pledge", response={200: CampaignPledgeOut, **problem_responses()})
def my_pledge(request: HttpRequest, campaign_code: Code) -> CampaignPledgeOut:
    campaign = campaign_for_viewer(code=campaign_code)
    pledge = selectors.pledge_of(campaign, caller(request))
    if pledge is None:
        raise Http404(_("You have no pledge in this campaign."))
    return CampaignPledgeOut.of(pledge, selectors.referrals_of(pledge))


@router.put("/{campaign_code}/pledge", response={200: CampaignPledgeOut, **problem_responses()})
def set_pledge(
    request: HttpRequest, campaign_code: Code, payload: CampaignPledgeIn
) -> CampaignPledgeOut:
    """Pledge, or change my pledge (one per person); a member's pledge is held on their balance."""
    campaign = campaign_for_viewer(code=campaign_code)
    pledge = services.pledge_set(
        campaign=campaign,
        user=caller(request),
        quantity=payload.quantity,
        max_price=payload.max_price,
        referral_code=payload.ref or "",
    )
    return CampaignPledgeOut.of(pledge, selectors.referrals_of(pledge))


@router.delete("/{campaign_code}/pledge", response={200: CampaignPledgeOut, **problem_responses()})
def withdraw_pledge(request: HttpRequest, campaign_code: Code) -> CampaignPledgeOut:
    """Withdraw my pledge before the deadline; what it held is free again."""
    campaign = campaign_for_viewer(code=campaign_code)
    pledge = selectors.pledge_of(campaign, caller(request))
    if pledge is None:
        raise Http404(_("You have no pledge in this campaign."))
    pledge = services.pledge_withdraw(pledge=pledge, user=caller(request))
    return CampaignPledgeOut.of(pledge, selectors.referrals_of(pledge))


@group_router.get(
    "/{slug:slug}/campaigns", response={200: Page[CampaignOut], **problem_responses()}
)
def group_campaigns(request: HttpRequest, slug: str, paging: Query[Paging]) -> Page[CampaignOut]:
    group, _membership = group_for_member(slug=slug, user=principal(request).user)
    return paginate(request, selectors.campaigns_for_group(group), paging, CampaignOut.of)


@group_router.post(
    "/{slug:slug}/campaigns", response={201: CampaignDetailOut, **problem_responses()}
)
@idempotent
def create_campaign(
    request: HttpRequest, slug: str, payload: CampaignIn
) -> Status[CampaignDetailOut]:
    """Start a campaign (coordinators): it goes ahead only if the first tier is reached."""
    group, _membership = group_for_coordinator(slug=slug, user=caller(request))
    supplier = Supplier.objects.filter(group=group, pk=payload.supplier_id).first()
    if supplier is None:
        raise CampaignError(
            _("Choose one of the group's own active suppliers."), field="supplier_id"
        )
    campaign = services.campaign_create(
        group=group,
        actor=caller(request),
        title=payload.title,
        description=payload.description,
        supplier=supplier,
        unit=payload.unit,
        measure=payload.measure,
        tiers=[services.TierInput(t.threshold, t.unit_price) for t in payload.tiers],
        deadline=payload.deadline,
        cap=payload.cap,
        max_per_person=payload.max_per_person,
    )
    return Status(201, _detail(campaign))


@group_router.post(
    "/{slug:slug}/campaigns/{campaign_id}/cancel",
    response={200: CampaignDetailOut, **problem_responses()},
)
@idempotent
def cancel_campaign(
    request: HttpRequest, slug: str, campaign_id: Id, payload: CampaignCancelIn
) -> CampaignDetailOut:
    """Cancel an open campaign (coordinators): every hold is released and nobody pays."""
    group, _membership = group_for_coordinator(slug=slug, user=caller(request))
    campaign = Campaign.objects.filter(group=group, pk=campaign_id).first()
    if campaign is None:
        raise Http404(_("There is no such campaign in this group."))
    return _detail(
        services.campaign_cancel(campaign=campaign, actor=caller(request), reason=payload.reason)
    )
