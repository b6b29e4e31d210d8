"""The coordinator's page to write a member's balance off, so that they can leave or be removed.

The form offers the group's current members whose balance is not zero. A second submission finds
the balance at zero (the write-off locks the account before reading it) and is refused, so the key
of each posting is made here, on the server.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coopbuy.accounts.models import User
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.groups.permissions import group_for_coordinator
from coopbuy.ledger.forms import MemberChoiceField, members_of
from coopbuy.ledger.keys import system_key
from coopbuy.ledger.write_off import ledger_write_off


class WriteOffForm(forms.Form):
    membership = MemberChoiceField(label=gettext_lazy("Member"), queryset=Membership.objects.none())
    reason = forms.CharField(
        label=gettext_lazy("Why the balance is written off"),
        max_length=160,
        help_text=gettext_lazy("The member sees it on their statement."),
    )

    def __init__(self, *args: Any, group: BuyingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, MemberChoiceField)
        field.queryset = (
            members_of(group)
            .filter(ledger_accounts__isnull=False)
            .exclude(ledger_accounts__balance=0)
        )


@login_required
def write_off(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_coordinator(slug=slug, user=request.user)
    initial = {"membership": request.GET.get("member")} if request.GET.get("member") else {}
    form = WriteOffForm(request.POST or None, group=group, initial=initial)
    if request.method == "POST" and form.is_valid():
        target: Membership = form.cleaned_data["membership"]
        assert isinstance(request.user, User)
        try:
            posted = ledger_write_off(
                membership=target,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                idempotency_key=system_key(f"write-off-{target.pk}-{uuid.uuid4().hex}"),
            )
        except UserFacingError as error:
            form.add_error("reason" if error.field == "reason" else None, error.message)
        else:
            messages.success(
                request,
                _("%(member)s's balance is written off (transaction #%(pk)s); it is now 0.00.")
                % {"member": target.user.name, "pk": posted.pk},
            )
            return redirect("groups:members", slug=group.slug)
    return render(
        request,
        "ledger/operation.html",
        {
            "group": group,
            "membership": membership,
            "form": form,
            "title": _("Write a balance off"),
        },
    )
