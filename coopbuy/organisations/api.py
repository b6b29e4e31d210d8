"""Organisations through the API (read-only for now): mine, one I run, and its admins.

An organisation the caller does not run is not found (`organisation_for_admin`).
"""

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema

from coopbuy.api.auth import caller
from coopbuy.api.pagination import paginate
from coopbuy.api.problems import problem_responses
from coopbuy.api.schemas import Page, Paging, PersonOut
from coopbuy.organisations.models import Organisation, OrganisationAdmin
from coopbuy.organisations.permissions import organisation_for_admin, organisations_for_admin

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str
    description: str
    created_at: datetime

    @classmethod
    def of(cls, organisation: Organisation) -> "OrganisationOut":
        return cls(
            slug=organisation.slug,
            name=organisation.name,
            kind=organisation.kind,
            description=organisation.description,
            created_at=organisation.created_at,
        )


class OrganisationAdminOut(Schema):
    id: int
    person: PersonOut
    added_at: datetime

    @classmethod
    def of(cls, admin: OrganisationAdmin) -> "OrganisationAdminOut":
        return cls(id=admin.pk, person=PersonOut.of(admin.user), added_at=admin.added_at)


@router.get("/mine", response={200: Page[OrganisationOut], **problem_responses()})
def my_organisations(request: HttpRequest, paging: Query[Paging]) -> Page[OrganisationOut]:
    """The organisations the caller runs."""
    return paginate(
        request, organisations_for_admin(user=caller(request)), paging, OrganisationOut.of
    )


@router.get("/{org_slug}", response={200: OrganisationOut, **problem_responses()})
def get_organisation(request: HttpRequest, org_slug: str) -> OrganisationOut:
    """An organisation the caller runs."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    return OrganisationOut.of(organisation)


@router.get("/{org_slug}/admins", response={200: Page[OrganisationAdminOut], **problem_responses()})
def list_admins(
    request: HttpRequest, org_slug: str, paging: Query[Paging]
) -> Page[OrganisationAdminOut]:
    """Who runs the organisation (its admins only)."""
    organisation, _admin = organisation_for_admin(slug=org_slug, user=caller(request))
    rows = OrganisationAdmin.objects.filter(
        organisation=organisation, ended_at__isnull=True
    ).select_related("user")
    return paginate(request, rows, paging, OrganisationAdminOut.of)
