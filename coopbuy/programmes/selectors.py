"""Reads for the programmes' pages and API."""

from __future__ import annotations

from django.db.models import QuerySet

from coopbuy.organisations.models import Organisation, Programme
from coopbuy.programmes.models import DomainClaim, PickupPoint, SponsorshipOffer


def programmes_to_join(organisation: Organisation) -> QuerySet[Programme]:
    return Programme.objects.filter(
        organisation=organisation, ended_at__isnull=True
    ).select_related("group")


def programmes_of(organisation: Organisation) -> QuerySet[Programme]:
    return Programme.objects.filter(organisation=organisation).select_related("group")


def confirmed_domains(organisation: Organisation) -> list[str]:
    return list(
        DomainClaim.objects.filter(
            organisation=organisation, confirmed_at__isnull=False, ended_at__isnull=True
        ).values_list("domain", flat=True)
    )


def claims_of(organisation: Organisation) -> QuerySet[DomainClaim]:
    return DomainClaim.objects.filter(organisation=organisation, ended_at__isnull=True)


def pickup_points(programme: Programme) -> QuerySet[PickupPoint]:
    return PickupPoint.objects.filter(programme=programme, ended_at__isnull=True)


def offers_of(organisation: Organisation) -> QuerySet[SponsorshipOffer]:
    return SponsorshipOffer.objects.filter(organisation=organisation).select_related("group")
