"""Group pages: thin views that parse, check access (`permissions`), call a service, render."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coopbuy.accounts.models import User
from coopbuy.audit.selectors import audit_events_for_group
from coopbuy.errors import UserFacingError
from coopbuy.groups import invitations as invitation_services
from coopbuy.groups import join_requests as join_request_services
from coopbuy.groups import memberships as membership_services
from coopbuy.groups import selectors, services
from coopbuy.groups.delivery import DeliveryDetails, group_set_delivery
from coopbuy.groups.forms import (
    DeliveryForm,
    GroupCreateForm,
    GroupForm,
    InvitationForm,
    JoinRequestForm,
    RoleForm,
)
from coopbuy.groups.models import Invitation, JoinRequest, Membership
from coopbuy.groups.permissions import (
    can_manage,
    group_for_coordinator,
    group_for_member,
    group_for_member_list,
    group_for_viewer,
    member_in_group,
)

PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _form_error(form: GroupForm | InvitationForm | JoinRequestForm, error: UserFacingError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_for_user(user=_user(request))
    return render(request, "groups/mine.html", {"memberships": memberships})


@login_required
def create(request: HttpRequest) -> HttpResponse:
    form = GroupCreateForm(
        request.POST or None,
        initial={"visibility": "public", "join_policy": "approval", "currency": "GBP"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(creator=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your group is ready. Invite your neighbours next."))
            return redirect("groups:invitations", slug=group.slug)
    return render(request, "groups/create.html", {"form": form})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_viewer(slug=slug, user=request.user)
    context = {
        "group": group,
        "membership": membership,
        "member_count": selectors.member_count(group=group),
        "coordinators": selectors.members_of_group(group=group).filter(
            role=Membership.Role.COORDINATOR
        ),
        "pending_request": selectors.pending_request_of(group=group, user=request.user),  # type: ignore[arg-type]
        "join_form": JoinRequestForm(),
        "can_manage": can_manage(membership),
        "pending_count": selectors.pending_join_requests(group=group).count()
        if can_manage(membership)
        else 0,
    }
    return render(request, "groups/detail.html", context)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = group_for_viewer(slug=slug, user=request.user)
    user = _user(request)
    try:
        if group.join_policy == group.JoinPolicy.OPEN:
            membership_services.group_join(group=group, user=user)
            messages.success(request, _("Welcome to %(group)s!") % {"group": group.name})
        else:
            form = JoinRequestForm(request.POST)
            message = form.cleaned_data["message"] if form.is_valid() else ""
            if not form.is_valid():
                raise UserFacingError(_("Keep the message under 1000 characters."))
            join_request_services.join_request_create(group=group, user=user, message=message)
            messages.success(request, _("Your request is sent. A coordinator will answer soon."))
    except UserFacingError as error:
        messages.error(request, error.message)
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_POST
def withdraw_request(request: HttpRequest, slug: str) -> HttpResponse:
    group, _membership = group_for_viewer(slug=slug, user=request.user)
    join_request = selectors.pending_request_of(group=group, user=_user(request))
    if join_request is None:
        messages.info(request, _("You have no open request for this group."))
    else:
        join_request_services.join_request_withdraw(join_request=join_request, user=_user(request))
        messages.success(request, _("Your request is withdrawn."))
    return redirect("groups:detail", slug=group.slug)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    try:
        membership_services.membership_leave(membership=membership, user=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
        return redirect("groups:detail", slug=group.slug)
    messages.success(request, _("You have left %(group)s.") % {"group": group.name})
    return redirect("groups:mine")


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member_list(slug=slug, user=request.user)
    page = Paginator(selectors.members_of_group(group=group), PAGE_SIZE * 2).get_page(
        request.GET.get("page")
    )
    manage = can_manage(membership)
    context = {
        "group": group,
        "membership": membership,
        "page": page,
        "can_manage": manage,
        "roles": Membership.Role.choices,
        "join_requests": selectors.pending_join_requests(group=group) if manage else [],
        "former": selectors.former_members_of_group(group=group)[:50] if manage else [],
    }
    return render(request, "groups/members.html", context)


@login_required
@require_POST
def member_role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, mine_ = group_for_coordinator(slug=slug, user=request.user)
    target = member_in_group(group=group, membership_id=membership_id)
    form = RoleForm(request.POST)
    error = None
    if form.is_valid():
        try:
            target = membership_services.membership_change_role(
                membership=target, actor=_user(request), role=form.cleaned_data["role"]
            )
        except UserFacingError as exc:
            error = exc.message
    else:
        error = _("Choose a role from the list.")
    if request.htmx:  # type: ignore[attr-defined]
        target.refresh_from_db()
        return render(
            request,
            "groups/_member_row.html",
            {
                "m": target,
                "group": group,
                "can_manage": True,
                "roles": Membership.Role.choices,
                "row_error": error,
                "row_saved": error is None,
                "membership": mine_,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": target.user.name, "role": target.get_role_display()},
        )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    target = member_in_group(group=group, membership_id=membership_id)
    try:
        membership_services.membership_remove(membership=target, actor=_user(request))
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(user)s was removed from the group.") % {"user": target.user.name}
        )
    return redirect("groups:members", slug=group.slug)


@login_required
@require_POST
def join_request_decide(request: HttpRequest, slug: str, request_id: int) -> HttpResponse:
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=request_id, group=group
    )
    approve = request.POST.get("decision") == "approve"
    try:
        join_request_services.join_request_decide(
            join_request=join_request, actor=_user(request), approve=approve
        )
    except UserFacingError as error:
        messages.error(request, error.message)
    else:
        text = _("%(user)s is now a member.") if approve else _("You declined %(user)s's request.")
        messages.success(request, text % {"user": join_request.user.name})
    return redirect("groups:members", slug=group.slug)


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = invitation_services.invitation_create(
                group=group,
                actor=_user(request),
                email=data["email"],
                role=data["role"],
                days_valid=data["days_valid"],
                max_uses=data["max_uses"],
            )
        except UserFacingError as error:
            _form_error(form, error)
        else:
            if invitation.email:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
            else:
                messages.success(request, _("Your link is ready: copy it and share it."))
            return redirect(
                reverse("groups:invitations", args=[group.slug]) + f"#invitation-{invitation.pk}"
            )
    page = Paginator(selectors.invitations_of_group(group=group), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        (inv, request.build_absolute_uri(reverse("groups:invitation", args=[inv.code])))
        for inv in page
    ]
    return render(
        request,
        "groups/invitations.html",
        {"group": group, "membership": membership, "form": form, "page": page, "rows": rows},
    )


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    group, _mine = group_for_coordinator(slug=slug, user=request.user)
    invitation = get_object_or_404(Invitation, pk=invitation_id, group=group)
    invitation_services.invitation_revoke(invitation=invitation, actor=_user(request))
    messages.success(request, _("The invitation is revoked: its link no longer works."))
    return redirect("groups:invitations", slug=group.slug)


INVITATION_CODE = re.compile(r"[A-Za-z0-9_-]{1,64}")


def invitation_code(request: HttpRequest) -> HttpResponse:
    """People who were given a code rather than a link type it here."""
    code = request.GET.get("code", "").strip()
    if "/join/" in code:  # a whole link pasted into the box
        code = code.rstrip("/").rsplit("/", 1)[-1]
    if not code:
        messages.error(request, _("Type or paste the invitation code you were given."))
        return redirect("groups:mine" if request.user.is_authenticated else "groups:find")
    if not INVITATION_CODE.fullmatch(code):
        messages.error(
            request,
            _("That is not an invitation code: a code has only letters, digits, - and _."),
        )
        return redirect("groups:mine" if request.user.is_authenticated else "groups:find")
    return redirect("groups:invitation", code=code)


def invitation(request: HttpRequest, code: str) -> HttpResponse:
    """Where an invitation link leads: see the group, then sign in or up, then accept."""
    found = Invitation.objects.select_related("group", "created_by").filter(code=code).first()
    problem = invitation_services.invitation_problem(found)
    already = (
        found is not None
        and request.user.is_authenticated
        and Membership.objects.active().filter(group=found.group, user_id=request.user.pk).exists()
    )
    refused = False
    if request.method == "POST" and not problem:
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        assert found is not None
        try:
            invitation_services.invitation_accept(code=code, user=_user(request))
        except UserFacingError as error:
            problem = error.message
            refused = invitation_services.invitation_problem(found) is None  # for someone else, say
        else:
            messages.success(request, _("Welcome to %(group)s!") % {"group": found.group.name})
            return redirect("groups:detail", slug=found.group.slug)
    status = 410 if problem and found is not None else (404 if problem else 200)
    if problem and refused:
        status = 403
    return render(
        request,
        "groups/invitation.html",
        {"invitation": found, "problem": problem, "already": already},
        status=status,
    )


@login_required
def settings_view(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    fields = ["name", "description", "place", "latitude", "longitude", "visibility", "join_policy"]
    form = GroupForm(request.POST or None, initial={f: getattr(group, f) for f in fields})
    delivery_fields = [f"delivery_{f}" for f in DeliveryDetails.__dataclass_fields__]
    delivery_form = DeliveryForm(
        request.POST or None, initial={f: getattr(group, f) for f in delivery_fields}
    )
    if request.method == "POST" and form.is_valid() and delivery_form.is_valid():
        details = DeliveryDetails(
            **{f.removeprefix("delivery_"): v for f, v in delivery_form.cleaned_data.items()}
        )
        try:
            with transaction.atomic():  # both or neither
                group_set_delivery(group=group, actor=_user(request), details=details)
                services.group_update(group=group, actor=_user(request), **form.cleaned_data)
        except UserFacingError as error:
            target = delivery_form if error.field in delivery_form.fields else form
            target.add_error(error.field if error.field in target.fields else None, error.message)
        else:
            messages.success(request, _("The group's settings are saved."))
            return redirect("groups:detail", slug=group.slug)
    return render(
        request,
        "groups/settings.html",
        {"group": group, "membership": membership, "form": form, "delivery_form": delivery_form},
    )


@login_required
def activity(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    page = Paginator(audit_events_for_group(group=group), PAGE_SIZE * 2).get_page(
        request.GET.get("page")
    )
    return render(
        request, "groups/activity.html", {"group": group, "membership": membership, "page": page}
    )
