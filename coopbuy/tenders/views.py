"""Organisers' tender pages: create, edit the draft, publish, bid count, award, confirm.

Before the deadline an organiser sees who bid and when (metadata), never a price: the page reads
bids only through `selectors.bids_for_award`, which refuses until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.catalog.models import Supplier
from coopbuy.errors import UserFacingError
from coopbuy.federations.permissions import coordinated_member_groups, federation_for_runner
from coopbuy.groups.permissions import group_for_coordinator
from coopbuy.tenders import selectors, services
from coopbuy.tenders.confirmation import tender_confirm
from coopbuy.tenders.demand import DemandFilter, tender_prefill
from coopbuy.tenders.forms import (
    ConfirmForm,
    DemandForm,
    InviteForm,
    ItemForm,
    NotConfirmForm,
    TenderForm,
)
from coopbuy.tenders.models import Tender
from coopbuy.tenders.permissions import owner_groups, tender_for_organiser


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _show(form: Form, error: UserFacingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


PER_PAGE = 20


@dataclass(frozen=True)
class Pages:
    """One list's page with plain links to its neighbours that keep the other lists' pages."""

    page: Page[Any]
    previous: str
    next: str


def _pages(request: HttpRequest, rows: Any, param: str, anchor: str) -> Pages:
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}#{anchor}"

    return Pages(
        page,
        link(page.previous_page_number()) if page.has_previous() else "",
        link(page.next_page_number()) if page.has_next() else "",
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "tenders/mine.html",
        {
            "organised": _pages(request, selectors.tenders_for_organiser(user), "page", "run"),
            "owners": selectors.tender_owners_for(user),
            "invitations": _pages(
                request, selectors.invitations_for_user(user), "invitations", "invited"
            ),
            "member_tenders": _pages(
                request, selectors.tenders_for_member(user), "awarded", "awarded"
            ),
        },
    )


def _create(request: HttpRequest, **owner: Any) -> HttpResponse:
    form = TenderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tender = services.tender_create(
                actor=_user(request), fields=form.fields_value(), **owner
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            messages.success(request, _("The draft is ready: add its items."))
            return redirect("tenders:detail", tender_id=tender.pk)
    owner_name = owner.get("federation") or owner.get("group")
    return render(request, "tenders/create.html", {"form": form, "owner": owner_name})


@login_required
def create_for_federation(request: HttpRequest, slug: str) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    return _create(request, federation=federation)


@login_required
def create_for_group(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = group_for_coordinator(slug=slug, user=request.user)
    return _create(request, group=group)


def _invitable(tender: Tender) -> list[Supplier]:
    groups = [g.pk for g in owner_groups(tender)]
    return list(
        Supplier.objects.filter(group_id__in=groups, is_active=True, users__ended_at__isnull=True)
        .exclude(tender_invitations__tender=tender)
        .select_related("group")
        .distinct()
        .order_by("name", "pk")
    )


def _page(request: HttpRequest, tender: Tender, **forms: Form) -> HttpResponse:
    user = _user(request)
    now = timezone.now()
    invite = forms.get("invite") or InviteForm()
    invite.fields["supplier"].choices = [  # type: ignore[attr-defined]
        (s.pk, f"{s.name} ({s.group.name})") for s in _invitable(tender)
    ]
    confirm = forms.get("confirm") or ConfirmForm()
    if tender.federation_id is not None:
        assert tender.federation is not None
        mine = coordinated_member_groups(federation=tender.federation, user=user)
        confirm.fields["group"].choices = [(g.pk, g.name) for g in mine]  # type: ignore[attr-defined]
    else:
        del confirm.fields["group"]
    draft = tender.status == Tender.Status.DRAFT
    context = {
        "tender": tender,
        "items": tender.items.all(),
        "invitations": tender.invitations.select_related("supplier", "supplier__group"),
        "bid_count": selectors.bid_count(tender),
        "bids": selectors.bids_metadata(tender),
        "past_deadline": tender.is_past_deadline(now),
        "can_award": tender.status == Tender.Status.PUBLISHED and tender.is_past_deadline(now),
        "tender_form": forms.get("tender_form")
        or (TenderForm(initial=TenderForm.initial_of(tender)) if draft else None),
        "item_form": forms.get("item_form") or ItemForm(),
        "demand_form": forms.get("demand_form") or DemandForm(),
        "invite_form": invite,
        "confirm_form": confirm,
        "not_confirm_form": forms.get("not_confirm") or NotConfirmForm(),
        "result": selectors.published_result(tender),
    }
    return render(request, "tenders/detail.html", context)


@login_required
def detail(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    if request.method == "POST":
        form = TenderForm(request.POST)
        if form.is_valid():
            try:
                services.tender_update(
                    tender=tender, actor=_user(request), fields=form.fields_value()
                )
            except UserFacingError as error:
                _show(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("tenders:detail", tender_id=tender.pk)
        return _page(request, tender, tender_form=form)
    return _page(request, tender)


@login_required
@require_POST
def item_save(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    form = ItemForm(request.POST)
    if form.is_valid():
        try:
            services.tender_item_save(
                tender=tender, actor=_user(request), item=services.ItemInput(**form.cleaned_data)
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            return redirect("tenders:detail", tender_id=tender.pk)
    return _page(request, tender, item_form=form)


@login_required
@require_POST
def item_delete(request: HttpRequest, tender_id: int, code: str) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    try:
        services.tender_item_delete(tender=tender, actor=_user(request), code=code)
    except UserFacingError as error:
        messages.error(request, error.message)
    return redirect("tenders:detail", tender_id=tender.pk)


@login_required
@require_POST
def prefill(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    form = DemandForm(request.POST)
    if form.is_valid():
        try:
            items = tender_prefill(
                tender=tender, actor=_user(request), spec=DemandFilter(**form.cleaned_data)
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            messages.success(
                request, _("%(n)s items filled from pooled demand.") % {"n": len(items)}
            )
            return redirect("tenders:detail", tender_id=tender.pk)
    return _page(request, tender, demand_form=form)


@login_required
@require_POST
def invite(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    choices = {s.pk: s for s in _invitable(tender)}
    form = InviteForm(request.POST)
    form.fields["supplier"].choices = [(pk, s.name) for pk, s in choices.items()]  # type: ignore[attr-defined]
    if form.is_valid():
        try:
            services.tender_invite(
                tender=tender, actor=_user(request), supplier=choices[form.cleaned_data["supplier"]]
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            return redirect("tenders:detail", tender_id=tender.pk)
    return _page(request, tender, invite=form)


def _action(request: HttpRequest, tender_id: int, run: Any, done: str) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    try:
        run(tender=tender, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("tenders:detail", tender_id=tender.pk)


@login_required
@require_POST
def publish(request: HttpRequest, tender_id: int) -> HttpResponse:
    return _action(request, tender_id, services.tender_publish, _("Published to the suppliers."))


@login_required
@require_POST
def award(request: HttpRequest, tender_id: int) -> HttpResponse:
    return _action(
        request, tender_id, services.tender_award, _("Awarded: the ranking is published.")
    )


@login_required
@require_POST
def confirm(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    user = _user(request)
    form = ConfirmForm(request.POST)
    group = None
    if tender.federation_id is not None:
        assert tender.federation is not None
        mine = {g.pk: g for g in coordinated_member_groups(federation=tender.federation, user=user)}
        form.fields["group"].choices = [(pk, g.name) for pk, g in mine.items()]  # type: ignore[attr-defined]
        if form.is_valid() and form.cleaned_data.get("group"):
            group = mine[form.cleaned_data["group"]]
    try:
        tender_confirm(tender=tender, actor=user, group=group)
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Confirmed: the winning bids are now catalogues."))
    return redirect("tenders:detail", tender_id=tender.pk)


@login_required
@require_POST
def not_confirm(request: HttpRequest, tender_id: int) -> HttpResponse:
    tender = tender_for_organiser(tender_id=tender_id, user=request.user)
    form = NotConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.tender_not_confirm(
                tender=tender, actor=_user(request), reason=form.cleaned_data["reason"]
            )
        except UserFacingError as error:
            _show(form, error)
        else:
            return redirect("tenders:detail", tender_id=tender.pk)
    return _page(request, tender, not_confirm=form)
