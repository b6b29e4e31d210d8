"""Programmes and enrolment: a named coordinator, joining by work email or by code."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail, signing

from coopbuy.audit.models import AuditEvent
from coopbuy.errors import UserFacingError
from coopbuy.groups.models import BuyingGroup, Membership
from coopbuy.programmes import enrolment, services
from coopbuy.programmes.models import Enrolment, JoinCode, SponsorshipOffer
from coopbuy.testing.factories import add_member, make_group, make_user
from coopbuy.testing.programmes import (
    confirm_domain,
    link_in_last_email,
    make_employer,
    make_programme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting() -> dict[str, Any]:
    admin = make_user("Asha Patel")
    employer = make_employer(admin)
    confirm_domain(employer, admin, "caldermills.example")
    coordinator = make_user("Colm Byrne")
    programme = make_programme(employer, admin, coordinator=coordinator)
    return {
        "admin": admin,
        "employer": employer,
        "programme": programme,
        "coordinator": coordinator,
    }


def _roles(group: BuyingGroup) -> dict[str, str]:
    return {m.user.name: m.role for m in Membership.objects.active().filter(group=group)}


def test_a_programme_makes_a_private_group_run_by_the_named_coordinator_not_the_admin(
    setting: dict[str, Any],
) -> None:
    group = setting["programme"].group
    assert _roles(group) == {"Colm Byrne": "coordinator"}  # the admin has no role in it
    assert (group.visibility, group.join_policy) == ("private", "invitation")
    event = AuditEvent.objects.get(action="programmes.created")
    assert (event.actor, event.subject, event.group) == (
        setting["admin"], setting["coordinator"], group,
    )  # fmt: skip
    assert len(JoinCode.objects.get(programme=setting["programme"]).code) == 12


def test_an_admin_who_names_themself_is_the_coordinator() -> None:
    admin = make_user("Asha Patel")
    programme = make_programme(make_employer(admin), admin, coordinator=admin)
    assert _roles(programme.group) == {"Asha Patel": "coordinator"}


def test_only_admins_start_programmes() -> None:
    admin = make_user()
    with pytest.raises(Exception, match="admins"):
        make_programme(make_employer(admin), make_user())
    assert not BuyingGroup.objects.exists()


def test_an_employee_joins_by_work_email_through_the_emailed_link(
    setting: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    programme, employee = setting["programme"], make_user("Dana Shaw")
    with django_capture_on_commit_callbacks(execute=True):
        sent = enrolment.enrolment_request(
            programme=programme, user=employee, email="Dana.Shaw@Leeds.CalderMills.example"
        )
    assert sent == "dana.shaw@leeds.caldermills.example"  # a subdomain of the claim counts
    path = link_in_last_email(sent)
    assert path.startswith("/enrol/")
    with django_capture_on_commit_callbacks(execute=True):
        joined = enrolment.enrolment_verify(token=path.split("/")[2], user=employee)
    assert (joined.via, joined.email) == ("work_email", sent)
    assert _roles(programme.group)["Dana Shaw"] == "member"


def test_an_address_outside_the_claimed_domains_is_refused(setting: dict[str, Any]) -> None:
    for address in ("dana@gmail.com", "dana@notcaldermills.example", "not-an-address"):
        with pytest.raises(UserFacingError) as error:
            enrolment.enrolment_request(
                programme=setting["programme"], user=make_user(), email=address
            )
        assert error.value.field == "email"
    assert not mail.outbox


def test_the_link_works_only_for_the_person_who_asked_and_only_once_per_address(
    setting: dict[str, Any],
) -> None:
    programme, dana, eve = setting["programme"], make_user("Dana"), make_user("Eve")
    token = signing.dumps(
        {"p": programme.pk, "u": dana.pk, "e": "dana@caldermills.example"},
        salt=enrolment.VERIFY_SALT,
        compress=True,
    )
    with pytest.raises(UserFacingError, match="another account"):
        enrolment.enrolment_verify(token=token, user=eve)
    enrolment.enrolment_verify(token=token, user=dana)
    with pytest.raises(UserFacingError, match="already in"):
        enrolment.enrolment_verify(token=token, user=dana)
    with pytest.raises(UserFacingError, match="already joined with this address"):
        enrolment.enrolment_request(programme=programme, user=eve, email="dana@caldermills.example")
    with pytest.raises(UserFacingError, match="not valid"):
        enrolment.enrolment_verify(token=token + "x", user=dana)
    assert Enrolment.objects.filter(programme=programme).count() == 1


def test_joining_with_the_code_and_friends_and_family_only_if_allowed() -> None:
    admin = make_user()
    employer = make_employer(admin)
    staff_only = make_programme(employer, admin, name="Staff only", friends_and_family=False)
    code = JoinCode.objects.get(programme=staff_only).code
    with pytest.raises(UserFacingError) as error:
        enrolment.enrolment_by_code(
            programme=staff_only, user=make_user(), code=code, friends_and_family=True
        )
    assert error.value.field == "friends_and_family"
    with pytest.raises(UserFacingError) as error:
        enrolment.enrolment_by_code(programme=staff_only, user=make_user(), code="wrong-code")
    assert error.value.field == "code"
    staff = enrolment.enrolment_by_code(programme=staff_only, user=make_user(), code=code)
    assert (staff.via, staff.email) == ("code", "")
    open_door = make_programme(employer, admin, name="Open", friends_and_family=True)
    friend = enrolment.enrolment_by_code(
        programme=open_door,
        user=make_user(),
        code=JoinCode.objects.get(programme=open_door).code,
        friends_and_family=True,
    )
    assert friend.via == "friends_family"
    assert Membership.objects.active().filter(group=open_door.group).count() == 2


def test_a_renewed_code_stops_the_old_one(setting: dict[str, Any]) -> None:
    programme = setting["programme"]
    old = JoinCode.objects.get(programme=programme).code
    services.join_code_renew(programme=programme, actor=setting["admin"])
    with pytest.raises(UserFacingError):
        enrolment.enrolment_by_code(programme=programme, user=make_user(), code=old)


def test_a_sponsored_group_becomes_a_programme_when_its_coordinator_accepts() -> None:
    admin, coordinator = make_user(), make_user("Kim")
    employer = make_employer(admin)
    group = make_group(coordinator, name="Halifax Wholefoods")
    member = add_member(group)
    offer = services.sponsorship_offer(
        organisation=employer, actor=admin, group=group, name="Staff scheme"
    )
    with pytest.raises(Exception, match="coordinators"):
        services.sponsorship_decide(offer=offer, actor=admin, accept=True)
    programme = services.sponsorship_decide(offer=offer, actor=coordinator, accept=True)
    assert programme is not None and programme.group == group
    assert SponsorshipOffer.objects.get().status == "accepted"
    # An existing member enrols with the code without joining twice.
    enrolled = enrolment.enrolment_by_code(
        programme=programme, user=member.user, code=JoinCode.objects.get(programme=programme).code
    )
    assert enrolled.via == "code"
    assert Membership.objects.filter(group=group, user=member.user).count() == 1


def test_pickup_points_need_days_and_an_address(setting: dict[str, Any]) -> None:
    programme, admin = setting["programme"], setting["admin"]
    with pytest.raises(UserFacingError) as error:
        services.pickup_point_add(
            programme=programme, actor=admin, name="Reception", address="Dean Clough",
            delivery_days=["someday"],
        )  # fmt: skip
    assert error.value.field == "delivery_days"
    point = services.pickup_point_add(
        programme=programme, actor=admin, name="Reception",
        address="Dean Clough, Halifax HX3 5AX", delivery_days=["thu", "mon"],
    )  # fmt: skip
    assert (point.delivery_days, point.day_names) == ("mon,thu", ["Monday", "Thursday"])
