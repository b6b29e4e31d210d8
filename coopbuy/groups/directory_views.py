"""The directory page: find a public group from where you are, signed in or out, list and map."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coopbuy import places
from coopbuy.groups.directory import DirectorySearch, Listings, directory, nearest_beyond
from coopbuy.groups.directory_forms import DirectoryForm
from coopbuy.interest.selectors import waiting_near

PAGE_SIZE = 25


def find(request: HttpRequest) -> HttpResponse:
    """Public groups nearest first from a postcode, a town or the browser's location."""
    form = DirectoryForm(request.GET or None, user=request.user)
    searched = form.is_bound and form.is_valid()
    search = form.search() if searched else DirectorySearch()
    failed = form.is_bound and not searched
    listings = Listings(None) if failed else directory(search)
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    empty_near = search.origin is not None and not len(listings)
    nearest = nearest_beyond(search) if empty_near else None
    waiting = (
        waiting_near(
            latitude=search.origin.latitude,
            longitude=search.origin.longitude,
            km=search.within_km,
        )
        if empty_near and search.origin is not None
        else 0
    )
    filtered = bool(
        search.q or search.category or search.supplier or search.every or search.taking_members
    )
    context = {
        "form": form,
        "page": page,
        "listings": list(page.object_list),
        "search": search,
        "origin": search.origin,
        "failed": failed,
        "filtered": filtered,
        "nearest": nearest,
        "waiting": waiting,
        "query_string": _without_page(request),
        "tiles_url": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "data_attribution": places.ATTRIBUTION,
    }
    template = "groups/_find_results.html" if request.htmx else "groups/find.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
