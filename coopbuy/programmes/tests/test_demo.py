"""The demo's employer programme: the slugs the subsidies' seed relies on, and idempotence."""

from __future__ import annotations

import pytest

from coopbuy.demo.programmes_seed import seed_programmes
from coopbuy.groups.models import Membership
from coopbuy.organisations.models import Programme
from coopbuy.programmes.models import DomainClaim, Enrolment, PickupPoint

pytestmark = pytest.mark.django_db


def test_the_demo_programme_is_seeded_once_with_its_slugs() -> None:
    added, logins = seed_programmes(password_hash="!")
    assert added == 12  # the admin, the coordinator, nine employees, one friend
    assert seed_programmes(password_hash="!")[0] == 0
    programme = Programme.objects.get()
    assert (programme.organisation.slug, programme.group.slug, programme.name) == (
        "calder-mills", "calder-mills-staff", "Calder Mills staff buying group",
    )  # fmt: skip
    assert programme.allows_friends_and_family
    assert DomainClaim.objects.get().domain == "caldermills.example"
    assert DomainClaim.objects.get().is_confirmed
    by_email = Enrolment.objects.filter(programme=programme, via="work_email")
    assert by_email.count() == 10
    assert all(e.email.endswith("@caldermills.example") for e in by_email)
    assert Enrolment.objects.filter(via="friends_family").count() == 1
    point = PickupPoint.objects.get()
    assert (point.address, point.day_codes) == ("Reception, Dean Clough, Halifax HX3 5AX", ["thu"])
    roles = {
        m.user.email: m.role for m in Membership.objects.active().filter(group=programme.group)
    }
    assert roles["ruth.ackroyd@caldermills.example"] == "coordinator"
    assert roles["joanne.greenwood@caldermills.example"] == "treasurer"
    assert "helen.sutcliffe@caldermills.example" not in roles  # the HR admin has no role
    assert len(roles) == 11
    assert logins[0][0] == "helen.sutcliffe@caldermills.example"
