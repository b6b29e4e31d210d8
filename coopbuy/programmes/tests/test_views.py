"""The programmes' pages: the admin's forms through to the services, refusals on the form,
outsiders not found, and the link pages (a GET changes nothing; the button does)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopbuy.accounts.models import User
from coopbuy.groups.models import Membership
from coopbuy.organisations.models import Programme
from coopbuy.programmes import enrolment, services
from coopbuy.programmes.models import DomainClaim, Enrolment, PickupPoint
from coopbuy.testing.factories import make_group, make_user
from coopbuy.testing.programmes import (
    confirm_domain,
    link_in_last_email,
    make_employer,
    make_programme,
)

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_admin_claims_a_domain_on_the_page_and_the_emailed_link_confirms_on_a_button(
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = make_user()
    employer = make_employer(admin)
    url = reverse("programmes:domains", args=[employer.slug])
    refused = _client(admin).post(url, {"domain": "gmail.com", "proof_email": "hr@gmail.com"})
    assert "Anyone can have an address at gmail.com" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        _client(admin).post(url, {"domain": "caldermills.example",
                                  "proof_email": "hr@caldermills.example"})  # fmt: skip
    path = link_in_last_email("hr@caldermills.example")
    anonymous = Client()
    assert "Yes, confirm" in anonymous.get(path).content.decode()
    assert DomainClaim.objects.get().confirmed_at is None  # opening the link changes nothing
    assert "Confirmed" in anonymous.post(path).content.decode()
    assert DomainClaim.objects.get().is_confirmed
    assert anonymous.get(path[:-3] + "xx/").status_code == 400


def test_an_admin_starts_a_programme_naming_a_coordinator_and_adds_a_pickup_point() -> None:
    admin, ruth = make_user(), make_user("Ruth Ackroyd", email="ruth@caldermills.example")
    employer = make_employer(admin)
    client = _client(admin)
    url = reverse("programmes:programmes", args=[employer.slug])
    response = client.post(url, {"name": "Staff", "coordinator_email": "nobody@x.example"})
    assert "Nobody has a coopbuy account" in response.content.decode()
    response = client.post(
        url, {"name": "Staff", "coordinator_email": "RUTH@caldermills.example",
              "group_slug": "calder-staff", "allows_friends_and_family": "on"},
    )  # fmt: skip
    programme = Programme.objects.get()
    assert response["Location"] == reverse("programmes:manage", args=[employer.slug, programme.pk])
    assert programme.group.slug == "calder-staff" and programme.allows_friends_and_family
    assert Membership.objects.get(group=programme.group).user == ruth
    client.post(response["Location"], {"name": "Reception", "address": "Dean Clough",
                                       "delivery_days": ["thu"], "notes": ""})  # fmt: skip
    assert PickupPoint.objects.get().delivery_days == "thu"


def test_outsiders_find_no_admin_page_and_members_see_pickup_points() -> None:
    admin = make_user()
    employer = make_employer(admin)
    programme = make_programme(employer, admin)
    outsider = _client(make_user())
    for name, args in (
        ("programmes:domains", [employer.slug]),
        ("programmes:programmes", [employer.slug]),
        ("programmes:manage", [employer.slug, programme.pk]),
        ("programmes:dashboard", [employer.slug, programme.pk]),
        ("programmes:dashboard_csv", [employer.slug, programme.pk]),
        ("organisations:edit", [employer.slug]),
    ):
        assert outsider.get(reverse(name, args=args)).status_code == 404, name
    assert outsider.get(reverse("programmes:public", args=[employer.slug])).status_code == 200


def test_joining_with_the_code_on_the_page_and_seeing_pickup_points() -> None:
    admin = make_user()
    employer = make_employer(admin)
    confirm_domain(employer, admin, "caldermills.example")
    programme = make_programme(employer, admin, friends_and_family=False)
    services.pickup_point_add(programme=programme, actor=admin, name="Reception",
                              address="Dean Clough", delivery_days=["thu"])  # fmt: skip
    person = make_user()
    client = _client(person)
    url = reverse("programmes:join", args=[employer.slug, programme.pk])
    page = client.get(url).content.decode()
    assert "caldermills.example" in page and "Dean Clough" not in page
    refused = client.post(url, {"code": programme.join_code.code, "friends_and_family": "on"})
    assert "is for staff only" in refused.content.decode()
    assert client.post(url, {"code": programme.join_code.code}).status_code == 302
    assert Enrolment.objects.get(user=person).via == "code"
    assert "Dean Clough" in client.get(url).content.decode()


def test_the_profile_is_edited_by_its_admins() -> None:
    admin = make_user()
    employer = make_employer(admin)
    _client(admin).post(reverse("organisations:edit", args=[employer.slug]),
                        {"name": "Calder Mills", "kind": "employer",
                         "description": "Dean Clough"})  # fmt: skip
    employer.refresh_from_db()
    assert (employer.name, employer.description) == ("Calder Mills", "Dean Clough")
    public = Client().get(reverse("programmes:public", args=[employer.slug])).content.decode()
    assert "Calder Mills" in public and "Dean Clough" in public
    assert not mail.outbox


def test_a_group_coordinator_answers_a_sponsorship_offer_from_the_emailed_link(
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin, kim = make_user(), make_user("Kim", email="kim@example.org")
    employer = make_employer(admin)
    group = make_group(kim, name="Halifax Wholefoods")
    with django_capture_on_commit_callbacks(execute=True):
        services.sponsorship_offer(organisation=employer, actor=admin, group=group, name="Perk")
    path = link_in_last_email("kim@example.org")
    assert _client(admin).get(path).status_code in {403, 404}  # the admin is not its coordinator
    assert "Accept" in _client(kim).get(path).content.decode()
    _client(kim).post(path, {"answer": "accept"})
    assert Programme.objects.get().group == group


def test_a_work_email_link_opened_by_another_account_is_refused_and_shows_no_address() -> None:
    admin = make_user()
    employer = make_employer(admin)
    confirm_domain(employer, admin, "caldermills.example")
    programme = make_programme(employer, admin)
    dana, eve = make_user("Dana"), make_user("Eve")
    token = enrolment.verification_token(
        programme=programme, user=dana, email="dana@caldermills.example"
    )
    url = reverse("programmes:enrol_verify", args=[token])
    for method in ("get", "post"):
        response = getattr(_client(eve), method)(url)
        assert response.status_code == 403
        assert "dana@caldermills.example" not in response.content.decode()
    assert "dana@caldermills.example" in _client(dana).get(url).content.decode()
    assert not Enrolment.objects.filter(user=eve).exists()
