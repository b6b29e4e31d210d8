"""Federation pages: the public list and overview, and (for those who run it) its applications,
roles, shared suppliers and money. A group's own page of federations is in `group_views.py`.

Every page reaches the federation through `permissions`: the public overview shows only public
facts (public groups named, private ones counted); the rest is not found for outsiders.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.federations import membership, selectors, services, sharing
from coopbuy.federations.extensions import MoneyPanel, money_panels
from coopbuy.federations.forms import FederationForm, RefuseForm, RoleForm, ShareForm
from coopbuy.federations.models import Federation, FederationGroup, FederationRole
from coopbuy.federations.models import FederationSupplier as Shared
from coopbuy.federations.permissions import (
    Role,
    federation_for_member,
    federation_for_public,
    federation_for_runner,
    roles_of,
    sees_every_group,
)
from coopbuy.groups.models import BuyingGroup
from coopbuy.ledger.selectors import format_money

RUNNERS = (Role.COORDINATOR, Role.TREASURER)


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _visible_groups(rows: list[FederationGroup], sees_all: bool) -> tuple[list[BuyingGroup], int]:
    """The member groups to name, and how many private ones are only counted."""
    groups = [row.group for row in rows]
    if sees_all:
        return groups, 0
    public = [g for g in groups if g.visibility == BuyingGroup.Visibility.PUBLIC]
    return public, len(groups) - len(public)


def directory(request: HttpRequest) -> HttpResponse:
    """Every federation with its public member groups and where they are; signed in or not."""
    page = Paginator(selectors.federations_public(), 20).get_page(request.GET.get("page"))
    cards = []
    for federation in page:
        shown, hidden = _visible_groups(list(getattr(federation, "member_rows", [])), False)
        cards.append({"federation": federation, "groups": shown, "private": hidden})
    return render(request, "federations/directory.html", {"page": page, "cards": cards})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = FederationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            federation = services.federation_create(creator=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s is ready.") % {"name": federation.name})
            return redirect("federations:overview", slug=federation.slug)
    return render(request, "federations/create.html", {"form": form})


def _context(federation: Federation, user: User | AnonymousUser, **extra: Any) -> dict[str, Any]:
    mine = roles_of(federation=federation, user=user)
    return {
        "federation": federation,
        "is_coordinator": Role.COORDINATOR in mine,
        "is_runner": bool(mine),
        "my_roles": mine,
        "sees_all": bool(mine) or sees_every_group(federation=federation, user=user),
        **extra,
    }


def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone sees the name, the public groups and the shared suppliers; runners and the people of
    member groups see every group and who runs it; runners see each group's markup."""
    federation = federation_for_public(slug=slug)
    sees_all = sees_every_group(federation=federation, user=request.user)
    rows = list(selectors.member_rows(federation))
    groups, private = _visible_groups(rows, sees_all)
    context = _context(
        federation,
        request.user,
        sees_all=sees_all,
        members=[{"row": r, "percent": membership.percent(r.markup_rate)} for r in rows],
        groups=groups,
        private=private,
        shared=selectors.shared_suppliers(federation),
        roles=selectors.active_roles(federation) if sees_all else [],
        waiting=selectors.applications(federation).count(),
    )
    return render(request, "federations/overview.html", context)


@login_required
def applications(request: HttpRequest, slug: str) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    page = Paginator(selectors.applications(federation), 20).get_page(request.GET.get("page"))
    context = _context(federation, request.user, page=page, refuse_form=RefuseForm())
    return render(request, "federations/applications.html", context)


def _application(federation: Federation, row_id: int) -> FederationGroup:
    return get_object_or_404(
        FederationGroup.objects.select_related("group", "federation"),
        pk=row_id,
        federation=federation,
    )


@login_required
@require_POST
def approve(request: HttpRequest, slug: str, row_id: int) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    row = _application(federation, row_id)
    try:
        membership.federation_application_approve(application=row, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(group)s is a member now.") % {"group": row.group.name})
    return redirect("federations:applications", slug=federation.slug)


@login_required
@require_POST
def refuse(request: HttpRequest, slug: str, row_id: int) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    row = _application(federation, row_id)
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, so the group knows what to change."))
        return redirect("federations:applications", slug=federation.slug)
    try:
        membership.federation_application_refuse(
            application=row, actor=_user(request), reason=form.cleaned_data["reason"]
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(group)s is told why.") % {"group": row.group.name})
    return redirect("federations:applications", slug=federation.slug)


@login_required
@require_POST
def remove_group(request: HttpRequest, slug: str, row_id: int) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    row = _application(federation, row_id)
    try:
        membership.federation_leave(federation=federation, group=row.group, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(group)s has left.") % {"group": row.group.name})
    return redirect("federations:overview", slug=federation.slug)


@login_required
def roles(request: HttpRequest, slug: str) -> HttpResponse:
    federation = federation_for_member(slug=slug, user=request.user)
    is_coordinator = Role.COORDINATOR in roles_of(federation=federation, user=request.user)
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        federation = federation_for_runner(slug=slug, user=request.user)
        if form.is_valid():
            try:
                added = services.federation_role_add(
                    federation=federation, actor=_user(request), **form.cleaned_data
                )
            except UserFacingError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(user)s is now a %(role)s.")
                    % {"user": added.user.name, "role": services.ROLE_NAMES[Role(added.role)]},
                )
                return redirect("federations:roles", slug=federation.slug)
    rows = list(selectors.active_roles(federation))
    coordinators = sum(1 for r in rows if r.role == Role.COORDINATOR)
    context = _context(federation, request.user, rows=rows, form=form,
                       coordinators=coordinators, is_coordinator=is_coordinator)  # fmt: skip
    return render(request, "federations/roles.html", context)


@login_required
@require_POST
def role_end(request: HttpRequest, slug: str, role_id: int) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    target = get_object_or_404(
        FederationRole.objects.select_related("user", "federation"),
        pk=role_id,
        federation=federation,
        ended_at__isnull=True,
    )
    try:
        services.federation_role_end(role=target, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(user)s's role has ended.") % {"user": target.user.name})
    mine = roles_of(federation=federation, user=request.user)
    if target.user_id == request.user.pk and target.ended_at is not None and not mine:
        return redirect("federations:overview", slug=federation.slug)
    return redirect("federations:roles", slug=federation.slug)


@login_required
def suppliers(request: HttpRequest, slug: str) -> HttpResponse:
    """The shared suppliers with their products, case sizes and price tiers (net, per unit)."""
    federation = federation_for_member(slug=slug, user=request.user)
    user = _user(request)
    shareable = selectors.shareable_suppliers(federation=federation, user=user)
    is_coordinator = Role.COORDINATOR in roles_of(federation=federation, user=user)
    form = ShareForm(request.POST or None, suppliers=shareable)
    if request.method == "POST":
        federation = federation_for_runner(slug=slug, user=user)
        if form.is_valid():
            try:
                sharing.federation_supplier_share(
                    federation=federation, supplier=form.cleaned_data["supplier"], actor=user
                )
            except UserFacingError as error:
                form.add_error("supplier", error.message)
            else:
                messages.success(request, _("The supplier is shared."))
                return redirect("federations:suppliers", slug=federation.slug)
    shared = list(selectors.shared_suppliers(federation, with_products=True))
    context = _context(
        federation, user, shared=shared, form=form, can_share=is_coordinator and shareable.exists()
    )
    return render(request, "federations/suppliers.html", context)


@login_required
@require_POST
def supplier_end(request: HttpRequest, slug: str, shared_id: int) -> HttpResponse:
    federation = federation_for_runner(slug=slug, user=request.user)
    row = get_object_or_404(
        Shared.objects.select_related("supplier", "federation"), pk=shared_id, federation=federation
    )
    try:
        sharing.federation_supplier_end(shared=row, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(supplier)s is no longer shared.") % {"supplier": row.supplier.name}
        )
    return redirect("federations:suppliers", slug=federation.slug)


@login_required
def money(request: HttpRequest, slug: str) -> HttpResponse:
    """The federation's book: its accounts with balances and its transactions (no member's data:
    the book has none). Its coordinators and treasurer only."""
    federation = federation_for_runner(slug=slug, user=request.user, roles=RUNNERS)
    return money_page(request, federation)


def money_page(
    request: HttpRequest, federation: Federation, with_errors: MoneyPanel | None = None
) -> HttpResponse:
    """The money page of a federation already reached through `permissions`: what each group
    owes it, the panels of the areas above (the one `with_errors` replaces, by its template,
    shows a form's errors), its accounts and transactions."""
    currency = federation.book.currency
    accounts = [
        {"account": a, "balance": format_money(a.balance, currency)}
        for a in selectors.book_accounts(federation)
    ]
    page = Paginator(selectors.book_transactions(federation), 25).get_page(request.GET.get("page"))
    rows = [
        {
            "transaction": t,
            "entries": [
                {"account": e.account, "amount": format_money(e.amount, currency)}
                for e in t.entries.all()
            ],
        }
        for t in page
    ]
    debts = [
        {"debt": d, "owed": format_money(d.owed, currency)}
        for d in selectors.group_debts(federation)
    ]
    panels = [
        with_errors if with_errors is not None and panel.template == with_errors.template else panel
        for panel in money_panels(federation=federation, user=_user(request))
    ]
    context = _context(
        federation, request.user, accounts=accounts, page=page, rows=rows, debts=debts,
        panels=panels,
    )  # fmt: skip
    return render(request, "federations/money.html", context)
