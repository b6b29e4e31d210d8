"""Work-email domain claims: an admin claims a domain, someone at it confirms by a signed link.

The confirmation goes to an address at the domain that the admin gives (e.g. `hr@…`); its link is
signed (`django.core.signing`, its own salt) and lasts `CLAIM_DAYS`. Webmail and internet
providers' domains are refused (`coopbuy.core.workdomains`); a domain (or one above or below it)
confirmed by another organisation is refused; the database allows one confirmed claim per domain.
"""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopbuy.accounts.models import User
from coopbuy.audit.services import audit_record
from coopbuy.core.workdomains import DomainInvalid, covers, domain_of_address, is_webmail
from coopbuy.core.workdomains import normalise_domain as _normalise
from coopbuy.errors import UserFacingError
from coopbuy.organisations.models import Organisation
from coopbuy.organisations.permissions import require_admin
from coopbuy.outbox.services import outbox_enqueue_many
from coopbuy.programmes import emails
from coopbuy.programmes.models import DomainClaim

CLAIM_DAYS = 7
CLAIM_SALT = "coopbuy.programmes.domain-claim"


class ClaimError(UserFacingError):
    pass


def normalise_domain(text: str) -> str:
    try:
        return _normalise(text)
    except DomainInvalid as error:
        raise ClaimError(
            _("“%(text)s” is not a domain name, e.g. caldermills.example.") % {"text": text},
            field="domain",
        ) from error


def confirmed_claims() -> list[DomainClaim]:
    return list(DomainClaim.objects.filter(confirmed_at__isnull=False, ended_at__isnull=True))


def _taken_by_another(domain: str, organisation: Organisation) -> DomainClaim | None:
    """Another organisation's confirmed claim of this domain, of one above it or below it."""
    for claim in confirmed_claims():
        if claim.organisation_id != organisation.pk and (
            covers(claim.domain, domain) or covers(domain, claim.domain)
        ):
            return claim
    return None


@transaction.atomic
def domain_claim_create(
    *, organisation: Organisation, actor: User, domain: str, proof_email: str
) -> DomainClaim:
    """Claim a domain; a confirmation link goes to `proof_email`, an address at that domain."""
    require_admin(organisation=organisation, user=actor)
    domain = normalise_domain(domain)
    if is_webmail(domain):
        raise ClaimError(
            _("Anyone can have an address at %(domain)s, so it cannot show who works for you.")
            % {"domain": domain},
            field="domain",
        )
    try:
        proof_domain = domain_of_address(proof_email)
    except DomainInvalid as error:
        raise ClaimError(_("Give an email address."), field="proof_email") from error
    if not covers(domain, proof_domain):
        raise ClaimError(
            _("The confirmation must go to an address at %(domain)s.") % {"domain": domain},
            field="proof_email",
        )
    if _taken_by_another(domain, organisation) is not None:
        raise ClaimError(
            _("%(domain)s is already claimed by another organisation.") % {"domain": domain},
            field="domain",
        )
    mine = DomainClaim.objects.filter(
        organisation=organisation, domain=domain, ended_at__isnull=True
    )
    if mine.filter(confirmed_at__isnull=False).exists():
        raise ClaimError(
            _("%(domain)s is already confirmed for you.") % {"domain": domain}, field="domain"
        )
    local = proof_email.strip().rpartition("@")[0]
    claim = DomainClaim.objects.create(
        organisation=organisation,
        domain=domain,
        proof_email=f"{local}@{proof_domain}",
        created_by=actor,
    )
    token = claim_token(claim)
    outbox_enqueue_many([emails.claim_confirmation_email(claim, organisation, token, CLAIM_DAYS)])
    audit_record(
        action="programmes.domain_claimed",
        summary=_("%(actor)s claimed %(domain)s for %(name)s")
        % {"actor": actor.name, "domain": domain, "name": organisation.name},
        actor=actor,
        data={"organisation": organisation.pk, "claim": claim.pk, "domain": domain},
    )
    return claim


def claim_token(claim: DomainClaim) -> str:
    """The signed token of a claim's confirmation link (what the emailed link carries)."""
    return signing.dumps({"claim": claim.pk, "domain": claim.domain}, salt=CLAIM_SALT)


def claim_for_token(token: str) -> DomainClaim:
    """The pending claim a confirmation link names, or `ClaimError` (expired, altered, done)."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=timedelta(days=CLAIM_DAYS))
    except signing.SignatureExpired as error:
        raise ClaimError(_("This link has expired: ask for a new one.")) from error
    except signing.BadSignature as error:
        raise ClaimError(_("This link is not valid: check that you copied all of it.")) from error
    claim = (
        DomainClaim.objects.select_related("organisation")
        .filter(pk=data.get("claim"), domain=data.get("domain"))
        .first()
    )
    if claim is None or claim.ended_at is not None:
        raise ClaimError(_("This claim was withdrawn."))
    return claim


@transaction.atomic
def domain_claim_confirm(*, token: str, actor: User | None = None) -> DomainClaim:
    """Whoever received the link confirms the claim (they need no account)."""
    claim = claim_for_token(token)
    organisation = claim.organisation
    Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).first()
    claim = DomainClaim.objects.select_for_update(no_key=True).get(pk=claim.pk)
    if claim.confirmed_at is not None:
        return claim
    if _taken_by_another(claim.domain, organisation) is not None:
        raise ClaimError(
            _("%(domain)s was confirmed by another organisation meanwhile.")
            % {"domain": claim.domain}
        )
    claim.confirmed_at = timezone.now()
    try:
        with transaction.atomic():
            claim.save(update_fields=["confirmed_at"])
    except IntegrityError as error:
        raise ClaimError(
            _("%(domain)s is already confirmed.") % {"domain": claim.domain}
        ) from error
    audit_record(
        action="programmes.domain_confirmed",
        summary=_("%(email)s confirmed that %(name)s uses %(domain)s")
        % {"email": claim.proof_email, "name": organisation.name, "domain": claim.domain},
        actor=actor,
        data={"organisation": organisation.pk, "claim": claim.pk, "domain": claim.domain},
    )
    return claim


@transaction.atomic
def domain_claim_end(*, claim: DomainClaim, actor: User) -> DomainClaim:
    """An admin withdraws a claim; people already enrolled stay enrolled."""
    require_admin(organisation=claim.organisation, user=actor)
    updated = DomainClaim.objects.filter(pk=claim.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    claim.refresh_from_db()
    if updated:
        audit_record(
            action="programmes.domain_claim_ended",
            summary=_("%(actor)s withdrew the claim of %(domain)s")
            % {"actor": actor.name, "domain": claim.domain},
            actor=actor,
            data={"organisation": claim.organisation_id, "claim": claim.pk},
        )
    return claim


def organisation_claim_for(*, organisation: Organisation, domain: str) -> DomainClaim | None:
    """The organisation's confirmed claim covering `domain` (the domain or a parent of it)."""
    for claim in DomainClaim.objects.filter(
        organisation=organisation, confirmed_at__isnull=False, ended_at__isnull=True
    ):
        if covers(claim.domain, domain):
            return claim
    return None
