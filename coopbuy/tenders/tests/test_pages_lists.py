"""The tenders page pages its three lists apart: plain links, each keeping the others' pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from coopbuy.tenders.models import Tender, TenderInvitation
from coopbuy.tenders.tests.world import make_world

pytestmark = pytest.mark.django_db


def test_invitations_and_awarded_tenders_are_paged_with_plain_links() -> None:
    world = make_world()
    start = timezone.now() + timedelta(days=30)
    for n in range(25):  # 25 more awarded tenders of group a, Alpha invited to each
        tender = Tender.objects.create(
            group=world.a, title=f"Extra {n:02}", status="awarded", deadline=start + timedelta(n)
        )
        TenderInvitation.objects.create(tender=tender, supplier=world.suppliers[0])
    seller = Client()
    seller.force_login(world.sellers[0])
    first = seller.get("/tenders/").content.decode()
    assert first.count("/bid/") == 20  # 26 invitations (the world's tender too): 20 a page
    assert 'href="?invitations=2#invited" rel="next"' in first
    second = seller.get("/tenders/?invitations=2&awarded=1").content.decode()
    assert second.count("/bid/") == 6
    assert 'href="?invitations=1&amp;awarded=1#invited" rel="prev"' in second
    assert "Extra 04" in second and "Extra 05" not in second  # the latest deadlines first
    member = Client()
    member.force_login(world.mia)
    page = member.get("/tenders/?awarded=2").content.decode()
    assert page.count("/saving/") == 5  # 25 awarded tenders of her group
    assert 'aria-label="Pages of the awarded tenders of my groups"' in page
    assert 'href="?awarded=1#awarded" rel="prev"' in page


def test_the_site_menu_leads_to_tenders_and_the_federation_to_starting_one() -> None:
    """With no email about tenders, the menu is how a supplier's person finds an invitation and
    a member an awarded tender; a federation's coordinators start one from its pages."""
    world = make_world()
    link = 'href="/tenders/"'
    assert link not in Client().get("/").content.decode()  # signed out: no tenders
    for person in (world.sellers[0], world.mia, world.fay):
        client = Client()
        client.force_login(person)
        assert link in client.get("/").content.decode()
    start = f'href="/tenders/new/federation/{world.federation.slug}/"'
    for person, linked in ((world.fay, True), (world.bea, False)):
        client = Client()
        client.force_login(person)
        page = client.get(f"/f/{world.federation.slug}/").content.decode()
        assert (start in page) is linked
    fay = Client()
    fay.force_login(world.fay)
    assert fay.get(f"/tenders/new/federation/{world.federation.slug}/").status_code == 200


def test_the_tenders_page_offers_to_start_one_where_the_person_coordinates() -> None:
    world = make_world()
    fed = f'href="/tenders/new/federation/{world.federation.slug}/"'
    group_a, group_b = (f'href="/tenders/new/group/{g.slug}/"' for g in (world.a, world.b))
    for person, offered in (
        (world.fay, {fed, group_a}),  # the federation's coordinator, and group a's
        (world.bea, {group_b}),
        (world.mia, set()),
        (world.sellers[0], set()),
    ):
        client = Client()
        client.force_login(person)
        page = client.get("/tenders/").content.decode()
        assert {link for link in (fed, group_a, group_b) if link in page} == offered
        assert ("Start a tender" in page) is bool(offered)
        for link in offered:  # each one opens the form
            assert client.get(link[6:-1]).status_code == 200
