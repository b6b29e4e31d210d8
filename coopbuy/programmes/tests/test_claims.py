"""Domain claims: proven by a signed link sent to an address at the domain; never webmail."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail, signing

from coopbuy.audit.models import AuditEvent
from coopbuy.errors import UserFacingError
from coopbuy.programmes import claims
from coopbuy.programmes.models import DomainClaim
from coopbuy.testing.factories import make_user
from coopbuy.testing.programmes import confirm_domain, link_in_last_email, make_employer

pytestmark = pytest.mark.django_db


def _token(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def test_a_claim_sends_a_signed_link_to_the_address_at_the_domain_and_the_link_confirms(
    django_capture_on_commit_callbacks: Any,
) -> None:
    admin = make_user("Asha Patel")
    employer = make_employer(admin)
    with django_capture_on_commit_callbacks(execute=True):
        claim = claims.domain_claim_create(
            organisation=employer, actor=admin, domain=" CalderMills.Example ",
            proof_email="HR@caldermills.example",
        )  # fmt: skip
    assert (claim.domain, claim.proof_email, claim.confirmed_at) == (
        "caldermills.example", "HR@caldermills.example", None,
    )  # fmt: skip
    assert mail.outbox[-1].to == ["HR@caldermills.example"]
    assert "Calder Mills Ltd" in mail.outbox[-1].subject
    path = link_in_last_email("HR@caldermills.example")
    assert path.startswith("/domains/confirm/")
    confirmed = claims.domain_claim_confirm(token=_token(path))
    assert confirmed.is_confirmed
    assert AuditEvent.objects.filter(action="programmes.domain_confirmed").count() == 1


@pytest.mark.parametrize(
    "domain", ["gmail.com", "hotmail.co.uk", "btinternet.com", "talktalk.net", "mail.yahoo.com"]
)
def test_webmail_domains_can_never_be_claimed(domain: str) -> None:
    admin = make_user()
    with pytest.raises(UserFacingError) as error:
        claims.domain_claim_create(
            organisation=make_employer(admin), actor=admin, domain=domain,
            proof_email=f"hr@{domain}",
        )  # fmt: skip
    assert error.value.field == "domain"
    assert not DomainClaim.objects.exists()
    assert not mail.outbox


def test_the_confirmation_must_go_to_an_address_at_the_domain() -> None:
    admin = make_user()
    with pytest.raises(UserFacingError) as error:
        claims.domain_claim_create(
            organisation=make_employer(admin), actor=admin, domain="caldermills.example",
            proof_email="asha@gmail.com",
        )  # fmt: skip
    assert error.value.field == "proof_email"
    claim = claims.domain_claim_create(
        organisation=make_employer(admin, "Other"), actor=admin, domain="caldermills.example",
        proof_email="it@leeds.caldermills.example",
    )  # fmt: skip
    assert claim.proof_email == "it@leeds.caldermills.example"


def test_bad_domain_syntax_is_refused_naming_the_field() -> None:
    admin = make_user()
    with pytest.raises(UserFacingError) as error:
        claims.domain_claim_create(
            organisation=make_employer(admin), actor=admin, domain="calder mills",
            proof_email="hr@x.example",
        )  # fmt: skip
    assert error.value.field == "domain"


def test_only_one_organisation_holds_a_confirmed_domain_or_its_subdomains() -> None:
    first_admin, second_admin = make_user(), make_user()
    first, second = make_employer(first_admin), make_employer(second_admin, "Rival Ltd")
    confirm_domain(first, first_admin, "caldermills.example")
    for domain in ("caldermills.example", "leeds.caldermills.example"):
        with pytest.raises(UserFacingError, match="already claimed"):
            claims.domain_claim_create(
                organisation=second, actor=second_admin, domain=domain,
                proof_email=f"hr@{domain}",
            )  # fmt: skip


def test_a_pending_claim_cannot_be_confirmed_once_another_organisation_confirmed_it() -> None:
    first_admin, second_admin = make_user(), make_user()
    first, second = make_employer(first_admin), make_employer(second_admin, "Rival Ltd")
    pending = claims.domain_claim_create(
        organisation=second, actor=second_admin, domain="caldermills.example",
        proof_email="hr@caldermills.example",
    )  # fmt: skip
    confirm_domain(first, first_admin, "caldermills.example")
    token = signing.dumps({"claim": pending.pk, "domain": pending.domain}, salt=claims.CLAIM_SALT)
    with pytest.raises(UserFacingError, match="another organisation"):
        claims.domain_claim_confirm(token=token)
    pending.refresh_from_db()
    assert pending.confirmed_at is None


def test_an_altered_or_expired_link_confirms_nothing(settings: Any) -> None:
    admin = make_user()
    claim = claims.domain_claim_create(
        organisation=make_employer(admin), actor=admin, domain="caldermills.example",
        proof_email="hr@caldermills.example",
    )  # fmt: skip
    token = signing.dumps({"claim": claim.pk, "domain": claim.domain}, salt=claims.CLAIM_SALT)
    with pytest.raises(UserFacingError, match="not valid"):
        claims.domain_claim_confirm(token=token[:-2] + "xx")
    other_salt = signing.dumps({"claim": claim.pk, "domain": claim.domain}, salt="other")
    with pytest.raises(UserFacingError, match="not valid"):
        claims.domain_claim_confirm(token=other_salt)
    claim.refresh_from_db()
    assert claim.confirmed_at is None


def test_a_link_older_than_a_week_has_expired(monkeypatch: pytest.MonkeyPatch) -> None:
    admin = make_user()
    claim = claims.domain_claim_create(
        organisation=make_employer(admin), actor=admin, domain="caldermills.example",
        proof_email="hr@caldermills.example",
    )  # fmt: skip
    import time

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now - 8 * 86400)
    token = signing.dumps({"claim": claim.pk, "domain": claim.domain}, salt=claims.CLAIM_SALT)
    monkeypatch.setattr(time, "time", lambda: now)
    with pytest.raises(UserFacingError, match="expired"):
        claims.domain_claim_confirm(token=token)


def test_only_the_organisations_admins_claim() -> None:
    admin, stranger = make_user(), make_user()
    with pytest.raises(Exception, match="admins"):
        claims.domain_claim_create(
            organisation=make_employer(admin), actor=stranger, domain="caldermills.example",
            proof_email="hr@caldermills.example",
        )  # fmt: skip
