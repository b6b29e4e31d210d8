"""Sign-up with a verified email address, logging in, password reset, and the profile."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.accounts.services import ProfileError, profile_update
from coopbuy.testing.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_sign_up_needs_a_verified_email_before_logging_in() -> None:
    client = Client()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "ruth@example.org",
            "display_name": "Ruth Ashworth",
            "password1": "plums-and-custard-42",
            "password2": "plums-and-custard-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="ruth@example.org")
    assert user.name == "Ruth Ashworth"
    assert len(mail.outbox) == 1
    # Not verified yet: logging in is refused and a new confirmation is sent.
    other = Client()
    response = other.post(
        reverse("account_login"), {"login": "ruth@example.org", "password": "plums-and-custard-42"}
    )
    assert "_auth_user_id" not in other.session
    link = re.search(r"/accounts/confirm-email/[^/\s]+/", str(mail.outbox[0].body))
    assert link
    client.post(link.group(0))
    assert client.get(reverse("groups:mine")).status_code == 200
    assert EmailAddress.objects.get(user=user).verified


def test_sign_up_refuses_a_weak_password() -> None:
    response = Client().post(
        reverse("account_signup"),
        {"email": "new@example.org", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    # Django's rules in coopbuy's words (coopbuy/accounts/voice.py), not Django's own.
    assert "Choose a longer password: at least 8 characters." in html
    assert "Use letters as well as numbers in your password." in html
    assert "This password is too short" not in html
    assert not User.objects.filter(email="new@example.org").exists()


def test_logging_in_and_out_is_said_in_coopbuy_s_voice() -> None:
    user = make_user("Ann Member")
    client = Client()
    wrong = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    assert "That email address and password do not match" in wrong.content.decode()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    home = client.get(reverse("web:home"))
    assert "Welcome back, Ann Member." in home.content.decode()
    client.post(reverse("account_logout"))
    assert "You have logged out." in client.get(reverse("web:home")).content.decode()


def test_sign_up_with_a_taken_email_creates_no_second_account_and_reveals_nothing() -> None:
    """allauth prevents enumeration: the form looks the same; the owner is told by email."""
    make_user(email="taken@example.org")
    Client().post(
        reverse("account_signup"),
        {
            "email": "taken@example.org",
            "password1": "plums-and-custard-42",
            "password2": "plums-and-custard-42",
        },
    )
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert mail.outbox[-1].to == ["taken@example.org"]


def test_password_reset_sends_a_link() -> None:
    user = make_user()
    Client().post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_login_with_email_and_password() -> None:
    user = make_user()
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_profile_saves_name_place_location_and_language() -> None:
    user = make_user()
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Gareth Evans",
            "home_place": "HX7 8AD",
            "home_latitude": "53.74",
            "home_longitude": "-2.01",
            "language": "en-gb",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.home_place, user.language) == (
        "Gareth Evans",
        "HX7 8AD",
        "en-gb",
    )
    assert user.home_latitude == Decimal("53.740000")
    # Only English is offered until the translations are complete; an old "de" gets English.
    assert 'lang="en-gb"' in client.get(reverse("accounts:profile")).content.decode()
    User.objects.filter(pk=user.pk).update(language="de")
    assert 'lang="en-gb"' in client.get(reverse("accounts:profile")).content.decode()
    refused = client.post(reverse("accounts:profile"), {"display_name": "G", "language": "de"})
    assert refused.status_code == 200


def test_profile_form_names_the_field_at_fault_and_changes_nothing() -> None:
    user = make_user("Before")
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {"display_name": "After", "home_latitude": "91", "home_longitude": "", "language": "en-gb"},
    )
    assert response.status_code == 200
    assert "less than or equal to 90" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Before"


def test_profile_update_service_refuses_half_a_location() -> None:
    user = make_user()
    with pytest.raises(ProfileError) as error:
        profile_update(
            user=user,
            display_name="",
            home_place="",
            home_latitude=Decimal("1"),
            home_longitude=None,
            language="en-gb",
        )
    assert error.value.field == "home_longitude"
