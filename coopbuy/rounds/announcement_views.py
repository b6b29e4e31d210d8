"""Pages of round announcements: a member's choice per group, and the link in every email."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from coopbuy.groups.permissions import group_for_member
from coopbuy.rounds.announcements import (
    PREFERENCE_FIELD,
    announcement_preference_set,
    announcement_unsubscribe,
    read_unsubscribe_token,
    wants,
)
from coopbuy.rounds.forms import AnnouncementPreferenceForm
from coopbuy.rounds.models import RoundAnnouncement


@login_required
def announcement_settings(request: HttpRequest, slug: str) -> HttpResponse:
    group, membership = group_for_member(slug=slug, user=request.user)
    initial = {field: wants(membership, kind) for kind, field in PREFERENCE_FIELD.items()}
    form = AnnouncementPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        announcement_preference_set(membership=membership, **form.cleaned_data)
        messages.success(
            request, _("Your email choices for %(group)s are saved.") % {"group": group.name}
        )
        return redirect("rounds:announcement_settings", slug=group.slug)
    return render(
        request,
        "rounds/announcement_settings.html",
        {"group": group, "membership": membership, "form": form},
    )


# The link is the proof (signed, one membership and one kind), and mail programs post to it
# without a page of ours (RFC 8058 one-click): no CSRF token can be asked for.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "rounds/unsubscribe_invalid.html", status=403)
    membership, kind = found
    context = {
        "group": membership.group,
        "kind": kind,
        "what": RoundAnnouncement.Kind(kind).label,
        "token": token,
        "done": False,
    }
    if request.method == "POST":
        announcement_unsubscribe(membership=membership, kind=kind)
        context["done"] = True
    return render(request, "rounds/unsubscribe.html", context)
