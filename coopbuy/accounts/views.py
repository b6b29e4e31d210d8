"""A person's own profile page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coopbuy.accounts.forms import ProfileForm
from coopbuy.accounts.models import User
from coopbuy.accounts.services import ProfileError, profile_update


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                profile_update(user=user, **form.cleaned_data)
            except ProfileError as error:
                form.add_error(error.field, str(error))
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,
                "home_place": user.home_place,
                "home_latitude": user.home_latitude,
                "home_longitude": user.home_longitude,
                "language": user.language,
            }
        )
    return render(request, "accounts/profile.html", {"form": form})
