"""The application's emails: the federation's coordinators hear of it, the group's of the answer;
one message per person, and nothing for a refused attempt."""

from __future__ import annotations

import pytest

from coopbuy.federations.membership import (
    federation_application_approve,
    federation_application_refuse,
    federation_apply,
)
from coopbuy.federations.services import FederationError
from coopbuy.outbox.models import OutboxMessage
from coopbuy.testing.factories import coordinator_of, make_group
from coopbuy.testing.federations import make_federation

pytestmark = pytest.mark.django_db


def _sent() -> list[tuple[list[str], str, str]]:
    return [(m.to, m.subject, m.body) for m in OutboxMessage.objects.order_by("pk")]


def test_the_federation_hears_of_an_application_and_the_group_of_its_approval() -> None:
    federation = make_federation(name="Valley Federation")
    fay = federation.created_by
    assert fay is not None
    group = make_group(name="Leith Larder")
    gina = coordinator_of(group)
    OutboxMessage.objects.all().delete()
    row = federation_apply(federation=federation, group=group, actor=gina, message="We buy oats")
    [(to, subject, body)] = _sent()
    assert to == [fay.email] and subject == "Leith Larder asks to join Valley Federation"
    assert "We buy oats" in body and f"/f/{federation.slug}/applications/" in body
    OutboxMessage.objects.all().delete()
    federation_application_approve(application=row, actor=fay)
    [(to, subject, body)] = _sent()
    assert to == [gina.email] and subject == "Leith Larder is now a member of Valley Federation"
    assert f"/g/{group.slug}/federations/" in body


def test_a_refusal_tells_the_group_why_and_a_refused_attempt_sends_nothing() -> None:
    federation = make_federation()
    fay = federation.created_by
    assert fay is not None
    group = make_group(name="Leith Larder")
    gina = coordinator_of(group)
    row = federation_apply(federation=federation, group=group, actor=gina)
    OutboxMessage.objects.all().delete()
    with pytest.raises(FederationError):
        federation_application_refuse(application=row, actor=fay, reason=" ")
    assert _sent() == []
    federation_application_refuse(application=row, actor=fay, reason="Too far & away")
    [(to, subject, body)] = _sent()
    assert to == [gina.email] and "did not accept Leith Larder" in subject
    assert "Too far & away" in body  # plain text, unescaped
